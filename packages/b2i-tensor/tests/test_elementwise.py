"""Elementwise ops: numpy's values and result dtypes over random dtypes, broadcasts and non-contiguous inputs."""

import b2i.tensor as bt
import numpy as np
import pytest
from b2i.tensor import Tensor
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tensor_cases import BINARY, DEVICES, DTYPES, check, elements, viewed

NO_BOOL = ("sub",)  # numpy refuses bool - bool
INT_ONLY = ("and", "or", "xor")


@st.composite
def binary_case(draw):
    op = draw(st.sampled_from(sorted(BINARY)))
    da, db = draw(st.sampled_from(DTYPES)), draw(st.sampled_from(DTYPES))
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4))
    small = op == "pow"
    a, va = draw(viewed(da, shapes.input_shapes[0], small))
    b, vb = draw(viewed(db, shapes.input_shapes[1], small))
    return op, a, va, b, vb


@settings(max_examples=45)
@given(binary_case())
def test_binary_ops_match_numpy(case):
    op, a, va, b, vb = case
    ours, theirs = BINARY[op]
    ra, rb = va(a), vb(b)
    rt = np.result_type(ra, rb)
    assume(not (op in NO_BOOL and rt == np.bool_))
    assume(not (op in INT_ONLY and rt.kind == "f"))
    if op == "pow" and rt.kind in "iu" and (rb < 0).any():  # numpy refuses negative integer powers: so do we
        for device in DEVICES:
            with pytest.raises(ValueError, match="negative integer powers"):
                ours(va(Tensor(a, device=device)), vb(Tensor(b, device=device)))
        return
    with np.errstate(all="ignore"):
        ref = theirs(ra, rb)
    for device in DEVICES:
        check(ours(va(Tensor(a, device=device)), vb(Tensor(b, device=device))), ref)


@settings(max_examples=40)
@given(st.sampled_from(sorted(BINARY)), st.sampled_from(DTYPES), st.data())
def test_python_scalars_are_weak(op, dtype, data):
    ours, theirs = BINARY[op]
    a = data.draw(hnp.arrays(np.dtype(dtype), data.draw(hnp.array_shapes(max_dims=2, max_side=3)),
                             elements=elements(dtype, small=True)))
    scalar = data.draw(st.sampled_from([True, 2, 3.5, -1, 0.5]) if op != "pow" else st.sampled_from([2, 0.5]))
    reverse = data.draw(st.booleans())
    x, y = (scalar, a) if reverse else (a, scalar)
    try:
        with np.errstate(all="ignore"):
            ref = theirs(x, y)
    except (TypeError, OverflowError, ValueError) as e:
        for device in DEVICES:
            t = Tensor(a, device=device)
            with pytest.raises(type(e)):
                (ours(scalar, t) if reverse else ours(t, scalar)).realize()
        return
    assert ref.dtype.name in DTYPES
    for device in DEVICES:
        t = Tensor(a, device=device)
        check(ours(scalar, t) if reverse else ours(t, scalar), ref)


UNARY = {
    "neg": (lambda t: -t, np.negative),
    "abs": (abs, np.abs),
    "exp": (Tensor.exp, np.exp),
    "log": (Tensor.log, np.log),
    "sqrt": (Tensor.sqrt, np.sqrt),
    "sin": (Tensor.sin, np.sin),
    "cos": (Tensor.cos, np.cos),
    "tanh": (Tensor.tanh, np.tanh),
    "sigmoid": (Tensor.sigmoid, lambda x: _sigmoid(x)),
    "relu": (Tensor.relu, lambda x: np.maximum(x, 0)),
    "invert": (lambda t: ~t, np.invert),
}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) in the float type numpy's exp gives x (negating an unsigned x first would wrap)."""
    f = x.astype(np.exp(np.zeros(0, x.dtype)).dtype)
    return 1 / (1 + np.exp(-f))


@settings(max_examples=45)
@given(st.sampled_from(sorted(UNARY)), st.sampled_from(DTYPES), st.data())
def test_unary_ops_match_numpy(op, dtype, data):
    ours, theirs = UNARY[op]
    assume(not (op == "neg" and dtype == "bool"))
    assume(not (op == "invert" and dtype.startswith("float")))
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
    a, view = data.draw(viewed(dtype, shape))
    x = view(a)
    if op in ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid") and dtype in ("bool", "int8", "uint8"):
        x = x.astype(np.float32)  # documented: float32 where numpy would pick float16
    with np.errstate(all="ignore"):
        ref = theirs(x)
    for device in DEVICES:
        check(ours(view(Tensor(a, device=device))), ref)


