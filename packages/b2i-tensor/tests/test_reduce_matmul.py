"""Reductions over any axes (with keepdims) and matmul/dot with numpy's batching and 1-D rules."""

import b2i.tensor as bt
import numpy as np
from b2i.tensor import Tensor
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tensor_cases import DEVICES, DTYPES, check, viewed


@settings(max_examples=45)
@given(st.sampled_from(["sum", "prod", "max", "min", "mean", "var", "std"]), st.sampled_from(DTYPES), st.data())
def test_reductions_match_numpy(op, dtype, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    a, view = data.draw(viewed(dtype, shape, small=op == "prod"))
    x = view(a)
    axis = data.draw(st.none() | st.integers(-x.ndim, x.ndim - 1) | st.permutations(range(x.ndim)).flatmap(
        lambda p: st.integers(1, len(p)).map(lambda k: tuple(p[:k]))))
    keepdims = data.draw(st.booleans())
    assume(not (op in ("var", "std", "mean") and dtype == "bool"))
    ref = getattr(np, op)(x, axis=axis, keepdims=keepdims)
    scale = float(np.abs(x.astype(np.float64)).sum()) + 1 if op != "prod" else None
    for device in DEVICES:
        t = view(Tensor(a, device=device))
        check(getattr(t, op)(axis=axis, keepdims=keepdims), ref, scale=scale)


@settings(max_examples=40)
@given(st.sampled_from(["argmax", "argmin"]), st.sampled_from(DTYPES), st.data())
def test_argmax_argmin_match_numpy(op, dtype, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    a, view = data.draw(viewed(dtype, shape, small=True))  # small values: ties, so "first" matters
    x = view(a)
    axis = data.draw(st.none() | st.integers(-x.ndim, x.ndim - 1))
    keepdims = data.draw(st.booleans())
    for device in DEVICES:
        t = view(Tensor(a, device=device))
        check(getattr(t, op)(axis=axis, keepdims=keepdims), getattr(np, op)(x, axis=axis, keepdims=keepdims))


def test_reductions_with_nan_and_empty_axes(device):
    a = np.array([[1.0, np.nan, 3.0], [2.0, 0.5, -1.0]])
    t = Tensor(a, device=device)
    for axis in (None, 0, 1):
        check(t.max(axis=axis), a.max(axis=axis))
        check(t.min(axis=axis), a.min(axis=axis))
        check(t.argmax(axis=axis), a.argmax(axis=axis))
    e = Tensor(np.zeros((0, 3)), device=device)
    check(e.sum(axis=0), np.zeros((0, 3)).sum(axis=0))
    check(e.prod(axis=0), np.zeros((0, 3)).prod(axis=0))
    check(e.any(), np.zeros((0, 3)).any())
    check(t.any(axis=1), a.any(axis=1))
    check(t.all(axis=0), a.all(axis=0))


@st.composite
def matmul_case(draw):
    dtype = draw(st.sampled_from(DTYPES))
    m, k, n = draw(st.integers(1, 5)), draw(st.integers(0, 5)), draw(st.integers(1, 5))
    kind = draw(st.sampled_from(["2d", "batched", "1d-left", "1d-right", "1d-both"]))
    if kind == "batched":
        shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3))
        sa, sb = shapes.input_shapes[0] + (m, k), shapes.input_shapes[1] + (k, n)
    else:
        sa = (k,) if kind in ("1d-left", "1d-both") else (m, k)
        sb = (k,) if kind in ("1d-right", "1d-both") else (k, n)
    a, va = draw(viewed(dtype, sa, small=True))
    b, vb = draw(viewed(dtype, sb, small=True))
    return a, va, b, vb


@settings(max_examples=45)
@given(matmul_case())
def test_matmul_matches_numpy(case):
    a, va, b, vb = case
    ref = np.matmul(va(a), vb(b))
    scale = float(np.abs(va(a).astype(np.float64)).sum() * np.abs(vb(b).astype(np.float64)).max(initial=0)) + 1
    for device in DEVICES:
        ta, tb = va(Tensor(a, device=device)), vb(Tensor(b, device=device))
        check(ta @ tb, ref, scale=scale)


