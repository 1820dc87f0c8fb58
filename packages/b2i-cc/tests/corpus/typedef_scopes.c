/* Typedef names redeclared as variables, members and parameters in inner scopes (the lexer hack's hard case). */
#include <stdio.h>
typedef int T;
typedef struct node node;
struct node { int T; node *next; };
static int f(int T) { return T * 2; }
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
    return 0;
}
