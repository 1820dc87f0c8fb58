"""The interpreter covers exactly the ISA table: every base instruction has a handler, every compressed one
expands to a handled base instruction, and a word the table does not know is an illegal instruction."""

from b2i.sim import isa
from b2i.sim.machine.execute import HANDLERS
from b2i.sim.machine.hart import Hart, illegal
from hypothesis import given
from hypothesis import strategies as st


def test_every_base_instruction_has_a_handler():
    assert set(HANDLERS) == {op.name for op in isa.OPS if op.size == 4}


def test_every_compressed_instruction_expands_to_a_handled_one():
    for op in isa.OPS:
        if op.size == 2:
            base, _ = isa.EXPANSIONS[op.name]
            assert base in HANDLERS, op.name


@given(st.integers(0, (1 << 32) - 1))
def test_decode_cache_agrees_with_the_table(word):
    hart = Hart(system=False)
    handler, fields, size, decoded = hart.decode(word)
    expected = isa.decode(word)
    if expected is None:
        assert handler is illegal and decoded is None
    else:
        assert decoded == isa.expand(expected) and fields == decoded.fields
        assert handler is HANDLERS[decoded.op.name]
        assert size == expected.op.size == (4 if word & 3 == 3 else 2)
    assert hart.decode_cache[word][0] is handler
