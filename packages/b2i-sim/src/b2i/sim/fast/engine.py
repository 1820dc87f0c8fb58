"""The fast engine's run loop: native code for hot blocks, the reference interpreter for everything else.

    guest pc --(cold: < HOT visits)----------------------------> reference interpreter (Hart.run)
        |
        +--(hot)--> scan (b2i.sim.isa) --> LLVM IR (translate) --> object code (native, disk cache)
                                                                      |
                       jump cache (pc -> code) <----------------------+
                              |
    native dispatcher: block -> block -> ... (no Python) until a miss, an exit or the instruction limit
                              |
           EXIT_STEP: the reference executes one instruction (ecall, CSR, atomics, MMIO-like or unmapped
                      accesses, stores into translated pages, FP cases not provably exact)
           EXIT_FENCE_I: drop every translation, then step over the fence.i

The architectural state has one owner at a time: the ctypes `state` array while native code runs, the
Hart's fields otherwise; `_to_native`/`_to_reference` copy it across at the switch.
"""

import ctypes
import pathlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from b2i.sim.fast.commits import CommitBuffer
from b2i.sim.fast.flatmem import PAGES, FlatMemory
from b2i.sim.fast.translate import (
    ENDS_BLOCK,
    EXIT,
    EXIT_FENCE_I,
    EXIT_LIMIT,
    FFLAGS,
    FP_DIRTY,
    FRM,
    INSTRET,
    LIMIT,
    MAX_BLOCK,
    PC,
    SLOTS,
    Block,
    F,
    X,
    build,
    scan,
)
from b2i.sim.machine.linux import Process
from b2i.sim.machine.memory import PAGE_SHIFT
from b2i.sim.machine.trap import Trap

HOT = 100  # visits of a block's first pc before it is compiled: cold code stays with the reference
WARM = 16  # visits before the disk cache is asked for the block's code (no compiling yet)
SLICE = 100_000_000  # instructions native code runs at most before returning to Python (about 0.2 s)
NO_TAG = (1 << 64) - 1  # no pc is odd, so this tag matches nothing
RETURNS = {"mret", "sret"}  # also end a cold block: what follows them runs at another privilege level
DispatchFunction = ctypes.CFUNCTYPE(ctypes.c_uint64, *[ctypes.c_void_p] * 5)


def available() -> bool:
    """Whether llvmlite (the `fast` extra) is installed."""
    try:
        import llvmlite.binding  # noqa: F401, PLC0415 - probing for the optional dependency
    except ImportError:
        return False
    return True


@dataclass
class Stats:
    """What the engine did: for --stats, the bench and the docs' numbers."""

    blocks: int = 0
    native_instructions: int = 0
    reference_instructions: int = 0
    exits_to_reference: int = 0
    flushes: int = 0
    invalidated_blocks: int = 0
    compile_seconds: float = 0.0
    cache_hits: int = 0


