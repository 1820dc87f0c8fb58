"""The fast engine in system mode: native blocks on the b2i machine, with the reference doing everything privileged.

    hart.pc --mmu.translate(FETCH)--> physical pc --(pc, physical pc, FS Dirty?)--> block, or cold
        |                                                                          |
        | the reference (Hart.run) for cold code, CSRs, traps, mret/sret,          | scan the page (virtual pcs in
        | wfi, sfence.vma, atomics, MMIO, and the last MAX_BLOCK instructions      | the IR), build, compile
        | before the timer fires                                                    v
        +<---- EXIT_STEP (a TLB miss fills the entry first) ---- native code: loads/stores through the TLB

Native loads and stores go through a software TLB (virtual page -> offset into the board's RAM), one table
for loads and one for stores, filled only by `Mmu.translate` (so the reference's page walk, A/D updates and
faults stay the only ones) and only for RAM pages; a store entry never points at a page holding translated
code. Both tables and the jump cache (virtual pc -> native code) are cleared whenever the reference clears its
own TLB: traps, mret/sret, writes of satp, mstatus or sstatus, and sfence.vma. So blocks need no privilege in
their key: everything that depends on it goes through the TLB or exits to the reference. The key holds whether
mstatus.FS is Dirty, since F/D instructions are translated only then (Off traps, Clean/Initial turn Dirty).

Interrupts are taken by the reference before an instruction, exactly where the reference alone would take
them: nothing native code does changes what is pending or enabled except time (mtime counts retired
instructions), so native code runs only up to MAX_BLOCK instructions before the timer's deadline (mtimecmp in
instructions), and the reference, checking before every instruction, runs the rest.

Self-modifying code: every store the reference (or the page walker) makes into a page holding translated code
drops that page's blocks at once (native stores to such a page miss the TLB and exit), so code is always
executed as it is in memory, after fence.i or not, as on the reference.
"""

import ctypes
import pathlib
from collections import Counter, defaultdict
from typing import TextIO

from b2i.sim.fast.commits import CommitBuffer
from b2i.sim.fast.engine import HOT, NO_TAG, WARM, DispatchFunction, NativeHart, Stats
from b2i.sim.fast.translate import (
    ENDS_BLOCK,
    EXIT,
    FILL,
    INSTRET,
    LIMIT,
    LOAD_DELTAS,
    LOAD_TAGS,
    MAX_BLOCK,
    PC,
    SLOTS,
    STORE_DELTAS,
    STORE_TAGS,
    TLB_SIZE,
    Block,
    build,
    scan,
)
from b2i.sim.machine import csr
from b2i.sim.machine.board import Board
from b2i.sim.machine.memmap import RAM_BASE
from b2i.sim.machine.memory import PAGE, PAGE_SHIFT
from b2i.sim.machine.mmu import FETCH, LOAD, STORE
from b2i.sim.machine.trap import INSN_ACCESS_FAULT, Trap

M64 = (1 << 64) - 1
FillFunction = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64)
SLICE = 1_000_000  # native instructions between returns to Python: keeps UART input and Ctrl-C responsive
FOREVER = 1 << 64


