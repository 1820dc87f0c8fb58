"""Per-instruction-class checks against qemu-riscv64, with operands drawn by hypothesis.

Each example generates ONE assembly program holding many cases: set up operands, execute one instruction,
store the result (and for F/D the accrued fflags) into a buffer; at the end the program writes the buffer
to stdout. GNU as assembles it; qemu-riscv64 and our interpreter run it; the bytes must be equal, and a
difference is reported as the first case whose result differs, with its assembly text.
"""

import struct
import subprocess
import tempfile
from pathlib import Path

from b2i.sim.machine.run import run_program
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

# No shrinking: each step would rebuild a program, and the failure message already names the failing case.
SETTINGS = settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

HEADER = """
    .option norvc
    .globl _start
    .text
_start:
    la s0, results
    la s1, scratch
"""
FOOTER = """
    li a0, 1
    la a1, results
    li a2, {size}
    li a7, 64
    ecall
    li a0, 0
    li a7, 93
    ecall
    .bss
    .align 4
results: .space {size}
scratch: .space 64
"""


def run_both(oracle, cases: list[str]) -> None:
    """Assemble the cases into one program, run it on qemu and on ours, compare record by record."""
    body = "".join(case + "\n    addi s0, s0, 16\n" for case in cases)
    source = HEADER + body + FOOTER.format(size=16 * len(cases))
    with tempfile.TemporaryDirectory() as folder:
        asm, exe = Path(folder) / "cases.S", Path(folder) / "cases"
        asm.write_text(source)
        subprocess.run([oracle("riscv64-linux-gnu-gcc"), "-nostdlib", "-static", "-march=rv64g", "-o", str(exe),
                        str(asm)], check=True, capture_output=True)
        qemu = subprocess.run([oracle("qemu-riscv64"), str(exe)], capture_output=True, timeout=60)
        ours = run_program(str(exe))
    assert qemu.returncode == 0, qemu.stderr
    assert ours.fault is None and ours.exit_code == 0
    for i, case in enumerate(cases):
        want = struct.unpack_from("<QQ", qemu.stdout, 16 * i)
        got = struct.unpack_from("<QQ", ours.stdout, 16 * i)
        assert got == want, f"case {i}: ours (result, fflags) = {[hex(v) for v in got]}, qemu = " \
                            f"{[hex(v) for v in want]}\n{case}"
    assert ours.stdout == qemu.stdout


# ---- integer ----------------------------------------------------------------------------------------------

INT_SPECIALS = [0, 1, 2, 3, 7, 31, 32, 63, 64, -1, -2, -7, 0x7FFF_FFFF, -0x8000_0000, 0xFFFF_FFFF, 0x8000_0000,
                (1 << 63) - 1, -(1 << 63), 0x1_0000_0000, 0xDEAD_BEEF_CAFE_F00D - (1 << 64)]
int64 = st.one_of(st.sampled_from(INT_SPECIALS), st.integers(-(1 << 63), (1 << 63) - 1),
                  st.integers(-(1 << 31), (1 << 31) - 1))
REG_OPS = ["add", "sub", "sll", "srl", "sra", "slt", "sltu", "xor", "or", "and", "mul", "mulh", "mulhsu", "mulhu",
           "div", "divu", "rem", "remu", "addw", "subw", "sllw", "srlw", "sraw", "mulw", "divw", "divuw", "remw",
           "remuw"]
IMM_OPS = {"addi": (-2048, 2047), "slti": (-2048, 2047), "sltiu": (-2048, 2047), "xori": (-2048, 2047),
           "ori": (-2048, 2047), "andi": (-2048, 2047), "slli": (0, 63), "srli": (0, 63), "srai": (0, 63),
           "addiw": (-2048, 2047), "slliw": (0, 31), "srliw": (0, 31), "sraiw": (0, 31)}


@st.composite
def int_case(draw) -> str:
    a, b = draw(int64), draw(int64)
    if draw(st.booleans()):
        op = draw(st.sampled_from(REG_OPS))
        return f"    li t0, {a}\n    li t1, {b}\n    {op} t2, t0, t1\n    sd t2, 0(s0)\n    sd zero, 8(s0)"
    op = draw(st.sampled_from(sorted(IMM_OPS)))
    imm = draw(st.integers(*IMM_OPS[op]))
    return f"    li t0, {a}\n    {op} t2, t0, {imm}\n    sd t2, 0(s0)\n    sd zero, 8(s0)"


