"""What each instruction does: one handler per instruction or per family, found by the op's GNU mnemonic.

A handler takes the hart and the decoded fields (`b2i.sim.isa.Decoded.fields`: rd rs1 rs2 rs3 imm shamt rm
csr ...). Integer registers hold unsigned 64-bit values; `h.next_pc` is already pc + size when a handler
runs, so only control transfers touch it. Compressed instructions never reach here: the hart expands them
first. Nothing in this file knows an encoding; `HANDLERS` maps names from the ISA table to behaviour.
"""

from collections.abc import Callable

from b2i.sim.machine import csr, fpu
from b2i.sim.machine.trap import (
    BREAKPOINT,
    ILLEGAL_INSN,
    INSN_MISALIGNED,
    LOAD_ACCESS_FAULT,
    LOAD_MISALIGNED,
    LOAD_PAGE_FAULT,
    STORE_ACCESS_FAULT,
    STORE_MISALIGNED,
    STORE_PAGE_FAULT,
    Trap,
)

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1
Handler = Callable[..., None]


def sx64(v: int) -> int:
    """The signed value of a 64-bit pattern."""
    return v - (1 << 64) if v >> 63 else v


def sx32(v: int) -> int:
    """Sign-extend the low 32 bits to a 64-bit pattern."""
    v &= M32
    return v | 0xFFFF_FFFF_0000_0000 if v >> 31 else v


def _sxn(v: int, bits: int) -> int:
    return v - (1 << bits) if v >> (bits - 1) & 1 else v


# ---- integer arithmetic ------------------------------------------------------------------------------------


def _div(a: int, b: int) -> int:
    """Signed division rounding toward zero; the caller has excluded b == 0 and overflow."""
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def _divide(signed: bool, bits: int, want_rem: bool) -> Callable[[int, int], int]:
    """div/divu/rem/remu at a width, with RISC-V's results for division by zero and overflow (no trap)."""
    mask = (1 << bits) - 1

    def op(a: int, b: int) -> int:
        a &= mask
        b &= mask
        if signed:
            a, b = _sxn(a, bits), _sxn(b, bits)
        if b == 0:
            return a if want_rem else -1
        if signed and a == -(1 << (bits - 1)) and b == -1:
            return 0 if want_rem else a
        q = _div(a, b) if signed else a // b
        return a - q * b if want_rem else q

    return op


# Register-register and register-immediate operations on unsigned 64-bit operands (results masked by caller).
ALU: dict[str, Callable[[int, int], int]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "sll": lambda a, b: a << (b & 63),
    "srl": lambda a, b: a >> (b & 63),
    "sra": lambda a, b: sx64(a) >> (b & 63),
    "slt": lambda a, b: int(sx64(a) < sx64(b)),
    "sltu": lambda a, b: int(a < b),
    "xor": lambda a, b: a ^ b,
    "or": lambda a, b: a | b,
    "and": lambda a, b: a & b,
    "mul": lambda a, b: a * b,
    "mulh": lambda a, b: (sx64(a) * sx64(b)) >> 64,
    "mulhsu": lambda a, b: (sx64(a) * b) >> 64,
    "mulhu": lambda a, b: (a * b) >> 64,
    "div": _divide(True, 64, False),
    "divu": _divide(False, 64, False),
    "rem": _divide(True, 64, True),
    "remu": _divide(False, 64, True),
}
# The W forms: operate on the low 32 bits; the result is sign-extended from bit 31.
ALU_W: dict[str, Callable[[int, int], int]] = {
    "addw": lambda a, b: a + b,
    "subw": lambda a, b: a - b,
    "sllw": lambda a, b: a << (b & 31),
    "srlw": lambda a, b: (a & M32) >> (b & 31),
    "sraw": lambda a, b: _sxn(a & M32, 32) >> (b & 31),
    "mulw": lambda a, b: a * b,
    "divw": _divide(True, 32, False),
    "divuw": _divide(False, 32, False),
    "remw": _divide(True, 32, True),
    "remuw": _divide(False, 32, True),
}
IMMEDIATE = {"addi": "add", "slti": "slt", "sltiu": "sltu", "xori": "xor", "ori": "or", "andi": "and"}
SHIFT_IMMEDIATE = {"slli": "sll", "srli": "srl", "srai": "sra"}
IMMEDIATE_W = {"addiw": "addw", "slliw": "sllw", "srliw": "srlw", "sraiw": "sraw"}


