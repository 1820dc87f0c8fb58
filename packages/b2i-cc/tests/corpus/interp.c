/* A small interpreter: tokenizer, recursive-descent parser, tree evaluation, a chained hash table of variables,
 * and a growable string buffer; the kind of code b2i-py is made of. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_NUM, T_NAME, T_OP, T_END } tok_kind;
typedef struct { tok_kind kind; long value; char text[16]; } token;

typedef struct node {
    char op; /* 0 for numbers, 'v' for variables */
    long value;
    char name[16];
    struct node *left, *right;
} node;

typedef struct entry { char *key; long value; struct entry *next; } entry;
typedef struct { entry *buckets[31]; int count; } table;

typedef struct { char *data; size_t len, cap; } sbuf;

static const char *src;
static token cur;

static void next_token(void) {
    while (isspace((unsigned char)*src)) src++;
    if (!*src) { cur.kind = T_END; return; }
    if (isdigit((unsigned char)*src)) {
        cur.kind = T_NUM;
        cur.value = strtol(src, (char **)&src, 10);
        return;
    }
    if (isalpha((unsigned char)*src)) {
        int n = 0;
        while (isalnum((unsigned char)*src) && n < 15) cur.text[n++] = *src++;
        cur.text[n] = 0;
        cur.kind = T_NAME;
        return;
    }
    cur.kind = T_OP;
    cur.text[0] = *src++;
    cur.text[1] = 0;
}

static node *new_node(char op, node *l, node *r) {
    node *n = calloc(1, sizeof *n);
    n->op = op;
    n->left = l;
    n->right = r;
    return n;
}

static node *expr(void);

static node *primary(void) {
    node *n;
    if (cur.kind == T_NUM) {
        n = new_node(0, 0, 0);
        n->value = cur.value;
        next_token();
    } else if (cur.kind == T_NAME) {
        n = new_node('v', 0, 0);
        strcpy(n->name, cur.text);
        next_token();
    } else if (cur.kind == T_OP && cur.text[0] == '(') {
        next_token();
        n = expr();
        next_token(); /* ) */
    } else if (cur.kind == T_OP && cur.text[0] == '-') {
        next_token();
        n = new_node('-', new_node(0, 0, 0), primary());
    } else {
        n = new_node(0, 0, 0);
    }
    return n;
}

static node *term(void) {
    node *n = primary();
    while (cur.kind == T_OP && strchr("*/%", cur.text[0])) {
        char op = cur.text[0];
        next_token();
        n = new_node(op, n, primary());
    }
    return n;
}

static node *expr(void) {
    node *n = term();
    while (cur.kind == T_OP && (cur.text[0] == '+' || cur.text[0] == '-')) {
        char op = cur.text[0];
        next_token();
        n = new_node(op, n, term());
    }
    return n;
}

static unsigned hash(const char *s) {
    unsigned h = 5381;
    while (*s) h = h * 33 + (unsigned char)*s++;
    return h % 31;
}

static long *lookup(table *t, const char *key, int create) {
    for (entry *e = t->buckets[hash(key)]; e; e = e->next)
        if (strcmp(e->key, key) == 0) return &e->value;
    if (!create) return 0;
    entry *e = malloc(sizeof *e);
    e->key = strdup(key);
    e->value = 0;
    e->next = t->buckets[hash(key)];
    t->buckets[hash(key)] = e;
    t->count++;
    return &e->value;
}

static long eval(node *n, table *vars) {
    switch (n->op) {
    case 0: return n->value;
    case 'v': { long *v = lookup(vars, n->name, 0); return v ? *v : 0; }
    case '+': return eval(n->left, vars) + eval(n->right, vars);
    case '-': return eval(n->left, vars) - eval(n->right, vars);
    case '*': return eval(n->left, vars) * eval(n->right, vars);
    case '/': { long d = eval(n->right, vars); return d ? eval(n->left, vars) / d : 0; }
    case '%': { long d = eval(n->right, vars); return d ? eval(n->left, vars) % d : 0; }
    }
    return 0;
}

static void free_tree(node *n) {
    if (!n) return;
    free_tree(n->left);
    free_tree(n->right);
    free(n);
}

static void append(sbuf *b, const char *s) {
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n + 1);
    b->len += n;
}

int main(void) {
    const char *program[] = {
        "x = 6 * 7", "y = x - 2 * (3 + 4)", "z = -x % 5 + y / 3", "w = (x + y) * (x - y) / 7",
        "big = w * w * w", "x = x + 1", "q = big / (x - 43)",
    };
    table vars = {{0}, 0};
    sbuf out = {0, 0, 0};
    for (unsigned i = 0; i < sizeof program / sizeof program[0]; i++) {
        char name[16];
        const char *eq = strchr(program[i], '=');
        size_t n = (size_t)(eq - program[i]);
        while (n && program[i][n - 1] == ' ') n--;
        memcpy(name, program[i], n);
        name[n] = 0;
        src = eq + 1;
        next_token();
        node *tree = expr();
        long v = eval(tree, &vars);
        *lookup(&vars, name, 1) = v;
        free_tree(tree);
        char line[64];
        snprintf(line, sizeof line, "%s=%ld;", name, v);
        append(&out, line);
    }
    printf("%s\n%d variables, %lu bytes\n", out.data, vars.count, out.len);
    free(out.data);
    return vars.count;
}
