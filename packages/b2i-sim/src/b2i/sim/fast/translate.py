"""One basic block of guest code to LLVM IR text: the heart of the fast engine.

A block starts at a pc and runs to the first control transfer (branch, jal, jalr), to an instruction this
file does not translate, or to MAX_BLOCK instructions. Decoding goes through `b2i.sim.isa` (compressed
instructions are expanded to their base instruction first). The generated function is

    i64 @block(ptr %state, ptr %mem, ptr %pagemap, ptr %tags, ptr %functions)  ; returns the next guest pc

Guest registers live in `state` (see the slot numbers below); the function copies the ones it uses into
locals (LLVM keeps them in host registers) and writes back the ones it changed on every exit. Guest address
`a` is host address `mem + a` once the page map says the page is there (loads) or is plain data (stores);
otherwise the block exits *before* the instruction with `EXIT_STEP`, and the reference interpreter executes
that one instruction. Floating point runs on the host's IEEE unit only where the result provably matches
RISC-V bit for bit with the same fflags (finite, normal-range results, round-to-nearest, NaN-boxed singles);
anything else (NaNs, infinities, subnormal results, other rounding modes) takes the same exit. A block whose
branch goes back to its own start becomes a native loop, bounded by the instruction limit; any other normal
exit tail-calls the next block through the jump cache (`tags`, `functions`) when it is translated.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from b2i.sim import isa
from b2i.sim.fast.flatmem import DATA, PAGES, SPAN
from b2i.sim.machine.memory import PAGE, PAGE_SHIFT
from b2i.sim.machine.trace import destination
from b2i.sim.machine.trap import Trap

# slots of the state array (64-bit words); FILL: system mode's TLB-miss function (see Emitter.tlb_address);
# TRACE: where a tracing block writes its next commit record (see Emitter.record)
X, F, PC, INSTRET, LIMIT, FFLAGS, FRM, EXIT, FP_DIRTY, FILL, TRACE = 0, 32, 64, 65, 66, 67, 68, 69, 70, 71, 72
SLOTS = 73
# A tracing block writes one record per retired instruction: (pc, instruction word, value of the register it
# wrote, or 0), three u64s; the engine turns them into commit-log lines once native code returns.
RECORD = 3
# System mode: the software TLB native loads and stores go through (the `pagemap` argument). TLB_SIZE entries
# per table, direct-mapped by virtual page number: load tags, load deltas, store tags, store deltas (u64 each).
# A hit gives the host address `ram + vaddr + delta`; an empty tag (all ones) matches no page number.
# A tag with KEPT_PAGE set is an entry kept across a flush of the reference's TLB and not yet used since: native
# code makes it plain again on its first use, and logs it at CONFIRMED (a count, then pairs: the tag's index, the
# page number) so that the engine puts the translation into the reference's TLB (see b2i.sim.fast.system).
TLB_BITS = 10
TLB_SIZE = 1 << TLB_BITS
LOAD_TAGS, LOAD_DELTAS, STORE_TAGS, STORE_DELTAS = 0, TLB_SIZE, 2 * TLB_SIZE, 3 * TLB_SIZE
CONFIRMED = 4 * TLB_SIZE
TLB_WORDS = CONFIRMED + 1 + 2 * 2 * TLB_SIZE  # every tag can be confirmed once between two flushes
KEPT_PAGE = 1 << 63  # no page number has this bit
# why a block returned (state[EXIT]); 0 means "go on at the returned pc". EXIT_LIMIT: the block did not start,
# because all of it would not fit under state[LIMIT] (so native code stops exactly where the engine asks)
EXIT_NONE, EXIT_STEP, EXIT_FENCE_I, EXIT_LIMIT = 0, 1, 2, 3
MAX_BLOCK = 64
NX = 1

INF = "0x7FF0000000000000"
SMALL = "0x0360000000000000"  # 2**-969: results at least this big have exactly representable rounding errors
BIG = "0x7E70000000000000"  # 2**1000: far enough from overflow that no intermediate can reach it
# the same bounds for single precision (2**-100, 2**120), written as LLVM writes float constants (as doubles)
LIMITS = {"double": (SMALL, BIG), "float": ("0x39B0000000000000", "0x4770000000000000")}
BITS = {"double": "f64", "float": "f32"}
TWO53 = 1 << 53

BRANCHES = {"beq": "eq", "bne": "ne", "blt": "slt", "bge": "sge", "bltu": "ult", "bgeu": "uge"}
LOADS = {"lb": (1, "sext"), "lh": (2, "sext"), "lw": (4, "sext"), "ld": (8, None), "lbu": (1, "zext"),
         "lhu": (2, "zext"), "lwu": (4, "zext")}
STORES = {"sb": 1, "sh": 2, "sw": 4, "sd": 8}
SIMPLE = {"add": "add", "sub": "sub", "xor": "xor", "or": "or", "and": "and", "mul": "mul"}
SHIFTS = {"sll": "shl", "srl": "lshr", "sra": "ashr"}
IMMEDIATE = {"addi": "add", "xori": "xor", "ori": "or", "andi": "and", "slti": "slt", "sltiu": "sltu",
             "slli": "sll", "srli": "srl", "srai": "sra"}
WORD_OPS = {"addw": "add", "subw": "sub", "sllw": "sll", "srlw": "srl", "sraw": "sra", "mulw": "mul",
            "divw": "div", "divuw": "divu", "remw": "rem", "remuw": "remu"}
WORD_IMMEDIATE = {"addiw": "add", "slliw": "sll", "srliw": "srl", "sraiw": "sra"}
DIVIDES = {"div": ("sdiv", True, False), "divu": ("udiv", False, False), "rem": ("srem", True, True),
           "remu": ("urem", False, True)}
MULH = {"mulh": ("sext", "sext"), "mulhu": ("zext", "zext"), "mulhsu": ("sext", "zext")}
FP_ARITH = {"fadd.d", "fsub.d", "fmul.d", "fdiv.d", "fsqrt.d", "fmadd.d", "fmsub.d", "fnmsub.d", "fnmadd.d",
            "fadd.s", "fsub.s", "fmul.s", "fdiv.s", "fsqrt.s", "fmadd.s", "fmsub.s", "fnmsub.s", "fnmadd.s",
            "fcvt.d.w", "fcvt.d.wu", "fcvt.d.l", "fcvt.d.lu", "fcvt.s.d", "fcvt.d.s"}
FP_TO_INT = {f"fcvt.{kind}.{p}": (width, signed) for p in "ds"
             for kind, width, signed in (("w", 32, True), ("wu", 32, False), ("l", 64, True), ("lu", 64, False))}
FP_COMPARE = {f"f{relation}.{p}": f"o{relation}" for p in "ds" for relation in ("eq", "lt", "le")}
RTZ, DYN = 1, 7
CSR_OPS = ("csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci")
FFLAGS_CSR, FRM_CSR, FCSR_CSR = isa.CSRS["fflags"], isa.CSRS["frm"], isa.CSRS["fcsr"]


@dataclass
class Insn:
    pc: int
    size: int
    name: str
    fields: dict[str, int]
    word: int = 0  # as fetched (compressed or not): a tracing block records it


@dataclass
class Block:
    """A translated block: its guest instructions, the IR text and the guest pages it was read from."""

    pc: int
    insns: list[Insn]
    ir: str = ""
    pages: set[int] = field(default_factory=set)
    system: bool = False  # loads and stores through the software TLB into the board's RAM, not a flat process
    trace: bool = False  # write a commit record per retired instruction (b2i-run --trace)

    @property
    def end(self) -> int:
        return self.insns[-1].pc + self.insns[-1].size


def translatable(insn: Insn) -> bool:
    """Whether the translator emits native code for this instruction (else the reference executes it)."""
    name = insn.name
    if name in CSR_OPS:
        return insn.fields["csr"] in (FFLAGS_CSR, FRM_CSR, FCSR_CSR)
    if name in FP_ARITH or name in FP_TO_INT:
        rm = insn.fields.get("rm", 0)
        if name in FP_TO_INT:
            return rm == RTZ
        return rm in (0, DYN)
    return name in TRANSLATORS


def uses_fp(insn: Insn) -> bool:
    """F/D instructions and the FP CSRs: illegal while mstatus.FS is Off, and they make it Dirty."""
    if insn.name in CSR_OPS:
        return insn.fields["csr"] in (FFLAGS_CSR, FRM_CSR, FCSR_CSR)
    return insn.name.startswith("f") and not insn.name.startswith("fence")


def scan(fetch: Callable[[int], int], pc: int, fp: bool = True) -> list[Insn]:
    """The instructions of the block at pc, up to and including its control transfer (maybe empty);
    without `fp`, up to the first F/D instruction (system mode translates those only while mstatus.FS is Dirty)."""
    insns: list[Insn] = []
    while len(insns) < MAX_BLOCK:
        try:
            word = fetch(pc)
        except Trap:
            break
        decoded = isa.decode(word)
        if decoded is None:
            break
        base = isa.expand(decoded)
        insn = Insn(pc, decoded.op.size, base.op.name, dict(base.fields), word)
        if not translatable(insn) or (not fp and uses_fp(insn)):
            break
        insns.append(insn)
        if ends_block(insn):
            break
        pc += insn.size
    return insns


# A block ends at every control transfer. Letting it run on past conditional branches (a region with labels
# inside, which `build` supports) made the benchmark's loops 1.7x slower: larger, overlapping regions entered in
# the middle of loops. So regions are basic blocks, and a branch back to the block's start is a native loop.
ENDS_BLOCK = {"jal", "jalr", "fence.i", *BRANCHES}


class Emitter:
    """Builds the body of one function: fresh SSA names, lines, and which guest registers it touches."""

    def __init__(self, block: Block) -> None:
        self.block = block
        self.system = block.system
        self.lines: list[str] = []
        self.count = 0
        self.x_used: set[int] = set()
        self.x_written: set[int] = set()
        self.f_used: set[int] = set()
        self.f_written: set[int] = set()
        self.uses_fp = False

    def tmp(self) -> str:
        self.count += 1
        return f"%t{self.count}"

    def label(self) -> str:
        self.count += 1
        return f"L{self.count}"

    def op(self, text: str) -> str:
        name = self.tmp()
        self.lines.append(f"  {name} = {text}")
        return name

    def emit(self, text: str) -> None:
        self.lines.append(f"  {text}")

    def start(self, label: str) -> None:
        self.lines.append(f"{label}:")

    # ---- guest registers ----------------------------------------------------------------------------------
    def x(self, r: int) -> str:
        if r == 0:
            return "0"
        self.x_used.add(r)
        return self.op(f"load i64, ptr %x{r}")

    def set_x(self, r: int, value: str) -> None:
        if r:
            self.x_used.add(r)
            self.x_written.add(r)
            self.emit(f"store i64 {value}, ptr %x{r}")

    def f_bits(self, r: int) -> str:
        self.f_used.add(r)
        self.uses_fp = True
        return self.op(f"load i64, ptr %f{r}")

    def set_f_bits(self, r: int, value: str) -> None:
        self.f_used.add(r)
        self.f_written.add(r)
        self.uses_fp = True
        self.emit(f"store i64 {value}, ptr %f{r}")

    def f(self, r: int) -> str:
        return self.op(f"bitcast i64 {self.f_bits(r)} to double")

    def set_f(self, r: int, value: str) -> None:
        self.set_f_bits(r, self.op(f"bitcast double {value} to i64"))

    # ---- leaving the block --------------------------------------------------------------------------------
    def exit(self, pc: str | int, retired: int, reason: int = EXIT_NONE) -> None:
        """Return to the dispatcher at pc, with `retired` instructions of this pass through the block done."""
        self.emit(f"store i64 {_signed(pc) if isinstance(pc, int) else pc}, ptr %exit_pc")
        self.emit(f"store i64 {retired}, ptr %exit_retired")
        self.emit(f"store i64 {reason}, ptr %exit_reason")
        self.emit("br label %exit")

    def guard(self, ok: str, insn: Insn, index: int) -> None:
        """Go on if `ok`; else leave before this instruction so that the reference executes it."""
        fast, slow = self.label(), self.label()
        self.emit(f"br i1 {ok}, label %{fast}, label %{slow}, !prof !0")
        self.start(slow)
        self.exit(insn.pc, index, EXIT_STEP)
        self.start(fast)

    def all_true(self, *conditions: str) -> str:
        result = conditions[0]
        for condition in conditions[1:]:
            result = self.op(f"and i1 {result}, {condition}")
        return result

    def host_address(self, addr: str, size: int, store: bool, insn: Insn, index: int) -> str:
        """The host pointer for a guest access, after checking the page map (exit to the reference if not)."""
        if self.system:
            return self.tlb_address(addr, size, store, insn, index)
        page = self.op(f"lshr i64 {addr}, {PAGE_SHIFT}")
        index_in_map = self.op(f"and i64 {page}, {PAGES - 1}")
        entry_ptr = self.op(f"getelementptr i8, ptr %pagemap, i64 {index_in_map}")
        entry = self.op(f"load i8, ptr {entry_ptr}")
        present = self.op(f"icmp eq i8 {entry}, {DATA}") if store else self.op(f"icmp ne i8 {entry}, 0")
        in_span = self.op(f"icmp ult i64 {addr}, {SPAN}")
        offset = self.op(f"and i64 {addr}, {PAGE - 1}")
        in_page = self.op(f"icmp ule i64 {offset}, {PAGE - size}")
        self.guard(self.all_true(present, in_span, in_page), insn, index)
        return self.op(f"getelementptr i8, ptr %mem, i64 {addr}")

    def tlb_address(self, addr: str, size: int, store: bool, insn: Insn, index: int) -> str:
        """System mode: the host pointer from the software TLB. On a miss, native code calls the engine's fill
        function (Python, through ctypes: `fill(mem, tlb, vaddr, is_store)`), which asks the reference's MMU
        and maps the page if it is plain RAM (for a store: holding no translated code); if it cannot, or the
        access crosses its page, the block leaves before the instruction and the reference executes it (and
        takes the fault, or does the MMIO). `mem` and the TLB are passed so LLVM knows the call may touch them
        (the page walker sets A/D bits in RAM)."""
        page = self.op(f"lshr i64 {addr}, {PAGE_SHIFT}")
        slot = self.op(f"and i64 {page}, {TLB_SIZE - 1}")
        tags, deltas = (STORE_TAGS, STORE_DELTAS) if store else (LOAD_TAGS, LOAD_DELTAS)
        tag_slot = self.op(f"add i64 {slot}, {tags}")
        tag_ptr = self.op(f"getelementptr i64, ptr %pagemap, i64 {tag_slot}")
        tag = self.op(f"load i64, ptr {tag_ptr}")
        hit = self.op(f"icmp eq i64 {tag}, {page}")
        offset = self.op(f"and i64 {addr}, {PAGE - 1}")
        in_page = self.op(f"icmp ule i64 {offset}, {PAGE - size}")
        fast, miss, confirm, call = self.label(), self.label(), self.label(), self.label()
        self.emit(f"br i1 {self.all_true(hit, in_page)}, label %{fast}, label %{miss}, !prof !0")
        self.start(miss)  # a kept entry: make it plain and log it; else ask the engine
        kept = self.op(f"icmp eq i64 {tag}, {self.op(f'or i64 {page}, {_signed(KEPT_PAGE)}')}")
        self.emit(f"br i1 {self.all_true(kept, in_page)}, label %{confirm}, label %{call}")
        self.start(confirm)
        self.emit(f"store i64 {page}, ptr {tag_ptr}")
        count_ptr = self.op(f"getelementptr i64, ptr %pagemap, i64 {CONFIRMED}")
        count = self.op(f"load i64, ptr {count_ptr}")
        log_index = self.op(f"add i64 {self.op(f'shl i64 {count}, 1')}, {CONFIRMED + 1}")
        log = self.op(f"getelementptr i64, ptr %pagemap, i64 {log_index}")
        self.emit(f"store i64 {tag_slot}, ptr {log}")
        self.emit(f"store i64 {page}, ptr {self.op(f'getelementptr i64, ptr {log}, i64 1')}")
        self.emit(f"store i64 {self.op(f'add i64 {count}, 1')}, ptr {count_ptr}")
        self.emit(f"br label %{fast}")
        self.start(call)
        filled = self.op(f"call i64 %fill(ptr %mem, ptr %pagemap, i64 {addr}, i64 {int(store)})")
        self.guard(self.all_true(self.op(f"icmp ne i64 {filled}, 0"), in_page), insn, index)
        self.emit(f"br label %{fast}")
        self.start(fast)
        delta_slot = self.op(f"add i64 {slot}, {deltas}")
        delta = self.op(f"load i64, ptr {self.op(f'getelementptr i64, ptr %pagemap, i64 {delta_slot}')}")
        return self.op(f"getelementptr i8, ptr %mem, i64 {self.op(f'add i64 {addr}, {delta}')}")

    def record(self, insn: Insn) -> None:
        """Tracing blocks only: the commit record of an instruction that has just retired, at state[TRACE]
        (the engine leaves room for every record a dispatch can write: see NativeHart._run_native)."""
        if not self.block.trace:
            return
        decoded = isa.decode(insn.word)
        dest = destination(isa.expand(decoded) if decoded is not None else None)
        value = "0"
        if dest is not None:
            value = self.x(dest[1]) if dest[0] == "x" else self.f_bits(dest[1])
        at = self.op("load ptr, ptr %trace.p")
        for i, field_value in enumerate((_signed(insn.pc), insn.word, value)):
            self.emit(f"store i64 {field_value}, ptr {self.op(f'getelementptr i64, ptr {at}, i64 {i}')}")
        self.emit(f"store ptr {self.op(f'getelementptr i64, ptr {at}, i64 {RECORD}')}, ptr %trace.p")

    def address(self, insn: Insn) -> str:
        return self.op(f"add i64 {self.x(insn.fields['rs1'])}, {insn.fields['imm']}")


# ---- integer instructions ------------------------------------------------------------------------------------


def _alu(e: Emitter, name: str, a: str, b: str, width: int) -> str:
    """An R-type operation at a width (64, or 32 for the W forms); result at that width."""
    t = f"i{width}"
    if name in SIMPLE:
        return e.op(f"{SIMPLE[name]} {t} {a}, {b}")
    if name in SHIFTS:
        amount = e.op(f"and {t} {b}, {width - 1}")
        return e.op(f"{SHIFTS[name]} {t} {a}, {amount}")
    if name in ("slt", "sltu"):
        less = e.op(f"icmp {'slt' if name == 'slt' else 'ult'} {t} {a}, {b}")
        return e.op(f"zext i1 {less} to {t}")
    if name in MULH:
        sa, sb = MULH[name]
        wa, wb = e.op(f"{sa} i64 {a} to i128"), e.op(f"{sb} i64 {b} to i128")
        high = e.op(f"lshr i128 {e.op(f'mul i128 {wa}, {wb}')}, 64")
        return e.op(f"trunc i128 {high} to i64")
    instruction, signed, remainder = DIVIDES[name]
    # RISC-V never traps: x/0 is all ones (rem: x); MIN/-1 is MIN (rem: 0). Dividing by 1 instead gives both.
    zero = e.op(f"icmp eq {t} {b}, 0")
    bad = zero
    if signed:
        is_min = e.op(f"icmp eq {t} {a}, {-(1 << (width - 1))}")
        overflow = e.op(f"and i1 {is_min}, {e.op(f'icmp eq {t} {b}, -1')}")
        bad = e.op(f"or i1 {zero}, {overflow}")
    divisor = e.op(f"select i1 {bad}, {t} 1, {t} {b}")
    result = e.op(f"{instruction} {t} {a}, {divisor}")
    return e.op(f"select i1 {zero}, {t} {a if remainder else -1}, {t} {result}")


def _r_type(e: Emitter, insn: Insn, index: int) -> None:
    f = insn.fields
    e.set_x(f["rd"], _alu(e, insn.name, e.x(f["rs1"]), e.x(f["rs2"]), 64))


def _i_type(e: Emitter, insn: Insn, index: int) -> None:
    f = insn.fields
    operand = f["imm"] if "imm" in f else f["shamt"]
    e.set_x(f["rd"], _alu(e, IMMEDIATE[insn.name], e.x(f["rs1"]), str(operand), 64))


def _word(e: Emitter, name: str, rd: int, a: str, b: str) -> None:
    a32, b32 = e.op(f"trunc i64 {a} to i32"), e.op(f"trunc i64 {b} to i32")
    e.set_x(rd, e.op(f"sext i32 {_alu(e, name, a32, b32, 32)} to i64"))


def _r_word(e: Emitter, insn: Insn, index: int) -> None:
    f = insn.fields
    _word(e, WORD_OPS[insn.name], f["rd"], e.x(f["rs1"]), e.x(f["rs2"]))


def _i_word(e: Emitter, insn: Insn, index: int) -> None:
    f = insn.fields
    operand = f["imm"] if "imm" in f else f["shamt"]
    _word(e, WORD_IMMEDIATE[insn.name], f["rd"], e.x(f["rs1"]), str(operand))


def _lui(e: Emitter, insn: Insn, index: int) -> None:
    e.set_x(insn.fields["rd"], str(insn.fields["imm"]))


def _auipc(e: Emitter, insn: Insn, index: int) -> None:
    e.set_x(insn.fields["rd"], str(_signed(insn.pc + insn.fields["imm"])))


def _load(e: Emitter, insn: Insn, index: int) -> None:
    size, extend = LOADS[insn.name]
    pointer = e.host_address(e.address(insn), size, False, insn, index)
    value = e.op(f"load i{8 * size}, ptr {pointer}, align 1")
    e.set_x(insn.fields["rd"], e.op(f"{extend} i{8 * size} {value} to i64") if extend else value)


def _store(e: Emitter, insn: Insn, index: int) -> None:
    size = STORES[insn.name]
    value = e.x(insn.fields["rs2"])
    pointer = e.host_address(e.address(insn), size, True, insn, index)
    if size < 8:
        value = e.op(f"trunc i64 {value} to i{8 * size}")
    e.emit(f"store i{8 * size} {value}, ptr {pointer}, align 1")


def _nothing(e: Emitter, insn: Insn, index: int) -> None:
    """fence and fence.tso: one hart, nothing to order."""


# ---- floating point (D; single precision only moves) ---------------------------------------------------------


def _fp_load(e: Emitter, insn: Insn, index: int) -> None:
    size = 8 if insn.name == "fld" else 4
    pointer = e.host_address(e.address(insn), size, False, insn, index)
    value = e.op(f"load i{8 * size}, ptr {pointer}, align 1")
    if size == 4:
        value = e.op(f"or i64 {e.op(f'zext i32 {value} to i64')}, {_signed(0xFFFF_FFFF_0000_0000)}")
    e.set_f_bits(insn.fields["rd"], value)


def _fp_store(e: Emitter, insn: Insn, index: int) -> None:
    size = 8 if insn.name == "fsd" else 4
    value = e.f_bits(insn.fields["rs2"])
    pointer = e.host_address(e.address(insn), size, True, insn, index)
    if size == 4:
        value = e.op(f"trunc i64 {value} to i32")
    e.emit(f"store i{8 * size} {value}, ptr {pointer}, align 1")


def _fp_move(e: Emitter, insn: Insn, index: int) -> None:
    f, name = insn.fields, insn.name
    if name == "fmv.x.d":
        e.set_x(f["rd"], e.f_bits(f["rs1"]))
    elif name == "fmv.x.w":
        low = e.op(f"trunc i64 {e.f_bits(f['rs1'])} to i32")
        e.set_x(f["rd"], e.op(f"sext i32 {low} to i64"))
    elif name == "fmv.d.x":
        e.set_f_bits(f["rd"], e.x(f["rs1"]))
    else:  # fmv.w.x: NaN-boxed
        low = e.op(f"and i64 {e.x(f['rs1'])}, 4294967295")
        e.set_f_bits(f["rd"], e.op(f"or i64 {low}, {_signed(0xFFFF_FFFF_0000_0000)}"))


def _fp_sign(e: Emitter, insn: Insn, index: int) -> None:
    f = insn.fields
    a, b = e.f_bits(f["rs1"]), e.f_bits(f["rs2"])
    sign = 1 << 63
    magnitude = e.op(f"and i64 {a}, {(1 << 63) - 1}")
    if insn.name == "fsgnj.d":
        s = e.op(f"and i64 {b}, {_signed(sign)}")
    elif insn.name == "fsgnjn.d":
        s = e.op(f"and i64 {e.op(f'xor i64 {b}, -1')}, {_signed(sign)}")
    else:
        s = e.op(f"and i64 {e.op(f'xor i64 {a}, {b}')}, {_signed(sign)}")
    e.set_f_bits(f["rd"], e.op(f"or i64 {magnitude}, {s}"))


def _rounding_ok(e: Emitter, insn: Insn) -> list[str]:
    """Conditions for round-to-nearest-even: a static rne, or dyn with fcsr.frm = rne."""
    return ["%frm_rne"] if insn.fields.get("rm", 0) == DYN else []


def _magnitude(e: Emitter, v: str, t: str = "double") -> str:
    return e.op(f"call {t} @llvm.fabs.{BITS[t]}({t} {v})")


def _in_range(e: Emitter, v: str, t: str = "double") -> str:
    """|v| in [SMALL, BIG) of its format: no overflow, no underflow, and exact error terms."""
    m = _magnitude(e, v, t)
    small, big = LIMITS[t]
    return e.op(f"and i1 {e.op(f'fcmp oge {t} {m}, {small}')}, {e.op(f'fcmp olt {t} {m}, {big}')}")


def _is_zero(e: Emitter, v: str, t: str = "double") -> str:
    return e.op(f"fcmp oeq {t} {v}, 0.0")


def _operand(e: Emitter, r: int, t: str, conditions: list[str]) -> str:
    """A float register as `t`; a single must be NaN-boxed (else it reads as NaN: the reference's case)."""
    if t == "double":
        return e.f(r)
    bits = e.f_bits(r)
    conditions.append(e.op(f"icmp eq i64 {e.op(f'lshr i64 {bits}, 32')}, 4294967295"))
    return e.op(f"bitcast i32 {e.op(f'trunc i64 {bits} to i32')} to float")


def _set_result(e: Emitter, r: int, value: str, t: str) -> None:
    if t == "double":
        e.set_f(r, value)
        return
    low = e.op(f"zext i32 {e.op(f'bitcast float {value} to i32')} to i64")
    e.set_f_bits(r, e.op(f"or i64 {low}, {_signed(0xFFFF_FFFF_0000_0000)}"))


def _raise_nx(e: Emitter, inexact: str) -> None:
    flags = e.op("load i64, ptr %fflags")
    bit = e.op(f"zext i1 {inexact} to i64")
    e.emit(f"store i64 {e.op(f'or i64 {flags}, {bit}')}, ptr %fflags")


def _nonzero(e: Emitter, v: str, t: str = "double") -> str:
    return e.op(f"fcmp une {t} {v}, 0.0")


def _fp_arith(e: Emitter, insn: Insn, index: int) -> None:
    f, name = insn.fields, insn.name
    conditions = _rounding_ok(e, insn)
    if name.startswith("fcvt.d."):
        value = e.x(f["rs1"])
        if name == "fcvt.d.w":
            result = e.op(f"sitofp i32 {e.op(f'trunc i64 {value} to i32')} to double")
        elif name == "fcvt.d.wu":
            result = e.op(f"uitofp i32 {e.op(f'trunc i64 {value} to i32')} to double")
        elif name == "fcvt.d.l":  # exact only below 2**53 in magnitude
            conditions.append(e.op(f"icmp ult i64 {e.op(f'add i64 {value}, {TWO53}')}, {2 * TWO53}"))
            result = e.op(f"sitofp i64 {value} to double")
        else:
            conditions.append(e.op(f"icmp ult i64 {value}, {TWO53}"))
            result = e.op(f"uitofp i64 {value} to double")
        if conditions:
            e.guard(e.all_true(*conditions), insn, index)
        e.set_f(f["rd"], result)
        return
    t = "float" if name.endswith(".s") else "double"
    a = _operand(e, f["rs1"], t, conditions)
    if name.startswith("fsqrt."):
        result = e.op(f"call {t} @llvm.sqrt.{BITS[t]}({t} {a})")
        square = e.op(f"call {t} @llvm.fma.{BITS[t]}({t} {result}, {t} {result}, {t} {e.op(f'fneg {t} {a}')})")
        positive = e.op(f"and i1 {_in_range(e, a, t)}, {e.op(f'fcmp ogt {t} {a}, 0.0')}")
        conditions.append(e.op(f"or i1 {positive}, {_is_zero(e, a, t)}"))
        e.guard(e.all_true(*conditions), insn, index)
        _raise_nx(e, e.op(f"and i1 {positive}, {_nonzero(e, square, t)}"))
        _set_result(e, f["rd"], result, t)
        return
    b = _operand(e, f["rs2"], t, conditions)
    if name[:5] in ("fadd.", "fsub."):
        if name.startswith("fsub."):
            b = e.op(f"fneg {t} {b}")
        result = e.op(f"fadd {t} {a}, {b}")
        # TwoSum: the exact rounding error of a + b
        b_part = e.op(f"fsub {t} {result}, {a}")
        a_part = e.op(f"fsub {t} {result}, {b_part}")
        error = e.op(f"fadd {t} {e.op(f'fsub {t} {a}, {a_part}')}, {e.op(f'fsub {t} {b}, {b_part}')}")
        for v in (a, b, result):
            conditions.append(e.op(f"fcmp olt {t} {_magnitude(e, v, t)}, {LIMITS[t][1]}"))
        e.guard(e.all_true(*conditions), insn, index)
        _raise_nx(e, _nonzero(e, error, t))
    elif name.startswith("fmul."):
        result = e.op(f"fmul {t} {a}, {b}")
        error = e.op(f"call {t} @llvm.fma.{BITS[t]}({t} {a}, {t} {b}, {t} {e.op(f'fneg {t} {result}')})")
        zero_operand = e.op(f"or i1 {_is_zero(e, a, t)}, {_is_zero(e, b, t)}")
        exact_zero = e.op(f"and i1 {zero_operand}, {_is_zero(e, result, t)}")
        conditions.append(e.op(f"or i1 {_in_range(e, result, t)}, {exact_zero}"))
        e.guard(e.all_true(*conditions), insn, index)
        _raise_nx(e, _nonzero(e, error, t))
    elif name.startswith("fdiv."):
        result = e.op(f"fdiv {t} {a}, {b}")
        rest = e.op(f"call {t} @llvm.fma.{BITS[t]}({t} {e.op(f'fneg {t} {result}')}, {t} {b}, {t} {a})")
        normal = e.all_true(_in_range(e, a, t), _in_range(e, b, t), _in_range(e, result, t))
        zero = e.op(f"and i1 {_is_zero(e, a, t)}, {_is_zero(e, result, t)}")
        conditions.append(e.op(f"or i1 {normal}, {zero}"))
        e.guard(e.all_true(*conditions), insn, index)
        _raise_nx(e, e.op(f"and i1 {normal}, {_nonzero(e, rest, t)}"))
    else:
        result = _fused(e, insn, a, b, conditions, index, t)
    _set_result(e, f["rd"], result, t)


def _two_sum(e: Emitter, x: str, y: str, t: str = "double") -> tuple[str, str]:
    """(x + y rounded, its exact rounding error): Knuth's TwoSum, exact unless something overflows."""
    total = e.op(f"fadd {t} {x}, {y}")
    y_part = e.op(f"fsub {t} {total}, {x}")
    x_part = e.op(f"fsub {t} {total}, {y_part}")
    error = e.op(f"fadd {t} {e.op(f'fsub {t} {x}, {x_part}')}, {e.op(f'fsub {t} {y}, {y_part}')}")
    return total, error


def _fused(e: Emitter, insn: Insn, a: str, b: str, conditions: list[str], index: int, t: str) -> str:
    """fmadd/fmsub/fnmsub/fnmadd: r = fma(a, b, c) on the host, and NX from an exact check that
    a*b + c - r = (s - r) + e2 + e1 is zero, where p = a*b (rounded), e1 = a*b - p, s = p + c, e2 = p + c - s."""
    c = _operand(e, insn.fields["rs3"], t, conditions)
    if insn.name[:7] in ("fnmsub.", "fnmadd."):
        a = e.op(f"fneg {t} {a}")
    if insn.name[:6] == "fmsub." or insn.name.startswith("fnmadd."):
        c = e.op(f"fneg {t} {c}")
    result = e.op(f"call {t} @llvm.fma.{BITS[t]}({t} {a}, {t} {b}, {t} {c})")
    product = e.op(f"fmul {t} {a}, {b}")
    product_error = e.op(f"call {t} @llvm.fma.{BITS[t]}({t} {a}, {t} {b}, {t} {e.op(f'fneg {t} {product}')})")
    total, sum_error = _two_sum(e, product, c, t)
    distance, distance_error = _two_sum(e, total, e.op(f"fneg {t} {result}"), t)
    errors, errors_error = _two_sum(e, product_error, sum_error, t)
    zero_factor = e.op(f"or i1 {_is_zero(e, a, t)}, {_is_zero(e, b, t)}")
    exact = e.op(f"fcmp oeq {t} {e.op(f'fadd {t} {distance}, {errors}')}, 0.0")
    exact_zero = e.op(f"and i1 {_is_zero(e, result, t)}, {exact}")  # 0*x + 0 and cancellations, not underflow
    conditions += [e.op(f"or i1 {_in_range(e, result, t)}, {exact_zero}"),
                   e.op(f"or i1 {_in_range(e, product, t)}, {zero_factor}"),
                   e.op(f"fcmp olt {t} {_magnitude(e, c, t)}, {LIMITS[t][1]}"),
                   e.op(f"fcmp olt {t} {_magnitude(e, total, t)}, {LIMITS[t][1]}"),
                   e.op(f"fcmp oeq {t} {distance_error}, 0.0"), e.op(f"fcmp oeq {t} {errors_error}, 0.0")]
    e.guard(e.all_true(*conditions), insn, index)
    _raise_nx(e, e.op(f"xor i1 {exact}, true"))
    return result


def _fp_csr(e: Emitter, insn: Insn, index: int) -> None:
    """csrr[wsc][i] on fflags, frm and fcsr: plain state in a user process (a frm write ends the block)."""
    f, how = insn.fields, insn.name[4]
    immediate = insn.name.endswith("i")
    source = str(f["imm"]) if immediate else e.x(f["rs1"])
    flags = e.op("load i64, ptr %fflags")
    number = f["csr"]
    old = {FFLAGS_CSR: flags, FRM_CSR: "%frm"}.get(number) or e.op(f"or i64 {e.op('shl i64 %frm, 5')}, {flags}")
    if _csr_writes(insn):
        if how == "w":
            new = source
        elif how == "s":
            new = e.op(f"or i64 {old}, {source}")
        else:
            new = e.op(f"and i64 {old}, {e.op(f'xor i64 {source}, -1')}")
        if number in (FFLAGS_CSR, FCSR_CSR):
            e.emit(f"store i64 {e.op(f'and i64 {new}, 31')}, ptr %fflags")
        if number in (FRM_CSR, FCSR_CSR):
            shifted = new if number == FRM_CSR else e.op(f"lshr i64 {new}, 5")
            e.emit(f"store i64 {e.op(f'and i64 {shifted}, 7')}, ptr %frm.p")
    e.set_x(f["rd"], old)


def _csr_writes(insn: Insn) -> bool:
    return insn.name[4] == "w" or (insn.fields["imm"] if insn.name.endswith("i") else insn.fields["rs1"]) != 0


def ends_block(insn: Insn) -> bool:
    """Control transfers, fence.i, and writes of the rounding mode (later code reads frm on entry)."""
    if insn.name in CSR_OPS:
        return insn.fields["csr"] != FFLAGS_CSR and _csr_writes(insn)
    return insn.name in ENDS_BLOCK


def _fp_to_int(e: Emitter, insn: Insn, index: int) -> None:
    f = insn.fields
    width, signed = FP_TO_INT[insn.name]
    t = "float" if insn.name.endswith(".s") else "double"
    conditions: list[str] = []
    a = _operand(e, f["rs1"], t, conditions)
    low = -(2.0 ** (width - 1)) if signed else 0.0
    high = 2.0 ** (width - 1) if signed else 2.0**width  # powers of two: exact in both formats
    conditions.append(e.op(f"fcmp oge {t} {a}, {_double(low)}"))
    conditions.append(e.op(f"fcmp olt {t} {a}, {_double(high)}"))
    e.guard(e.all_true(*conditions), insn, index)
    value = e.op(f"{'fptosi' if signed else 'fptoui'} {t} {a} to i{width}")
    back = e.op(f"{'sitofp' if signed else 'uitofp'} i{width} {value} to {t}")
    _raise_nx(e, e.op(f"fcmp une {t} {back}, {a}"))
    if width == 32:
        value = e.op(f"sext i32 {value} to i64")
    e.set_x(f["rd"], value)


def _fp_compare(e: Emitter, insn: Insn, index: int) -> None:
    f = insn.fields
    t = "float" if insn.name.endswith(".s") else "double"
    conditions: list[str] = []
    a, b = _operand(e, f["rs1"], t, conditions), _operand(e, f["rs2"], t, conditions)
    e.guard(e.all_true(*conditions, e.op(f"fcmp ord {t} {a}, {b}")), insn, index)
    e.set_x(f["rd"], e.op(f"zext i1 {e.op(f'fcmp {FP_COMPARE[insn.name]} {t} {a}, {b}')} to i64"))


def _fp_minmax(e: Emitter, insn: Insn, index: int) -> None:
    f = insn.fields
    t = "float" if insn.name.endswith(".s") else "double"
    conditions: list[str] = []
    a, b = _operand(e, f["rs1"], t, conditions), _operand(e, f["rs2"], t, conditions)
    both_zero = e.op(f"and i1 {_is_zero(e, a, t)}, {_is_zero(e, b, t)}")
    conditions += [e.op(f"fcmp ord {t} {a}, {b}"), e.op(f"xor i1 {both_zero}, true")]
    e.guard(e.all_true(*conditions), insn, index)
    pick_a = e.op(f"fcmp {'olt' if insn.name.startswith('fmin') else 'ogt'} {t} {a}, {b}")
    _set_result(e, f["rd"], e.op(f"select i1 {pick_a}, {t} {a}, {t} {b}"), t)


def _fp_convert(e: Emitter, insn: Insn, index: int) -> None:
    """fcvt.d.s (exact unless NaN) and fcvt.s.d (rounds: exact check by widening back)."""
    f = insn.fields
    conditions = _rounding_ok(e, insn)
    if insn.name == "fcvt.d.s":
        a = _operand(e, f["rs1"], "float", conditions)
        conditions.append(e.op(f"fcmp ord float {a}, 0.0"))
        e.guard(e.all_true(*conditions), insn, index)
        e.set_f(f["rd"], e.op(f"fpext float {a} to double"))
        return
    a = e.f(f["rs1"])
    small, big = LIMITS["float"]
    magnitude = _magnitude(e, a)
    above, below = e.op(f"fcmp oge double {magnitude}, {small}"), e.op(f"fcmp olt double {magnitude}, {big}")
    fits = e.op(f"and i1 {above}, {below}")
    conditions.append(e.op(f"or i1 {fits}, {_is_zero(e, a)}"))
    e.guard(e.all_true(*conditions), insn, index)
    result = e.op(f"fptrunc double {a} to float")
    _raise_nx(e, e.op(f"fcmp une double {e.op(f'fpext float {result} to double')}, {a}"))
    _set_result(e, f["rd"], result, "float")


def _double(value: float) -> str:
    import struct  # noqa: PLC0415 - only the few constants above need it

    return f"0x{struct.unpack('<Q', struct.pack('<d', value))[0]:016X}"


def _signed(value: int) -> int:
    """A 64-bit pattern as the signed constant LLVM's text wants."""
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >> 63 else value


Translator = Callable[[Emitter, Insn, int], None]
TRANSLATORS: dict[str, Translator] = {"lui": _lui, "auipc": _auipc, "fence": _nothing, "fence.tso": _nothing}
TRANSLATORS |= {name: _r_type for name in (*SIMPLE, *SHIFTS, "slt", "sltu", *MULH, *DIVIDES)}
TRANSLATORS |= {name: _i_type for name in IMMEDIATE}
TRANSLATORS |= {name: _r_word for name in WORD_OPS}
TRANSLATORS |= {name: _i_word for name in WORD_IMMEDIATE}
TRANSLATORS |= {name: _load for name in LOADS} | {name: _store for name in STORES}
TRANSLATORS |= {"fld": _fp_load, "flw": _fp_load, "fsd": _fp_store, "fsw": _fp_store}
TRANSLATORS |= {name: _fp_move for name in ("fmv.x.d", "fmv.x.w", "fmv.d.x", "fmv.w.x")}
TRANSLATORS |= {name: _fp_sign for name in ("fsgnj.d", "fsgnjn.d", "fsgnjx.d")}
TRANSLATORS |= {name: _fp_arith for name in FP_ARITH}
TRANSLATORS |= {name: _fp_to_int for name in FP_TO_INT}
TRANSLATORS |= {name: _fp_compare for name in FP_COMPARE}
TRANSLATORS |= {name: _fp_minmax for name in ("fmin.d", "fmax.d", "fmin.s", "fmax.s")}
TRANSLATORS |= {"fcvt.s.d": _fp_convert, "fcvt.d.s": _fp_convert}
TRANSLATORS |= {name: _fp_csr for name in CSR_OPS}
TRANSLATORS |= {name: _nothing for name in ("jal", "jalr", "fence.i", *BRANCHES)}  # the block's ending


# ---- the block's end and the function around it -----------------------------------------------------------------


def _count(e: Emitter, retired: int) -> None:
    """Add the instructions of the segment just finished to the pass counter."""
    if retired:
        count = e.op(f"add i64 {e.op('load i64, ptr %instret')}, {retired}")
        e.emit(f"store i64 {count}, ptr %instret")


def _edge(e: Emitter, target: int, retired: int, here: int, leaders: dict[int, int]) -> None:
    """Control goes to `target`: a label of this region (a backward one checks the instruction limit), or out."""
    index = leaders.get(target)
    if index is None:
        e.exit(target, retired)
        return
    _count(e, retired)
    label = "body" if index == 0 else f"I{index}"
    if index > here:
        e.emit(f"br label %{label}")
        return
    after_pass = e.op(f"add i64 {e.op('load i64, ptr %instret')}, {len(e.block.insns)}")
    limit_ok = e.op(f"icmp ule i64 {after_pass}, %limit")  # another whole pass fits
    leave = e.label()
    e.emit(f"br i1 {limit_ok}, label %{label}, label %{leave}")
    e.start(leave)
    e.exit(target, 0)


def _targets(insns: list[Insn]) -> dict[int, int]:
    """pc -> index of the instructions some branch or jump of the region goes to (the region's labels)."""
    index_of = {insn.pc: i for i, insn in enumerate(insns)}
    leaders = {insns[0].pc: 0}
    for insn in insns:
        if insn.name in BRANCHES or insn.name == "jal":
            target = (insn.pc + insn.fields["imm"]) & ((1 << 64) - 1)
            if target in index_of:
                leaders[target] = index_of[target]
    return leaders


def build(block: Block) -> None:
    """Fill in block.ir and block.pages: a module holding the one function, named @block.

    The region is straight-line code with branches inside it: a branch or jump to an instruction of the region
    is a jump to its label (a backward one is a native loop, checked against the instruction limit); one
    elsewhere leaves the function. `segment` is where the current stretch of straight-line code began, so every
    exit knows how many instructions of this pass it retired. (`scan` ends a block at its first branch, so
    today the only label inside is the block's start: a branch back to it is the loop.)
    """
    e = Emitter(block)
    insns = block.insns
    leaders = _targets(insns)
    labelled = set(leaders.values())
    segment = 0
    for i, insn in enumerate(insns):
        if i in labelled and i > 0:
            _count(e, i - segment)
            e.emit(f"br label %I{i}")
            e.start(f"I{i}")
            segment = i
        TRANSLATORS[insn.name](e, insn, i - segment)
        f, name, after = insn.fields, insn.name, insn.pc + insn.size
        if name not in ("jal", "jalr", "fence.i"):  # those two record after writing rd; fence.i never retires here
            e.record(insn)
        if name in BRANCHES:
            taken = e.op(f"icmp {BRANCHES[name]} i64 {e.x(f['rs1'])}, {e.x(f['rs2'])}")
            yes, no = e.label(), e.label()
            e.emit(f"br i1 {taken}, label %{yes}, label %{no}")
            e.start(yes)
            _edge(e, (insn.pc + f["imm"]) & ((1 << 64) - 1), i + 1 - segment, i, leaders)
            e.start(no)
        elif name == "jal":
            e.set_x(f["rd"], str(after))
            e.record(insn)
            _edge(e, (insn.pc + f["imm"]) & ((1 << 64) - 1), i + 1 - segment, i, leaders)
            e.start(e.label())  # what follows is reached only through its label, if at all
            segment = i + 1
        elif name == "jalr":
            base = e.x(f["rs1"])
            offset = f["imm"]
            target = e.op(f"and i64 {e.op(f'add i64 {base}, {offset}')}, -2")
            e.set_x(f["rd"], str(after))
            e.record(insn)
            e.exit(target, i + 1 - segment)
            e.start(e.label())
            segment = i + 1
        elif name == "fence.i":  # the engine drops its translations, then the reference steps over it
            e.exit(insn.pc, i - segment, EXIT_FENCE_I)
            e.start(e.label())
            segment = i + 1
    last = insns[-1]
    if len(insns) < MAX_BLOCK and not ends_block(last):  # the scan stopped before an instruction only the
        e.exit(last.pc + last.size, len(insns) - segment, EXIT_STEP)  # reference executes
    else:
        _edge(e, last.pc + last.size, len(insns) - segment, len(insns), leaders)
    body = e.lines

    head = [f"define i64 @block({PARAMETERS}) nounwind {{", "entry:"]

    def slot(index: int) -> str:
        return f"getelementptr i64, ptr %state, i64 {index}"

    for kind, registers, base in (("x", e.x_used, X), ("f", e.f_used, F)):
        for r in sorted(registers):
            head += [f"  %{kind}{r} = alloca i64", f"  %{kind}{r}.p = {slot(base + r)}",
                     f"  %{kind}{r}.v = load i64, ptr %{kind}{r}.p", f"  store i64 %{kind}{r}.v, ptr %{kind}{r}"]
    head += ["  %exit_pc = alloca i64", "  %exit_retired = alloca i64", "  %exit_reason = alloca i64",
             "  %instret = alloca i64", f"  %instret.p = {slot(INSTRET)}", "  %instret.v = load i64, ptr %instret.p",
             "  store i64 %instret.v, ptr %instret", f"  %limit.p = {slot(LIMIT)}",
             "  %limit = load i64, ptr %limit.p", "  %fflags = alloca i64", f"  %fflags.p = {slot(FFLAGS)}",
             "  %fflags.v = load i64, ptr %fflags.p", "  store i64 %fflags.v, ptr %fflags",
             f"  %frm.p = {slot(FRM)}", "  %frm = load i64, ptr %frm.p", "  %frm_rne = icmp eq i64 %frm, 0",
             *([f"  %fill.p = {slot(FILL)}", "  %fill.i = load i64, ptr %fill.p",
                "  %fill = inttoptr i64 %fill.i to ptr"] if e.system else []),
             *([f"  %trace.p = {slot(TRACE)}"] if block.trace else []),
             f"  %fits.end = add i64 %instret.v, {len(insns)}", "  %fits = icmp ule i64 %fits.end, %limit",
             "  br i1 %fits, label %body, label %refuse", "refuse:", f"  %refuse.p = {slot(EXIT)}",
             f"  store i64 {EXIT_LIMIT}, ptr %refuse.p", f"  ret i64 {_signed(block.pc)}", "body:"]
    tail = ["exit:"]
    for kind, registers in (("x", e.x_written), ("f", e.f_written)):
        for r in sorted(registers):
            tail += [f"  %{kind}{r}.out = load i64, ptr %{kind}{r}", f"  store i64 %{kind}{r}.out, ptr %{kind}{r}.p"]
    tail += ["  %fflags.out = load i64, ptr %fflags", "  store i64 %fflags.out, ptr %fflags.p",
             "  %retired = load i64, ptr %exit_retired", "  %instret.now = load i64, ptr %instret",
             "  %instret.out = add i64 %instret.now, %retired", "  store i64 %instret.out, ptr %instret.p",
             "  %reason = load i64, ptr %exit_reason", f"  %reason.p = {slot(EXIT)}",
             "  store i64 %reason, ptr %reason.p"]
    if e.f_written:
        tail += [f"  %dirty.p = {slot(FP_DIRTY)}", "  store i64 1, ptr %dirty.p"]
    tail += ["  %pc = load i64, ptr %exit_pc", *CHAIN, "}"]
    block.ir = "\n".join(head + body + tail) + "\n"
    block.pages = {page for insn in block.insns for page in
                   range(insn.pc >> PAGE_SHIFT, ((insn.pc + insn.size - 1) >> PAGE_SHIFT) + 1)}


PARAMETERS = "ptr noalias %state, ptr noalias %mem, ptr noalias %pagemap, ptr noalias %tags, ptr noalias %functions"
JUMP_CACHE_BITS = 16
JUMP_CACHE = 1 << JUMP_CACHE_BITS
# Threaded dispatch: a block that leaves normally looks its successor up in the jump cache itself and tail-calls
# it (which returns at once, with EXIT_LIMIT, if it does not fit under the instruction limit); only a miss or an
# exit for the reference returns to the dispatcher.
CHAIN = [
    "  %normal = icmp eq i64 %reason, 0",
    "  br i1 %normal, label %chain.lookup, label %chain.done",
    "chain.lookup:",
    "  %chain.half = lshr i64 %pc, 1",
    f"  %chain.slot = and i64 %chain.half, {JUMP_CACHE - 1}",
    "  %chain.tag.p = getelementptr i64, ptr %tags, i64 %chain.slot",
    "  %chain.tag = load i64, ptr %chain.tag.p",
    "  %chain.hit = icmp eq i64 %chain.tag, %pc",
    "  br i1 %chain.hit, label %chain.call, label %chain.done",
    "chain.call:",
    "  %chain.function.p = getelementptr i64, ptr %functions, i64 %chain.slot",
    "  %chain.function.i = load i64, ptr %chain.function.p",
    "  %chain.function = inttoptr i64 %chain.function.i to ptr",
    "  %chain.next = musttail call i64 %chain.function(ptr %state, ptr %mem, ptr %pagemap, ptr %tags, "
    "ptr %functions)",
    "  ret i64 %chain.next",
    "chain.done:",
    "  ret i64 %pc",
]

DECLARATIONS = """declare double @llvm.fma.f64(double, double, double)
declare double @llvm.fabs.f64(double)
declare double @llvm.sqrt.f64(double)
declare float @llvm.fma.f32(float, float, float)
declare float @llvm.fabs.f32(float)
declare float @llvm.sqrt.f32(float)
!0 = !{!"branch_weights", i32 1000, i32 1}
"""
