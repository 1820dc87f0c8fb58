"""_Alignas and over-aligned types: static objects get any power-of-two alignment (checked by running the
program, as gcc's build does); an automatic object over 16 bytes is a clear error, never silently misaligned."""

import subprocess

import pytest

STATIC = r"""
#include <stdio.h>
#include <stdint.h>
struct wide { _Alignas(64) char c; };
static _Alignas(32) char a;
_Alignas(128) int b[3];
static struct wide w;
int main(void) {
    static _Alignas(256) short local_static;
    printf("%d %d %d %d %d\n", (int)((uintptr_t)&a % 32), (int)((uintptr_t)b % 128), (int)((uintptr_t)&w % 64),
           (int)((uintptr_t)&local_static % 256), (int)_Alignof(struct wide));
    return 0;
}
"""


def test_static_objects_take_any_alignment_as_with_gcc(oracle, tmp_path):
    source = tmp_path / "align.c"
    source.write_text(STATIC)
    outputs = []
    for cc in ["b2i-cc", oracle("riscv64-linux-gnu-gcc")]:
        exe = tmp_path / ("ours" if cc == "b2i-cc" else "gcc")
        subprocess.run([cc, "-static", "-O2", "-o", str(exe), str(source)], check=True)
        outputs.append(subprocess.run([oracle("qemu-riscv64"), str(exe)], capture_output=True, check=True).stdout)
    assert outputs[0] == outputs[1] == b"0 0 0 0 64\n"


@pytest.mark.parametrize("declaration", ["_Alignas(32) char x;", "struct { _Alignas(64) char c; } x;"])
def test_over_aligned_automatic_variable_is_an_error(tmp_path, declaration):
    source = tmp_path / "local.c"
    source.write_text(f"int f(void) {{\n    {declaration}\n    return 0;\n}}\n")
    proc = subprocess.run(["b2i-cc", "-c", "-o", str(tmp_path / "local.o"), str(source)], capture_output=True,
                          text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    column = 5 + declaration.index(" x;") + 1  # the declarator's name
    assert proc.stderr.startswith(f"{source}:2:{column}: error: alignment "), proc.stderr
    assert "'x'" in proc.stderr.splitlines()[0]
