"""Random instruction streams, drawn from the ISA table (b2i.sim.isa.OPS), retire with the same commit log on
b2i's Verilog core (b2i.hdl, Verilator) as on the reference interpreter (`b2i-run --machine --lockstep`).

Every RV64IMA + Zifencei instruction in the table is a candidate; hypothesis draws which ops and a seed for each
op's fields (`random_fields`), then only the fields that would make the stream ill-defined are pinned:
memory ops address a data buffer through BASE, branches and jumps land on a later instruction of the stream
(or its end), nothing writes BASE. A failing example's assertion message is the lockstep divergence report.

The system streams add Zicsr and the privileged instructions: CSR accesses on a set of CSRs whose random values
keep the stream well defined (scratch, epc, cause, tval, status, interrupt enable and pending bits, counter
enables, read-only ids, and CSRs that do not exist), ecall, ebreak, sfence.vma, and mret/sret to a later
instruction in whatever mode the stream left in mstatus. A trap handler (in M mode, since nothing is delegated)
skips the trapping instruction, or on an interrupt clears mie, and returns: exceptions, privilege changes and
timer/software interrupts (mtimecmp is 0 from reset, so the timer is pending) are compared in lockstep too.
"""

import random
from dataclasses import dataclass

from b2i.sim.asm import assemble
from b2i.sim.isa import BY_NAME, CSRS, OPS, Op, encode, random_fields
from b2i.sim.link import link
from b2i.sim.machine.rtl import lockstep
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sv39_tables import PAGES_VA, TABLES, turn_on_paging

BASE = 31        # x31 holds the middle of the data buffer; no generated instruction writes it
JUMP_BASE = 30   # jalr's rs1 (and mret's mepc, sret's sepc): set by an `auipc` just before it
HANDLER_TEMP = 29  # the trap handler's register in the system streams: no generated instruction writes it
BUFFER = 2048    # bytes of data buffer; BASE points at its middle, so offsets stay within +-SPAN
SPAN = 1024
MAX_SKIP = 8     # a branch or jump skips at most this many instructions, so most of a stream runs
TEST_DEVICE, PASS = 0x100000, 0x5555
MTIMECMP = 0x200_4000  # CLINT (stack.md section 2)
MSTATUS_MIE = 1 << 3
MTIE, S_INTERRUPTS = 1 << 7, (1 << 1) | (1 << 5) | (1 << 9)  # mie bits: machine timer; S software/timer/external

# ecall/ebreak trap: the user streams (which take no trap at all) leave them to the system streams.
TRAPPING = {"ecall", "ebreak"}
STREAM_OPS = tuple(op for op in OPS if op.ext in ("I", "M", "A", "Zifencei") and op.name not in TRAPPING)
# wfi is left out: with nothing enabled it sleeps forever (the reference calls that a fault).
SYSTEM_OPS = tuple(op for op in OPS if op.ext == "Zicsr" or op.name in TRAPPING
                   or op.ext == "Priv" and op.name != "wfi")
ACCESS_SIZE = {"b": 1, "h": 2, "w": 4, "d": 8}

# CSRs any value may be written to (WARL masks and all): the state they hold cannot derail the stream.
# mstatus: MIE/SIE enable interrupts, MPP/SPP pick the mode mret/sret go to, MPRV/SUM/MXR do nothing
# without paging, TVM/TW/TSR make sfence.vma/sret illegal in S mode. mie/mip: interrupts the handler clears.
WRITABLE_CSRS = tuple(CSRS[name] for name in (
    "mscratch", "sscratch", "mepc", "sepc", "mcause", "scause", "mtval", "stval", "mstatus", "sstatus",
    "mie", "sie", "mip", "sip", "mcounteren", "scounteren", "mcountinhibit", "misa", "minstret"))
# Read, never written: writes to these would move the trap handler, delegate traps to S mode (with no S
# handler) or turn on paging. instret and time are gated by mcounteren/scounteren below M mode.
READ_CSRS = tuple(CSRS[name] for name in (
    "mtvec", "stvec", "medeleg", "mideleg", "satp", "instret", "time"))
# Writing these is an illegal instruction (read-only ids, hpm counters) or reading is (no such CSR: F's fcsr,
# the hypervisor's mtinst, a custom number, an odd pmpcfg on RV64): exceptions the handler skips.
PROBE_CSRS = (*(CSRS[name] for name in ("mvendorid", "marchid", "mimpid", "mhartid", "fcsr", "mtinst",
                                        "pmpcfg0", "pmpaddr0", "mhpmcounter3", "hpmcounter3", "mhpmevent3")),
              0xF15, 0x7C0, 0x3A1)
