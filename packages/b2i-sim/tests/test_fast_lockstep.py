"""Random instruction streams from the ISA table run in lockstep on the fast engine and the reference, as a
Linux process and on the b2i machine (system mode: M mode, or S mode under Sv39, mstatus.FS Off, Initial or
Dirty, and sometimes a timer interrupt landing in the loop; every trap skips the instruction).

Each example is a loop: a random body of integer, M, load/store, F/D and FP CSR instructions, and forward
branches and jumps inside the body, then `addi x4, x4, -1; bne x4, x0, body`.
The loop runs often enough for its block to be translated, and the lockstep compares every register, fflags
and memory after each pass. Register and memory contents, fflags and frm are random too, including NaNs,
infinities, subnormals and unboxed singles, so the exact-or-fall-back FP rules are exercised.
"""

import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("llvmlite", reason="the fast engine needs the [fast] extra (llvmlite)")

from b2i.sim import isa  # noqa: E402
from b2i.sim.fast import translate  # noqa: E402
from b2i.sim.fast.lockstep import lockstep, machine_lockstep  # noqa: E402
from b2i.sim.machine.board import Board  # noqa: E402
from b2i.sim.machine.linux import Process, Stream  # noqa: E402
from b2i.sim.machine.loader import Image, Segment  # noqa: E402

CODE, DATA = 0x10000, 0x20000
BASE, COUNTER, SCRATCH = 3, 4, 31  # x3: the data address, x4 counts loop passes, x31: the trap handler's (machine)
INTEGER = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "addw", "subw", "sllw", "srlw",
           "sraw", "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "mulw", "divw", "divuw", "remw",
           "remuw", "addi", "slti", "sltiu", "xori", "ori", "andi", "slli", "srli", "srai", "addiw", "slliw",
           "srliw", "sraiw", "lui", "auipc"]
MEMORY = ["lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", "sb", "sh", "sw", "sd", "fld", "fsd", "flw", "fsw"]
FLOAT = ["fadd.d", "fsub.d", "fmul.d", "fdiv.d", "fsqrt.d", "fmadd.d", "fmsub.d", "fnmsub.d", "fnmadd.d",
         "fsgnj.d", "fsgnjn.d", "fsgnjx.d", "fmin.d", "fmax.d", "feq.d", "flt.d", "fle.d", "fcvt.w.d",
         "fcvt.wu.d", "fcvt.l.d", "fcvt.lu.d", "fcvt.d.w", "fcvt.d.wu", "fcvt.d.l", "fcvt.d.lu", "fmv.x.d",
         "fmv.d.x", "fmv.x.w", "fmv.w.x", "fadd.s", "fsub.s", "fmul.s", "fdiv.s", "fsqrt.s", "fmadd.s",
         "fmsub.s", "fnmsub.s", "fnmadd.s", "feq.s", "flt.s", "fle.s", "fmin.s", "fmax.s", "fcvt.w.s",
         "fcvt.wu.s", "fcvt.l.s", "fcvt.lu.s", "fcvt.s.d", "fcvt.d.s", "fclass.d", "fsgnj.s"]
SYSTEM = ["csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci"]  # fflags, frm, fcsr (instret: reference)
BRANCH = ["beq", "bne", "blt", "bge", "bltu", "bgeu", "jal"]  # forward, inside the body or to its end
OPS = INTEGER + MEMORY + FLOAT + SYSTEM + BRANCH
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 3.0, 1e308, -1e308, 5e-324, 2.2250738585072014e-308, 1e-310,
           float("inf"), float("-inf"), float("nan"), 2.0**31, -(2.0**31), 2.0**63, 2.0**53 + 1, 1e-300]


def test_random_ops_cover_the_translator():
    """Every instruction the translator emits code for appears in the random streams (or ends the loop)."""
    covered = set(OPS) | {"jalr", "fence", "fence.tso", "fence.i"}
    assert set(translate.TRANSLATORS) <= covered