@settings(max_examples=40)
@given(st.sampled_from(DTYPES), st.sampled_from(DTYPES), st.data())
def test_casts_and_where_match_numpy(src, dst, data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
    a, view = data.draw(viewed(src, shape, small=True))
    # float -> unsigned of a negative: undefined in C (integers wrap, as in numpy)
    assume(not (src.startswith("float") and np.dtype(dst).kind == "u" and (view(a) < 0).any()))
    cond = data.draw(hnp.arrays(np.bool_, shape))
    b = data.draw(hnp.arrays(np.dtype(dst), shape, elements=elements(dst, small=True)))
    for device in DEVICES:
        t = view(Tensor(a, device=device))
        check(t.astype(dst), view(a).astype(dst))
        check(bt.where(Tensor(cond, device=device), t, Tensor(b, device=device)), np.where(cond, view(a), b))


@settings(max_examples=30)
@given(st.sampled_from(["float32", "float64"]), st.data())
def test_long_chains_of_ops_match_numpy(dtype, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=5))
    a, view = data.draw(viewed(dtype, shape))
    ops = data.draw(st.lists(st.sampled_from(["tanh", "mul2", "add1", "sq", "sig", "neg", "max0"]), min_size=2,
                             max_size=8))
    steps = {
        "tanh": (Tensor.tanh, np.tanh), "mul2": (lambda t: t * 2, lambda x: x * 2),
        "add1": (lambda t: t + 1, lambda x: x + 1), "sq": (lambda t: t * t, lambda x: x * x),
        "sig": (Tensor.sigmoid, lambda x: 1 / (1 + np.exp(-x))), "neg": (lambda t: -t, np.negative),
        "max0": (Tensor.relu, lambda x: np.maximum(x, 0)),
    }
    ref = view(a)
    for op in ops:
        ref = steps[op][1](ref)
    for device in DEVICES:
        t = view(Tensor(a, device=device))
        for op in ops:
            t = steps[op][0](t)
        check(t, ref)


def test_special_float_values(device):
    a = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -2.5], dtype=np.float64)
    b = np.array([0.0, 1.0, 2.0, -np.inf, 1.0, np.nan, 0.0], dtype=np.float64)
    ta, tb = Tensor(a, device=device), Tensor(b, device=device)
    with np.errstate(all="ignore"):
        for ours, theirs in (BINARY["floordiv"], BINARY["mod"], BINARY["maximum"], BINARY["minimum"],
                             BINARY["truediv"]):
            check(ours(ta, tb), theirs(a, b))


def test_integer_edge_cases(device):
    a = np.array([-(2**31), 7, -7, 7, -7, 0, 5], dtype=np.int32)
    b = np.array([-1, 2, 2, -2, -2, 0, 0], dtype=np.int32)
    ta, tb = Tensor(a, device=device), Tensor(b, device=device)
    with np.errstate(all="ignore"):
        check(ta // tb, a // b)
        check(ta % tb, a % b)
        check(ta * tb, a * b)
        check(-ta, -a)
        check(abs(ta), np.abs(a))


@settings(max_examples=25)
@given(st.sampled_from(["exp", "tanh", "sigmoid"]),
       hnp.arrays(np.float32, st.integers(1, 64), elements=st.floats(width=32, allow_nan=True, allow_infinity=True)))
def test_float32_exp_tanh_sigmoid_within_a_few_ulp_everywhere(op, a):
    """The c device computes these in float (see render_c): within 3 ulp of the exact value over all floats,
    with numpy's infinities, NaNs and signed zeros; subnormal results within one smallest normal."""
    a = np.concatenate([a, np.array([0.0, -0.0, 88.72, 89.0, -87.4, -103.9, -104.5, 1e-3, -0.29, 0.31],
                                    dtype=np.float32)])
    exact = {"exp": np.exp, "tanh": np.tanh, "sigmoid": lambda x: 1 / (1 + np.exp(-x))}[op]
    got = getattr(Tensor(a, device="c"), op)().numpy()
    assert got.dtype == np.float32
    with np.errstate(all="ignore"):
        ref64 = exact(a.astype(np.float64))
        ref = ref64.astype(np.float32)
        bound = np.maximum(3 * np.spacing(np.abs(ref)).astype(np.float64), np.finfo(np.float32).tiny)
        good = (got == ref) | (np.isnan(got) & np.isnan(ref)) | (np.abs(got - ref64) <= bound)
    assert good.all(), (a[~good], got[~good], ref[~good])
    assert (np.signbit(got) == np.signbit(ref))[ref == 0].all()