@SETTINGS
@given(st.lists(int_case(), min_size=100, max_size=200))
def test_integer_ops(oracle, cases):
    run_both(oracle, cases)


# ---- loads, stores, atomics -------------------------------------------------------------------------------

LOADS = ["lb", "lh", "lw", "ld", "lbu", "lhu", "lwu"]
STORES = ["sb", "sh", "sw", "sd"]
AMOS = ["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax", "amominu", "amomaxu"]


@st.composite
def memory_case(draw) -> str:
    a, b = draw(int64), draw(int64)
    setup = f"    li t0, {a}\n    li t1, {b}\n    sd t0, 0(s1)\n    sd t1, 8(s1)\n"
    kind = draw(st.sampled_from(["load", "store", "amo", "lrsc"]))
    if kind == "load":  # any offset: misaligned loads are allowed in user mode
        op, offset = draw(st.sampled_from(LOADS)), draw(st.integers(0, 8))
        return setup + f"    {op} t2, {offset}(s1)\n    sd t2, 0(s0)\n    sd zero, 8(s0)"
    if kind == "store":
        op, offset = draw(st.sampled_from(STORES)), draw(st.integers(0, 8))
        return setup + f"    {op} t1, {offset}(s1)\n    ld t2, 0(s1)\n    ld t3, 8(s1)\n    sd t2, 0(s0)\n" \
                       "    sd t3, 8(s0)"
    width = draw(st.sampled_from(["w", "d"]))
    offset = draw(st.sampled_from([0, 4] if width == "w" else [0, 8]))
    if kind == "amo":
        op = draw(st.sampled_from(AMOS))
        return setup + f"    addi t4, s1, {offset}\n    {op}.{width} t2, t1, (t4)\n    ld t3, {offset & ~7}(s1)\n" \
                       "    sd t2, 0(s0)\n    sd t3, 8(s0)"
    # LR/SC: the reservation survives a matching SC once; another address or a second SC fails.
    other = draw(st.sampled_from([offset, offset ^ 8 if width == "d" else offset ^ 4]))
    lr = draw(st.booleans())
    return setup + ("" if not lr else f"    addi t4, s1, {offset}\n    lr.{width} t5, (t4)\n") + \
        f"    addi t4, s1, {other}\n    sc.{width} t2, t1, (t4)\n    sc.{width} t3, t0, (t4)\n" \
        "    slli t3, t3, 1\n    or t2, t2, t3\n    ld t3, 0(s1)\n    sd t2, 0(s0)\n    sd t3, 8(s0)"


@SETTINGS
@given(st.lists(memory_case(), min_size=100, max_size=200))
def test_memory_and_atomic_ops(oracle, cases):
    run_both(oracle, cases)


# ---- F and D ----------------------------------------------------------------------------------------------


def specials(bits: int) -> list[int]:
    """Zeros, infinities, NaNs (quiet and signaling), subnormal and normal extremes, ones, of both signs."""
    e, m = (8, 23) if bits == 32 else (11, 52)
    sign = 1 << (bits - 1)
    exp_all = ((1 << e) - 1) << m
    one = ((1 << (e - 1)) - 1) << m
    values = [0, 1, (1 << m) - 1, 1 << m, exp_all - 1, exp_all, exp_all | (1 << (m - 1)), exp_all | 1, one,
              one | 1, one + (1 << m), one - 1, one | (1 << (m - 1))]
    return values + [v | sign for v in values]


def fp_value(bits: int) -> st.SearchStrategy[int]:
    width = "<f" if bits == 32 else "<d"
    pack = "<I" if bits == 32 else "<Q"
    small = st.floats(-1e6, 1e6, width=bits).map(lambda v: struct.unpack(pack, struct.pack(width, v))[0])
    return st.one_of(st.sampled_from(specials(bits)), st.integers(0, (1 << bits) - 1), small)