class SystemEngine(NativeHart):
    """Runs a Board's hart; `run(max_insns)` behaves as `Hart.run` does in system mode (same exceptions)."""

    SLICE = SLICE

    def __init__(self, board: Board, cache_dir: pathlib.Path | None = None, hot: int = HOT,
                 warm: int = WARM) -> None:
        from b2i.sim.fast.native import JUMP_CACHE, native  # noqa: PLC0415 - llvmlite is optional

        if board.hart.misa != csr.MISA:  # the translator knows RV64GC only (C decoding, F/D, jump alignment)
            raise ValueError("the fast engine runs the RV64GC machine only (this hart's misa is narrower)")
        self.board = board
        self.hart = hart = board.hart
        self.mmu = board.mmu
        self.native = native(cache_dir)
        self.ram = (ctypes.c_char * board.ram_size).from_buffer(board.ram)
        self.tlb = (ctypes.c_uint64 * (4 * TLB_SIZE))()
        self.state = (ctypes.c_uint64 * SLOTS)()
        self.fill_function = FillFunction(self._fill_from_native)
        self.state[FILL] = ctypes.cast(self.fill_function, ctypes.c_void_p).value
        self.fill_error: BaseException | None = None  # raised in the fill function, re-raised after native code
        self.tags = (ctypes.c_uint64 * JUMP_CACHE)()
        ctypes.memset(self.tags, 0xFF, ctypes.sizeof(self.tags))
        self.functions = (ctypes.c_uint64 * JUMP_CACHE)()
        self.jump_cache_mask = JUMP_CACHE - 1
        self.entered: set[int] = set()  # jump-cache slots in use, cleared with the TLB
        self.dispatch = DispatchFunction(self.native.dispatch)
        self.arguments = (ctypes.addressof(self.state), ctypes.addressof(self.ram), ctypes.addressof(self.tlb),
                          ctypes.addressof(self.tags), ctypes.addressof(self.functions))
        self.hot, self.warm = hot, min(warm, hot)
        self.blocks: dict[tuple[int, int, bool], tuple[Block, int]] = {}
        self.by_page: dict[int, set[tuple[int, int, bool]]] = defaultdict(set)  # physical page -> block keys
        self.heat: Counter[tuple[int, int, bool]] = Counter()
        self.untranslatable: set[tuple[int, int, bool]] = set()
        self.cold_lengths: dict[int, int] = {}
        self.stats = Stats()
        self.commits: CommitBuffer | None = None  # with a commit log (hart.trace): see _follow_trace
        self.slice = SLICE  # most instructions one dispatch may retire
        self._follow_trace()
        self._compile_start = (self.native.compile_seconds, self.native.cache_hits)
        self._clear_tlb()
        # the reference's hooks: its TLB flushes clear ours; its stores into translated code drop that code
        self._reference_flush, self._phys_store = hart.flush_tlb, board.phys_store
        hart.flush_tlb = self.forget_translations
        board.phys_store = board.mmu.phys_store = self._checked_phys_store

    # ---- the loop ----------------------------------------------------------------------------------------------
    def run(self, max_insns: int | None = None) -> None:
        hart = self.hart
        self._follow_trace()
        end = hart.instret + max_insns if max_insns is not None else 1 << 62
        try:
            while hart.instret < end:
                if hart.interrupt_pending():  # taken here, before the next instruction, as the reference would
                    continue
                stop = min(end, self._timer_deadline())
                room = stop - hart.instret
                known = self._lookup(hart.pc)
                if known is not None and room > MAX_BLOCK:
                    self._run_native(stop)
                elif known is not None and len(known[0].insns) <= room:  # close to the timer: block by block
                    self._run_native(stop, one_pass=True)
                else:
                    self._run_reference(stop)
        finally:
            self._update_compile_stats()

    def step(self) -> tuple[str, int]:
        """One unit of work for lockstep: ("native", pc) for one pass through a block (plus the instruction
        it stopped before, if it retired none), or ("reference", pc) for cold code on the reference."""
        hart = self.hart
        self._follow_trace()
        try:
            hart.interrupt_pending()
            pc = hart.pc
            stop = self._timer_deadline()
            known = self._lookup(pc)
            if known is not None and len(known[0].insns) <= stop - hart.instret:
                self._run_native(1 << 62, one_pass=True)
                return "native", pc
            self._run_reference(stop)
            return "reference", pc
        finally:
            self._update_compile_stats()

    def _timer_deadline(self) -> int:
        """The instret at which mtime reaches mtimecmp, if that is still ahead (else nothing native code does
        can change what is pending)."""
        due = self.board.clint.mtimecmp - self.hart.time_skew
        return due if due > self.hart.instret else FOREVER

    def _run_reference(self, stop: int) -> None:
        """Interpret a cold block's worth (at most up to `stop`); the reference checks interrupts throughout."""
        hart = self.hart
        length = self.cold_lengths.get(hart.pc)
        if length is None:
            length = self.cold_lengths[hart.pc] = self._cold_length(hart.pc)
        before = hart.instret
        try:
            hart.run(max(1, min(length, stop - before)))
        finally:
            self.stats.reference_instructions += hart.instret - before

    def _cold_length(self, pc: int) -> int:
        """Instructions up to the next control transfer on pc's page (only a hint of where heat is counted)."""
        try:
            fetch = self._page_fetch(pc, self.mmu.translate(pc, FETCH))
        except Trap:
            return 1
        hart, length = self.hart, 0
        while length < MAX_BLOCK:
            try:
                word = fetch(pc)
            except Trap:
                break
            entry = hart.decode_cache.get(word) or hart.decode(word)
            length += 1
            if entry[3] is None or entry[3].op.name in ENDS_BLOCK:
                break
            pc += entry[2]
        return max(1, length)

    def _run_native(self, stop: int, one_pass: bool = False) -> None:
        """Native code from hart.pc until a miss, an exit or MAX_BLOCK before `stop` (one_pass: one pass through
        one block, whose length the caller checked against `stop`)."""
        state, hart = self.state, self.hart
        self._to_native()
        state[LIMIT] = state[INSTRET] + 1 if one_pass else min(stop - MAX_BLOCK, state[INSTRET] + self.slice)
        started = state[INSTRET]
        while True:
            self.dispatch(*self.arguments)
            if self.commits is not None:
                self.commits.flush()
            reason = state[EXIT]
            state[EXIT] = 0
            if reason or state[INSTRET] >= state[LIMIT] or self.fill_error or self._lookup(state[PC]) is None:
                break
        self.stats.native_instructions += state[INSTRET] - started
        self._to_reference()
        if self.fill_error is not None:
            error, self.fill_error = self.fill_error, None
            raise error
        if not reason or (one_pass and hart.instret > started):
            return
        self.stats.exits_to_reference += 1
        before = hart.instret
        try:
            hart.run(1)  # the instruction native code stopped before (a trap: the handler's first one)
        finally:
            self.stats.reference_instructions += hart.instret - before

    # ---- translation -------------------------------------------------------------------------------------------
    def _lookup(self, pc: int) -> tuple[Block, int] | None:
        """(block, native code) at virtual pc in the current mode, translating it once hot; None if cold,
        untranslatable or not fetchable (the reference then raises the fault)."""
        try:
            physical = self.mmu.translate(pc, FETCH)
        except Trap:
            return None
        if not RAM_BASE <= physical < RAM_BASE + self.board.ram_size:
            return None
        key = (pc, physical, self.hart.mstatus & csr.FS == csr.FS_DIRTY)
        known = self.blocks.get(key)
        if known is not None:
            self._enter(pc, known[1])
            return known
        if key in self.untranslatable:
            return None
        heat = self.heat[key] = self.heat[key] + 1
        if heat < self.warm or (self.warm < heat < self.hot):
            return None
        block = Block(pc, scan(self._page_fetch(pc, physical), pc, fp=key[2]), system=True,
                      trace=self.commits is not None)
        if not block.insns:
            self.untranslatable.add(key)
            return None
        build(block)
        address = self.native.compile_block(block.ir, cached_only=heat < self.hot)
        if address is None:
            return None
        page = physical >> PAGE_SHIFT
        self.blocks[key] = (block, address)
        if not self.by_page[page]:  # a new code page: no store may reach it natively any more
            ctypes.memset(ctypes.addressof(self.tlb) + 8 * STORE_TAGS, 0xFF, 8 * TLB_SIZE)
        self.by_page[page].add(key)
        self.stats.blocks += 1
        self._enter(pc, address)
        return self.blocks[key]

    def _page_fetch(self, pc: int, physical: int):
        """Instruction fetch from RAM for pc's page only: a block never runs onto a page mapped elsewhere."""
        ram, page, delta = self.board.ram, pc >> PAGE_SHIFT, physical - pc - RAM_BASE

        def fetch(vaddr: int) -> int:
            offset = vaddr + delta
            if vaddr >> PAGE_SHIFT != page or not 0 <= offset <= len(ram) - 2:
                raise Trap(INSN_ACCESS_FAULT, vaddr)
            low = ram[offset] | ram[offset + 1] << 8
            if low & 3 != 3:
                return low
            if (vaddr & (PAGE - 1)) > PAGE - 4:
                raise Trap(INSN_ACCESS_FAULT, vaddr)
            return low | (ram[offset + 2] | ram[offset + 3] << 8) << 16

        return fetch

    def _enter(self, pc: int, address: int) -> None:
        slot = (pc >> 1) & self.jump_cache_mask
        self.tags[slot] = pc
        self.functions[slot] = address
        self.entered.add(slot)

    def _fill_from_native(self, mem: int, tlb: int, vaddr: int, store: int) -> int:
        """Native code's TLB miss: 1 if the entry is now there. The instruction that missed runs right after (in
        native code, or on the reference if this says 0), so the page walk happens exactly where the reference's
        would. An exception cannot cross native frames: it is kept and re-raised once native code returns."""
        try:
            return int(self._fill(vaddr, bool(store)))
        except BaseException as error:  # noqa: BLE001 - re-raised by _run_native
            self.fill_error = error
            return 0

    def _fill(self, vaddr: int, store: bool) -> bool:
        """Map vaddr's page in the native TLB if the reference's MMU allows the access and it is plain RAM."""
        try:
            physical = self.mmu.translate(vaddr, STORE if store else LOAD)
        except Trap:
            return False  # the reference takes the fault when it executes the instruction
        offset = (physical & ~(PAGE - 1)) - RAM_BASE
        if not 0 <= offset <= self.board.ram_size - PAGE or (store and self.by_page.get(physical >> PAGE_SHIFT)):
            return False
        slot = (vaddr >> PAGE_SHIFT) & (TLB_SIZE - 1)
        tags, deltas = (STORE_TAGS, STORE_DELTAS) if store else (LOAD_TAGS, LOAD_DELTAS)
        self.tlb[tags + slot] = vaddr >> PAGE_SHIFT
        self.tlb[deltas + slot] = (offset - (vaddr & ~(PAGE - 1))) & M64
        return True

    def _clear_tlb(self) -> None:
        ctypes.memset(self.tlb, 0xFF, ctypes.sizeof(self.tlb))

    def forget_translations(self) -> None:
        """The reference flushed its TLB (trap, xRET, satp/mstatus write, sfence.vma): so do the native TLB
        and the jump cache, whose virtual pcs may now mean other code."""
        self._reference_flush()
        self._clear_tlb()
        tags = self.tags
        for slot in self.entered:
            tags[slot] = NO_TAG
        self.entered.clear()

    def _checked_phys_store(self, paddr: int, size: int, value: int, vaddr: int | None = None) -> None:
        for page in {paddr >> PAGE_SHIFT, (paddr + size - 1) >> PAGE_SHIFT}:
            if self.by_page.get(page):
                self.invalidate_page(page)
        self._phys_store(paddr, size, value, vaddr)

    def invalidate_page(self, page: int) -> None:
        """Code on this physical page changed: forget its blocks (and every jump-cache entry, simply)."""
        for key in self.by_page.pop(page, set()):
            self.blocks.pop(key, None)
            self.heat[key] = 0
            self.stats.invalidated_blocks += 1
        tags = self.tags
        for slot in self.entered:
            tags[slot] = NO_TAG
        self.entered.clear()
        self.untranslatable.clear()
        self.cold_lengths.clear()

    def close(self) -> None:
        """Give the board its own hooks back (the reference can go on alone)."""
        self.hart.flush_tlb = self._reference_flush
        del self.board.phys_store  # the class's method again
        self.board.mmu.phys_store = self._phys_store


def run_machine(elf: bytes | str, *, stdin: bytes = b"", max_insns: int | None = None, ram_size: int | None = None,
                cache_dir: pathlib.Path | None = None, stats: Stats | None = None, trace: TextIO | None = None):
    """`b2i.sim.machine.run.run_machine` on the fast engine: same arguments and RunResult (`trace` receives the
    same commit log as the reference's)."""
    from b2i.sim.machine.loader import LoadError  # noqa: PLC0415
    from b2i.sim.machine.run import EXIT_LOAD_ERROR, RunResult, drive, read_program  # noqa: PLC0415

    try:
        image, _ = read_program(elf)
        out = bytearray()
        board = Board(ram_size=ram_size, uart_input=bytes(stdin), uart_output=out.extend)
        board.load_image(image)
    except LoadError as error:
        return RunResult(EXIT_LOAD_ERROR, b"", b"", 0, str(error))
    board.hart.trace = trace
    engine = SystemEngine(board, cache_dir)
    try:
        code, message = drive(engine, max_insns)
    finally:
        if stats is not None:
            vars(stats).update(vars(engine.stats))
        engine.close()
    return RunResult(code, bytes(out), b"", board.hart.instret, message)
