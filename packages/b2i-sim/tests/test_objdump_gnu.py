"""b2i-objdump against GNU objdump -M no-aliases: the same text, byte for byte, for -h, -t, -r, -d and
their combinations, on gcc's objects (with and without compressed code), b2i-as objects and b2i-ld
executables."""

import os
import shutil
import subprocess

import pytest
from b2i.sim.asm import assemble
from b2i.sim.link import link
from b2i.sim.objdump import objdump

PROGRAM = r"""
#include <stdio.h>
struct item { const char *name; double price; int count; };
static struct item items[] = {{"apple", 0.5, 3}, {"pear", 0.75, 0}, {"plum", 1.25, 7}};
static int hits;
long checksum;
_Thread_local int per_thread;
static const char *size(int n) {
    switch (n) { case 0: return "none"; case 1: return "one"; case 2: return "two"; case 3: return "three";
    case 4: return "four"; case 5: return "five"; default: return "lots"; }
}
int main(int argc, char **argv) {
    double total = 0;
    for (unsigned i = 0; i < sizeof items / sizeof *items; i++) {
        total += items[i].price * items[i].count;
        printf("%s %s\n", items[i].name, size(items[i].count));
        hits += items[i].count > 0;
    }
    checksum = (long)(total * 100) ^ hits ^ per_thread++;
    return printf("%.2f %d %s\n", total, hits, argv[argc - 1]) < 0;
}
"""

FREESTANDING = r"""
static long counter;
long bump(long n) { for (long i = 0; i < n; i++) counter += i * 3; return counter; }
void _start(void) {
    register long a0 asm("a0") = bump(10) & 0x7f;
    register long a7 asm("a7") = 93;
    asm volatile("ecall" : : "r"(a0), "r"(a7));
}
"""

OPTIONS = [["-h"], ["-t"], ["-r"], ["-d"], ["-d", "-r"], ["-h", "-t", "-r"], ["-t", "-d"]]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Objects and executables to dump, made by gcc, b2i-as and b2i-ld."""
    gcc = shutil.which("riscv64-linux-gnu-gcc")
    if gcc is None:  # the `oracle` fixture's rule, for a module-scoped fixture that cannot use it
        message = "oracle 'riscv64-linux-gnu-gcc' is not installed (python tools/oracles.py --install)"
        pytest.skip(message) if os.environ.get("B2I_ALLOW_MISSING_ORACLES") == "1" else pytest.fail(message)
    tmp = tmp_path_factory.mktemp("objdump")
    (tmp / "prog.c").write_text(PROGRAM)
    (tmp / "free.c").write_text(FREESTANDING)
    made = []
    for march in ("rv64g", "rv64gc"):
        subprocess.run([gcc, "-O2", "-c", f"-march={march}", "-mabi=lp64d", "prog.c", "-o", f"gcc_{march}.o"],
                       cwd=tmp, check=True)
        made.append(tmp / f"gcc_{march}.o")
    for opt in ("-O0", "-O2"):
        asm = subprocess.run([gcc, opt, "-S", "-march=rv64g", "-mabi=lp64d", "-o", "-", "prog.c"], cwd=tmp,
                             capture_output=True, text=True, check=True).stdout
        (tmp / f"b2i{opt}.o").write_bytes(assemble(asm, "prog.s"))
        made.append(tmp / f"b2i{opt}.o")
    subprocess.run([gcc, "-O1", "-c", "-fno-pic", "-mno-relax", "-march=rv64g", "-mabi=lp64d", "free.c", "-o",
                    "free.o"], cwd=tmp, check=True)
    (tmp / "free").write_bytes(link([str(tmp / "free.o")]))
    made.append(tmp / "free")
    subprocess.run([gcc, "-O1", "-c", "-mcmodel=medany", "-mno-relax", "-march=rv64g", "-mabi=lp64d", "free.c",
                    "-o", "medany.o"], cwd=tmp, check=True)
    (tmp / "bare").write_bytes(link([str(tmp / "medany.o")], text_base=0x80000000))
    made.append(tmp / "bare")
    return made


@pytest.mark.parametrize("options", OPTIONS, ids=" ".join)
def test_text_equals_gnu_objdump(oracle, files, options):
    for path in files:
        gnu = subprocess.run([oracle("riscv64-linux-gnu-objdump"), *options, "-M", "no-aliases", path],
                             capture_output=True, text=True, check=True).stdout
        ours = objdump(path.read_bytes(), str(path), section_headers="-h" in options, syms="-t" in options,
                       relocs="-r" in options, disassemble="-d" in options)
        assert ours == gnu, path.name


def test_cli_prints_the_same_and_reports_mistakes(oracle, files, tmp_path):
    path = files[0]
    ours = subprocess.run(["b2i-objdump", "-d", "-r", "-M", "no-aliases", path], capture_output=True, text=True,
                          check=True).stdout
    gnu = subprocess.run([oracle("riscv64-linux-gnu-objdump"), "-d", "-r", "-M", "no-aliases", path],
                         capture_output=True, text=True, check=True).stdout
    assert ours == gnu
    not_elf = tmp_path / "x.s"
    not_elf.write_text("nop\n")
    proc = subprocess.run(["b2i-objdump", "-d", not_elf], capture_output=True, text=True)
    assert proc.returncode == 1 and "file format not recognized" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run(["b2i-objdump", path], capture_output=True, text=True)
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1
