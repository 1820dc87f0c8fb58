"""The preprocessor against gcc -E: the same token sequence for macro-heavy sources, including the rescanning
examples of the C standard (6.10.3.5) where hide sets decide what expands."""

import subprocess

import pytest
from b2i.cc.diagnostics import SourceFile
from b2i.cc.lexer import tokenize
from b2i.cc.preprocess import Preprocessor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    "if_unsigned_arithmetic": """
#if -1 < 0u
minus_one_below_zero_unsigned
#endif
#if -1 > 0u && (0u - 1) == 18446744073709551615u && -1 / 2u > 0
unsigned_wins
#endif
#if 18446744073709551615 == -1 && 0xffffffffffffffff > 0
large_constants_are_unsigned
#endif
#if (1 ? -1 : 0u) > 0 && (-1 >> 1) == -1 && (-1u >> 63) == 1
conditional_and_shifts
#endif
#if -7 / 2 == -3 && -7 % 2 == -1 && 7u % 3 == 1
truncating_division
#endif
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


@st.composite
def if_expression(draw, depth=0):
    """An integer #if expression: signed and unsigned constants, unary and binary operators, ?:."""
    if depth > 3 or draw(st.integers(0, 3)) == 0:
        value = draw(st.sampled_from([0, 1, 2, 7, 63, 255, 2**31, 2**63 - 1, 2**64 - 1]))
        return f"{value}{draw(st.sampled_from(['', '', 'u', 'U', 'll', 'ull']))}" if value < 2**63 else f"{value}u"
    kind = draw(st.sampled_from(["unary", "binary", "binary", "divide", "conditional"]))
    a = draw(if_expression(depth + 1))
    if kind == "unary":
        return f"({draw(st.sampled_from(['-', '~', '!', '+']))}{a})"
    if kind == "divide":  # a literal divisor, never zero
        return f"({a} {draw(st.sampled_from(['/', '%']))} {draw(st.sampled_from(['3', '7u', '2']))})"
    b = draw(if_expression(depth + 1))
    if kind == "conditional":
        return f"({draw(if_expression(depth + 1))} ? {a} : {b})"
    ops = ["+", "-", "*", "<", ">", "<=", ">=", "==", "!=", "&", "|", "^", "&&", "||", "<<", ">>"]
    op = draw(st.sampled_from(ops))
    if op in ("<<", ">>"):
        b = draw(st.sampled_from(["0", "1", "5", "63"]))
    return f"({a} {op} {b})"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(if_expression(), min_size=20, max_size=20))
def test_if_arithmetic_like_gcc(oracle, tmp_path, exprs):
    """#if evaluates in intmax_t/uintmax_t with C's conversions, as gcc does: each branch taken the same way."""
    source = "".join(f"#if {e}\nyes{i}\n#else\nno{i}\n#endif\n" for i, e in enumerate(exprs))
    path = tmp_path / "if.c"
    path.write_text(source)
    r = subprocess.run(
        [oracle("gcc"), "-E", "-P", "-std=c11", "-w", "-undef", "-nostdinc", str(path)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert ours(source) == tokens(r.stdout)