def instruction(name: str, rng: random.Random, index: int, length: int) -> int:
    op = isa.BY_NAME[name]
    fields = isa.random_fields(op, rng)
    if name in BRANCH:  # to a later instruction of the body, or to the loop's counter update after it
        fields["imm"] = 4 * rng.randint(1, length - index)
        if name == "jal":
            fields["rd"] = rng.choice([0, 0, 1])
    if "rd" in op.operands and fields.get("rd") in (BASE, COUNTER, SCRATCH):
        fields["rd"] = rng.choice([0, 1, 5, 10, 30])
    if "rm" in fields:
        fields["rm"] = rng.choice([0, 1, 2, 3, 4, 7, 7, 7])  # not the reserved 5 and 6
    if name in MEMORY:
        fields["rs1"] = BASE
        fields["imm"] = rng.randrange(-2048, 2048 - 8)  # x3 points into the middle of the data page
    if name in SYSTEM:
        # instret is read-only for a process, and csrrw(i) writes even with x0/0: only csrrs/csrrc may read it
        readable = ["fflags", "frm", "fcsr", "fflags"] + ([] if name.startswith("csrrw") else ["instret"])
        fields["csr"] = isa.CSRS[rng.choice(readable)]
        if fields["csr"] == isa.CSRS["instret"]:
            fields["imm" if name.endswith("i") else "rs1"] = 0  # a read: writing a counter is not for a process
    return isa.encode(op, **fields)


def program(body: list[int], passes: int) -> bytes:
    words = [*body, isa.encode("addi", rd=COUNTER, rs1=COUNTER, imm=-1)]
    words.append(isa.encode("bne", rs1=COUNTER, rs2=0, imm=-4 * len(words)))
    words += [isa.encode("addi", rd=17, rs1=0, imm=93), isa.encode("ecall")]
    return b"".join(struct.pack("<I", w) for w in words)


def load(code: bytes, data: bytes, seed: int, passes: int) -> Process:
    segments = (Segment(CODE, code, len(code), 5), Segment(DATA, data, len(data), 6))
    image = Image(entry=CODE, segments=segments, phdr=0, phent=56, phnum=0)
    process = Process(image, ["stream"], [], Stream(read=lambda n: b""), Stream(write=lambda b: None),
                      Stream(write=lambda b: None), ".")
    rng = random.Random(seed)
    hart = process.hart
    for r in range(1, 32):
        hart.x[r] = rng.choice([0, 1, (1 << 64) - 1, 1 << 63, rng.getrandbits(64), rng.getrandbits(12)])
    hart.x[BASE], hart.x[COUNTER] = DATA + 2048, passes
    for r in range(32):
        value = rng.choice(SPECIAL) * rng.choice([1, 1, 1, 3.7, -0.1])
        bits = struct.unpack("<Q", struct.pack("<d", value))[0]
        single = struct.unpack("<I", struct.pack("<f", max(-3e38, min(3e38, value))))[0]
        hart.f[r] = rng.choice([bits, bits, rng.getrandbits(64), 0xFFFF_FFFF_0000_0000 | rng.getrandbits(32),
                                0xFFFF_FFFF_0000_0000 | single, 0xFFFF_FFFF_0000_0000 | single])
    hart.fflags, hart.frm = rng.choice([0, 1, rng.randrange(32)]), rng.choice([0, 0, 0, rng.randrange(5)])
    return process


@settings(max_examples=25)
@given(names=st.lists(st.sampled_from(OPS), min_size=1, max_size=30), seed=st.integers(0, 2**32 - 1),
       passes=st.integers(3, 8))
def test_random_streams_in_lockstep(tmp_path_factory, names, seed, passes):
    rng = random.Random(seed)
    data = rng.randbytes(4096)
    code = program([instruction(name, rng, i, len(names)) for i, name in enumerate(names)], passes)
    result = lockstep(load(code, data, seed, passes), load(code, data, seed, passes), hot=2,
                      cache_dir=tmp_path_factory.getbasetemp().parent / "fast-object-cache")
    assert result.divergence is None, str(result.divergence)
    assert result.outcome.startswith(("exit", "fault"))  # a fault: an frm write of 5-7, then a dyn FP op


def test_lockstep_names_a_divergence(monkeypatch, tmp_path):
    """A translator bug (add emitting sub) is caught at the first pass through native code, naming rd."""
    rng = random.Random(7)
    code = program([isa.encode("add", rd=10, rs1=11, rs2=12)], 5)
    data = bytes(4096)

    def wrong_add(e, insn, index):
        f = insn.fields
        e.set_x(f["rd"], e.op(f"sub i64 {e.x(f['rs1'])}, {e.x(f['rs2'])}"))

    monkeypatch.setitem(translate.TRANSLATORS, "add", wrong_add)
    first, second = load(code, data, 1, 5), load(code, data, 1, 5)
    first.hart.x[11] = second.hart.x[11] = 5
    first.hart.x[12] = second.hart.x[12] = rng.randrange(1, 100)
    result = lockstep(first, second, hot=2, cache_dir=tmp_path)
    assert result.divergence is not None
    assert result.divergence.what == "x10 (a0)"
    assert result.divergence.kind == "native" and result.divergence.pc == CODE
    assert result.divergence.reference == 5 + first.hart.x[12]
    assert result.divergence.fast == (5 - first.hart.x[12]) % 2**64
    assert "x10 (a0) is 0x" in str(result.divergence)