ROUNDINGS = ["rne", "rtz", "rdn", "rup", "rmm", "dyn"]


@st.composite
def fp_case(draw, s: str) -> str:
    bits = 32 if s == "s" else 64
    value = fp_value(bits)
    a, b, c = draw(value), draw(value), draw(value)
    move = "fmv.w.x" if s == "s" else "fmv.d.x"
    rm = draw(st.sampled_from(ROUNDINGS))
    frm = draw(st.integers(0, 4))
    setup = f"    li t0, {a}\n    li t1, {b}\n    li t2, {c}\n    {move} ft0, t0\n    {move} ft1, t1\n" \
            f"    {move} ft2, t2\n    csrwi frm, {frm}\n    csrwi fflags, 0\n"
    to_fp = "    fmv.x.d t2, ft3\n"
    kind = draw(st.sampled_from(["binary", "binary", "fma", "fma", "sqrt", "noround", "compare", "class",
                                 "to_int", "from_int", "convert", "unboxed", "csr"]))
    if kind == "binary":
        op = draw(st.sampled_from(["fadd", "fsub", "fmul", "fdiv"]))
        insn = f"    {op}.{s} ft3, ft0, ft1, {rm}\n" + to_fp
    elif kind == "fma":
        op = draw(st.sampled_from(["fmadd", "fmsub", "fnmsub", "fnmadd"]))
        insn = f"    {op}.{s} ft3, ft0, ft1, ft2, {rm}\n" + to_fp
    elif kind == "sqrt":
        insn = f"    fsqrt.{s} ft3, ft0, {rm}\n" + to_fp
    elif kind == "noround":
        op = draw(st.sampled_from(["fmin", "fmax", "fsgnj", "fsgnjn", "fsgnjx"]))
        insn = f"    {op}.{s} ft3, ft0, ft1\n" + to_fp
    elif kind == "compare":
        op = draw(st.sampled_from(["feq", "flt", "fle"]))
        insn = f"    {op}.{s} t2, ft0, ft1\n"
    elif kind == "class":
        insn = f"    fclass.{s} t2, ft0\n"
    elif kind == "to_int":
        target = draw(st.sampled_from(["w", "wu", "l", "lu"]))
        insn = f"    fcvt.{target}.{s} t2, ft0, {rm}\n"
    elif kind == "from_int":
        source = draw(st.sampled_from(["w", "wu", "l", "lu"]))
        rounding = "" if (s == "d" and source in ("w", "wu")) else f", {rm}"
        insn = f"    li t0, {draw(int64)}\n    fcvt.{s}.{source} ft3, t0{rounding}\n" + to_fp
    elif kind == "convert":
        insn = f"    fcvt.d.s ft3, ft0\n{to_fp}" if s == "s" else f"    fcvt.s.d ft3, ft0, {rm}\n{to_fp}"
    elif kind == "csr":  # fcsr, frm and fflags are views of one register; writes keep only their bits
        register = draw(st.sampled_from(["fcsr", "frm", "fflags"]))
        op = draw(st.sampled_from(["csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci"]))
        operand = draw(st.integers(0, 31)) if op.endswith("i") else "t0"
        insn = f"    li t0, {draw(st.integers(0, 1 << 12))}\n    fadd.{s} ft3, ft0, ft1\n" \
               f"    {op} t2, {register}, {operand}\n    csrr t4, fcsr\n    slli t4, t4, 32\n    or t2, t2, t4\n"
    else:  # a single read from a register that does not hold a NaN-boxed value
        insn = f"    li t0, {draw(st.integers(0, (1 << 64) - 1))}\n    fmv.d.x ft0, t0\n" \
               f"    fadd.s ft3, ft0, ft1, {rm}\n" + to_fp
    return setup + insn + "    frflags t3\n    sd t2, 0(s0)\n    sd t3, 8(s0)"


@SETTINGS
@given(st.lists(fp_case("s"), min_size=100, max_size=200))
def test_single_precision_ops(oracle, cases):
    run_both(oracle, cases)


@SETTINGS
@given(st.lists(fp_case("d"), min_size=100, max_size=200))
def test_double_precision_ops(oracle, cases):
    run_both(oracle, cases)
