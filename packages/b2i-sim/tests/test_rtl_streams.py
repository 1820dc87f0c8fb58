"""Random instruction streams, drawn from the ISA table (b2i.sim.isa.OPS), retire with the same commit log on
b2i's Verilog core (b2i.hdl, Verilator) as on the reference interpreter (`b2i-run --machine --lockstep`).

Every RV64IMA + Zifencei instruction in the table is a candidate; hypothesis draws which ops and a seed for each
op's fields (`random_fields`), then only the fields that would make the stream ill-defined are pinned:
memory ops address a data buffer through BASE, branches and jumps land on a later instruction of the stream
(or its end), nothing writes BASE. A failing example's assertion message is the lockstep divergence report.
"""

import random
from dataclasses import dataclass

from b2i.sim.asm import assemble
from b2i.sim.isa import OPS, Op, encode, random_fields
from b2i.sim.link import link
from b2i.sim.machine.rtl import lockstep
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BASE = 31        # x31 holds the middle of the data buffer; no generated instruction writes it
JUMP_BASE = 30   # jalr's rs1: set by an `auipc` just before the jalr
BUFFER = 2048    # bytes of data buffer; BASE points at its middle, so offsets stay within +-SPAN
SPAN = 1024
MAX_SKIP = 8     # a branch or jump skips at most this many instructions, so most of a stream runs
TEST_DEVICE, PASS = 0x100000, 0x5555

# ecall/ebreak trap to mtvec, and the streams install no trap handler: they end the stream, not test it.
# Zicsr is left out: the counters (cycle, time) differ by design between a pipeline and an interpreter.
TRAPPING = {"ecall", "ebreak"}
STREAM_OPS = tuple(op for op in OPS if op.ext in ("I", "M", "A", "Zifencei") and op.name not in TRAPPING)
ACCESS_SIZE = {"b": 1, "h": 2, "w": 4, "d": 8}


@dataclass
class Unit:
    """One generated instruction, with the setup word it needs (jalr's auipc); branch targets are units."""

    op: Op
    fields: dict[str, int]
    target: int | None = None  # the unit (or len(units): the end) a branch or jump goes to


def access_size(op: Op) -> int:
    if op.ext == "A":
        return 4 if op.name.endswith(".w") else 8
    return ACCESS_SIZE[op.name[1]]  # lb lhu sw sd ...


def constrain(op: Op, fields: dict[str, int], rng: random.Random, index: int, count: int) -> Unit:
    """Pin the fields that would send the stream outside the buffer, outside itself, or clobber BASE."""
    if fields.get("rd") == BASE:
        fields["rd"] = rng.randrange(BASE)  # x0 included: writes to it are part of the ISA too
    unit = Unit(op, fields)
    memory = op.ext == "A" or op.name != "jalr" and op.operands[-1:] == ("imm(rs1)",)
    if memory:
        fields["rs1"] = BASE
        if "imm" in fields:  # loads and stores: an aligned offset into the buffer
            size = access_size(op)
            fields["imm"] = rng.randrange(-SPAN, SPAN, size)
    elif op.name == "jalr":
        fields["rs1"] = JUMP_BASE
        unit.target = min(count, index + 1 + rng.randrange(MAX_SKIP))
    elif "target" in op.operands:  # branches and jal: forward, into the stream or to its end
        unit.target = min(count, index + 1 + rng.randrange(MAX_SKIP))
    return unit


def words(units: list[Unit]) -> list[int]:
    """The stream's words, with branch offsets resolved now that every unit's address is known."""
    address, starts = 0, []
    for unit in units:
        starts.append(address)
        address += 8 if unit.op.name == "jalr" else 4
    starts.append(address)
    out = []
    for unit, start in zip(units, starts[:-1], strict=True):
        fields = dict(unit.fields)
        if unit.op.name == "jalr":  # auipc x30, 0 then jalr rd, offset(x30): offset from the auipc
            out.append(encode("auipc", rd=JUMP_BASE, imm=0))
            fields["imm"] = starts[unit.target] - start
        elif unit.target is not None:
            fields["imm"] = starts[unit.target] - start
        out.append(encode(unit.op, **fields))
    return out


def program(units: list[Unit], registers: list[int], data: bytes) -> str:
    """Assembly: set every register, run the stream, write PASS to the test device."""
    lines = ["    .text", "    .globl _start", "_start:"]
    lines += [f"    li x{n}, {value}" for n, value in enumerate(registers, start=1)]
    lines.append(f"    la x{BASE}, buffer + {SPAN}")
    lines += [f"    .word {word:#010x}" for word in words(units)]
    lines += [f"    li t0, {TEST_DEVICE:#x}", f"    li t1, {PASS:#x}", "    sw t1, 0(t0)", "1:  j 1b"]
    lines += ["    .data", "    .balign 8", "buffer:"]
    lines += [f"    .byte {', '.join(str(b) for b in data[i:i + 16])}" for i in range(0, len(data), 16)]
    return "\n".join(lines) + "\n"


@st.composite
def streams(draw) -> str:
    picks = draw(st.lists(st.tuples(st.sampled_from(STREAM_OPS), st.integers(0, 2**32 - 1)),
                          min_size=100, max_size=200))
    units = []
    for index, (op, seed) in enumerate(picks):
        rng = random.Random(seed)
        units.append(constrain(op, random_fields(op, rng), rng, index, len(picks)))
    interesting = st.sampled_from([0, 1, -1, 2**31 - 1, -(2**31), 2**63 - 1, -(2**63), 0x8000_0000])
    registers = draw(st.lists(st.one_of(interesting, st.integers(-(2**63), 2**63 - 1)), min_size=30, max_size=30))
    data = draw(st.binary(min_size=BUFFER, max_size=BUFFER))
    return program(units, registers, data)


def test_stream_ops_come_from_the_table_and_cover_every_rtl_extension():
    assert {op.ext for op in STREAM_OPS} == {"I", "M", "A", "Zifencei"}
    assert len(STREAM_OPS) == sum(op.ext in ("I", "M", "A", "Zifencei") for op in OPS) - len(TRAPPING)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(source=streams())
def test_random_stream_runs_in_lockstep(tmp_path_factory, source):
    exe = tmp_path_factory.mktemp("stream") / "stream"
    exe.write_bytes(link([assemble(source, "stream.s")], text_base=0x8000_0000))
    both = lockstep(str(exe))
    assert both.divergence is None, both.divergence.report() + "\n\n" + source
    assert both.rtl.finished and both.rtl.exit_code == 0
    assert both.reference.fault is None
    assert len(both.rtl_trace) > len(source.splitlines()) // 4  # the stream ran, not just the register setup