SAFE_CSRS = WRITABLE_CSRS + READ_CSRS + PROBE_CSRS
READING = {"csrrw": "csrrs", "csrrwi": "csrrsi", "csrrs": "csrrs", "csrrsi": "csrrsi", "csrrc": "csrrc",
           "csrrci": "csrrci"}  # the op a READ_CSRS access becomes, with a zero source: no write
SETUP_WORDS = {"jalr": 1, "mret": 3, "sret": 3}  # auipc x30 (+ addi x30, csrw xepc) before the op


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
    if fields.get("rd") in (BASE, JUMP_BASE, HANDLER_TEMP):
        fields["rd"] = rng.randrange(HANDLER_TEMP)  # x0 included: writes to it are part of the ISA too
    if op.ext == "Zicsr":
        fields["csr"] = rng.choice(SAFE_CSRS)
        if fields["csr"] in READ_CSRS:
            op = BY_NAME[READING[op.name]]
            fields["imm" if "imm" in fields else "rs1"] = 0
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
    elif op.name in ("mret", "sret"):
        unit.target = min(count, index + 1 + rng.randrange(MAX_SKIP))
    elif "target" in op.operands:  # branches and jal: forward, into the stream or to its end
        unit.target = min(count, index + 1 + rng.randrange(MAX_SKIP))
    return unit


def words(units: list[Unit]) -> list[int]:
    """The stream's words, with branch offsets resolved now that every unit's address is known."""
    address, starts = 0, []
    for unit in units:
        starts.append(address)
        address += 4 + 4 * SETUP_WORDS.get(unit.op.name, 0)
    starts.append(address)
    out = []
    for unit, start in zip(units, starts[:-1], strict=True):
        fields = dict(unit.fields)
        if unit.op.name == "jalr":  # auipc x30, 0 then jalr rd, offset(x30): offset from the auipc
            out.append(encode("auipc", rd=JUMP_BASE, imm=0))
            fields["imm"] = starts[unit.target] - start
        elif unit.op.name in ("mret", "sret"):  # auipc x30, 0; addi x30, x30, offset; csrw xepc, x30; xret
            out.append(encode("auipc", rd=JUMP_BASE, imm=0))
            out.append(encode("addi", rd=JUMP_BASE, rs1=JUMP_BASE, imm=starts[unit.target] - start))
            out.append(encode("csrrw", rd=0, rs1=JUMP_BASE, csr=CSRS["mepc" if unit.op.name == "mret" else "sepc"]))
        elif unit.target is not None:
            fields["imm"] = starts[unit.target] - start
        out.append(encode(unit.op, **fields))
    return out


# Skip the instruction that trapped (every one is 4 bytes), or for an interrupt disable them all; return.
HANDLER = f"""handler:
    csrr x{HANDLER_TEMP}, mcause
    bltz x{HANDLER_TEMP}, 1f
    csrr x{HANDLER_TEMP}, mepc
    addi x{HANDLER_TEMP}, x{HANDLER_TEMP}, 4
    csrw mepc, x{HANDLER_TEMP}
    mret
1:  csrw mie, zero
    mret""".splitlines()


def system_prologue(timer: int, mie: int, mstatus: int) -> list[str]:
    """Set mtimecmp (the timer fires when `timer` instructions have retired: mtime counts them), mie, and
    mstatus (MIE; the modes mret and sret go to): an interrupt lands at a random point of the stream, or
    when the stream enables it."""
    t = f"x{HANDLER_TEMP}"
    return [f"    li {t}, {MTIMECMP:#x}", f"    li x{JUMP_BASE}, {timer}", f"    sd x{JUMP_BASE}, 0({t})",
            f"    li {t}, {mie:#x}", f"    csrw mie, {t}", f"    li {t}, {mstatus:#x}", f"    csrs mstatus, {t}"]


