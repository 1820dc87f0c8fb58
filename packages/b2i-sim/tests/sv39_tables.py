"""Sv39 page tables for the test programs written in Python: test_rtl_streams.py's paging streams (assembled by
b2i-as, which has no macros or includes, so tests/programs/machine/setup.inc cannot serve them) and
test_run_rtl.py's page-crossing program (GNU as). M mode maps the devices and RAM at their own addresses with
gigapages, and 4 KiB pages at PAGES_VA through root[1] -> l1 -> l0, whose entries the program writes."""

PAGES_VA = 0x4000_0000

# In .data: the three tables, then the pages (the program's data for them follows).
TABLES = """    .balign 4096
root: .zero 4096
l1: .zero 4096
l0: .zero 4096
pages:"""


def turn_on_paging(ram_flags: int, leaves: str) -> str:
    """M-mode code (it uses t0, t1, t2): root[0] = the devices (V R W X A D), root[2] = RAM with `ram_flags`,
    root[1] -> l1 -> l0; then `leaves`, which writes l0's entries with t0 = l0's address and t1 = the first
    page's PPN in place in a PTE; then satp = Sv39 on root, and sfence.vma."""
    return f"""    la t0, root
    li t1, 0xcf                 # root[0]: devices (V R W X A D)
    sd t1, 0(t0)
    li t1, (0x80000000 >> 2) | {ram_flags:#x}
    sd t1, 16(t0)               # root[2]: RAM, identity
    la t1, l1
    srli t1, t1, 2
    ori t1, t1, 1
    sd t1, 8(t0)                # root[1] -> l1 -> l0: the pages at {PAGES_VA:#x}
    la t0, l1
    la t1, l0
    srli t1, t1, 2
    ori t1, t1, 1
    sd t1, 0(t0)
    la t0, l0
    la t1, pages
    srli t1, t1, 2
{leaves}
    la t0, root
    srli t0, t0, 12
    li t1, 8 << 60
    or t0, t0, t1
    csrw satp, t0
    sfence.vma"""
