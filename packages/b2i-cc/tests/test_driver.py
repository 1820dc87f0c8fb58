"""The gcc-style driver: each flag does what gcc's does, checked with GNU binutils and qemu-riscv64."""

import subprocess

import pytest


def cc(*args, cwd=None):
    return subprocess.run(["b2i-cc", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_E_expands_macros_with_D_and_U(tmp_path):
    src = tmp_path / "m.c"
    src.write_text("#ifdef GONE\ngone\n#endif\nint v = VALUE * 2;\nconst char *s = NAME;\n")
    r = cc("-E", "-DVALUE=21", '-DNAME="x"', "-DGONE", "-UGONE", src)
    assert r.returncode == 0, r.stderr
    assert "int v = 21 * 2;" in r.stdout
    assert 'const char *s = "x";' in r.stdout
    assert "gone" not in r.stdout


def test_S_output_is_accepted_by_gnu_as(tmp_path, oracle):
    src = tmp_path / "f.c"
    src.write_text("double twice(double x) { return 2 * x; }\n")
    r = cc("-S", "-O2", "-g", "-Wall", src, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    asm = tmp_path / "f.s"
    assert asm.exists()
    gas = subprocess.run([oracle("riscv64-linux-gnu-as"), "-o", tmp_path / "f.o", asm], capture_output=True)
    assert gas.returncode == 0, gas.stderr


@pytest.mark.parametrize("flag", ["-g", "-g3", "-ggdb", "-gdwarf-4"])
def test_g_is_a_documented_no_op(tmp_path, flag):
    """gcc's debug flags are accepted and change nothing: b2i-cc writes no debug information (docs/driver.md)."""
    src = tmp_path / "f.c"
    src.write_text("int add(int a, int b) { return a + b; }\n")
    plain = cc("-S", src, "-o", tmp_path / "plain.s")
    debug = cc("-S", flag, src, "-o", tmp_path / "debug.s")
    assert plain.returncode == debug.returncode == 0, debug.stderr
    assert debug.stderr == ""
    assert (tmp_path / "debug.s").read_text() == (tmp_path / "plain.s").read_text()


def test_c_writes_an_object_readelf_understands(tmp_path, oracle):
    src = tmp_path / "obj.c"
    src.write_text("int counter;\nint bump(void) { return ++counter; }\n")
    r = cc("-c", src, "-o", tmp_path / "obj.o")
    assert r.returncode == 0, r.stderr
    out = subprocess.run(
        [oracle("riscv64-linux-gnu-readelf"), "-h", "-s", tmp_path / "obj.o"], capture_output=True, text=True
    ).stdout
    assert "REL (Relocatable file)" in out
    assert "RISC-V" in out
    assert " bump" in out and " counter" in out


def test_links_c_s_and_o_inputs_into_a_program(tmp_path, oracle):
    (tmp_path / "main.c").write_text(
        "#include <stdio.h>\nint helper(int);\nint asm_add(int, int);\n"
        'int main(int argc, char **argv) { printf("%d %d %s\\n", helper(20), asm_add(2, 3), argv[1]); return 7; }\n'
    )
    (tmp_path / "helper.c").write_text("int helper(int x) { return x * 2 + 2; }\n")
    (tmp_path / "add.s").write_text("\t.globl asm_add\nasm_add:\n\taddw a0, a0, a1\n\tret\n")
    assert cc("-c", tmp_path / "helper.c", "-o", tmp_path / "helper.o").returncode == 0
    r = cc("-v", tmp_path / "main.c", tmp_path / "helper.o", tmp_path / "add.s", "-o", tmp_path / "prog")
    assert r.returncode == 0, r.stderr
    assert "compiling" in r.stderr  # -v shows the steps
    run = subprocess.run([oracle("qemu-riscv64"), tmp_path / "prog", "arg"], capture_output=True, text=True)
    assert run.stdout == "42 5 arg\n"
    assert run.returncode == 7


def test_nostdlib_with_own_start(tmp_path, oracle):
    (tmp_path / "start.c").write_text(
        'void _start(void) {\n  __asm__ volatile("li a0, 42\\n li a7, 94\\n ecall");\n}\n'
    )
    r = cc(
        "-nostdlib",
        "-ffreestanding",
        "-static",
        "-march=rv64g",
        "-mabi=lp64d",
        tmp_path / "start.c",
        "-o",
        tmp_path / "bare",
    )
    assert r.returncode == 0, r.stderr
    run = subprocess.run([oracle("qemu-riscv64"), tmp_path / "bare"], capture_output=True)
    assert run.returncode == 42


def test_asm_operands_reach_registers(tmp_path, oracle):
    (tmp_path / "csr.c").write_text(
        "#include <stdio.h>\n"
        'static long add3(long a, long b) { long r; __asm__ volatile("add %0, %1, %2\\n addi %0, %0, 3" '
        ': "=r"(r) : "r"(a), "r"(b)); return r; }\n'
        'int main(void) { long x = 5; __asm__("slli %[v], %[v], 2" : [v] "+r"(x)); '
        'printf("%ld %ld\\n", add3(10, 20), x); return 0; }\n'
    )
    assert cc(tmp_path / "csr.c", "-o", tmp_path / "csr").returncode == 0
    run = subprocess.run([oracle("qemu-riscv64"), tmp_path / "csr"], capture_output=True, text=True)
    assert run.stdout == "33 20\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["-x", "c"], "b2i-cc: error: unrecognized command-line option '-x'"),
        (["-fbogus", "a.c"], "b2i-cc: error: unrecognized command-line option '-fbogus'"),
        ([], "b2i-cc: error: no input files"),
        (["missing.c"], "b2i-cc: error: missing.c: No such file or directory"),
        (["-mabi=ilp32", "a.c"], "b2i-cc: error: unsupported -mabi value 'ilp32' (b2i-cc implements lp64d)"),
        (["-o"], "b2i-cc: error: missing argument to '-o'"),
    ],
)
def test_command_line_mistakes_are_one_line_errors(args, message, tmp_path):
    r = cc(*args, cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.strip() == message
