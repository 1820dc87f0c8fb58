"""Lockstep: the fast engine and the reference interpreter run the same program side by side.

After every unit of fast-engine work (one pass through a native block, or a cold block on the reference) the
reference runs the same number of instructions, and the two harts' architectural state is compared: pc, x1-x31,
f0-f31, fflags, frm and instret; memory every `memory_every` units and at the end. The first difference is
reported as a `Divergence` naming the unit's pc, its instructions, the register and both values. System calls
are made once, by the reference, and replayed into the fast process (`b2i.sim.fast.replay`), after a check that
both sides agree at the call (registers and memory, so a write()'s bytes too): a program that writes files
or reads the clock gives no false divergence. `run_machine_lockstep` does the same for a bare-metal program on
two b2i machines (system mode).
"""

from dataclasses import dataclass, field
from functools import partial

from b2i.sim.fast.engine import FastEngine
from b2i.sim.fast.replay import Diverged, SyscallReplay
from b2i.sim.fast.system import SystemEngine
from b2i.sim.isa import CSRS
from b2i.sim.machine.board import Board
from b2i.sim.machine.linux import Process
from b2i.sim.machine.memmap import RAM_BASE
from b2i.sim.machine.run import disassemble, make_board, make_process
from b2i.sim.machine.trap import GuestExit, GuestFault, Trap

ABI = ("zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", *(f"a{i}" for i in range(8)),
       *(f"s{i}" for i in range(2, 12)), "t3", "t4", "t5", "t6")


@dataclass
class Divergence:
    """Where the engines first disagreed."""

    pc: int  # start of the unit of work after which they differ
    kind: str  # "native" or "reference" (the fast engine's side of that unit)
    what: str  # "x10", "f3", "pc", "fflags", "memory 0x...", "outcome"
    reference: int | str
    fast: int | str
    instructions: list[str] = field(default_factory=list)  # the unit's guest code, disassembled

    def __str__(self) -> str:
        def shown(v: int | str) -> str:
            return f"0x{v:x}" if isinstance(v, int) else v

        code = "".join(f"\n    {line}" for line in self.instructions)
        return (f"divergence after the {self.kind} unit at pc 0x{self.pc:x}: {self.what} is {shown(self.reference)} "
                f"on the reference, {shown(self.fast)} on the fast engine{code}")


@dataclass
class LockstepResult:
    divergence: Divergence | None
    instret: int
    units: int
    stdout: bytes
    outcome: str  # "exit N", "fault: ...", or "limit"


def _outcome(run) -> str:
    try:
        run()
    except GuestExit as done:
        return f"exit {done.code}"
    except (Trap, GuestFault) as error:
        return f"fault: {error}"
    return "limit"


def compare_state(reference, fast) -> tuple[str, int, int] | None:
    """The first architectural difference between two harts: (name, reference value, fast value), or None."""
    for name, a, b in (("pc", reference.pc, fast.pc), ("instret", reference.instret, fast.instret)):
        if a != b:
            return name, a, b
    for i in range(32):
        if reference.x[i] != fast.x[i]:
            return f"x{i} ({ABI[i]})", reference.x[i], fast.x[i]
    for i in range(32):
        if reference.f[i] != fast.f[i]:
            return f"f{i}", reference.f[i], fast.f[i]
    for name in ("fflags", "frm"):
        if getattr(reference, name) != getattr(fast, name):
            return name, getattr(reference, name), getattr(fast, name)
    return None


CSR_NAMES = {number: name for name, number in CSRS.items()}


def compare_machine(reference: Board, fast: Board) -> tuple[str, int, int] | None:
    """System mode: the harts' registers, then privilege, CSRs, time and the CLINT's registers."""
    difference = compare_state(reference.hart, fast.hart)
    if difference is not None:
        return difference
    a, b = reference.hart, fast.hart
    for name in ("priv", "mstatus", "satp", "time_skew", "counter_offset"):
        if getattr(a, name) != getattr(b, name):
            return name, getattr(a, name), getattr(b, name)
    if a.reservation != b.reservation:
        return "reservation", -1 if a.reservation is None else a.reservation, -1 if b.reservation is None \
            else b.reservation
    for number in sorted(a.csr):
        if a.csr[number] != b.csr[number]:
            return CSR_NAMES.get(number, f"csr 0x{number:x}"), a.csr[number], b.csr[number]
    for name in ("mtimecmp", "msip"):
        if getattr(reference.clint, name) != getattr(fast.clint, name):
            return f"clint {name}", getattr(reference.clint, name), getattr(fast.clint, name)
    return None