def _reg_reg(fn: Callable[[int, int], int]) -> Handler:
    def handler(h, f):
        rd = f["rd"]
        if rd:
            h.x[rd] = fn(h.x[f["rs1"]], h.x[f["rs2"]]) & M64

    return handler


def _reg_reg_w(fn: Callable[[int, int], int]) -> Handler:
    def handler(h, f):
        rd = f["rd"]
        if rd:
            h.x[rd] = sx32(fn(h.x[f["rs1"]], h.x[f["rs2"]]))

    return handler


def _reg_imm(fn: Callable[[int, int], int], key: str, width_32: bool = False) -> Handler:
    def handler(h, f):
        rd = f["rd"]
        if rd:
            result = fn(h.x[f["rs1"]], f[key] & M64)
            h.x[rd] = sx32(result) if width_32 else result & M64

    return handler


def lui(h, f):
    if f["rd"]:
        h.x[f["rd"]] = f["imm"] & M64


def auipc(h, f):
    if f["rd"]:
        h.x[f["rd"]] = (h.pc + f["imm"]) & M64


# ---- control transfer --------------------------------------------------------------------------------------


def _jump_target(h, target: int) -> int:
    """A hart without C may only jump to 4-byte boundaries; the jump itself traps, writing nothing."""
    if target & 2 and not h.misa & csr.MISA_C:
        raise Trap(INSN_MISALIGNED, target)
    return target


def jal(h, f):
    target = _jump_target(h, (h.pc + f["imm"]) & M64)
    if f["rd"]:
        h.x[f["rd"]] = h.next_pc
    h.next_pc = target


def jalr(h, f):
    target = _jump_target(h, (h.x[f["rs1"]] + f["imm"]) & M64 & ~1)
    if f["rd"]:
        h.x[f["rd"]] = h.next_pc
    h.next_pc = target


BRANCHES: dict[str, Callable[[int, int], bool]] = {
    "beq": lambda a, b: a == b,
    "bne": lambda a, b: a != b,
    "blt": lambda a, b: sx64(a) < sx64(b),
    "bge": lambda a, b: sx64(a) >= sx64(b),
    "bltu": lambda a, b: a < b,
    "bgeu": lambda a, b: a >= b,
}


def _branch(taken: Callable[[int, int], bool]) -> Handler:
    def handler(h, f):
        if taken(h.x[f["rs1"]], h.x[f["rs2"]]):
            h.next_pc = _jump_target(h, (h.pc + f["imm"]) & M64)

    return handler


# ---- loads and stores --------------------------------------------------------------------------------------

LOADS = {"lb": (1, True), "lh": (2, True), "lw": (4, True), "ld": (8, False), "lbu": (1, False),
         "lhu": (2, False), "lwu": (4, False)}
STORES = {"sb": 1, "sh": 2, "sw": 4, "sd": 8}


def _load(size: int, signed: bool) -> Handler:
    bits = 8 * size

    def handler(h, f):
        value = h.load((h.x[f["rs1"]] + f["imm"]) & M64, size)
        if f["rd"]:
            h.x[f["rd"]] = (_sxn(value, bits) & M64) if signed else value

    return handler


def _store(size: int) -> Handler:
    def handler(h, f):
        h.store((h.x[f["rs1"]] + f["imm"]) & M64, size, h.x[f["rs2"]])

    return handler


# ---- atomics (one hart: an AMO is a load, an operation and a store) ----------------------------------------

AMO: dict[str, Callable[[int, int, int], int]] = {  # (old, operand, width) -> new, on signed values
    "amoswap": lambda a, b, w: b,
    "amoadd": lambda a, b, w: a + b,
    "amoxor": lambda a, b, w: a ^ b,
    "amoand": lambda a, b, w: a & b,
    "amoor": lambda a, b, w: a | b,
    "amomin": lambda a, b, w: min(a, b),
    "amomax": lambda a, b, w: max(a, b),
    "amominu": lambda a, b, w: min(a % (1 << w), b % (1 << w)),
    "amomaxu": lambda a, b, w: max(a % (1 << w), b % (1 << w)),
}


def _aligned(h, f, size: int, cause: int) -> int:
    addr = h.x[f["rs1"]]
    if addr % size:
        raise Trap(cause, addr)
    return addr


