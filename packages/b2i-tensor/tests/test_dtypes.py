"""Type promotion: our result_type is numpy 2's, for every dtype pair and for weak Python scalars."""

import functools
import itertools

import b2i.tensor as bt
import numpy as np
import pytest
from b2i.tensor import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st
from tensor_cases import BINARY, DEVICES, DTYPES, check


@pytest.mark.parametrize("a,b", list(itertools.product(DTYPES, DTYPES)))
def test_promotion_of_two_dtypes_is_numpys(a, b):
    assert bt.result_type(a, b).name == np.result_type(np.dtype(a), np.dtype(b)).name


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scalar", [True, 7, -3, 2.5])
def test_python_scalars_promote_weakly_like_numpy(dtype, scalar):
    if np.dtype(dtype).kind == "u" and scalar == -3:
        with pytest.raises(OverflowError):
            bt.Tensor([1], dtype=dtype) + scalar
        with pytest.raises(OverflowError):
            np.ones(1, dtype=dtype) + scalar
        return
    assert bt.result_type(dtype, scalar).name == np.result_type(np.ones(1, dtype=dtype), scalar).name
    assert (bt.Tensor([1], dtype=dtype) * scalar).dtype.name == (np.ones(1, dtype=dtype) * scalar).dtype.name


def test_dtype_spellings():
    for name in DTYPES:
        assert bt.result_type(np.dtype(name)).name == name
        assert bt.Tensor(np.zeros(2, dtype=name)).dtype.name == name
    assert bt.Tensor([1.0], dtype=float).dtype is bt.float64
    assert bt.Tensor([1], dtype=np.int32).dtype is bt.int32
    with pytest.raises(TypeError, match="float16 is not supported"):
        bt.Tensor(np.zeros(2, dtype=np.float16))


INTEGERS = [d for d in DTYPES if np.dtype(d).kind in "iu"]


@pytest.mark.parametrize("dtype", INTEGERS)
def test_integer_extremes_wrap_like_numpy(dtype, device):
    """Each integer type at the ends of its range: arithmetic wraps around, division by zero gives 0, and the
    reductions give numpy's dtypes and values."""
    info = np.iinfo(dtype)
    a = np.array([info.min, info.min + 1, 0, 1, 2, info.max - 1, info.max], dtype=dtype)
    b = np.array([info.max, 2, 0, 0, info.max, 3, info.min + 1] if info.min else
                 [info.max, 2, 0, 0, info.max, 3, 1], dtype=dtype)
    ta, tb = Tensor(a, device=device), Tensor(b, device=device)
    with np.errstate(all="ignore"):
        for ours, theirs in ((ta + tb, a + b), (ta - tb, a - b), (ta * tb, a * b), (ta // tb, a // b),
                             (ta % tb, a % b), (-ta, -a), (abs(ta), np.abs(a)), (~ta, ~a), (ta & tb, a & b),
                             (ta | tb, a | b), (ta ^ tb, a ^ b), (ta ** 3, a ** 3), (ta < tb, a < b),
                             (ta.sum(), a.sum()), (ta.prod(), a.prod()), (ta.max(), a.max()), (ta.min(), a.min()),
                             (ta.argmax(), a.argmax()), (ta.argmin(), a.argmin()), (ta / tb, a / b),
                             (ta.astype("float64"), a.astype("float64")), (ta.mean(), a.mean())):
            check(ours, theirs)
    assert ta.tolist() == a.tolist() and ta[-1].item() == a[-1].item()


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["lt", "le", "gt", "ge", "eq", "ne"]), st.booleans(), st.sampled_from(DEVICES), st.data())
def test_uint64_and_int64_compare_exactly_like_numpy(op, reverse, device, data):
    """Their common type is float64, which rounds above 2**53; numpy compares them exactly, and so do we."""
    near = [0, 1, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1]
    n = data.draw(st.integers(1, 4))
    u = np.array(data.draw(st.lists(st.sampled_from(near) | st.integers(0, 2**64 - 1), min_size=n, max_size=n)),
                 dtype=np.uint64)
    s = np.array(data.draw(st.lists(st.sampled_from([-1, -(2**63), *near[:5]]) | st.integers(-(2**63), 2**63 - 1),
                                    min_size=n, max_size=n)), dtype=np.int64)
    ours, theirs = BINARY[op]
    x, y = (s, u) if reverse else (u, s)
    check(ours(Tensor(x, device=device), Tensor(y, device=device)), theirs(x, y))


def test_arrays_from_python_ints_beyond_int64_take_numpys_dtype():
    for values in ([2**63], [2**63, 2**64 - 1], [1, 2**63], [True, 2**63], [-1, 2**63], [2**63, 0.5]):
        check(bt.Tensor(values), np.array(values))
    check(bt.Tensor.full(2, 2**63), np.full(2, 2**63))
    for bad in (lambda m: m.full(2, -1, dtype=m.uint8), lambda m: m.full(2, 128, dtype="int8"),
                lambda m: m.ones(3, dtype="uint16") + 65536):
        with pytest.raises(OverflowError):
            bad(np)
        with pytest.raises(OverflowError, match="out of bounds"):
            bad(bt)
    for values, dtype in (([1, 300], "uint8"), ([[-1]], "uint64"), ([2**31], "int32"), ([-129, 0.5], "int8")):
        with pytest.raises(OverflowError):
            np.array(values, dtype=dtype)
        with pytest.raises(OverflowError, match="out of bounds"):
            bt.Tensor(values, dtype=dtype)
    check(bt.Tensor([2.75, -1.5, True], dtype="int16"), np.array([2.75, -1.5, True], dtype="int16"))


@pytest.mark.parametrize("dtype", INTEGERS)
def test_index_arrays_of_every_integer_type(dtype, device):
    a = np.arange(12).reshape(3, 4)
    index = np.array([2, 0, 1, 1], dtype=dtype)
    t = Tensor(a, device=device)
    check(t[Tensor(index, device=device)], a[index])
    check(t[:, index], a[:, index])
    big = np.array([np.iinfo(dtype).max], dtype=dtype)  # out of bounds, or (uint64) -1 once made intp
    try:
        want = a[big]
    except IndexError:
        with pytest.raises(IndexError, match="out of bounds"):
            t[Tensor(big, device=device)]
    else:
        check(t[Tensor(big, device=device)], want)


@pytest.mark.parametrize("dtype", INTEGERS)
def test_clip_and_where_with_python_ints_at_the_edges_like_numpy(dtype, device):
    """NumPy 2: clip ignores an int bound past the end it guards and refuses one past the other end; where
    takes an out-of-range int as its unsafe cast (wrapped around)."""
    info = np.iinfo(dtype)
    a = np.array([info.min, 0, 1, info.max], dtype=dtype)
    cond = np.array([True, False, True, False])
    edges = [None, int(info.min) - 1, int(info.min), 0, 5, int(info.max), int(info.max) + 1, 2.5]
    t, tc = Tensor(a, device=device), Tensor(cond, device=device)
    for lo, hi in itertools.product(edges, edges):
        if lo is not None or hi is not None:
            _same_outcome(functools.partial(np.clip, a, lo, hi), functools.partial(t.clip, lo, hi))
        if lo is not None:
            _same_outcome(functools.partial(np.where, cond, a, lo), functools.partial(bt.where, tc, t, lo))


def _same_outcome(theirs, ours) -> None:
    """numpy's value and dtype, or its OverflowError."""
    try:
        want = theirs()
    except OverflowError:
        with pytest.raises(OverflowError):
            ours()
        return
    check(ours(), want)