def compare_ram(reference: Board, fast: Board) -> tuple[str, int, int] | None:
    """The first differing 8-byte word of RAM."""
    a, b = reference.ram, fast.ram
    if a == b:
        return None
    for offset in range(0, len(a), 4096):
        if a[offset : offset + 4096] != b[offset : offset + 4096]:
            for word in range(offset, offset + 4096, 8):
                if a[word : word + 8] != b[word : word + 8]:
                    return (f"memory 0x{RAM_BASE + word:x}", int.from_bytes(a[word : word + 8], "little"),
                            int.from_bytes(b[word : word + 8], "little"))
    return None


def compare_memory(reference, fast) -> tuple[str, int, int] | None:
    """The first differing 8-byte word of memory (or page mapped on one side only)."""
    for number in sorted(set(reference.pages) | set(fast.pages)):
        a, b = reference.pages.get(number), fast.pages.get(number)
        if a is None or b is None:
            return f"page 0x{number << 12:x} mapped", int(a is not None), int(b is not None)
        if bytes(a) != bytes(b):
            for offset in range(0, len(a), 8):
                if a[offset : offset + 8] != b[offset : offset + 8]:
                    address = (number << 12) + offset
                    return (f"memory 0x{address:x}", int.from_bytes(a[offset : offset + 8], "little"),
                            int.from_bytes(b[offset : offset + 8], "little"))
    return None


def _listing(engine: FastEngine | SystemEngine, kind: str, pc: int) -> list[str]:
    if isinstance(engine, SystemEngine):
        entry = next((block for (start, _, _), (block, _) in engine.blocks.items() if start == pc), None)
    else:
        entry = engine.blocks.get(pc)
        entry = entry and entry[0]
    if kind != "native" or entry is None:
        try:
            return [f"0x{pc:x}: {disassemble(engine.hart.fetch(pc))}"]
        except Trap as trap:
            return [f"0x{pc:x}: ({trap})"]
    return [f"0x{insn.pc:x}: {insn.name} {insn.fields}" for insn in entry.insns]


def run_lockstep(elf: bytes | str, argv: list[str] | None = None, *, stdin: bytes = b"", root: str = ".",
                 env: list[str] | None = None, max_insns: int = 10**9, memory_every: int = 1000, hot: int = 2,
                 cache_dir=None) -> LockstepResult:
    """Run a program on both engines, comparing after every unit; stop at the first divergence or the end.
    Files are confined to `root`, where only the reference side's system calls act (the result's stdout is
    the reference's, which the fast side's write() calls were checked against)."""
    reference, out, _ = make_process(elf, argv, stdin, root, env, None)
    process, _, _ = make_process(elf, argv, stdin, root, env, None)
    return lockstep(reference, process, out, max_insns=max_insns, memory_every=memory_every, hot=hot,
                    cache_dir=cache_dir)


