/* Types that exercise every psABI case: integer pairs, float pairs, float+int, int+float, >16 bytes, odd sizes. */
struct small { int a, b; };
struct pairl { long a, b; };
struct dd { double x, y; };
struct fi { float f; int i; };
struct id { int i; double d; };
struct big { long v[4]; double d; };
struct chars { char c[3]; };
struct f1 { float f; };
struct nest { struct { float x; } in; float y; };

long gcc_sum_small(struct small s);
struct pairl gcc_make_pair(long a, long b);
struct dd gcc_scale(struct dd p, double k);
struct fi gcc_fi(struct fi v);
struct id gcc_id(struct id v);
struct big gcc_big(struct big b, int k);
struct chars gcc_chars(struct chars c);
struct f1 gcc_f1(struct f1 v);
struct nest gcc_nest(struct nest v);
double gcc_mix(int a, double b, float c, long d, double e, double f, double g, double h, double i, double j,
               double k, int l, float m);
long gcc_many(long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8, long a9, long a10,
              struct pairl p, struct small s);
int gcc_vsum(int n, ...);
double gcc_vdsum(int n, ...);
double gcc_calls_back(double (*fn)(struct small, struct dd, struct big, struct fi, float, int), int k);
long gcc_calls_our_varargs(long (*fn)(int, ...));
