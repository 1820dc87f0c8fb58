"""b2i-ld against GNU ld and qemu: gcc's objects linked by b2i-ld run like the same objects linked by GNU ld;
archives, every relocation kind, bare metal at 0x80000000, and the messages for undefined/duplicate symbols."""

import subprocess

import pytest
from b2i.sim.asm import assemble
from b2i.sim.errors import LinkError
from b2i.sim.link import link

# A freestanding program (its own _start, write and exit by ecall): structs, switch tables, floats,
# function pointers, recursion, .data/.rodata/.bss/.sbss.
PROGRAM = r"""
typedef unsigned long size_t;
static long sys3(long n, long a, long b, long c) {
    register long a0 asm("a0") = a; register long a1 asm("a1") = b; register long a2 asm("a2") = c;
    register long a7 asm("a7") = n;
    asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}
void *memset(void *d, int c, size_t n) { unsigned char *p = d; while (n--) *p++ = (unsigned char)c; return d; }
void *memcpy(void *d, const void *s, size_t n) {
    unsigned char *p = d; const unsigned char *q = s; while (n--) *p++ = *q++; return d;
}
static char out[256];
static int used;
static void put(const char *s) { while (*s) out[used++] = *s++; }
static void put_num(long v) {
    char buf[24]; int i = 0; unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    do buf[i++] = '0' + u % 10; while (u /= 10);
    if (v < 0) buf[i++] = '-';
    while (i) out[used++] = buf[--i];
}
struct shape { const char *name; int sides; double scale; };
static struct shape shapes[] = {{"triangle", 3, 1.5}, {"square", 4, 2.0}, {"hexagon", 6, -0.5}};
long counter_bss[16];
double weights[4] = {0.25, 0.5, 1.0, 2.0};
static int (*ops[])(int, int) = {0, 0};
static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }
static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static const char *kind(int n) {
    switch (n) { case 0: return "zero"; case 1: return "one"; case 2: return "two"; case 3: return "three";
    case 4: return "four"; case 5: return "five"; case 6: return "six"; default: return "many"; }
}
void _start(void) {
    ops[0] = add; ops[1] = mul;
    for (int i = 0; i < 3; i++) {
        struct shape s = shapes[i];
        put(s.name); put(" "); put(kind(s.sides)); put(" ");
        put_num((long)(s.scale * s.sides * 100 * weights[i])); put("\n");
        counter_bss[i] += ops[i & 1](s.sides, i + 2);
    }
    put_num(fib(15)); put(" "); put_num(counter_bss[0] + counter_bss[1] + counter_bss[2]); put("\n");
    sys3(64, 1, (long)out, used);
    sys3(93, (int)(counter_bss[2] & 0x7f), 0, 0);
}
"""

GCC_FLAGS = ["-c", "-fno-pic", "-mno-relax", "-march=rv64g", "-mabi=lp64d", "-ffreestanding", "-fno-builtin"]


def run(oracle, path) -> tuple[str, int]:
    proc = subprocess.run([oracle("qemu-riscv64"), path], capture_output=True, text=True, timeout=30)
    return proc.stdout, proc.returncode