def program(units: list[Unit], registers: list[int], data: bytes, prologue: list[str] = ()) -> str:
    """Assembly: install the trap handler, run the prologue, set every register, run the stream, write PASS
    to the test device (from whatever mode the stream ended in: without PMP every mode may)."""
    lines = ["    .text", "    .globl _start", "_start:"]
    lines += [f"    la x{HANDLER_TEMP}, handler", f"    csrw mtvec, x{HANDLER_TEMP}", *prologue]
    lines += [f"    li x{n}, {value}" for n, value in enumerate(registers, start=1)]
    lines.append(f"    la x{BASE}, buffer + {SPAN}")
    lines += [f"    .word {word:#010x}" for word in words(units)]
    lines += [f"    li t0, {TEST_DEVICE:#x}", f"    li t1, {PASS:#x}", "    sw t1, 0(t0)", "1:  j 1b"]
    lines += HANDLER
    lines += ["    .data", "    .balign 8", "buffer:"]
    lines += [f"    .byte {', '.join(str(b) for b in data[i:i + 16])}" for i in range(0, len(data), 16)]
    return "\n".join(lines) + "\n"


@st.composite
def streams(draw, system: bool = False) -> str:
    ops = st.sampled_from(STREAM_OPS)
    if system:  # about one instruction in four from Zicsr and the privileged ops
        ops = st.one_of(ops, ops, ops, st.sampled_from(SYSTEM_OPS))
    picks = draw(st.lists(st.tuples(ops, st.integers(0, 2**32 - 1)), min_size=100, max_size=200))
    units = []
    for index, (op, seed) in enumerate(picks):
        rng = random.Random(seed)
        units.append(constrain(op, random_fields(op, rng), rng, index, len(picks)))
    interesting = st.sampled_from([0, 1, -1, 2**31 - 1, -(2**31), 2**63 - 1, -(2**63), 0x8000_0000])
    registers = draw(st.lists(st.one_of(interesting, st.integers(-(2**63), 2**63 - 1)), min_size=30, max_size=30))
    data = draw(st.binary(min_size=BUFFER, max_size=BUFFER))
    prologue = []
    if system:  # mostly the timer; sometimes S-level bits too, which the stream may raise through mip
        mie = draw(st.sampled_from([0, MTIE, MTIE, MTIE | S_INTERRUPTS, S_INTERRUPTS]))
        mstatus = draw(st.sampled_from([0, MSTATUS_MIE])) | draw(st.sampled_from([0, 1, 3])) << 11 | draw(
            st.sampled_from([0, 1])) << 8  # MIE, MPP, SPP
        prologue = system_prologue(draw(st.integers(0, 600)), mie, mstatus)
    return program(units, registers, data, prologue)


def test_stream_ops_come_from_the_table_and_cover_every_rtl_extension():
    assert {op.ext for op in STREAM_OPS} == {"I", "M", "A", "Zifencei"}
    assert {op.ext for op in SYSTEM_OPS} == {"I", "Zicsr", "Priv"}
    rtl_ops = [op for op in OPS if op.ext in ("I", "M", "A", "Zifencei", "Zicsr", "Priv")]
    assert {op.name for op in rtl_ops} - {op.name for op in STREAM_OPS + SYSTEM_OPS} == {"wfi"}


def run_in_lockstep(tmp_path_factory, source: str, min_commits: int | None = None):
    exe = tmp_path_factory.mktemp("stream") / "stream"
    exe.write_bytes(link([assemble(source, "stream.s")], text_base=0x8000_0000))
    both = lockstep(str(exe))
    assert both.divergence is None, both.divergence.report() + "\n\n" + source.split("    .data")[0]
    assert both.rtl.finished and both.rtl.exit_code == 0
    assert both.reference.fault is None
    if min_commits is None:
        min_commits = len(source.splitlines()) // 5
    assert len(both.rtl_trace) > min_commits  # the stream ran, not just the register setup
    return both


SLOW = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


@settings(max_examples=50, **SLOW)
@given(source=streams())
def test_random_stream_runs_in_lockstep(tmp_path_factory, source):
    both = run_in_lockstep(tmp_path_factory, source)
    assert both.rtl.traps == []


@settings(max_examples=50, **SLOW)
@given(source=streams(system=True))
def test_random_system_stream_runs_in_lockstep(tmp_path_factory, source):
    """Traps and interrupts too: each one the RTL reports is followed by the handler's first commit, in M mode."""
    both = run_in_lockstep(tmp_path_factory, source)
    handler = f"({encode('csrrs', rd=HANDLER_TEMP, rs1=0, csr=CSRS['mcause']):#010x})"  # no stream op writes x29
    entries = [n for n, line in enumerate(both.rtl_trace) if handler in line]
    assert [trap.retired for trap in both.rtl.traps] == entries
    assert all(line.startswith("core   0: 3 ") for line in map(both.rtl_trace.__getitem__, entries))


