/* Typedef names redeclared as variables, members and parameters in inner scopes (the lexer hack's hard case). */
#include <stdio.h>
typedef int T;
typedef struct node node;
struct node { int T; node *next; };
static int f(int T) { return T * 2; }
typedef struct { int T; } S; /* a member named like a typedef */
static int g(T T) { return T + 1; }
static int shadows(void) {
    T x = 2;
    {
        T T = 3; /* T T: a variable named T of type T */
        x += T;
        {
            typedef char T; /* a typedef again, inner */
            T c = 'a';
            x += sizeof(T) + c;
        }
    }
    {
        enum { T = 7 }; /* an enum constant hides the typedef */
        x += T;
    }
T:  x++; /* a label */
    if (x < 150) goto T;
    {
        unsigned T = 9;
        x += T;
    }
    for (T T = 0; T < 3; T++) { x += T * (T) + 1; }
    for (T T = 0; T < 3; T++) x += (T) + 2;
    {
        struct { T T; } q = {11};
        T z = q.T;
        x += z + (T)1;
    }
    return x;
}
int main(void) {
    T a = 3;
    node n = {5, 0};
    {
        long T = 7;
        printf("%ld\n", T + a);
    }
    T b = f(a);
    unsigned node = 9;
    printf("%d %d %u %d\n", b, n.T, node, (int)sizeof(T));
    S s = {4};
    printf("%d %d %d\n", s.T, g(4), shadows());
    return 0;
}
