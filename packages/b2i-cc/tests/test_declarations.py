"""Declarations against gcc: where a typedef name is a type and where it is being redeclared (C11 6.2.1, 6.7.8),
and the redeclaration and linkage rules (6.2.2, 6.7p3). gcc -fsyntax-only accepts or rejects each program; b2i-cc
must agree, and when both reject, report the first error at the same line and column."""

import re
import subprocess

import pytest
from b2i.cc.compiler import compile_c
from b2i.cc.diagnostics import CompileError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROGRAMS = {
    # typedef names redeclared as ordinary identifiers, and where they stay types
    "param_named_like_typedef": "typedef int T;\nint f(T T) { return T + 1; }\n",
    "param_hides_later_params": "typedef int T;\nint f(T T, T y);\n",
    "param_scope_ends": "typedef int T;\nint f(T T);\nT z;\n",
    "param_hides_in_body": "typedef int T;\nint f(int T) { T y; return 0; }\n",
    "nested_prototype_param": "typedef int T;\nint g(int (*cb)(int T), T x) { T y = x; return y; }\n",
    "variable_hides_typedef": "typedef int T;\nvoid f(void) { T x; int T; T y; }\n",
    "inner_block_hides": "typedef int T;\nvoid f(void) { int T; { T x; } }\n",
    "inner_block_ends": "typedef int T;\nvoid f(void) { { int T; } T x; }\n",
    "for_variable": "typedef int T;\nvoid f(void) { for (int T = 0; T < 2; T++) { T y; } }\n",
    "for_variable_scope_ends": "typedef int T;\nvoid f(void) { for (int T = 0; T < 2; T++) ; T y; }\n",
    "for_body_without_braces": "typedef int T;\nvoid f(void) { for (int T = 0; T < 2; T++) (T)++; T y; }\n",
    "nested_for_bodies": (
        "typedef int T, U;\nvoid f(void) { for (int T = 0; T < 2; T++) for (int U = T; U < 2; U++) (T) += U; T z; }\n"
    ),
    "for_body_if_else": (
        "typedef int T;\nvoid f(int n) { if (n) for (int T = 0; T < 2; T++) if (T) (T)++; else (T)--; else { T y; } }\n"
    ),
    "for_body_then_use_as_variable": "typedef int T;\nvoid f(void) { for (int T = 0; T < 2; T++) ; (T)++; }\n",
    "members_named_like_typedef": "typedef int T;\nstruct S { T T; T y; };\n",
    "enum_constant_hides": "typedef int T;\nvoid f(void) { enum { T }; T y; }\n",
    "enum_in_struct_hides": "typedef int T;\nvoid f(void) { struct { enum { T } e; } s; int y = T; }\n",
    "typedef_again_same_type": "typedef int T;\ntypedef T T;\nT x;\n",
    "typedef_again_other_type": "typedef int T;\ntypedef char T;\n",
    "label_named_like_typedef": "typedef int T;\nvoid f(void) { T: ; goto T; }\n",
    "case_then_label": "typedef int T;\nvoid f(int x) { switch (x) { case 1: T: break; } }\n",
    "sizeof_before_and_after": "typedef int T;\nvoid f(void) { int x = sizeof(T); long T = 3; x = sizeof(T); }\n",
    "abstract_parameter": "typedef int T;\nvoid f(T);\nvoid g(int (T));\n",
    "pointer_declaration": "typedef int T;\nvoid f(void) { T * T; }\n",
    "multiplication_after_hiding": "typedef int T;\nvoid f(void) { int T; T * T; }\n",
    "struct_tag_named_like_typedef": "typedef int T;\nstruct T { int a; };\nstruct T s;\nT t;\n",
    "cast_vs_parenthesized": "typedef int T;\nvoid f(void) { int x = (T) + 1; }\n",
    "parenthesized_variable": "typedef int T;\nvoid f(void) { int T = 1; int x = (T) + 1; }\n",
    "declarator_list": "typedef int T;\nvoid f(void) { T T = 2, y = T; }\n",
    "qualified_redeclaration": "typedef int T;\nvoid f(void) { static const T T = 1; }\n",
    "grouped_declarator": "typedef int T;\nvoid f(void) { T (x); x = 1; }\n",
    "function_pointer_variable": "typedef int T;\nvoid f(void) { int (*T)(void); T = 0; }\n",
    "bitfields": "typedef int T;\nstruct S { T : 3; T a : 4; T T : 5; };\n",
    "static_assert_both_ways": 'typedef int T;\nvoid f(void) { _Static_assert(sizeof(T) == 4, "x"); int T; }\n',
    "typedef_declarator_list": "typedef int T, *PT, (*F)(T x);\nvoid f(void) { PT p = 0; T *q = p; F g = 0; }\n",
    "unsigned_typedef_name": "typedef int T;\nvoid f(void) { unsigned T = 9; T++; }\n",
    # redeclarations and linkage
    "static_after_extern_function": "int f(void);\nstatic int f(void) { return 0; }\n",
    "plain_after_static_function": "static int f(void);\nint f(void) { return 0; }\nint g(void) { return f(); }\n",
    "static_after_extern_object": "extern int x;\nstatic int x;\n",
    "plain_after_static_object": "static int x;\nint x;\n",
    "extern_after_static_object": "static int x;\nextern int x;\nint *p = &x;\n",
    "function_then_object": "int f(void) { return 0; }\nint f;\n",
    "object_then_function": "int f;\nint f(void);\n",
    "enum_constant_then_object": "enum { A };\nint A;\n",
    "extern_after_local": "void g(void) { int x; extern int x; }\n",
    "local_after_extern": "void g(void) { extern int x; int x; }\n",
    "static_local_twice": "void g(void) { static int x; static int x; }\n",
    "local_then_static_local": "void g(void) { int x; static int x; }\n",
    "block_extern_then_static": "void g(void) { extern int f(void); }\nstatic int f(void) { return 1; }\n",
    "object_defined_twice": "int x = 1;\nint x = 2;\n",
    "tentative_definitions": "int x;\nint x;\nint x = 3;\n",
    "conflicting_parameters": "int f(int);\nint f(long);\n",
    "old_style_then_prototype": "int f();\nint f(int a) { return a; }\n",
    "typedef_then_local": "void g(void) { typedef int T; int T; }\n",
    "local_then_typedef": "void g(void) { int T; typedef int T; }\n",
    "static_extern_static": "static int f(void);\nextern int f(void);\nstatic int f(void) { return 0; }\n",
    "conflicting_block_externs": "void g(void) { extern int x; extern long x; }\n",
    "block_externs_link_to_file": (
        "int x;\nvoid g(void) { extern int x; }\nstatic int y;\nvoid h(void) { extern int y; }\n"
    ),
    "extern_definition_extern": "extern int f(void);\nint f(void) { return 0; }\nextern int f(void);\n",
    "struct_defined_twice": "struct S { int a; };\nstruct S { int b; };\n",
    # redeclaration rules beyond linkage, and other semantic checks gcc makes
    "conflicting_type_qualifiers": "const int x;\nint x;\n",
    "pointer_to_char_signedness": "char *p;\nunsigned char *p;\n",
    "parameter_qualifiers_ignored": "int f(const int a);\nint f(int a) { return a; }\n",
    "pointer_base_qualifiers": "int f(int *a);\nint f(const int *a);\n",
    "array_lengths_differ": "int a[3];\nint a[4];\n",
    "incomplete_then_complete_array": "extern int a[];\nint a[5];\n",
    "char_vs_signed_char": "char c;\nsigned char c;\n",
    "struct_redefinition_after_forward": "struct S;\nstruct S { int a; };\nstruct S { int a; };\n",
    "union_tag_used_as_struct": "union U { int a; };\nstruct U s;\n",
    "enum_redefinition": "enum E { A };\nenum E { B };\n",
    "function_defined_twice_around_declaration": "int f(void) { return 0; }\nint f(void);\nint f(void) { return 1; }\n",
    "duplicate_parameter": "void f(int a, int a) { }\n",
    "local_declared_twice": "void f(void) { int a; { int a; } int b; int b; }\n",
    "duplicate_member": "struct S { int a; int a; };\n",
    "duplicate_enumerator": "enum { A, A };\n",
    "duplicate_label": "void f(void) { l: ; l: ; }\n",
    "goto_undefined_label": "void f(void) { goto m; }\n",
    "return_types_differ": "int f(int);\nlong f(int);\n",
    "pointer_types_differ": "int *x;\nlong *x;\n",
    "typedef_signedness_differs": "typedef int T;\ntypedef unsigned T;\n",
    "duplicate_case": "void f(void) { int x = 1; switch (x) { case 1: ; case 1: ; } }\n",
    "two_defaults": "void f(void) { int x = 1; switch (x) { default: ; default: ; } }\n",
    "continue_outside_loop": "void f(void) { continue; }\n",
    "non_constant_initializer": "int x = 1;\nstatic int y = x;\n",
    "block_struct_redefinition": "void f(void) { struct S { int a; } s; struct S { int b; } t; }\n",
    "local_hides_function": "int g(void);\nvoid f(void) { int g; g(); }\n",
    "void_function_returns_value": "void f(void) { return 1; }\n",
    "int_function_returns_nothing": "int f(void) { return; }\n",
    "double_vs_int_function": "double f(double);\nint f(int);\n",
    "local_redeclares_parameter": "void f(int a) { int a; }\n",
    "generic_two_compatible_types": "int x = _Generic(1, int: 1, int: 2);\n",
    "alignment_not_power_of_two": "_Alignas(3) int x;\n",
    "designator_names_no_member": "struct S {int a;};\nstruct S s = {.b = 1};\n",
    "assign_through_void_pointer": "void f(void) { void *p; *p = 1; }\n",
    "negative_array_size": "int a[-1];\n",
    "negative_array_size_in_declarator": "int (*p)[2 - 3];\n",
    "subscript_not_integer": "int f(void) { int a[3]; return a[1.0]; }\n",
    "subscript_reversed_not_integer": "int f(void) { int a[3]; return 1.5[a]; }\n",
    "array_of_incomplete_struct": "struct X;\nstruct X arr[3];\n",
    "member_array_of_incomplete_struct": "struct X;\nstruct Y { struct X a[2]; };\n",
    "pointer_to_array_of_incomplete_struct": "struct X;\nextern struct X *p[3];\nstruct X (*q)[2];\n",
    # qualifiers: writes through const are errors, at gcc's place
    "const_member_through_pointer": "struct S { const int a; };\nvoid f(struct S *s) { s->a = 1; }\n",
    "store_through_pointer_to_const": "void f(const int *p) { *p = 1; }\n",
    "const_array_element": "void f(void) { const int a[2] = {1, 2}; a[0] = 3; }\n",
    "const_struct_member": "void f(void) { const struct { int x; } s = {1}; s.x = 2; }\n",
    "increment_read_only": "void f(void) { const int x = 1; x++; }\n",
    "discarding_const_then_store": "void f(void) { const int x = 1; int *p = &x; *p = 2; }\n",
    "const_pointer_reassigned": "void f(void) { int * const p = 0; p = 0; }\n",
    "string_through_const_char": 'void f(void) { const char *s = "a"; s[0] = 1; }\n',
    "const_struct_assigned": "void f(void) { struct S { int a; } const s = {1}; struct S t; t = s; s = t; }\n",
    "const_volatile_assigned": "void f(void) { volatile int v = 1; v = v + 1; const volatile int cv = 2; cv = 3; }\n",
    "typedef_of_const": "typedef const int CI;\nvoid f(void) { CI x = 1; x = 2; }\n",
    "uninitialized_const_read": "void f(void) { const int x; int y = x; (void)y; }\n",
    "compound_assign_read_only": "void f(void) { const int x = 1; x += 2; }\n",
    "decrement_read_only": "void f(void) { const int x = 1; --x; }\n",
    # nesting as deep as gcc takes (the tree walks run on a big stack)
    "long_sum": "int x = 1" + " + 1" * 20000 + ";\n",
    "deep_parentheses": "int x = " + "(" * 3000 + "1" + ")" * 3000 + ";\n",
    "deep_blocks": "int f(void) { " + "{" * 2000 + "}" * 2000 + " return 0; }\n",
}