def test_exact_fp_cases_stay_native(tmp_path):
    """Normal-range operands under round-to-nearest take the native path (no exit to the reference), and the
    results, fflags included, are still the reference's."""
    from b2i.sim.fast.engine import FastEngine  # noqa: PLC0415
    from b2i.sim.fast.lockstep import compare_state  # noqa: PLC0415

    names = ["fadd.d", "fmul.d", "fdiv.d", "fsqrt.d", "fmadd.d", "fadd.s", "fmul.s", "fnmsub.s", "fdiv.s",
             "flt.d", "fle.s", "fcvt.w.d", "fcvt.s.d", "fcvt.d.s", "fmin.s"]
    body = []
    for i, name in enumerate(names):
        op = isa.BY_NAME[name]
        single = name.endswith(".s") and name != "fcvt.w.s" or name == "fcvt.d.s"  # reads singles
        first_source = (2 if single else 1) + 2 * (i % 4)  # doubles live in odd registers, singles in even ones
        fields = {"rd": 10 + i % 8, "rs1": first_source, "rs2": (first_source + 2 - 1) % 8 + 1, "rs3": first_source,
                  "rm": 1 if "fcvt.w" in name else 7}
        body.append(isa.encode(op, **{k: v for k, v in fields.items() if k in op.field_names}))
    code, data = program(body, 50), bytes(4096)
    first, second = load(code, data, 3, 50), load(code, data, 3, 50)
    for process in (first, second):
        hart = process.hart
        hart.fflags, hart.frm = 0, 0
        for r in range(1, 9):
            value = 1.5 + r / 7
            single = struct.unpack("<I", struct.pack("<f", value))[0]
            hart.f[r] = struct.unpack("<Q", struct.pack("<d", value))[0] if r % 2 else 0xFFFF_FFFF_0000_0000 | single
    engine = FastEngine(second, tmp_path, hot=2)
    try:
        outcome = None
        try:
            engine.run()
        except Exception as done:  # noqa: BLE001 - the exit system call
            outcome = type(done).__name__
        try:
            first.hart.run()
        except Exception as done:  # noqa: BLE001
            assert type(done).__name__ == outcome == "GuestExit"
        assert compare_state(first.hart, engine.hart) is None
        assert engine.stats.native_instructions > 40 * (len(names) + 2)
        assert engine.stats.exits_to_reference <= 2  # the first visits ran on the reference: no FP exits
    finally:
        engine.close()


# ---- system mode ------------------------------------------------------------------------------------------------
M_CODE, M_HANDLER, M_DATA, M_ROOT = 0x8000_0000, 0x8000_1000, 0x8001_0000, 0x8002_0000
HANDLER = [  # any trap: skip the instruction (4 bytes); the timer interrupt: switch it off and return
    isa.encode("csrrw", rd=0, rs1=SCRATCH, csr=isa.CSRS["mscratch"]),
    isa.encode("csrrs", rd=SCRATCH, rs1=0, csr=isa.CSRS["mcause"]),
    isa.encode("blt", rs1=SCRATCH, rs2=0, imm=24),
    isa.encode("csrrs", rd=SCRATCH, rs1=0, csr=isa.CSRS["mepc"]),
    isa.encode("addi", rd=SCRATCH, rs1=SCRATCH, imm=4),
    isa.encode("csrrw", rd=0, rs1=SCRATCH, csr=isa.CSRS["mepc"]),
    isa.encode("csrrs", rd=SCRATCH, rs1=0, csr=isa.CSRS["mscratch"]),
    isa.encode("mret"),
    isa.encode("addi", rd=SCRATCH, rs1=0, imm=0x80),  # interrupt: mie.MTIE off
    isa.encode("csrrc", rd=0, rs1=SCRATCH, csr=isa.CSRS["mie"]),
    isa.encode("csrrs", rd=SCRATCH, rs1=0, csr=isa.CSRS["mscratch"]),
    isa.encode("mret"),
]
PASS = [isa.encode("lui", rd=5, imm=0x100000), isa.encode("lui", rd=6, imm=0x5000),
        isa.encode("addi", rd=6, rs1=6, imm=0x555), isa.encode("sw", rs1=5, rs2=6, imm=0)]  # test device: exit 0