class NativeHart:
    """What both engines share: the run loop (native code for hot blocks, the reference for the rest), the hart
    b2i-run drives, its state moved into and out of native code, and the commit log.

    A subclass says what differs between user and system mode: `_stop` (where native code must stop: the
    instruction limit, or the timer's deadline, taking a pending interrupt first), `_lookup` (the block at a
    pc, translating it once hot), `_run_reference` (cold code) and `_stopped` (what an exit asks for). It sets
    hart, state, native, dispatch, arguments, stats, commits, slice, by_page and invalidate_page."""

    SLICE = SLICE  # most instructions one dispatch may retire without a commit log

    # ---- what `b2i.sim.machine.run.drive` and b2i-run read from the hart they drive ----------------------------
    @property
    def pc(self) -> int:
        return self.hart.pc

    @property
    def instret(self) -> int:
        return self.hart.instret

    @property
    def insn_word(self) -> int:
        return self.hart.insn_word

    # ---- the loop ----------------------------------------------------------------------------------------------
    def run(self, max_insns: int | None = None) -> None:
        """As `Hart.run`: execute until the guest exits, faults or max_insns retire (same exceptions)."""
        hart = self.hart
        self._follow_trace()
        end = hart.instret + max_insns if max_insns is not None else 1 << 62
        try:
            while hart.instret < end:
                stop = self._stop(end)
                known = self._lookup(hart.pc)
                if known is not None and len(known[0].insns) <= stop - hart.instret:
                    self._run_native(stop)
                else:
                    self._run_reference(stop)
        finally:
            self._update_compile_stats()

    def step(self) -> tuple[str, int]:
        """One unit of work for lockstep: ("native", pc) for one pass through a translated block (plus the
        instruction it stopped before, if it retired none), or ("reference", pc) for a cold block's or one
        instruction's worth on the reference interpreter."""
        hart = self.hart
        self._follow_trace()
        try:
            stop = self._stop(1 << 62)
            pc = hart.pc
            known = self._lookup(pc)
            if known is not None and len(known[0].insns) <= stop - hart.instret:
                self._run_native(hart.instret + len(known[0].insns), one_pass=True)
                return "native", pc
            self._run_reference(stop)
            return "reference", pc
        finally:
            self._update_compile_stats()

    def _run_native(self, stop: int, one_pass: bool = False) -> None:
        """Native code from the hart's pc until a miss, an exit, or the next block would pass `stop` (a block
        refuses to start unless all of it fits: EXIT_LIMIT). one_pass: `stop` is one block's end, and an exit
        after some native instructions leaves the instruction it stopped before to the next unit."""
        state = self.state
        self._to_native()
        # Slices of SLICE instructions give Python a chance to see Ctrl-C in a guest's endless loop.
        state[LIMIT] = min(stop, state[INSTRET] + self.slice)
        started = state[INSTRET]
        while True:
            self.dispatch(*self.arguments)
            if self.commits is not None:
                self.commits.flush()
            reason = state[EXIT]
            state[EXIT] = 0
            if reason == EXIT_LIMIT:  # the next block does not fit before the limit
                reason = 0
                break
            if reason or state[INSTRET] >= state[LIMIT] or self._lookup(state[PC]) is None:
                break  # (a hit was evicted from the jump cache by a colliding pc, or is newly hot: go on)
        self.stats.native_instructions += state[INSTRET] - started
        self._to_reference()
        self._stopped(reason)
        if reason and not (one_pass and state[INSTRET] > started):
            self.stats.exits_to_reference += 1
            self._reference(1)  # the instruction native code stopped before (in system mode, maybe a trap)

    def _reference(self, count: int) -> None:
        """The reference executes `count` instructions (fewer if it faults or the guest exits)."""
        before = self.hart.instret
        try:
            self.hart.run(count)
        finally:
            self.stats.reference_instructions += self.hart.instret - before

    def _cold_block(self, fetch: Callable[[int], int], pc: int) -> tuple[int, bool]:
        """(instructions up to and including the next control transfer, whether that is fence.i), decoded
        through the reference's own decode cache: cheaper than `scan`, and only a hint of where to count heat."""
        hart, length, name = self.hart, 0, ""
        while length < MAX_BLOCK:
            try:
                word = fetch(pc)
            except Trap:
                break
            entry = hart.decode_cache.get(word) or hart.decode(word)
            if entry[3] is None:
                break
            length += 1
            name = entry[3].op.name
            if name in ENDS_BLOCK or name in RETURNS:
                break
            pc += entry[2]
        return max(1, length), name == "fence.i"

    # ---- the state and the commit log ---------------------------------------------------------------------------
    def _follow_trace(self) -> None:
        """With a commit log on the hart, blocks are translated to record each retired instruction (see
        b2i.sim.fast.commits); if the hart's trace came or went since the blocks were made, they must go."""
        if (self.hart.trace is None) == (self.commits is None):
            return
        self.commits = CommitBuffer(self.hart, self.state) if self.hart.trace is not None else None
        self.slice = self.SLICE if self.commits is None else CommitBuffer.room
        for page in list(self.by_page):
            self.invalidate_page(page)

    def _to_native(self) -> None:
        h, state = self.hart, self.state
        state[X : X + 32] = h.x
        state[F : F + 32] = h.f
        state[PC], state[INSTRET], state[FFLAGS], state[FRM], state[FP_DIRTY] = h.pc, h.instret, h.fflags, h.frm, 0

    def _to_reference(self) -> None:
        h, state = self.hart, self.state
        h.x[:] = state[X : X + 32]
        h.f[:] = state[F : F + 32]
        h.pc, h.instret, h.fflags, h.frm = state[PC], state[INSTRET], state[FFLAGS], state[FRM]
        if state[FP_DIRTY]:
            h.fp_dirty()

    def _update_compile_stats(self) -> None:
        seconds, hits = self._compile_start
        self.stats.compile_seconds = self.native.compile_seconds - seconds
        self.stats.cache_hits = self.native.cache_hits - hits