@settings(max_examples=25)
@given(st.sampled_from(["float32", "int64"]), st.data())
def test_dot_matches_numpy(dtype, data):
    nda, ndb = data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3))
    k = data.draw(st.integers(1, 3))
    sa = tuple(data.draw(st.lists(st.integers(1, 3), min_size=nda, max_size=nda)))
    sb = tuple(data.draw(st.lists(st.integers(1, 3), min_size=ndb, max_size=ndb)))
    if nda and ndb:
        sa = sa[:-1] + (k,)
        sb = sb[:-2] + (k,) + sb[-1:] if ndb >= 2 else (k,)
    a, va = data.draw(viewed(dtype, sa, small=True))
    b, vb = data.draw(viewed(dtype, sb, small=True))
    for device in DEVICES:
        check(bt.dot(va(Tensor(a, device=device)), vb(Tensor(b, device=device))), np.dot(va(a), vb(b)), scale=100.0)


def test_matmul_of_larger_tiles(device):
    # bigger than one tile in every direction, with a transposed right operand (the packed path)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((70, 300)).astype(np.float32)
    b = rng.standard_normal((270, 300)).astype(np.float32)
    ta, tb = Tensor(a, device=device), Tensor(b, device=device)
    check(ta @ tb.T, a @ b.T, scale=300.0)
    check(tb @ ta.T, b @ a.T, scale=300.0)


def test_big_matmuls_split_across_threads_match_numpy(tmp_path):
    """Products of 2**24 multiply-adds and more run on threads, each a band of 6-row tiles: with 3 threads
    (bands of unequal size), odd sizes, a batch, a transposed operand and exact int64, numpy's values."""
    import os
    import subprocess
    import sys

    code = """
import numpy as np
from b2i.tensor import Tensor
rng = np.random.default_rng(1)
for dtype, (batch, m, k, n), transposed in (("float32", (2, 263, 257, 130), False),
                                            ("float32", (1, 301, 229, 250), True),
                                            ("int64", (3, 131, 200, 220), False),
                                            ("float64", (1, 259, 300, 220), True)):
    assert batch * m * k * n >= 1 << 24
    a = (rng.standard_normal((batch, m, k)) * 4).astype(dtype)
    b = (rng.standard_normal((n, k) if transposed else (k, n)) * 4).astype(dtype)
    tb = Tensor(b, device="c")
    got = (Tensor(a, device="c") @ (tb.T if transposed else tb)).numpy()
    want = a @ (b.T if transposed else b)
    if dtype == "int64":
        assert (got == want).all()
    else:
        tol = 2e-5 if dtype == "float32" else 1e-11
        assert np.allclose(got, want, rtol=tol, atol=tol * np.abs(want).max()), dtype
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "B2I_CACHE": str(tmp_path), "B2I_THREADS": "3"})
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["sum", "prod", "max", "min"]), st.sampled_from(DTYPES), st.integers(1, 3),
       st.integers(1, 21), st.sampled_from([1, (0, 1)]), st.integers(0, 2**32 - 1), st.data())
def test_column_reductions_of_wide_blocks_match_numpy(op, dtype, k, rows, axis, seed, data):
    """Reducing across the rows of blocks of at least UNROLL_FROM columns, the c device takes UNROLL_ROWS rows
    per pass (float sums add them in pairs first) and the rest one by one; the values are numpy's."""
    from b2i.tensor.render_c import COLUMNS, UNROLL_FROM

    cols = data.draw(st.integers(UNROLL_FROM - 2, UNROLL_FROM + 20) | st.integers(COLUMNS - 2, COLUMNS + 30))
    rng = np.random.default_rng(seed)
    shape = (k, rows, cols)
    if dtype == "bool":
        x = rng.random(shape) < 0.5
    elif np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        x = rng.integers(info.min, info.max, shape, endpoint=True, dtype=dtype)
    else:
        x = (rng.standard_normal(shape) * (1.5 if op == "prod" else 4)).astype(dtype)
    with np.errstate(all="ignore"):
        ref = getattr(np, op)(x * 3, axis=axis)
    scale = float(np.abs(x.astype(np.float64) * 3).sum(axis=axis).max()) + 1 if op == "sum" else None
    for device in DEVICES:
        check(getattr(Tensor(x, device=device) * 3, op)(axis=axis), ref, scale=scale)
