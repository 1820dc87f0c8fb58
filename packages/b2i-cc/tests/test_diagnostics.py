"""Invalid programs: b2i-cc reports `file:line:col: error: ...` at the place gcc does, with the source line and a
caret, and exits 1; generated garbage never crashes the compiler (no traceback)."""

import os
import re
import subprocess

import pytest
from b2i.cc.compiler import compile_c
from b2i.cc.diagnostics import CompileError, SourceFile
from b2i.cc.lexer import tokenize
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

INVALID = {
    "undeclared": "int main(void) { return x; }\n",
    "missing_semicolon": "int main(void) {\n  int a = 1\n  return a;\n}\n",
    "not_lvalue": "int main(void) { 1 = 2; return 0; }\n",
    "not_a_function": "int main(void) { int a = 0; return a(); }\n",
    "break_outside_loop": "int main(void) {\n  break;\n}\n",
    "redefinition": "int f(void) { return 0; }\nint f(void) { return 1; }\n",
    "unterminated_comment": "int x;\n/* no end\n",
    "hash_error": "#if 1\n#error stop here\n#endif\n",
    "bad_operands": "struct s { int a; };\nint main(void) { struct s v; return v + 1; }\n",
    "no_member": "struct s { int a; };\nint main(void) { struct s v; return v.b; }\n",
    "too_few_arguments": "int f(int a, int b);\nint main(void) { return f(1); }\n",
    "missing_paren": "int main(void) { return (1 + 2; }\n",
    "duplicate_case": "int main(int c, char **v) { switch (c) { case 1: case 1: return 0; } return 1; }\n",
    "unknown_type": "int main(void) { foo_t x; return 0; }\n",
    "stray_character": "int main(void) {\n  return 1 @ 2;\n}\n",
    "void_value": "void f(void);\nint main(void) { int x = f(); return x; }\n",
}

LOCATION = re.compile(r"^(\S+?):(\d+):(\d+): error: (.*)$", re.M)


def gcc_location(oracle, tmp_path, source):
    path = tmp_path / "bad.c"
    path.write_text(source)
    r = subprocess.run([oracle("gcc"), "-fsyntax-only", "-std=c11", str(path)], capture_output=True, text=True)
    assert r.returncode != 0
    m = LOCATION.search(r.stderr)
    return int(m.group(2)), int(m.group(3))


@pytest.mark.parametrize("name", sorted(INVALID))
def test_error_location_matches_gcc(name, tmp_path, oracle):
    source = INVALID[name]
    path = tmp_path / f"{name}.c"
    path.write_text(source)
    r = subprocess.run(["b2i-cc", "-S", "-o", str(tmp_path / "out.s"), str(path)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    m = LOCATION.search(r.stderr)
    assert m, r.stderr
    assert m.group(1) == str(path)
    line, col = int(m.group(2)), int(m.group(3))
    assert (line, col) == gcc_location(oracle, tmp_path, source), r.stderr
    # the offending line is quoted, then a caret under the column
    lines = r.stderr.splitlines()
    i = next(k for k, text in enumerate(lines) if LOCATION.match(text))
    assert lines[i + 1] == source.splitlines()[line - 1]
    assert lines[i + 2] == " " * (col - 1) + "^"


def test_warnings_for_implicit_declaration_and_incompatible_pointers(tmp_path):
    path = tmp_path / "warn.c"
    path.write_text("int main(void) {\n  int x = 0;\n  long *p = &x;\n  return foo(*p);\n}\n")
    r = subprocess.run(["b2i-cc", "-S", "-o", str(tmp_path / "w.s"), str(path)], capture_output=True, text=True)
    assert r.returncode == 0
    assert f"{path}:3:13: warning: incompatible pointer types" in r.stderr
    assert f"{path}:4:10: warning: implicit declaration of function 'foo'" in r.stderr
    quiet = subprocess.run(["b2i-cc", "-w", "-S", "-o", str(tmp_path / "w.s"), str(path)], capture_output=True)
    assert quiet.stderr == b""


C_VOCABULARY = [
    "int",
    "char",
    "struct",
    "union",
    "enum",
    "typedef",
    "if",
    "else",
    "while",
    "for",
    "return",
    "switch",
    "case",
    "default",
    "sizeof",
    "static",
    "const",
    "void",
    "x",
    "y",
    "f",
    "T",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ";",
    ",",
    "=",
    "+",
    "-",
    "*",
    "/",
    "&",
    "->",
    ".",
    "?",
    ":",
    "<<",
    "&&",
    "!",
    "0",
    "1",
    "42",
    "1.5",
    "'a'",
    '"s"',
    "#define",
    "#if",
    "#endif",
    "#include",
    "\n",
    "...",
    "##",
    "#",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.lists(st.sampled_from(C_VOCABULARY), max_size=60).map(" ".join),
        st.text(max_size=200),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    )
)
def test_garbage_never_crashes(text):
    """Any input either compiles or raises CompileError with a location; nothing else escapes."""
    try:
        compile_c("fuzz.c", text, nostdinc=True)
    except CompileError as e:
        assert e.message
        assert e.render()


CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def corpus_program(name):
    """A corpus program as (its directive lines, the tokens of the rest), so mutations keep #include intact."""
    with open(os.path.join(CORPUS, name)) as f:
        lines = f.read().splitlines()
    head = "".join(line + "\n" for line in lines if line.startswith("#"))
    body = "\n".join(line for line in lines if not line.startswith("#"))
    return head, [t.text for t in tokenize(SourceFile(name, body)) if t.kind != "eof"]


@st.composite
def mutated_program(draw):
    """A corpus program with a few tokens deleted, doubled, swapped or replaced: nearly C, wrong in odd places."""
    head, words = corpus_program(draw(st.sampled_from(sorted(f for f in os.listdir(CORPUS) if f.endswith(".c")))))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(words) - 2))
        op = draw(st.sampled_from(["delete", "double", "swap", "replace"]))
        if op == "delete":
            del words[i]
        elif op == "double":
            words.insert(i, words[i])
        elif op == "swap":
            words[i], words[i + 1] = words[i + 1], words[i]
        else:
            words[i] = draw(st.sampled_from(words))
    return head + " ".join(words)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_program())
def test_mutated_corpus_never_crashes(text):
    """Real programs with small mistakes compile or raise CompileError with a location; nothing else escapes."""
    try:
        compile_c(os.path.join(CORPUS, "mutated.c"), text)
    except CompileError as e:
        assert e.message and e.line > 0
        assert e.render()