AS_STORE_FAULT = {LOAD_ACCESS_FAULT: STORE_ACCESS_FAULT, LOAD_PAGE_FAULT: STORE_PAGE_FAULT}


def _amo(fn: Callable[[int, int, int], int], size: int) -> Handler:
    """An AMO faults as a store even when its read part is what fails (the privileged spec; QEMU 7.2 differs)."""
    bits = 8 * size

    def handler(h, f):
        addr = _aligned(h, f, size, STORE_MISALIGNED)
        try:
            old = _sxn(h.load(addr, size), bits)
        except Trap as trap:
            raise Trap(AS_STORE_FAULT.get(trap.cause, trap.cause), trap.tval) from None
        h.store(addr, size, fn(old, _sxn(h.x[f["rs2"]] & ((1 << bits) - 1), bits), bits))
        if f["rd"]:
            h.x[f["rd"]] = old & M64

    return handler


def _load_reserved(size: int) -> Handler:
    def handler(h, f):
        addr = _aligned(h, f, size, LOAD_MISALIGNED)
        value = _sxn(h.load(addr, size), 8 * size) & M64
        h.reservation = addr
        if f["rd"]:
            h.x[f["rd"]] = value

    return handler


def _store_conditional(size: int) -> Handler:
    def handler(h, f):
        addr = _aligned(h, f, size, STORE_MISALIGNED)
        ok = h.reservation == addr
        h.reservation = None
        if ok:
            h.store(addr, size, h.x[f["rs2"]])
        if f["rd"]:
            h.x[f["rd"]] = 0 if ok else 1

    return handler


# ---- Zicsr -------------------------------------------------------------------------------------------------


def _csr_op(how: str, immediate: bool) -> Handler:
    """csrrw/csrrs/csrrc (and their immediate forms): read the old value, write the new one."""

    def handler(h, f):
        number, rd = f["csr"], f["rd"]
        source = f["imm"] if immediate else h.x[f["rs1"]]
        writes = how == "w" or (f["imm"] if immediate else f["rs1"]) != 0
        csr.check_access(h, number, writes)
        old = csr.read(h, number) if (rd or how != "w") else 0
        if writes:
            new = source if how == "w" else (old | source if how == "s" else old & ~source)
            csr.write(h, number, new)
        if rd:
            h.x[rd] = old & M64

    return handler


# ---- system --------------------------------------------------------------------------------------------------


def ecall(h, f):
    h.ecall()


def ebreak(h, f):
    raise Trap(BREAKPOINT, 0)  # mtval 0, as QEMU writes it


def nop(h, f):
    """fence, fence.tso, fence.i: one hart, and the decode cache is keyed by the word, so nothing to do."""


def mret(h, f):
    h.trap_return(3)


def sret(h, f):
    h.trap_return(1)


def wfi(h, f):
    h.wait_for_interrupt()


def sfence_vma(h, f):
    if not h.system or h.priv < 1 or (h.priv == 1 and h.mstatus & csr.TVM):
        raise Trap(ILLEGAL_INSN, h.insn_word)
    h.flush_tlb()


# ---- F and D -----------------------------------------------------------------------------------------------

BOX = 0xFFFF_FFFF_0000_0000


def read_f(h, reg: int, fmt: fpu.Format) -> int:
    """A float register as `fmt`: singles must be NaN-boxed, else they read as the canonical NaN."""
    value = h.f[reg]
    if fmt is fpu.D:
        return value
    return value & M32 if value & BOX == BOX else fpu.S.canonical_nan


def write_f(h, reg: int, fmt: fpu.Format, bits: int) -> None:
    h.f[reg] = bits if fmt is fpu.D else BOX | bits
    h.fp_dirty()


def rounding(h, f) -> int:
    """The instruction's rounding mode, or fcsr.frm for `dyn`; reserved modes are illegal instructions."""
    rm = f.get("rm", fpu.RNE)
    if rm == fpu.DYN:
        rm = h.frm
    if rm > fpu.RMM:
        raise Trap(ILLEGAL_INSN, h.insn_word)
    return rm


def _fp(handler: Handler) -> Handler:
    """Every F/D instruction: illegal while mstatus.FS is Off (system mode)."""

    def guarded(h, f):
        h.fp_check()
        handler(h, f)

    guarded.__doc__ = handler.__doc__
    return guarded


