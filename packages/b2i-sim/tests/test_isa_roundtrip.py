"""The table is self-consistent: encode and decode are inverses, for every op and for every word."""

import random

import pytest
from b2i.sim.isa import BY_NAME, OPS, decode, encode, expand, random_fields
from hypothesis import given, settings
from hypothesis import strategies as st


def test_names_are_unique_and_encodings_do_not_overlap():
    assert len(BY_NAME) == len(OPS)
    for op in OPS:
        assert op.match & ~op.mask == 0, op.name
        assert op.size == (2 if op.match & 3 != 3 else 4), op.name


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_encode_then_decode_gives_the_same_op_and_fields(op, data):
    fields = random_fields(op, random.Random(data.draw(st.integers(0, 2**64))))
    word = encode(op, **fields)
    assert word < (1 << (8 * op.size))
    decoded = decode(word)
    assert decoded is not None and decoded.op == op and decoded.fields == fields


@settings(max_examples=3000, deadline=None)
@given(st.integers(0, 0xFFFFFFFF))
def test_decode_then_encode_gives_the_same_word(word):
    decoded = decode(word)
    if word & 3 != 3:
        word &= 0xFFFF
    if decoded is not None:
        assert encode(decoded.op, **decoded.fields) == word


@settings(max_examples=2000, deadline=None)
@given(st.integers(0, 0xFFFF).filter(lambda w: w & 3 != 3))
def test_compressed_expands_to_an_encodable_base_instruction(word):
    decoded = decode(word)
    if decoded is None:
        return
    base = expand(decoded)
    assert base.op.size == 4
    assert decode(encode(base.op, **base.fields)) == base


def test_out_of_range_fields_raise():
    with pytest.raises(ValueError):
        encode("addi", rd=1, rs1=2, imm=2048)
    with pytest.raises(ValueError):
        encode("beq", rs1=1, rs2=2, imm=3)  # odd offset
    with pytest.raises(ValueError):
        encode("slliw", rd=1, rs1=1, shamt=32)
    with pytest.raises(ValueError):
        encode("add", rd=32, rs1=0, rs2=0)
    with pytest.raises(ValueError):
        encode("add", rd=1, rs1=0)  # missing rs2
    with pytest.raises(ValueError):
        encode("nosuch")
