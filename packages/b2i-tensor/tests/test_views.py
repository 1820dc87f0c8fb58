"""Views: random chains of no-copy operations give numpy's values and strides, and never copy."""

import numpy as np
from b2i.tensor import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st
from tensor_cases import DEVICES, arrays, check


@st.composite
def view_chain(draw):
    """A random sequence of view operations valid for the shape as it evolves, applied to numpy alongside."""
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple))
    a = draw(arrays("int64", shape))
    steps = []
    ref = a
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(["permute", "slice", "flip", "expand", "unsqueeze", "squeeze", "reshape", "T",
                                   "index"]))
        nd = ref.ndim
        if op == "permute" and nd:
            axes = tuple(draw(st.permutations(range(nd))))
            steps.append((lambda t, axes=axes: t.permute(*axes)))
            ref = ref.transpose(axes)
        elif op == "slice" and nd:
            ax = draw(st.integers(0, nd - 1))
            n = ref.shape[ax]
            start = draw(st.integers(-n - 1, n + 1))
            stop = draw(st.none() | st.integers(-n - 1, n + 1))
            step = draw(st.sampled_from([1, 2, 3, -1, -2]))
            key = (slice(None),) * ax + (slice(start, stop, step),)
            steps.append((lambda t, key=key: t[key]))
            ref = ref[key]
        elif op == "flip" and nd:
            ax = draw(st.integers(0, nd - 1))
            steps.append((lambda t, ax=ax: t.flip(ax)))
            ref = np.flip(ref, ax)
        elif op == "expand":
            new = tuple(draw(st.integers(1, 3)) if n == 1 else n for n in ref.shape)
            lead = tuple(draw(st.lists(st.integers(1, 3), max_size=1)))
            target = lead + new
            steps.append((lambda t, target=target: t.broadcast_to(target)))
            ref = np.broadcast_to(ref, target)
        elif op == "unsqueeze":
            ax = draw(st.integers(0, nd))
            steps.append((lambda t, ax=ax: t.unsqueeze(ax)))
            ref = np.expand_dims(ref, ax)
        elif op == "squeeze":
            steps.append(lambda t: t.squeeze())
            ref = ref.squeeze()
        elif op == "reshape" and ref.size:
            target = draw(st.sampled_from([(-1,), (ref.size, 1), (1, ref.size)]))
            steps.append((lambda t, target=target: t.reshape(*target)))
            ref = ref.reshape(target)
        elif op == "T":
            steps.append(lambda t: t.T)
            ref = ref.T
        elif op == "index" and nd and all(ref.shape):
            ax = draw(st.integers(0, nd - 1))
            i = draw(st.integers(-ref.shape[ax], ref.shape[ax] - 1))
            key = (slice(None),) * ax + (i,)
            steps.append((lambda t, key=key: t[key]))
            ref = ref[key]
    return a, steps, ref


@settings(max_examples=45)
@given(view_chain())
def test_view_chains_match_numpy_and_share_memory(case):
    a, steps, ref = case
    for device in DEVICES:
        t = base = Tensor(a, device=device)
        for step in steps:
            t = step(t)
        if t.node is base.node:  # a pure view: same buffer, numpy's strides (size-1 axes may differ)
            for n, ours, theirs in zip(ref.shape, t.strides, ref.strides, strict=True):
                assert n <= 1 or ours == theirs or ref.size == 0
        check(t, ref)
        check(t + 1, ref + 1)  # the view read by a kernel


@settings(max_examples=40)
@given(view_chain())
def test_views_of_views_feed_reductions(case):
    a, steps, ref = case
    for device in DEVICES:
        t = Tensor(a, device=device)
        for step in steps:
            t = step(t)
        check(t.sum(), ref.sum())
        if ref.ndim:
            check((t * 2).sum(axis=0), (ref * 2).sum(axis=0))


def test_named_views_do_not_copy(device):
    t = Tensor(np.arange(24).reshape(2, 3, 4), device=device)
    for v in (t.T, t.permute(2, 0, 1), t.transpose(0, 2), t[:, ::-1, 1:], t.reshape(6, 4), t.unsqueeze(1),
              t[None, ..., None].squeeze(), t.flip(1), t[1].broadcast_to((5, 3, 4)), t.expand(2, -1, -1, -1)):
        assert v.node is t.node
    assert t.swapaxes(0, 1).contiguous().node is not t.node


def test_reshape_of_a_transpose_copies_only_when_it_must(device):
    a = np.arange(12).reshape(3, 4)
    t = Tensor(a, device=device)
    assert t.T.reshape(-1).node is not t.node  # numpy must copy here too
    check(t.T.reshape(-1), a.T.reshape(-1))
    assert t.T.reshape(2, 2, 3).node is t.node  # splitting one axis is still a view
    assert np.shares_memory(a.T.reshape(2, 2, 3), a)
    check(t.T.reshape(2, 2, 3), a.T.reshape(2, 2, 3))
    assert t[:, 1:3].reshape(3, 2, 1).node is t.node
    check(t[:, 1:3].reshape(3, 2, 1), a[:, 1:3].reshape(3, 2, 1))
