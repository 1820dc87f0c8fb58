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
code or a page table. Blocks need no privilege in their key: everything that depends on it goes through the
TLB or exits to the reference. The key holds whether mstatus.FS is Dirty, since F/D instructions are translated
only then (Off traps, Clean/Initial turn Dirty).

Contexts. The TLB and the jump cache (virtual pc -> native code) belong to a context: the privilege level,
satp, and the mstatus bits translation depends on (FS, SUM, MXR, MPRV and, with MPRV, MPP). When the reference
clears its own TLB (traps, mret/sret, writes of satp, mstatus or sstatus, sfence.vma), the engine switches to
the new state's context, keeping the old one: after an interrupt's trap and mret the user's translations are
there again, with no page walk. That is exact because an entry is only ever what a fresh walk would give, with
no side effect: the walker's A/D bits are already set, and every page the walker ever read is watched. A store
into a page table (native stores to one exit; the reference's are seen) drops every context, and the next
flush of the reference's TLB (whose own entries may now be stale, as it is allowed until sfence.vma) clears
the current one again rather than keeping it.

Interrupts are taken by the reference before an instruction, exactly where the reference alone would take
them: nothing native code does changes what is pending or enabled except time (mtime counts retired
instructions), so native code runs only while a whole block fits before the timer's deadline (mtimecmp in
instructions; a block that would pass it does not start), and the reference, checking before every
instruction, runs the rest.