LOCATION = re.compile(r"^[^:\n]+:(\d+):(\d+): error: ", re.M)


def gcc_errors(gcc, tmp_path, source):
    """The (line, column) of each error gcc reports, in order (none: gcc accepts the program)."""
    path = tmp_path / "gcc.c"
    path.write_text(source)
    r = subprocess.run([gcc, "-fsyntax-only", "-std=gnu11", "-w", str(path)], capture_output=True, text=True)
    errors = [(int(line), int(col)) for line, col in LOCATION.findall(r.stderr)]
    assert (r.returncode != 0) == bool(errors), r.stderr
    return errors


def gcc_verdict(gcc, tmp_path, source):
    """None when gcc accepts the program, else the (line, column) of its first error."""
    errors = gcc_errors(gcc, tmp_path, source)
    return errors[0] if errors else None


def our_verdict(tmp_path, source):
    try:
        compile_c(str(tmp_path / "ours.c"), source)
    except CompileError as e:
        return e.line, e.col
    return None


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_declaration_accepted_or_rejected_like_gcc(name, tmp_path, oracle):
    source = PROGRAMS[name]
    assert our_verdict(tmp_path, source) == gcc_verdict(oracle("gcc"), tmp_path, source)


# Random blocks of declarations and statements that name T as a type, a variable, an enum constant, a member or
# a parameter, nested in blocks: b2i-cc accepts exactly what gcc accepts, and its error is one gcc reports (gcc goes
# on after an error; b2i-cc stops at the first syntax error before it checks the declarations above it).
PIECES = [
    "T x;",
    "T T;",
    "int T;",
    "T y = 1;",
    "x = (T) 1;",
    "T *p = 0;",
    "T * T;",
    "enum { T };",
    "typedef char T;",
    "typedef T U;",
    "U u;",
    "struct { T T; } s;",
    "s.T = 2;",
    "for (T i = 0; i < 2; i++) ;",
    "for (int T = 0; T < 2; T++) ;",
    "for (int T = 0; T < 2; T++) (T)++;",
    "if (n) for (int T = 0; T < 2; T++) (T)++; else x = (T) 1;",
    "while (n) for (T i = 0; i < 2; i++) for (int T = i; T < 2; T++) x += (T) + 1;",
    "x = sizeof(T);",
    "T: ;",
    "unsigned T;",
    "{",
    "}",
]


def program(pieces):
    depth = 0
    body = []
    for p in pieces:
        if p == "}" and depth == 0:
            continue
        depth += {"{": 1, "}": -1}.get(p, 0)
        body.append(p)
    body.append("}" * depth)
    return "typedef int T;\nint x;\nvoid f(int n) {\n" + "\n".join(body) + "\n}\n"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=12))
def test_random_typedef_shadowing_like_gcc(pieces, tmp_path, oracle):
    source = program(pieces)
    ours = our_verdict(tmp_path, source)
    errors = gcc_errors(oracle("gcc"), tmp_path, source)
    assert (ours is None) == (not errors), source
    assert ours is None or ours in errors, source