def _fp_load(fmt: fpu.Format) -> Handler:
    def handler(h, f):
        write_f(h, f["rd"], fmt, h.load((h.x[f["rs1"]] + f["imm"]) & M64, fmt.bits // 8))

    return handler


def _fp_store(fmt: fpu.Format) -> Handler:
    def handler(h, f):  # stores the raw low bits, boxed or not
        h.store((h.x[f["rs1"]] + f["imm"]) & M64, fmt.bits // 8, h.f[f["rs2"]])

    return handler


def _fp_binary(fn: Callable[..., tuple[int, int]], fmt: fpu.Format, **extra) -> Handler:
    def handler(h, f):
        bits, flags = fn(read_f(h, f["rs1"], fmt), read_f(h, f["rs2"], fmt), fmt, rounding(h, f), **extra)
        h.fflags |= flags
        write_f(h, f["rd"], fmt, bits)

    return handler


def _fp_sqrt(fmt: fpu.Format) -> Handler:
    def handler(h, f):
        bits, flags = fpu.sqrt(read_f(h, f["rs1"], fmt), fmt, rounding(h, f))
        h.fflags |= flags
        write_f(h, f["rd"], fmt, bits)

    return handler


FMA = {"fmadd": (False, False), "fmsub": (False, True), "fnmsub": (True, False), "fnmadd": (True, True)}


def _fp_fma(fmt: fpu.Format, negate_product: bool, negate_addend: bool) -> Handler:
    def handler(h, f):
        a, b, c = (read_f(h, f[r], fmt) for r in ("rs1", "rs2", "rs3"))
        bits, flags = fpu.fma(a, b, c, fmt, rounding(h, f), negate_product, negate_addend)
        h.fflags |= flags
        write_f(h, f["rd"], fmt, bits)

    return handler


def _fp_sign(fmt: fpu.Format, how: str) -> Handler:
    def handler(h, f):
        write_f(h, f["rd"], fmt, fpu.sign_inject(read_f(h, f["rs1"], fmt), read_f(h, f["rs2"], fmt), fmt, how))

    return handler


def _fp_minmax(fmt: fpu.Format, want_max: bool) -> Handler:
    def handler(h, f):
        bits, flags = fpu.minmax(read_f(h, f["rs1"], fmt), read_f(h, f["rs2"], fmt), fmt, want_max)
        h.fflags |= flags
        write_f(h, f["rd"], fmt, bits)

    return handler


def _fp_compare(fmt: fpu.Format, relation: str) -> Handler:
    def handler(h, f):
        result, flags = fpu.compare(read_f(h, f["rs1"], fmt), read_f(h, f["rs2"], fmt), fmt, relation)
        h.fflags |= flags
        if f["rd"]:
            h.x[f["rd"]] = result

    return handler


def _fp_class(fmt: fpu.Format) -> Handler:
    def handler(h, f):
        if f["rd"]:
            h.x[f["rd"]] = fpu.classify(read_f(h, f["rs1"], fmt), fmt)

    return handler


INT_KINDS = {"w": (True, 32), "wu": (False, 32), "l": (True, 64), "lu": (False, 64)}


def _fp_to_int(fmt: fpu.Format, signed: bool, width: int) -> Handler:
    def handler(h, f):
        value, flags = fpu.to_int(read_f(h, f["rs1"], fmt), fmt, rounding(h, f), signed, width)
        h.fflags |= flags
        if f["rd"]:
            h.x[f["rd"]] = sx32(value) if width == 32 else value & M64

    return handler


def _int_to_fp(fmt: fpu.Format, signed: bool, width: int) -> Handler:
    def handler(h, f):
        value = h.x[f["rs1"]] & ((1 << width) - 1)
        if signed:
            value = _sxn(value, width)
        bits, flags = fpu.from_int(value, fmt, rounding(h, f))
        h.fflags |= flags
        write_f(h, f["rd"], fmt, bits)

    return handler


def _fp_convert(src: fpu.Format, dst: fpu.Format) -> Handler:
    def handler(h, f):
        bits, flags = fpu.convert(read_f(h, f["rs1"], src), src, dst, rounding(h, f))
        h.fflags |= flags
        write_f(h, f["rd"], dst, bits)

    return handler


def fmv_x_w(h, f):
    if f["rd"]:
        h.x[f["rd"]] = sx32(h.f[f["rs1"]])


def fmv_x_d(h, f):
    if f["rd"]:
        h.x[f["rd"]] = h.f[f["rs1"]]


def fmv_w_x(h, f):
    write_f(h, f["rd"], fpu.S, h.x[f["rs1"]] & M32)


def fmv_d_x(h, f):
    write_f(h, f["rd"], fpu.D, h.x[f["rs1"]])


# ---- the table: mnemonic -> handler ------------------------------------------------------------------------


def _build() -> dict[str, Handler]:
    table: dict[str, Handler] = {"lui": lui, "auipc": auipc, "jal": jal, "jalr": jalr}
    table |= {name: _reg_reg(fn) for name, fn in ALU.items()}
    table |= {name: _reg_reg_w(fn) for name, fn in ALU_W.items()}
    table |= {name: _reg_imm(ALU[base], "imm") for name, base in IMMEDIATE.items()}
    table |= {name: _reg_imm(ALU[base], "shamt") for name, base in SHIFT_IMMEDIATE.items()}
    table["addiw"] = _reg_imm(ALU_W["addw"], "imm", width_32=True)
    table |= {name: _reg_imm(ALU_W[base], "shamt", width_32=True) for name, base in IMMEDIATE_W.items()
              if name != "addiw"}
    table |= {name: _branch(fn) for name, fn in BRANCHES.items()}
    table |= {name: _load(size, signed) for name, (size, signed) in LOADS.items()}
    table |= {name: _store(size) for name, size in STORES.items()}
    for suffix, size in (("w", 4), ("d", 8)):
        table |= {f"{name}.{suffix}": _amo(fn, size) for name, fn in AMO.items()}
        table[f"lr.{suffix}"] = _load_reserved(size)
        table[f"sc.{suffix}"] = _store_conditional(size)
    for how in "wsc":
        table[f"csrr{how}"] = _csr_op(how, False)
        table[f"csrr{how}i"] = _csr_op(how, True)
    table |= {"ecall": ecall, "ebreak": ebreak, "fence": nop, "fence.tso": nop, "fence.i": nop,
              "mret": mret, "sret": sret, "wfi": wfi, "sfence.vma": sfence_vma}

    fp: dict[str, Handler] = {"fmv.x.w": fmv_x_w, "fmv.x.d": fmv_x_d, "fmv.w.x": fmv_w_x, "fmv.d.x": fmv_d_x}
    for s, fmt in (("s", fpu.S), ("d", fpu.D)):
        fp[{"s": "flw", "d": "fld"}[s]] = _fp_load(fmt)
        fp[{"s": "fsw", "d": "fsd"}[s]] = _fp_store(fmt)
        fp[f"fadd.{s}"] = _fp_binary(fpu.add, fmt)
        fp[f"fsub.{s}"] = _fp_binary(fpu.add, fmt, subtract=True)
        fp[f"fmul.{s}"] = _fp_binary(fpu.mul, fmt)
        fp[f"fdiv.{s}"] = _fp_binary(fpu.div, fmt)
        fp[f"fsqrt.{s}"] = _fp_sqrt(fmt)
        fp |= {f"{name}.{s}": _fp_fma(fmt, *negations) for name, negations in FMA.items()}
        fp |= {f"fsgnj{how}.{s}": _fp_sign(fmt, how or "j") for how in ("", "n", "x")}
        fp[f"fmin.{s}"] = _fp_minmax(fmt, False)
        fp[f"fmax.{s}"] = _fp_minmax(fmt, True)
        fp |= {f"f{rel}.{s}": _fp_compare(fmt, rel) for rel in ("eq", "lt", "le")}
        fp[f"fclass.{s}"] = _fp_class(fmt)
        for kind, (signed, width) in INT_KINDS.items():
            fp[f"fcvt.{kind}.{s}"] = _fp_to_int(fmt, signed, width)
            fp[f"fcvt.{s}.{kind}"] = _int_to_fp(fmt, signed, width)
    fp["fcvt.s.d"] = _fp_convert(fpu.D, fpu.S)
    fp["fcvt.d.s"] = _fp_convert(fpu.S, fpu.D)
    table |= {name: _fp(handler) for name, handler in fp.items()}
    return table


HANDLERS: dict[str, Handler] = _build()