def machine(code: list[int], data: bytes, seed: int, passes: int, mode: dict) -> Board:
    """A board with the loop at M_CODE, the handler at M_HANDLER, the hart in `mode` (priv, FS, timer)."""
    board = Board(ram_size=1 << 20)
    ram, hart = board.ram, board.hart
    for base, words in ((M_CODE, code), (M_HANDLER, HANDLER)):
        ram[base - 0x8000_0000 : base - 0x8000_0000 + 4 * len(words)] = b"".join(struct.pack("<I", w) for w in words)
    ram[M_DATA - 0x8000_0000 : M_DATA - 0x8000_0000 + len(data)] = data
    root = M_ROOT - 0x8000_0000  # identity gigapages: the devices (VPN2 0) and RAM (VPN2 2)
    ram[root : root + 24] = struct.pack("<QQQ", 0xC7, 0, (0x8000_0000 >> 12) << 10 | 0xCF)
    process = load(b"", b"", seed, passes)  # the user-mode streams' random registers, reused
    hart.x[:], hart.f[:], hart.fflags, hart.frm = process.hart.x, process.hart.f, process.hart.fflags, process.hart.frm
    hart.x[BASE], hart.x[COUNTER], hart.pc = M_DATA + 2048, passes, M_CODE
    hart.csr[isa.CSRS["mtvec"]] = M_HANDLER
    hart.mstatus = mode["fs"] << 13 | (1 << 3)  # MIE: the timer may interrupt M mode too
    if mode["s_mode"]:
        hart.priv, hart.satp = 1, 8 << 60 | M_ROOT >> 12
    if mode["timer"] is not None:
        board.clint.mtimecmp = mode["timer"]
        hart.csr[isa.CSRS["mie"]] = 0x80
    return board


# Privileged and rare instructions the machine streams add: each one is the reference's (a trap, which the
# handler skips, an atomic, a CSR write that clears the TLB and the jump cache, sfence.vma, fence.i).
MACHINE_EXTRA = ["ecall", "ebreak", "sfence.vma", "fence.i", "lr.d", "sc.d", "amoadd.d", "amoswap.w", "amomaxu.d"]
MACHINE_CSRS = ["mstatus", "sstatus", "sscratch", "sie", "mip", "fflags", "frm"]  # not satp: fetches must work


def machine_instruction(name: str, rng: random.Random, index: int, length: int) -> int:
    """instruction(), plus MACHINE_EXTRA, and CSR instructions on machine CSRs half the time."""
    if name not in MACHINE_EXTRA and not (name in SYSTEM and rng.random() < 0.5):
        return instruction(name, rng, index, length)
    op = isa.BY_NAME[name]
    fields = isa.random_fields(op, rng)
    if "rs1" in fields and name != "sfence.vma" and name not in SYSTEM:
        fields["rs1"] = BASE  # atomics: the (aligned) middle of the data page
    if name in SYSTEM:
        fields["csr"] = isa.CSRS[rng.choice(MACHINE_CSRS)]
    if "rd" in fields and fields["rd"] in (BASE, COUNTER, SCRATCH):
        fields["rd"] = rng.choice([0, 1, 5, 10, 30])
    return isa.encode(op, **fields)


modes = st.fixed_dictionaries({"s_mode": st.booleans(), "fs": st.sampled_from([0, 1, 3, 3]),
                               "timer": st.none() | st.integers(5, 300)})


@settings(max_examples=25, deadline=None)
@given(names=st.lists(st.sampled_from(OPS + MACHINE_EXTRA), min_size=1, max_size=30),
       seed=st.integers(0, 2**32 - 1), passes=st.integers(8, 20), mode=modes)
def test_random_streams_in_lockstep_on_the_machine(tmp_path_factory, names, seed, passes, mode):
    rng = random.Random(seed)
    data = rng.randbytes(4096)
    body = [machine_instruction(name, rng, i, len(names)) for i, name in enumerate(names)]
    words = [*body, isa.encode("addi", rd=COUNTER, rs1=COUNTER, imm=-1)]
    words += [isa.encode("bne", rs1=COUNTER, rs2=0, imm=-4 * len(words)), *PASS]
    boards = machine(words, data, seed, passes, mode), machine(words, data, seed, passes, mode)
    result = machine_lockstep(*boards, hot=2, memory_every=10**9, max_insns=50_000,
                              cache_dir=tmp_path_factory.getbasetemp().parent / "fast-object-cache")
    assert result.divergence is None, str(result.divergence)
    assert result.outcome == "exit 0"
