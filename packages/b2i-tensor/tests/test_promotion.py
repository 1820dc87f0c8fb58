"""The promotion audit: every binary op on every pair of our dtypes, and with Python scalars on either side
(NumPy 2's weak scalars, NEP 50), gives numpy's result dtype and values, or the same kind of error.

The dtypes are all of ours (tensor_cases.DTYPES): a new one is audited by being listed there. The one
difference is numpy's `x ** 2` fast path (np.square, int8 for bool), where np.power is the oracle.
"""

import itertools

import numpy as np
import pytest
from b2i.tensor import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tensor_cases import BINARY, DEVICES, DTYPES, check, elements

# Python scalars at the edges of our integer types (and just past them), of every kind
SCALARS = [True, False, 0, 1, 2, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32769, 65535, 65536, 2**31,
           -(2**31) - 1, 2**32, 2**63, -(2**63), -(2**63) - 1, 2**64 - 1, 2**64, 2.5, -0.0, float("inf")]


def outcome(fn, *args):
    """(dtype name, values) or (exception type, None)."""
    try:
        with np.errstate(all="ignore"):
            r = fn(*args)
        if isinstance(r, Tensor):
            return r.dtype.name, r.numpy()
        return r.dtype.name, np.asarray(r)
    except (TypeError, ValueError, OverflowError) as e:
        return type(e), None


def compare(ours, theirs) -> None:
    assert ours[0] == theirs[0]
    if theirs[1] is not None:
        np.testing.assert_array_equal(ours[1], theirs[1])


@pytest.mark.parametrize("op", sorted(BINARY))
def test_every_pair_of_dtypes_and_scalars_promotes_like_numpy(op):
    ours, theirs = BINARY[op]
    for da, other in itertools.product(DTYPES, DTYPES + SCALARS):
        a = np.array([1, 2, 0], dtype=da)
        b = np.array([1, 0, 3], dtype=other) if isinstance(other, str) else other
        tb = Tensor(b) if isinstance(other, str) else b
        for (x, y), (tx, ty) in ((((a, b), (Tensor(a), tb))), (((b, a), (tb, Tensor(a))))):
            compare(outcome(ours, tx, ty), outcome(theirs, x, y))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(BINARY)), st.sampled_from(DTYPES), st.sampled_from(DTYPES + SCALARS), st.booleans(),
       st.sampled_from(DEVICES), st.data())
def test_random_values_promote_like_numpy_on_every_device(op, da, other, reverse, device, data):
    ours, theirs = BINARY[op]
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=4))
    small = op == "pow"
    a = data.draw(hnp.arrays(np.dtype(da), shape, elements=elements(da, small)))
    if isinstance(other, str):
        b = data.draw(hnp.arrays(np.dtype(other), shape, elements=elements(other, small)))
        tb = Tensor(b, device=device)
    else:
        b = tb = other
    x, y, tx, ty = (b, a, tb, Tensor(a, device=device)) if reverse else (a, b, Tensor(a, device=device), tb)
    got, want = outcome(ours, tx, ty), outcome(theirs, x, y)
    if isinstance(want[0], type):
        compare(got, want)
    else:
        assert got[0] == want[0]
        check(ours(tx, ty), want[1])


def test_integer_tensor_to_negative_integer_tensor_power_raises_like_numpy(device):
    base = np.array([2, 3, 1], dtype=np.int32)
    exponent = np.array([1, -1, 0], dtype=np.int64)
    with pytest.raises(ValueError, match="Integers to negative integer powers are not allowed.") as ours:
        Tensor(base, device=device) ** Tensor(exponent, device=device)
    with pytest.raises(ValueError) as theirs:
        base**exponent
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sum_and_prod_dtypes(dtype, device):
    """numpy's result dtypes and values: int64 for bool and signed integers, uint64 for unsigned ones (products
    wrap around)."""
    a = np.array([200, 100, 255, 3, 251]).astype(dtype)
    t = Tensor(a, device=device)
    for ours, theirs in ((t.sum(), a.sum()), (t.prod(), a.prod()), (t.sum(dtype="uint8"), a.sum(dtype="uint8"))):
        check(ours, theirs)