class FastEngine(NativeHart):
    """Runs a Linux process's hart; `run(max_insns)` behaves as `Hart.run` does (same exceptions)."""

    def __init__(self, process: Process, cache_dir: pathlib.Path | None = None, hot: int = HOT,
                 warm: int = WARM, stats: Stats | None = None) -> None:
        from b2i.sim.fast.native import JUMP_CACHE, native  # noqa: PLC0415 - llvmlite is optional

        self.process = process
        self.hart = hart = process.hart
        self.memory = FlatMemory.adopt(process.memory)
        process.memory = self.memory
        hart.load, hart.store, hart.fetch = self.memory.load, self.memory.store, self.memory.fetch
        self.memory.on_code_change = self.invalidate_page
        self.native = native(cache_dir)
        self.jump_cache_mask = JUMP_CACHE - 1
        self.state = (ctypes.c_uint64 * SLOTS)()
        self.tags = (ctypes.c_uint64 * JUMP_CACHE)()
        ctypes.memset(self.tags, 0xFF, ctypes.sizeof(self.tags))  # every tag NO_TAG
        self.functions = (ctypes.c_uint64 * JUMP_CACHE)()
        self.dispatch = DispatchFunction(self.native.dispatch)
        self.arguments = (ctypes.addressof(self.state), self.memory.base, self.memory.page_map_base,
                          ctypes.addressof(self.tags), ctypes.addressof(self.functions))
        self.hot, self.warm = hot, min(warm, hot)
        self.blocks: dict[int, tuple[Block, int]] = {}
        self.by_page: dict[int, set[int]] = defaultdict(set)
        self.heat: Counter[int] = Counter()
        self.untranslatable: set[int] = set()
        self.cold_lengths: dict[int, tuple[int, bool]] = {}  # cold block: (length, ends in fence.i)
        self.stats = stats if stats is not None else Stats()
        self.commits: CommitBuffer | None = None  # with a commit log (hart.trace): see _follow_trace
        self.slice = SLICE  # most instructions one dispatch may retire
        self._follow_trace()
        self._compile_start = (self.native.compile_seconds, self.native.cache_hits)

    # ---- what differs from system mode ---------------------------------------------------------------------------
    def _stop(self, end: int) -> int:
        return end  # a process has no interrupts: only the instruction limit stops native code

    def _lookup(self, pc: int) -> tuple[Block, int] | None:
        """(block, native code) at pc, translating it once hot; None while cold or if untranslatable."""
        known = self.blocks.get(pc)
        if known is not None:
            self._enter(pc, known[1])
            return known
        return self.blocks[pc] if self._consider(pc) else None

    def _run_reference(self, stop: int) -> None:
        """Interpret one block's worth of cold code (straight-line, so exactly that block)."""
        pc, before = self.hart.pc, self.hart.instret
        known = self.cold_lengths.get(pc)
        if known is None:
            known = self.cold_lengths[pc] = self._cold_block(self.memory.fetch, pc)
        length, fence_i = known
        self._reference(min(length, stop - before))
        if fence_i and self.hart.instret - before == length:
            self.flush()

    def _stopped(self, reason: int) -> None:
        if reason == EXIT_FENCE_I:
            self.flush()

    # ---- translation ---------------------------------------------------------------------------------------------
    def _consider(self, pc: int) -> bool:
        """Count a visit; translate the block once it is warm and its code is in the disk cache, or once it is
        hot (then compiling it). True if pc now has native code."""
        if pc in self.untranslatable:
            return False
        heat = self.heat[pc] = self.heat[pc] + 1
        if heat < self.warm or (self.warm < heat < self.hot):
            return False
        # scanned again when hot: the bytes may have changed
        block = Block(pc, scan(self.memory.fetch, pc), trace=self.commits is not None)
        if not block.insns or block.end >> PAGE_SHIFT >= PAGES:
            self.untranslatable.add(pc)
            return False
        build(block)
        address = self.native.compile_block(block.ir, cached_only=heat < self.hot)
        if address is None:  # warm, and not in the disk cache: wait until it is hot
            return False
        self.blocks[pc] = (block, address)
        for page in block.pages:
            self.by_page[page].add(pc)
            self.memory.mark_code(page)
        self.stats.blocks += 1
        self._enter(pc, address)
        return True

    def _enter(self, pc: int, address: int) -> None:
        slot = (pc >> 1) & self.jump_cache_mask
        self.tags[slot] = pc
        self.functions[slot] = address

    def invalidate_page(self, page: int) -> None:
        """Guest code on this page changed (a store, munmap): forget every block read from it."""
        for pc in self.by_page.pop(page, set()):
            block, _ = self.blocks.pop(pc)
            self.stats.invalidated_blocks += 1
            slot = (pc >> 1) & self.jump_cache_mask
            if self.tags[slot] == pc:
                self.tags[slot] = NO_TAG
            self.heat[pc] = 0
            for other in block.pages - {page}:
                self.by_page[other].discard(pc)
                if not self.by_page[other]:
                    del self.by_page[other]
                    self.memory.unmark_code(other)
        self.memory.unmark_code(page)
        self.untranslatable.clear()
        self.cold_lengths.clear()

    def flush(self) -> None:
        """fence.i: drop every translation (the object code stays loaded and is reused if the bytes recur)."""
        for page in list(self.by_page):
            self.invalidate_page(page)
        self.stats.flushes += 1

    def close(self) -> None:
        """Release the flat memory (its 256 GiB of reserved address space)."""
        self.process.memory = None
        self.memory.close()


def run_program(elf: bytes | str, argv: list[str] | None = None, *, stdin: bytes = b"", root: str = ".",
                max_insns: int | None = None, trace: TextIO | None = None, env: list[str] | None = None,
                strace: TextIO | None = None, cache_dir: pathlib.Path | None = None, stats: Stats | None = None):
    """`b2i.sim.machine.run.run_program` on the fast engine: same arguments (`trace` receives the same commit log),
    same RunResult.

    `stats`, when given, is filled with what the engine did (blocks, native vs reference instructions, compile
    time and cache hits).
    """
    from b2i.sim.machine.run import run_program as run_on  # noqa: PLC0415 - keeps this module about the engine

    return run_on(elf, argv, stdin=stdin, root=root, max_insns=max_insns, trace=trace, env=env, strace=strace,
                  engine=lambda process: FastEngine(process, cache_dir, stats=stats))
