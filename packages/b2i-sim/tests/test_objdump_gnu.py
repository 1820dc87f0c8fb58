"""b2i-objdump against GNU objdump -M no-aliases: the same text, byte for byte, for -h, -t, -r, -d and
their combinations, on gcc's objects (with and without compressed code), b2i-as objects and b2i-ld
executables; and for the header summaries -f, -p and -x on those and a gcc -static glibc executable."""

import os
import shutil
import subprocess

import hypothesis.strategies as st
import pytest
from b2i.sim.asm import assemble
from b2i.sim.link import link
from b2i.sim.objdump import objdump
from hypothesis import HealthCheck, given, settings

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


HEADER_OPTIONS = [["-f"], ["-p"], ["-f", "-p"], ["-x"], ["-f", "-h"], ["-p", "-t"]]


def find_gcc() -> str:
    gcc = shutil.which("riscv64-linux-gnu-gcc")
    if gcc is None:  # the `oracle` fixture's rule, for a module-scoped fixture that cannot use it
        message = "oracle 'riscv64-linux-gnu-gcc' is not installed (python tools/oracles.py --install)"
        pytest.skip(message) if os.environ.get("B2I_ALLOW_MISSING_ORACLES") == "1" else pytest.fail(message)
    return gcc


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Objects and executables to dump, made by gcc, b2i-as and b2i-ld."""
    gcc = find_gcc()
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


@pytest.fixture(scope="module")
def static_program(files):
    """PROGRAM linked by gcc -static against glibc: GNU ld's layout, with TLS, RELRO, note and attribute
    segments."""
    path = files[0].parent / "static"
    subprocess.run([find_gcc(), "-O2", "-static", "-march=rv64gc", "-mabi=lp64d", "prog.c", "-o", path],
                   cwd=path.parent, check=True)
    return path


def ours_and_gnu(objdump_path: str, options: list[str], path) -> tuple[str, str]:
    gnu = subprocess.run([objdump_path, *options, "-M", "no-aliases", path], capture_output=True, text=True,
                         check=True).stdout
    ours = objdump(path.read_bytes(), str(path), section_headers="-h" in options, syms="-t" in options,
                   relocs="-r" in options, disassemble="-d" in options, file_headers="-f" in options,
                   private_headers="-p" in options, all_headers="-x" in options)
    return ours, gnu


@pytest.mark.parametrize("options", OPTIONS, ids=" ".join)
def test_text_equals_gnu_objdump(oracle, files, options):
    for path in files:
        ours, gnu = ours_and_gnu(oracle("riscv64-linux-gnu-objdump"), options, path)
        assert ours == gnu, path.name


@pytest.mark.parametrize("options", HEADER_OPTIONS, ids=" ".join)
def test_header_summaries_equal_gnu_objdump(oracle, files, static_program, options):
    for path in [*files, static_program]:
        ours, gnu = ours_and_gnu(oracle("riscv64-linux-gnu-objdump"), options, path)
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


SEGMENT_TYPES = st.sampled_from([0, 1, 4, 5, 6, 7, 0x6474E550, 0x6474E551, 0x6474E552, 0x6474E553, 0x6474E554,
                                  0x70000003]) | st.integers(0x60000000, 0xFFFFFFFF)
U64 = st.integers(0, 2**64 - 1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(e_type=st.sampled_from([1, 2, 3]), entry=U64, text_addr=U64, phdr=st.tuples(
    SEGMENT_TYPES, st.integers(0, 2**32 - 1), U64, U64, U64, U64, U64, st.integers(0, 63).map(lambda n: 1 << n)))
def test_file_and_program_headers_of_altered_executables(oracle, files, tmp_path, e_type, entry, text_addr, phdr):
    """The bare-metal executable with its type, entry, .text address (which decides D_PAGED) and first program
    header rewritten: -f -p still read as GNU reads them."""
    data = bytearray(files[-1].read_bytes())
    data[16:18] = e_type.to_bytes(2, "little")
    data[24:32] = entry.to_bytes(8, "little")
    shoff = int.from_bytes(data[40:48], "little")
    data[shoff + 64 + 16:shoff + 64 + 24] = text_addr.to_bytes(8, "little")  # section 1 is .text
    phoff = int.from_bytes(data[32:40], "little")
    data[phoff:phoff + 8] = phdr[0].to_bytes(4, "little") + phdr[1].to_bytes(4, "little")
    data[phoff + 8:phoff + 56] = b"".join(n.to_bytes(8, "little") for n in phdr[2:])
    path = tmp_path / "altered"
    path.write_bytes(data)
    ours, gnu = ours_and_gnu(oracle("riscv64-linux-gnu-objdump"), ["-f", "-p"], path)
    assert ours == gnu


def test_cli_all_headers_and_refusal_of_dynamic_files(oracle, files, static_program, tmp_path):
    objdump_path = oracle("riscv64-linux-gnu-objdump")
    for path in (files[-1], static_program):
        ours = subprocess.run(["b2i-objdump", "--all-headers", path], capture_output=True, text=True,
                              check=True).stdout
        assert ours == subprocess.run([objdump_path, "-x", path], capture_output=True, text=True,
                                      check=True).stdout
    dynamic = tmp_path / "dynamic"
    subprocess.run([find_gcc(), "-O2", static_program.parent / "prog.c", "-o", dynamic], check=True)
    proc = subprocess.run(["b2i-objdump", "-p", dynamic], capture_output=True, text=True)
    assert proc.returncode == 1 and "dynamically linked" in proc.stderr and len(proc.stderr.splitlines()) == 1
