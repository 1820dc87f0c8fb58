"""Sv39 address translation: a three-level page-table walk, with permission checks and A/D bits.

Like QEMU, the walker sets the Accessed bit (and Dirty, on a store) in the PTE itself instead of faulting,
and takes a page fault on bits the spec reserves: PTE bits 63..54, and A, D or U in a pointer to a next level.
Translations are cached per 4 KiB page in a small TLB that sfence.vma, satp and mstatus writes, traps and
trap returns clear. PMP is absent: every physical address is allowed (as with QEMU virt's defaults).
"""

from collections.abc import Callable

from b2i.sim.machine import csr
from b2i.sim.machine.trap import (
    INSN_ACCESS_FAULT,
    INSN_PAGE_FAULT,
    LOAD_ACCESS_FAULT,
    LOAD_PAGE_FAULT,
    STORE_ACCESS_FAULT,
    STORE_PAGE_FAULT,
    Trap,
)

FETCH, LOAD, STORE = 0, 1, 2
PAGE_FAULT = (INSN_PAGE_FAULT, LOAD_PAGE_FAULT, STORE_PAGE_FAULT)
ACCESS_FAULT = (INSN_ACCESS_FAULT, LOAD_ACCESS_FAULT, STORE_ACCESS_FAULT)
PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D = 1, 2, 4, 8, 16, 64, 128
PPN_MASK = (1 << 44) - 1


class Mmu:
    """Translates virtual to physical addresses for a hart, reading page tables through physical memory."""

    def __init__(self, hart, phys_load: Callable[[int, int], int], phys_store: Callable[[int, int, int], None]):
        self.hart = hart
        self.phys_load = phys_load
        self.phys_store = phys_store
        self.tlb: dict[tuple[int, int, int], int] = {}

    def flush(self) -> None:
        self.tlb.clear()

    def effective_priv(self, access: int) -> int:
        h = self.hart
        if access != FETCH and h.mstatus & csr.MPRV and h.priv == 3:
            return (h.mstatus & csr.MPP) >> csr.MPP_SHIFT
        return h.priv

    def translate(self, vaddr: int, access: int) -> int:
        priv = self.effective_priv(access)
        if priv == 3 or self.hart.satp >> 60 != csr.SATP_MODE_SV39:
            return vaddr
        key = (vaddr >> 12, access, priv)
        page = self.tlb.get(key)
        if page is None:
            page = self.walk(vaddr, access, priv) & ~0xFFF
            self.tlb[key] = page
        return page | (vaddr & 0xFFF)

    def walk(self, vaddr: int, access: int, priv: int) -> int:
        fault = Trap(PAGE_FAULT[access], vaddr)
        top = vaddr >> 38
        if top not in (0, (1 << 26) - 1):  # bits 63..39 must copy bit 38
            raise fault
        status = self.hart.mstatus
        table = (self.hart.satp & PPN_MASK) << 12
        for level in (2, 1, 0):
            pte_addr = table + ((vaddr >> (12 + 9 * level)) & 0x1FF) * 8
            try:
                pte = self.phys_load(pte_addr, 8)
            except Trap:
                raise Trap(ACCESS_FAULT[access], vaddr) from None
            if not pte & PTE_V or (pte & (PTE_R | PTE_W)) == PTE_W or pte >> 54:  # bits 63..54: reserved
                raise fault
            if not pte & (PTE_R | PTE_X):  # a pointer to the next level; its A, D and U bits are reserved
                if pte & (PTE_A | PTE_D | PTE_U):
                    raise fault
                table = ((pte >> 10) & PPN_MASK) << 12
                continue
            if priv == 0 and not pte & PTE_U:
                raise fault
            if priv == 1 and pte & PTE_U and (access == FETCH or not status & csr.SUM):
                raise fault
            readable = pte & PTE_R or (status & csr.MXR and pte & PTE_X)
            allowed = (pte & PTE_X, readable, pte & PTE_W)[access]
            if not allowed:
                raise fault
            ppn = (pte >> 10) & PPN_MASK
            if ppn & ((1 << (9 * level)) - 1):  # a superpage must be aligned
                raise fault
            updated = pte | PTE_A | (PTE_D if access == STORE else 0)
            if updated != pte:
                self.phys_store(pte_addr, 8, updated)
            offset_mask = (1 << (12 + 9 * level)) - 1
            return ((ppn << 12) & ~offset_mask) | (vaddr & offset_mask)
        raise fault