# Sv39 streams: loads, stores and AMOs, aligned or not (some crossing a page), in S or U mode, on four pages
# at PAGES_VA whose PTE flags (V R W X U A D, reserved combinations included), mstatus.SUM and MXR are
# drawn at random. The M-mode handler reads mcause and mtval (so the commit log shows them) and skips the
# instruction; at the end it loads the four PTEs, whose A and D bits the hardware may have set.
PAGING_OPS = ("lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", "sb", "sh", "sw", "sd", "amoadd.w", "amoswap.d",
              "lr.d", "sc.d")
PAGING = """
    .option norelax
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
{paging}
    li t0, {mstatus:#x}
    csrs mstatus, t0
    la t0, stream
    csrw mepc, t0
    mret
stream:
{stream}
    ecall
handler:
    csrr x28, mcause
    csrr x29, mtval
    addi x28, x28, -8
    srli x28, x28, 1
    bnez x28, skip              # an exception other than ecall from U (8) or S (9)
    la t0, l0
    ld x10, 0(t0)
    ld x11, 8(t0)
    ld x12, 16(t0)
    ld x13, 24(t0)
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b
skip:
    csrr x28, mepc
    addi x28, x28, 4
    csrw mepc, x28
    mret
    .data
{tables}
{data}
"""


@st.composite
def paging_streams(draw) -> str:
    user = draw(st.booleans())
    flags = draw(st.lists(st.one_of(st.integers(0, 255), st.sampled_from([0xC7, 0xD7, 0x03, 0x13, 0x07, 0x17])),
                          min_size=4, max_size=4))
    leaves = []
    for n, flag in enumerate(flags):
        leaves += [f"    li t2, {n << 10}", "    add t2, t1, t2", f"    ori t2, t2, {flag}",
                   f"    sd t2, {8 * n}(t0)"]
    status = (0 if user else 1 << 11) | draw(st.sampled_from([0, 1])) << 18 | draw(st.sampled_from([0, 1])) << 19
    stream = []
    for _ in range(draw(st.integers(10, 40))):
        name = draw(st.sampled_from(PAGING_OPS))
        page = draw(st.integers(0, 3))
        size = access_size(BY_NAME[name]) if BY_NAME[name].ext == "A" else ACCESS_SIZE[name[1]]
        crossing = st.integers(4096 - size + 1, 4095) if size > 1 else st.just(4095)  # page 3: into a hole
        offset = draw(st.one_of(st.integers(0, 4095 - size), crossing,
                                st.integers(0, 4096 // size - 1).map(lambda k, size=size: k * size)))
        address = PAGES_VA + page * 4096 + offset
        if name in ("lr.d", "sc.d") or name.startswith("amo"):
            stream.append(f"    li x5, {address:#x}\n    {name} x6, {'' if name == 'lr.d' else 'x7, '}(x5)")
        elif name[0] == "l":
            stream.append(f"    li x5, {address:#x}\n    {name} x6, 0(x5)")
        else:
            stream.append(f"    li x5, {address:#x}\n    li x7, {draw(st.integers(0, 2**63 - 1)):#x}\n"
                          f"    {name} x7, 0(x5)")
    fill = random.Random(draw(st.integers(0, 2**32 - 1)))  # the pages' contents
    words = [fill.getrandbits(64) for _ in range(4 * 4096 // 8)]
    paging = turn_on_paging(ram_flags=0xdf if user else 0xcf, leaves="\n".join(leaves))  # RAM: U's page in U mode
    return PAGING.format(paging=paging, mstatus=status, stream="\n".join(stream), tables=TABLES,
                         data="\n".join(f"    .dword {w:#x}" for w in words))


@settings(max_examples=25, **SLOW)
@given(source=paging_streams())
def test_random_paging_stream_takes_the_same_page_faults(tmp_path_factory, source):
    both = run_in_lockstep(tmp_path_factory, source, min_commits=2 * source.count("    li x5, "))
    entries = [n for n, line in enumerate(both.rtl_trace) if "(0x34202e73)" in line]  # csrr x28, mcause
    assert [trap.retired for trap in both.rtl.traps] == entries
    assert both.rtl.traps[-1].cause in (8, 9)  # the ecall that ends the stream
