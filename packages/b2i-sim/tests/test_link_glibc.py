"""The stretch goal: b2i-ld links a whole static glibc program from gcc's own objects (crt1.o, crti.o,
crtbeginT.o, libgcc.a, libc.a with its TLS, GOT and compressed code) and it runs under qemu-riscv64 like
`gcc -static`'s link; b2i-objdump prints it as GNU objdump does."""

import subprocess

from b2i.sim.objdump import objdump

PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int compare(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
int main(int argc, char **argv) {
    char *words[] = {"pear", "apple", "fig", "banana", argv[0] + strlen(argv[0])};
    qsort(words, 5, sizeof *words, compare);
    double sum = 0;
    for (int i = 1; i <= 10; i++) sum += 1.0 / i;
    char *copy = malloc(64);
    snprintf(copy, 64, "%s|%s|%s|%.6f|%d", words[1], words[2], words[4], sum, argc);
    printf("%s\n", copy);
    free(copy);
    fputs("to stderr\n", stderr);
    return 3;
}
"""

FILES = ["crt1.o", "crti.o", "crtbeginT.o", "prog.o", "libgcc.a", "libgcc_eh.a", "libc.a", "crtend.o", "crtn.o"]


def test_static_glibc_program_runs(oracle, tmp_path):
    gcc, qemu = oracle("riscv64-linux-gnu-gcc"), oracle("qemu-riscv64")
    (tmp_path / "prog.c").write_text(PROGRAM)
    subprocess.run([gcc, "-O2", "-c", "prog.c", "-o", "prog.o"], cwd=tmp_path, check=True)
    subprocess.run([gcc, "-static", "prog.o", "-o", "gnu"], cwd=tmp_path, check=True)
    inputs = [name if name == "prog.o" else subprocess.run(
        [gcc, f"-print-file-name={name}"], capture_output=True, text=True, check=True).stdout.strip()
        for name in FILES]
    subprocess.run(["b2i-ld", "-static", "-o", "ours", *inputs[:4], "--start-group", *inputs[4:7], "--end-group",
                    *inputs[7:]], cwd=tmp_path, check=True)
    expected = subprocess.run([qemu, "gnu"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    got = subprocess.run([qemu, "ours"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert expected.stdout == "apple|banana|pear|2.928968|1\n"
    assert (got.stdout, got.stderr, got.returncode) == (expected.stdout, expected.stderr, expected.returncode)
    readelf = subprocess.run([oracle("riscv64-linux-gnu-readelf"), "-a", "-W", tmp_path / "ours"],
                             capture_output=True, text=True)
    assert readelf.returncode == 0 and readelf.stderr == ""
    # and b2i-objdump reads the whole program (glibc's compressed code included) as GNU objdump does
    exe = (tmp_path / "ours").read_bytes()
    for options in (["-d"], ["-h", "-t"]):
        gnu = subprocess.run([oracle("riscv64-linux-gnu-objdump"), *options, "-M", "no-aliases", "ours"],
                             cwd=tmp_path, capture_output=True, text=True, check=True).stdout
        assert objdump(exe, "ours", disassemble="-d" in options, section_headers="-h" in options,
                       syms="-t" in options) == gnu