def assert_readelf_accepts(oracle, path) -> None:
    proc = subprocess.run([oracle("riscv64-linux-gnu-readelf"), "-a", "-W", path], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == ""


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_gcc_objects_linked_by_b2i_ld_run_like_gnu_ld(oracle, tmp_path, opt):
    (tmp_path / "prog.c").write_text(PROGRAM)
    subprocess.run([oracle("riscv64-linux-gnu-gcc"), opt, *GCC_FLAGS, "prog.c", "-o", "prog.o"], cwd=tmp_path,
                   check=True)
    subprocess.run([oracle("riscv64-linux-gnu-ld"), "-static", "prog.o", "-o", "gnu"], cwd=tmp_path, check=True)
    subprocess.run(["b2i-ld", "prog.o", "-o", "ours"], cwd=tmp_path, check=True)
    expected = run(oracle, tmp_path / "gnu")
    assert expected[0].startswith("triangle three")
    assert run(oracle, tmp_path / "ours") == expected
    assert_readelf_accepts(oracle, tmp_path / "ours")


def test_b2i_as_and_b2i_ld_build_gcc_output_that_runs(oracle, tmp_path):
    (tmp_path / "prog.c").write_text(PROGRAM)
    flags = [f for f in GCC_FLAGS if f != "-c"]
    asm = subprocess.run([oracle("riscv64-linux-gnu-gcc"), "-O2", "-S", *flags, "-o", "-", "prog.c"], cwd=tmp_path,
                         capture_output=True, text=True, check=True).stdout
    subprocess.run([oracle("riscv64-linux-gnu-gcc"), "-O2", *GCC_FLAGS, "prog.c", "-o", "prog.o"], cwd=tmp_path,
                   check=True)
    subprocess.run([oracle("riscv64-linux-gnu-ld"), "-static", "prog.o", "-o", "gnu"], cwd=tmp_path, check=True)
    (tmp_path / "ours").write_bytes(link([assemble(asm, "prog.s")]))
    (tmp_path / "ours").chmod(0o755)
    assert run(oracle, tmp_path / "ours") == run(oracle, tmp_path / "gnu")


# Each check compares two ways of reaching the same address or value; a0 counts the mismatches.
RELOCATIONS = r"""
    .option norelax
    .globl _start
    .text
_start:
    li s0, 0
    lla a1, target                  # PCREL_HI20 + PCREL_LO12_I
    lui a2, %hi(target)             # HI20 + LO12_I
    addi a2, a2, %lo(target)
    bne a1, a2, 1f
    j 2f                            # JAL
1:  addi s0, s0, 1
2:  ld a3, pointer                  # load of a symbol: PCREL_LO12_I on ld
    bne a1, a3, 3f                  # BRANCH
    j 4f
3:  addi s0, s0, 1
4:  .option push
    .option pic
    la a4, target                   # GOT_HI20 through a GOT slot
    .option pop
    beq a1, a4, 5f
    addi s0, s0, 1
5:  lla a5, after                   # ADD32/SUB32 pair: .word after - target across sections
    sub a5, a5, a1
    lw a6, distance
    beq a5, a6, 6f
    addi s0, s0, 1
6:  lla a5, fn                      # CALL_PLT: fn returns its own address
    call fn
    beq a0, a5, 7f
    addi s0, s0, 1
7:  li t0, 0x1234
    sw t0, stored, t1               # PCREL_LO12_S
    lui t2, %hi(stored)
    lw t3, %lo(stored)(t2)          # LO12_I on a load
    sw t3, %lo(stored+4)(t2)        # LO12_S
    lw t4, stored+4
    beq t4, t0, 8f
    addi s0, s0, 1
8:  lla t0, table
    lw t1, 4(t0)                    # a 32-bit absolute address (R_RISCV_32)
    lw t2, 0(t0)
    sub t1, t1, t2
    li t2, 8
    beq t1, t2, 9f
    addi s0, s0, 1
9:  .weak nowhere                   # an undefined weak symbol is 0
    lla t0, nowhere
    beqz t0, 10f
    addi s0, s0, 1
10: mv a0, s0
    li a7, 93
    ecall
fn: auipc a0, 0
    ret
    .data
    .p2align 3
target: .dword 7
pointer: .dword target
distance: .word after - target
table: .word target, target + 8
stored: .word 0, 0
    .section .rodata
after: .byte 1
"""


def test_every_relocation_kind_resolves_as_gnu_ld_does(oracle, tmp_path):
    obj = tmp_path / "relocs.o"
    obj.write_bytes(assemble(RELOCATIONS, "relocs.s"))
    subprocess.run([oracle("riscv64-linux-gnu-ld"), "-static", obj, "-o", tmp_path / "gnu"], check=True)
    assert run(oracle, tmp_path / "gnu") == ("", 0)
    (tmp_path / "ours").write_bytes(link([str(obj)]))
    (tmp_path / "ours").chmod(0o755)
    assert run(oracle, tmp_path / "ours") == ("", 0)
    assert_readelf_accepts(oracle, tmp_path / "ours")


MAIN = ".globl _start\n_start:\n call used\n li a7, 93\n ecall\n"
USED = ".globl used\nused:\n li a0, 42\n ret\n"
UNUSED = ".globl unused\nunused:\n call missing_everywhere\n ret\n"


def test_archive_members_are_pulled_only_when_needed(oracle, tmp_path):
    for name, source in (("used", USED), ("unused", UNUSED)):
        (tmp_path / f"{name}.o").write_bytes(assemble(source, f"{name}.s"))
    subprocess.run([oracle("riscv64-linux-gnu-ar"), "rcs", "libparts.a", "unused.o", "used.o"], cwd=tmp_path,
                   check=True)
    (tmp_path / "main.o").write_bytes(assemble(MAIN, "main.s"))
    subprocess.run(["b2i-ld", "-o", "prog", "main.o", "-L", ".", "-lparts"], cwd=tmp_path, check=True)
    assert run(oracle, tmp_path / "prog") == ("", 42)
    symbols = subprocess.run([oracle("riscv64-linux-gnu-nm"), tmp_path / "prog"], capture_output=True, text=True,
                             check=True).stdout
    assert " used" in symbols and "unused" not in symbols


def test_undefined_symbol_names_the_object_that_wants_it(tmp_path):
    with pytest.raises(LinkError, match=r"^undefined symbol: missing_everywhere \(referenced by <input 0>\)$"):
        link([assemble(UNUSED)])
    (tmp_path / "unused.o").write_bytes(assemble(UNUSED))
    proc = subprocess.run(["b2i-ld", "-o", tmp_path / "a.out", tmp_path / "unused.o"], capture_output=True,
                          text=True)
    assert proc.returncode == 1
    assert proc.stderr == f"b2i-ld: error: undefined symbol: missing_everywhere (referenced by {tmp_path}/unused.o)\n"


def test_duplicate_symbol_names_both_objects(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.o").write_bytes(assemble(USED))
    with pytest.raises(LinkError, match=r"duplicate symbol: used \(defined in .*a\.o and .*b\.o\)"):
        link([str(tmp_path / "a.o"), str(tmp_path / "b.o")])


def test_bad_arguments_are_one_line_errors(tmp_path):
    proc = subprocess.run(["b2i-ld", "-Ttext", "nowhere", "x.o"], capture_output=True, text=True)
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1
    proc = subprocess.run(["b2i-ld", tmp_path / "missing.o"], capture_output=True, text=True)
    assert proc.returncode == 1 and "cannot read" in proc.stderr


BARE = r"""
    .section {section}, "ax", @progbits
    .globl _start
_start:
    la sp, stack_top
    call main
    li t0, 0x100000                 # the test device: 0x5555 powers off with success
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b
    .text
main:
    la a0, message
    li t0, 0x10000000               # UART 16550 transmit register
2:  lbu t1, 0(a0)
    beqz t1, 3f
    sb t1, 0(t0)
    addi a0, a0, 1
    j 2b
3:  ret
    .section .rodata
message: .string "hello from bare metal\n"
    .bss
    .align 4
stack: .zero 4096
stack_top:
"""

SCRIPT = """
OUTPUT_ARCH(riscv)
ENTRY(_start)
SECTIONS
{
  . = 0x80000000;
  .text : { *(.text.init) *(.text .text.*) }
  .rodata : ALIGN(16) { *(.rodata .rodata.*) }
  . = ALIGN(0x1000);
  .data : { *(.data .data.* .sdata .sdata.*) }
  .bss : { __bss_start = .; *(.bss .bss.* .sbss .sbss.* COMMON) __bss_end = .; }
  PROVIDE(_end = .);
}
"""


@pytest.mark.parametrize("how", ["-Ttext", "script"])
def test_bare_metal_program_runs_on_qemu_virt(oracle, tmp_path, how):
    section = ".text" if how == "-Ttext" else ".text.init"  # qemu starts at 0x80000000, not at the entry
    (tmp_path / "bare.o").write_bytes(assemble(BARE.replace("{section}", section), "bare.s"))
    if how == "-Ttext":
        args = ["-Ttext", "0x80000000"]
    else:
        (tmp_path / "bare.ld").write_text(SCRIPT)
        args = ["-T", "bare.ld"]
    subprocess.run(["b2i-ld", *args, "-o", "bare", "bare.o"], cwd=tmp_path, check=True)
    proc = subprocess.run([oracle("qemu-system-riscv64"), "-machine", "virt", "-bios", "none", "-nographic",
                           "-monitor", "none", "-kernel", tmp_path / "bare"], capture_output=True, text=True,
                          timeout=30)
    assert (proc.stdout, proc.returncode) == ("hello from bare metal\n", 0)
