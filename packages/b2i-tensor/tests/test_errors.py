"""Bad input: the exception types numpy raises, with messages that name what went wrong."""

import re

import b2i.tensor as bt
import numpy as np
import pytest
from b2i.tensor import Tensor


def numpy_error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we want numpy's exception, whatever it is
        return e
    raise AssertionError("numpy accepted it")


CASES = [
    ("broadcast", lambda m: m.ones((2, 3)) + m.ones((4,)), r"shapes \(2,3\) \(4,\)"),
    ("reshape", lambda m: m.ones((2, 3)).reshape(4, 2), r"size 6 into shape \(4,2\)"),
    ("index", lambda m: m.ones((2, 3))[5], "index 5 is out of bounds for axis 0 with size 2"),
    ("too many", lambda m: m.ones((2, 3))[0, 0, 0], "too many indices"),
    ("axis", lambda m: m.ones((2, 3)).sum(axis=2), "axis 2 is out of bounds for array of dimension 2"),
    ("repeated", lambda m: m.ones((2, 3)).permute(0, 0) if m is bt else m.ones((2, 3)).transpose(0, 0),
     "repeated axis"),
    ("concat", lambda m: m.concatenate([m.ones((2, 3)), m.ones((2, 4))], axis=0),
     "along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 4"),
    ("stack", lambda m: m.stack([m.ones((2, 3)), m.ones((2, 4))]), "same shape"),
    ("empty max", lambda m: m.zeros((0,)).max(), "zero-size array"),
    ("bool neg", lambda m: -m.ones((2,), dtype=m.bool_), "boolean negative"),
    ("bool sub", lambda m: m.ones((2,), dtype=m.bool_) - m.ones((2,), dtype=m.bool_), "boolean subtract"),
    ("float invert", lambda m: ~m.ones((2,)), "invert"),
    ("uint8 overflow", lambda m: m.ones((2,), dtype=m.uint8) + 300, "300 out of bounds for uint8"),
    ("neg pow", lambda m: m.ones((2,), dtype=m.int64) ** -1, "negative integer powers"),
    ("ambiguous", lambda m: bool(m.ones((2,))), "ambiguous"),
    ("item", lambda m: m.ones((2,)).item(), "size 1"),
    ("float index", lambda m: m.ones((2,))[1.5], "only integers"),
    ("squeeze", lambda m: m.ones((2, 3)).squeeze(0), "size not equal to one"),
    ("mask", lambda m: m.ones((2, 3))[m.ones((3,), dtype=m.bool_)], "boolean index did not match"),
    ("len", lambda m: len(m.ones(())), "unsized"),
    ("dtype", lambda m: m.zeros((2,), dtype="float7"), "not understood"),
    ("neg dim", lambda m: m.zeros((2, -3)), "negative dimensions"),
]


@pytest.mark.parametrize("name,fn,message", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("device", ["numpy", "c"])
def test_bad_input_raises_like_numpy(name, fn, message, device):
    bt.settings.default_device, saved = device, bt.settings.default_device
    try:
        with pytest.raises(Exception) as ours:
            t = fn(bt)
            t.realize()
    finally:
        bt.settings.default_device = saved
    assert re.search(message, str(ours.value)), str(ours.value)
    theirs = numpy_error(lambda: fn(_NumpyShim))
    kinds = (TypeError, ValueError, IndexError, OverflowError)
    assert {k for k in kinds if isinstance(theirs, k)} <= {k for k in kinds if isinstance(ours.value, k)}, \
        (type(ours.value), type(theirs))


class _NumpyShim:
    """numpy under the names the CASES use, so each case runs on both libraries."""

    bool_, uint8, int64 = np.bool_, np.uint8, np.int64
    ones, zeros, concatenate, stack = np.ones, np.zeros, np.concatenate, np.stack


def test_matmul_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2,3\) and \(4,5\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match="does not have enough dimensions"):
        bt.matmul(Tensor(1.0), Tensor(np.ones(3)))


def test_broadcast_to_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2,3\) to shape \(4,3\)"):
        Tensor(np.ones((2, 3))).broadcast_to((4, 3))


def test_devices():
    with pytest.raises(ValueError, match="unknown device 'gpu'"):
        Tensor([1.0], device="gpu")
    with pytest.raises(ValueError, match="different devices"):
        Tensor([1.0], device="numpy") + Tensor([1.0], device="c")