Self-modifying code: every store the reference (or the page walker) makes into a page holding translated code
drops that page's blocks at once (native stores to such a page miss the TLB and exit), so code is always
executed as it is in memory, after fence.i or not, as on the reference.
"""

import ctypes
import pathlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TextIO

from b2i.sim.fast.commits import CommitBuffer
from b2i.sim.fast.engine import HOT, NO_TAG, WARM, DispatchFunction, NativeHart, Stats
from b2i.sim.fast.translate import (
    CONFIRMED,
    FILL,
    KEPT_PAGE,
    LOAD_DELTAS,
    LOAD_TAGS,
    SLOTS,
    STORE_DELTAS,
    STORE_TAGS,
    TLB_SIZE,
    TLB_WORDS,
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
CONTEXTS = 8  # translation contexts kept (each holds a 1 MiB jump cache); the least recently used goes first
TRANSLATION_BITS = csr.FS | csr.SUM | csr.MXR | csr.MPRV  # the mstatus bits a context is keyed by (and MPP)
KEPT_PC = 1  # a kept jump-cache tag: no pc is odd, so the dispatcher misses and asks (see _lookup)
# Marks every TLB entry kept (KEPT_PAGE in its tag): in native code, as there are 2 * TLB_SIZE tags.
KEEP = f"""
define void @keep(ptr %tlb) {{
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %stores = icmp uge i64 %i, {TLB_SIZE}
  %skip = select i1 %stores, i64 {STORE_TAGS - TLB_SIZE}, i64 0
  %index = add i64 %i, %skip
  %p = getelementptr i64, ptr %tlb, i64 %index
  %tag = load i64, ptr %p
  %empty = icmp eq i64 %tag, -1
  %kept = or i64 %tag, {-(1 << 63)}
  %new = select i1 %empty, i64 -1, i64 %kept
  store i64 %new, ptr %p
  %next = add i64 %i, 1
  %done = icmp eq i64 %next, {2 * TLB_SIZE}
  br i1 %done, label %out, label %loop
out:
  ret void
}}
"""
KeepFunction = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_keep_functions: dict[int, KeepFunction] = {}  # per Native (LLVM engine): compiled once


@dataclass
class Context:
    """The native TLB and jump cache of one translation context (see the module's docstring)."""

    tlb: ctypes.Array
    tags: ctypes.Array
    functions: ctypes.Array
    arguments: tuple = ()  # the dispatcher's, with this context's tables
    # pc -> ((block, native code), physical pc): what the jump cache has for it
    entered: dict[int, tuple[tuple[Block, int], int]] = field(default_factory=dict)

    def clear(self) -> None:
        ctypes.memset(self.tlb, 0xFF, ctypes.sizeof(self.tlb))  # every tag all ones: matches no page
        self.tlb[CONFIRMED] = 0
        self.clear_jump_cache()

    def clear_jump_cache(self) -> None:
        tags, mask = self.tags, len(self.tags) - 1
        for pc in self.entered:
            if tags[(pc >> 1) & mask] in (pc, pc | KEPT_PC):
                tags[(pc >> 1) & mask] = NO_TAG
        self.entered.clear()

    def keep(self, keep_tlb: KeepFunction) -> None:
        """The reference's TLB was flushed: every entry stays, but as kept until its first use confirms it
        (native code for the TLB, SystemEngine._lookup for the jump cache)."""
        keep_tlb(self.arguments[2])
        tags, mask = self.tags, len(self.tags) - 1
        for pc in self.entered:
            if tags[(pc >> 1) & mask] == pc:
                tags[(pc >> 1) & mask] = pc | KEPT_PC

    def forbid_stores(self) -> None:
        """A page became code or a page table: no native store may reach it (entries are refilled on demand)."""
        ctypes.memset(ctypes.addressof(self.tlb) + 8 * STORE_TAGS, 0xFF, 8 * TLB_SIZE)


class SystemEngine(NativeHart):
    """Runs a Board's hart; `run(max_insns)` behaves as `Hart.run` does in system mode (same exceptions)."""

    SLICE = SLICE

    def __init__(self, board: Board, cache_dir: pathlib.Path | None = None, hot: int = HOT,
                 warm: int = WARM, stats: Stats | None = None) -> None:
        from b2i.sim.fast.native import JUMP_CACHE, native  # noqa: PLC0415 - llvmlite is optional

        if board.hart.misa != csr.MISA:  # the translator knows RV64GC only (C decoding, F/D, jump alignment)
            raise ValueError("the fast engine runs the RV64GC machine only (this hart's misa is narrower)")
        self.board = board
        self.hart = hart = board.hart
        self.mmu = board.mmu
        self.native = native(cache_dir)
        self.ram = (ctypes.c_char * board.ram_size).from_buffer(board.ram)
        self.state = (ctypes.c_uint64 * SLOTS)()
        self.fill_function = FillFunction(self._fill_from_native)
        self.state[FILL] = ctypes.cast(self.fill_function, ctypes.c_void_p).value
        self.fill_error: BaseException | None = None  # raised in the fill function, re-raised after native code
        self.jump_cache_size = JUMP_CACHE
        self.jump_cache_mask = JUMP_CACHE - 1
        self.dispatch = DispatchFunction(self.native.dispatch)
        if id(self.native) not in _keep_functions:
            _keep_functions[id(self.native)] = KeepFunction(self.native.compile(KEEP, ["keep"])["keep"])
        self.keep_tlb = _keep_functions[id(self.native)]
        self.contexts: dict[tuple[int, int, int], Context] = {}  # least recently used first
        self.context_key = self._context_key()
        self._switch(self.context_key)
        self.table_pages: set[int] = set()  # physical pages the page walker has read: watched for stores
        self.stale = True  # the reference's TLB may hold entries from before a page-table store (or the engine)
        self.hot, self.warm = hot, min(warm, hot)
        self.blocks: dict[tuple[int, int, bool], tuple[Block, int]] = {}
        self.by_page: dict[int, set[tuple[int, int, bool]]] = defaultdict(set)  # physical page -> block keys
        self.heat: Counter[tuple[int, int, bool]] = Counter()
        self.untranslatable: set[tuple[int, int, bool]] = set()
        self.cold_lengths: dict[int, int] = {}
        self.stats = stats if stats is not None else Stats()
        self.commits: CommitBuffer | None = None  # with a commit log (hart.trace): see _follow_trace
        self.slice = SLICE  # most instructions one dispatch may retire
        self._follow_trace()
        self._compile_start = (self.native.compile_seconds, self.native.cache_hits)
        # the reference's hooks: its TLB flushes switch contexts; its stores into translated code drop that
        # code, into page tables every context; what its page walker reads is watched
        self._reference_flush, self._phys_store = hart.flush_tlb, board.phys_store
        self._walker_load = board.mmu.phys_load
        hart.flush_tlb = self.forget_translations
        board.phys_store = self._checked_phys_store
        board.mmu.phys_store = self._walker_store
        board.mmu.phys_load = self._watched_walker_load

    # ---- what differs from user mode ---------------------------------------------------------------------------
    def _stop(self, end: int) -> int:
        """Take a pending interrupt (before the next instruction, as the reference would); then where native
        code must stop: `end`, or the instret at which mtime reaches mtimecmp, if that is still ahead (nothing
        else native code does can make an interrupt pending)."""
        hart = self.hart
        while hart.interrupt_pending():
            pass
        due = self.board.clint.mtimecmp - hart.time_skew
        return min(end, due) if due > hart.instret else end

    def _run_reference(self, stop: int) -> None:
        """Interpret a cold block's worth (at most up to `stop`); the reference checks interrupts throughout."""
        hart = self.hart
        length = self.cold_lengths.get(hart.pc)
        if length is None:
            length = self.cold_lengths[hart.pc] = self._cold_length(hart.pc)
        self._reference(max(1, min(length, stop - hart.instret)))

    def _cold_length(self, pc: int) -> int:
        """Instructions up to the next control transfer on pc's page (only a hint of where heat is counted)."""
        try:
            fetch = self._page_fetch(pc, self.mmu.translate(pc, FETCH))
        except Trap:
            return 1
        return self._cold_block(fetch, pc)[0]

    def _stopped(self, reason: int) -> None:
        self._take_confirmed()
        if self.fill_error is not None:
            error, self.fill_error = self.fill_error, None
            raise error

    # ---- translation -------------------------------------------------------------------------------------------
    def _lookup(self, pc: int) -> tuple[Block, int] | None:
        """(block, native code) at virtual pc in the current mode, translating it once hot; None if cold,
        untranslatable or not fetchable (the reference then raises the fault)."""
        entry = self.entered.get(pc)
        if entry is not None:  # in this context's jump cache: its fetch translation is this context's
            tag = self.tags[(pc >> 1) & self.jump_cache_mask]
            if tag == pc:
                return entry[0]
            if tag == pc | KEPT_PC:
                self._confirm(pc, FETCH, entry[1])
                self._confirm_code_page(pc >> PAGE_SHIFT)
                return entry[0]
        try:
            physical = self.mmu.translate(pc, FETCH)
        except Trap:
            return None
        if not RAM_BASE <= physical < RAM_BASE + self.board.ram_size:
            return None
        key = (pc, physical, self.hart.mstatus & csr.FS == csr.FS_DIRTY)
        known = self.blocks.get(key)
        if known is not None:
            self._enter(pc, known, physical)
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
            for context in self.contexts.values():
                context.forbid_stores()
        self.by_page[page].add(key)
        self.stats.blocks += 1
        self._enter(pc, self.blocks[key], physical)
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

    def _enter(self, pc: int, known: tuple[Block, int], physical: int) -> None:
        slot = (pc >> 1) & self.jump_cache_mask
        self.tags[slot] = pc
        self.functions[slot] = known[1]
        self.entered[pc] = known, physical

    def _fill_from_native(self, mem: int, tlb: int, vaddr: int, store: int) -> int:
        """Native code's TLB miss: 1 if the entry is now there. The instruction that missed runs right after (in
        native code, or on the reference if this says 0), so the page walk happens exactly where the reference's
        would. An exception cannot cross native frames: it is kept and re-raised once native code returns."""
        try:
            self._take_confirmed()  # before a fill may replace a confirmed entry
            return int(self._fill_kept(vaddr, bool(store)) or self._fill(vaddr, bool(store)))
        except BaseException as error:  # noqa: BLE001 - re-raised by _stopped
            self.fill_error = error
            return 0

    def _fill(self, vaddr: int, store: bool) -> bool:
        """Map vaddr's page in the native TLB if the reference's MMU allows the access and it is plain RAM (for a
        store: neither translated code nor a page table)."""
        try:
            physical = self.mmu.translate(vaddr, STORE if store else LOAD)
        except Trap:
            return False  # the reference takes the fault when it executes the instruction
        offset = (physical & ~(PAGE - 1)) - RAM_BASE
        if not 0 <= offset <= self.board.ram_size - PAGE:
            return False
        if store and (self.by_page.get(physical >> PAGE_SHIFT) or physical >> PAGE_SHIFT in self.table_pages):
            return False
        slot = (vaddr >> PAGE_SHIFT) & (TLB_SIZE - 1)
        tags, deltas = (STORE_TAGS, STORE_DELTAS) if store else (LOAD_TAGS, LOAD_DELTAS)
        self.tlb[tags + slot] = vaddr >> PAGE_SHIFT
        self.tlb[deltas + slot] = (offset - (vaddr & ~(PAGE - 1))) & M64
        return True

    def _fill_kept(self, vaddr: int, store: bool) -> bool:
        """A kept entry for vaddr's page: confirm it (no page walk) and make it a plain entry again."""
        slot = (vaddr >> PAGE_SHIFT) & (TLB_SIZE - 1)
        tags, deltas = (STORE_TAGS, STORE_DELTAS) if store else (LOAD_TAGS, LOAD_DELTAS)
        if self.tlb[tags + slot] != (vaddr >> PAGE_SHIFT) | KEPT_PAGE:
            return False
        physical = ((vaddr & ~(PAGE - 1)) + self.tlb[deltas + slot] + RAM_BASE) & M64
        self._confirm(vaddr, STORE if store else LOAD, physical)
        self.tlb[tags + slot] = vaddr >> PAGE_SHIFT
        return True

    def _take_confirmed(self) -> None:
        """The kept entries native code confirmed since the last look: into the reference's TLB. Done before
        the reference runs again, and before a fill (the only thing that replaces an entry's delta)."""
        tlb = self.tlb
        count = tlb[CONFIRMED]
        if count:
            log = tlb[CONFIRMED + 1 : CONFIRMED + 1 + 2 * count]
            for index, page in zip(log[::2], log[1::2], strict=True):
                page_base = page << PAGE_SHIFT  # (the tag may be cleared since, its delta stays until a fill)
                delta = tlb[index + (LOAD_DELTAS - LOAD_TAGS)]
                self._confirm(page_base, STORE if index >= STORE_TAGS else LOAD, (page_base + delta + RAM_BASE) & M64)
            tlb[CONFIRMED] = 0

    def _confirm(self, vaddr: int, access: int, physical: int) -> None:
        """First use of a kept translation since the reference's TLB was flushed. The reference alone would walk
        the page table now, get the same page with no side effect (no page table changed since the entry was
        made, and its A/D bits are set), and keep it in its TLB until the next flush, even if a page table
        changes in between: so it goes into the reference's TLB (the `Mmu.translate` cache) as that walk would
        put it."""
        mmu = self.mmu
        priv = mmu.effective_priv(access)
        if priv != 3 and self.hart.satp >> 60 == csr.SATP_MODE_SV39:
            mmu.tlb.setdefault((vaddr >> PAGE_SHIFT, access, priv), physical & ~(PAGE - 1))

    def _confirm_code_page(self, page: int) -> None:
        """A page's fetch translation is confirmed: so are the kept jump-cache entries of every block on it."""
        tags, mask = self.tags, self.jump_cache_mask
        for pc in self.entered:
            if pc >> PAGE_SHIFT == page and tags[(pc >> 1) & mask] == pc | KEPT_PC:
                tags[(pc >> 1) & mask] = pc

    # ---- contexts ------------------------------------------------------------------------------------------------
    def _context_key(self) -> tuple[int, int, int]:
        """What the native TLB's and the jump cache's contents depend on, besides memory."""
        h = self.hart
        status = h.mstatus
        return h.priv, h.satp, status & (TRANSLATION_BITS | (csr.MPP if status & csr.MPRV else 0))

    def _switch(self, key: tuple[int, int, int]) -> None:
        """Make `key`'s context the current one (a new, empty one the first time)."""
        context = self.contexts.pop(key, None)
        if context is None:
            if len(self.contexts) >= CONTEXTS:
                context = self.contexts.pop(next(iter(self.contexts)))  # the least recently used, reused
            else:
                tlb = (ctypes.c_uint64 * TLB_WORDS)()
                tags = (ctypes.c_uint64 * self.jump_cache_size)()
                ctypes.memset(tags, 0xFF, ctypes.sizeof(tags))
                context = Context(tlb, tags, (ctypes.c_uint64 * self.jump_cache_size)())
                context.arguments = (ctypes.addressof(self.state), ctypes.addressof(self.ram),
                                     ctypes.addressof(tlb), ctypes.addressof(tags),
                                     ctypes.addressof(context.functions))
            context.clear()
        self.contexts[key] = context
        self.context_key, self.context = key, context
        self.tlb, self.tags, self.functions, self.entered = context.tlb, context.tags, context.functions, \
            context.entered
        self.arguments = context.arguments

    def forget_translations(self) -> None:
        """The reference flushed its TLB (trap, xRET, satp/mstatus write, sfence.vma): go to the new state's
        context. The current one is kept, unless the reference's TLB could have filled it with entries a
        page-table store made stale (an sfence.vma, or the trap to the handler that issues it, is what makes
        them go)."""
        self._reference_flush()
        if self.stale:
            self.context.clear()
            self.stale = False
        key = self._context_key()
        if key != self.context_key:
            self._switch(key)
        priv, satp, status = key
        if (priv != 3 or status & csr.MPRV) and satp >> 60 == csr.SATP_MODE_SV39:  # else no page table is read
            self.context.keep(self.keep_tlb)

    def _drop_contexts(self) -> None:
        """A page table changed: no translation kept so far may be what a walk now gives."""
        for context in self.contexts.values():
            context.clear()
        self.stale = True

    def _watched_walker_load(self, paddr: int, size: int, *rest) -> int:
        page = paddr >> PAGE_SHIFT
        if page not in self.table_pages:
            self.table_pages.add(page)
            for context in self.contexts.values():
                context.forbid_stores()
        return self._walker_load(paddr, size, *rest)

    def _walker_store(self, paddr: int, size: int, value: int, vaddr: int | None = None) -> None:
        """The walker setting A/D bits: what a walk of that entry gives stays the same."""
        self._checked_phys_store(paddr, size, value, vaddr, walker=True)

    def _checked_phys_store(self, paddr: int, size: int, value: int, vaddr: int | None = None,
                            walker: bool = False) -> None:
        for page in {paddr >> PAGE_SHIFT, (paddr + size - 1) >> PAGE_SHIFT}:
            if self.by_page.get(page):
                self.invalidate_page(page)
            if not walker and page in self.table_pages:
                self._drop_contexts()
        self._phys_store(paddr, size, value, vaddr)

    def invalidate_page(self, page: int) -> None:
        """Code on this physical page changed: forget its blocks (and every jump-cache entry, simply)."""
        for key in self.by_page.pop(page, set()):
            self.blocks.pop(key, None)
            self.heat[key] = 0
            self.stats.invalidated_blocks += 1
        for context in self.contexts.values():
            context.clear_jump_cache()
        self.untranslatable.clear()
        self.cold_lengths.clear()

    def close(self) -> None:
        """Give the board its own hooks back (the reference can go on alone)."""
        self.hart.flush_tlb = self._reference_flush
        del self.board.phys_store  # the class's method again
        self.board.mmu.phys_store = self._phys_store
        self.board.mmu.phys_load = self._walker_load


def run_machine(elf: bytes | str, *, stdin: bytes = b"", max_insns: int | None = None, ram_size: int | None = None,
                cache_dir: pathlib.Path | None = None, stats: Stats | None = None, trace: TextIO | None = None):
    """`b2i.sim.machine.run.run_machine` on the fast engine: same arguments and RunResult (`trace` receives the
    same commit log as the reference's)."""
    from b2i.sim.machine.run import run_machine as run_on  # noqa: PLC0415 - keeps this module about the engine

    return run_on(elf, stdin=stdin, max_insns=max_insns, trace=trace, ram_size=ram_size,
                  engine=lambda board: SystemEngine(board, cache_dir, stats=stats))