def lockstep(reference: Process, process: Process, out: bytearray | None = None, *, max_insns: int = 10**9,
             memory_every: int = 1000, hot: int = 2, cache_dir=None) -> LockstepResult:
    """Lockstep on two processes loaded alike (the second gets the fast engine, and the first's system calls
    replayed; `out` is the first's stdout, reported in the result)."""
    engine = FastEngine(process, cache_dir, hot=hot)
    replay = SyscallReplay(reference, process, compare_state, compare_memory)
    out = out if out is not None else bytearray()
    units = 0
    try:
        while engine.hart.instret < max_insns:
            pc = engine.hart.pc
            try:
                fast_end = _outcome(engine.step)
            except Diverged as stopped:
                kind = "native" if pc in engine.blocks else "reference"
                found = Divergence(pc, kind, *stopped.difference, _listing(engine, kind, pc))
                return LockstepResult(found, engine.hart.instret, units, bytes(out), "diverged")
            kind = "native" if pc in engine.blocks else "reference"
            # the reference catches up (a system call may have moved it part of the way already)
            reference_end = replay.reference_end or _outcome(
                partial(reference.hart.run, engine.hart.instret - reference.hart.instret))
            if reference_end == "limit" and fast_end != "limit":  # the fast side ended in the next instruction
                reference_end = _outcome(lambda: reference.hart.run(1))
            units += 1
            difference = compare_state(reference.hart, engine.hart)
            if difference is None and (fast_end != "limit" or units % memory_every == 0):
                difference = compare_memory(reference.memory, engine.memory)
            if difference is None and fast_end != reference_end:
                difference = ("outcome", reference_end, fast_end)
            if difference is not None:
                what, a, b = difference
                found = Divergence(pc, kind, what, a, b, _listing(engine, kind, pc))
                return LockstepResult(found, engine.hart.instret, units, bytes(out), fast_end)
            if fast_end != "limit":
                return LockstepResult(None, engine.hart.instret, units, bytes(out), fast_end)
        return LockstepResult(None, engine.hart.instret, units, bytes(out), "limit")
    finally:
        engine.close()


def run_machine_lockstep(elf: bytes | str, *, stdin: bytes = b"", ram_size: int | None = None,
                         max_insns: int = 10**9, memory_every: int = 1000, hot: int = 2,
                         cache_dir=None) -> LockstepResult:
    """System mode: boot a bare-metal program on two boards, one driven by the fast engine, and compare after
    every unit of fast-engine work (registers, privilege, CSRs, time, CLINT; RAM every `memory_every` units and
    at the end; UART output at the end)."""
    (reference, reference_out), (fast, fast_out) = (make_board(elf, stdin, ram_size) for _ in range(2))
    return machine_lockstep(reference, fast, (reference_out, fast_out), max_insns=max_insns,
                            memory_every=memory_every, hot=hot, cache_dir=cache_dir)


def machine_lockstep(reference: Board, fast: Board, outputs: tuple[bytearray, bytearray] | None = None, *,
                     max_insns: int = 10**9, memory_every: int = 1000, hot: int = 2,
                     cache_dir=None) -> LockstepResult:
    """Lockstep on two boards prepared alike (the second gets the fast engine); `outputs`: their UART output."""
    outputs = outputs if outputs is not None else (bytearray(), bytearray())
    engine = SystemEngine(fast, cache_dir, hot=hot)
    units = 0
    try:
        while engine.hart.instret < max_insns:
            before = engine.hart.instret
            pc, unit = engine.hart.pc, {}
            fast_end = _outcome(partial(_step, engine, unit))
            kind = unit.get("kind", "reference")
            ran = engine.hart.instret - before
            reference_end = _outcome(partial(reference.hart.run, ran)) if ran else "limit"
            if reference_end == "limit" and fast_end != "limit":
                reference_end = _outcome(lambda: reference.hart.run(1))
            units += 1
            difference = compare_machine(reference, fast)
            if difference is None and (fast_end != "limit" or units % memory_every == 0):
                difference = compare_ram(reference, fast)
            if difference is None and fast_end != "limit" and outputs[0] != outputs[1]:
                difference = ("uart output", outputs[0].decode(errors="replace"), outputs[1].decode(errors="replace"))
            if difference is None and fast_end != reference_end:
                difference = ("outcome", reference_end, fast_end)
            if difference is not None:
                what, a, b = difference
                found = Divergence(pc, kind, what, a, b, _listing(engine, kind, pc))
                return LockstepResult(found, engine.hart.instret, units, bytes(outputs[1]), fast_end)
            if fast_end != "limit":
                return LockstepResult(None, engine.hart.instret, units, bytes(outputs[1]), fast_end)
        return LockstepResult(None, engine.hart.instret, units, bytes(outputs[1]), "limit")
    finally:
        engine.close()


def _step(engine: SystemEngine, unit: dict) -> None:
    unit["kind"], _ = engine.step()
