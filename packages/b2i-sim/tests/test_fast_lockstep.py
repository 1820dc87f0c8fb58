"""Random instruction streams from the ISA table run in lockstep on the fast engine and the reference.

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
from b2i.sim.fast.lockstep import lockstep  # noqa: E402
from b2i.sim.machine.linux import Process, Stream  # noqa: E402
from b2i.sim.machine.loader import Image, Segment  # noqa: E402

CODE, DATA = 0x10000, 0x20000
BASE, COUNTER = 3, 4  # x3 holds the data address, x4 counts loop passes: no random op writes them
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
    if "rd" in op.operands and fields.get("rd") in (BASE, COUNTER):
        fields["rd"] = rng.choice([0, 1, 5, 10, 31])
    if "rm" in fields:
        fields["rm"] = rng.choice([0, 1, 2, 3, 4, 7, 7, 7])  # not the reserved 5 and 6
    if name in MEMORY:
        fields["rs1"] = BASE
        fields["imm"] = rng.randrange(-2048, 2048 - 8)  # x3 points into the middle of the data page
    if name in SYSTEM:
        fields["csr"] = isa.CSRS[rng.choice(["fflags", "frm", "fcsr", "fflags", "instret"])]
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
