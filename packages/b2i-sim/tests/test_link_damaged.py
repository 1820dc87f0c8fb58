"""Damaged objects (truncated, bytes overwritten) make b2i-ld and b2i-objdump report an error, never crash."""

import pytest
from b2i.sim.asm import assemble
from b2i.sim.errors import LinkError
from b2i.sim.link import link
from b2i.sim.objdump import ObjdumpError, objdump
from hypothesis import given, settings
from hypothesis import strategies as st

SOURCE = """
    .globl _start
_start:
    la a0, message
    call helper
    .data
message: .string "hi"
    .text
helper: ret
"""
OBJECT = assemble(SOURCE)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, len(OBJECT)), st.lists(st.tuples(st.integers(0, len(OBJECT) - 1), st.integers(0, 255)),
                                             max_size=8))
def test_damaged_object_is_an_error(length, writes):
    data = bytearray(OBJECT[:length])
    for position, value in writes:
        if position < len(data):
            data[position] = value
    try:
        link([bytes(data)])
    except LinkError:
        pass
    try:
        objdump(bytes(data), "damaged.o", section_headers=True, syms=True, relocs=True, disassemble=True)
    except ObjdumpError:
        pass


def test_not_an_object_at_all():
    with pytest.raises(LinkError, match="malformed ELF object"):
        link([b"!<not an elf>"])
