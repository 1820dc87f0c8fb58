"""Indexing: random basic keys are views; integer-array and boolean-mask keys gather, with numpy's placement."""

import numpy as np
from b2i.tensor import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tensor_cases import DEVICES, check


@settings(max_examples=40)
@given(st.data())
def test_basic_indices_are_views_with_numpy_values(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, max_side=5))
    a = np.arange(np.prod(shape), dtype=np.int32).reshape(shape)
    key = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    ref = a[key]
    for device in DEVICES:
        t = Tensor(a, device=device)
        got = t[key]
        assert got.node is t.node
        check(got, ref)


@st.composite
def advanced_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) * 0.5
    key = []
    for n in shape:
        kind = draw(st.sampled_from(["slice", "int", "array", "skip"]))
        if kind == "slice":
            key.append(slice(draw(st.integers(-n, n)), None, draw(st.sampled_from([1, -1, 2]))))
        elif kind == "int":
            key.append(draw(st.integers(-n, n - 1)))
        elif kind == "array":
            idx_shape = draw(st.sampled_from([(2,), (1, 3), (3,), ()]))
            key.append(draw(hnp.arrays(np.int64, idx_shape, elements=st.integers(-n, n - 1))))
        else:
            break
    # numpy needs broadcastable index arrays: use one shared shape
    arrays = [k for k in key if isinstance(k, np.ndarray)]
    if arrays:
        shape0 = arrays[0].shape
        key = [np.resize(k, shape0) if isinstance(k, np.ndarray) else k for k in key]
    return a, tuple(key)


@settings(max_examples=40)
@given(advanced_case())
def test_advanced_indices_match_numpy(case):
    a, key = case
    ref = a[key]
    for device in DEVICES:
        t = Tensor(a, device=device)
        ours = tuple(Tensor(k, device=device) if isinstance(k, np.ndarray) else k for k in key)
        check(t[ours], ref)
        check(t[key], ref)  # numpy index arrays work directly too


@settings(max_examples=30)
@given(st.data())
def test_boolean_masks_match_numpy(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    a = data.draw(hnp.arrays(np.int64, shape, elements=st.integers(-5, 5)))
    for device in DEVICES:
        t = Tensor(a, device=device)
        check(t[t > 0], a[a > 0])
        mask = a[0] > 0 if a.ndim > 1 else a > 0
        check(t[1:][..., Tensor(mask[..., :], device=device)] if a.ndim > 1 else t[Tensor(mask, device=device)],
              a[1:][..., mask] if a.ndim > 1 else a[mask])


def test_embedding_lookup_and_pick_per_row(device):
    # the two gathers a language model needs: table[ids] and logits[arange(n), targets]
    table = np.arange(20, dtype=np.float32).reshape(5, 4)
    ids = np.array([[0, 4, 4], [2, 1, 0]])
    t = Tensor(table, device=device)
    check(t[Tensor(ids, device=device)], table[ids])
    targets = np.array([3, 0, 1, 2, 2])
    rows = Tensor.arange(5, device=device)
    check(t[rows, Tensor(targets, device=device)], table[np.arange(5), targets])
    check((t[rows, Tensor(targets, device=device)] * 2).sum(), (table[np.arange(5), targets] * 2).sum())


def test_setitem_matches_numpy(device):
    a = np.arange(24, dtype=np.float64).reshape(4, 6)
    t = Tensor(a, device=device)
    view = t.T  # an older view keeps its old value: assignment rebinds t, as an immutable graph must
    a2 = a.copy()
    t[1:3, ::2] = -1.0
    a2[1:3, ::2] = -1.0
    check(t, a2)
    t[0] = Tensor(np.arange(6.0), device=device) * 10
    a2[0] = np.arange(6.0) * 10
    check(t, a2)
    t[t > 20] = 0
    a2[a2 > 20] = 0
    check(t, a2)
    check(view, a.T)
