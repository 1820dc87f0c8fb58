"""The preprocessor against gcc -E: the same token sequence for macro-heavy sources, including the rescanning
examples of the C standard (6.10.3.5) where hide sets decide what expands."""

import subprocess

import pytest
from b2i.cc.diagnostics import SourceFile
from b2i.cc.lexer import tokenize
from b2i.cc.preprocess import Preprocessor

SOURCES = {
    "standard_example_3": """
#define x 3
#define f(a) f(x * (a))
#undef x
#define x 2
#define g f
#define z z[0]
#define h g(~
#define m(a) a(w)
#define w 0,1
#define t(a) a
#define p() int
#define q(x) x
#define r(x,y) x ## y
#define str(x) # x
f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);
g(x+(3,4)-w) | h 5) & m
(f)^m(m);
p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };
char c[2][6] = { str(hello), str() };
""",
    "standard_example_4": """
#define str(s) # s
#define xstr(s) str(s)
#define debug(s, t) printf("x" # s "= %d, x" # t "= %s", x ## s, x ## t)
#define INCFILE(n) vers ## n
#define glue(a, b) a ## b
#define xglue(a, b) glue(a, b)
#define HIGHLOW "hello"
#define LOW LOW ", world"
debug(1, 2);
fputs(str(strncmp("abc\\0d", "abc", '\\4') == 0) str(: @\\n), s);
xstr(INCFILE(2).h)
glue(HIGH, LOW);
xglue(HIGH, LOW)
""",
    "standard_example_5": """
#define t(x,y,z) x ## y ## z
int j[] = { t(1,2,3), t(,4,5), t(6,,7), t(8,9,),
 t(10,,), t(,11,), t(,,12), t(,,) };
""",
    "variadic": """
#define showlist(...) puts(#__VA_ARGS__)
#define report(test, ...) ((test)?puts(#test): printf(__VA_ARGS__))
#define F(a, ...) f(a __VA_OPT__(,) __VA_ARGS__)
#define G(fmt, ...) printf(fmt, ## __VA_ARGS__)
showlist(The first, second, and third items.);
report(x>y, "x is %d but y is %d", x, y);
F(1) F(1, 2, 3) G("a") G("b", 1, 2)
""",
    "recursion_and_conditionals": """
#define foo foo
#define bar baz + foo
#define baz bar
#define LEVEL 3
#define CAT3(a, b, c) a ## b ## c
foo bar baz
#if LEVEL > 2 && defined(foo) && !defined missing
level_high
#elif LEVEL == 2
level_two
#else
level_low
#endif
#if (0x10 + 010) == 24 && (1 << 4) == 16 && -1 < 0 && 'a' == 97
arithmetic_ok
#endif
CAT3(x, y, z) CAT3(1, 2, 3)
""",
}


def tokens(text):
    return [t.text for t in tokenize(SourceFile("x", text)) if t.kind != "eof" and not (t.bol and t.text == "#")]


def ours(text):
    pp = Preprocessor()
    return [t.text for t in pp.run_file("test.c", text) if t.kind != "eof"]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_same_tokens_as_gcc_E(name, oracle, tmp_path):
    path = tmp_path / "pp.c"
    path.write_text(SOURCES[name])
    r = subprocess.run(
        [oracle("gcc"), "-E", "-P", "-std=c2x", "-undef", "-nostdinc", str(path)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert ours(SOURCES[name]) == tokens(r.stdout)
