"""Operations that make new buffers: concatenate, stack, pad, contiguous, with numpy's values and dtypes."""

import b2i.tensor as bt
import numpy as np
from b2i.tensor import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tensor_cases import DEVICES, DTYPES, check, viewed


@settings(max_examples=25)
@given(st.data())
def test_concatenate_and_stack_match_numpy(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    count = data.draw(st.integers(1, 3))
    parts, views, shapes = [], [], []
    for _ in range(count):
        s = list(shape)
        s[axis] = data.draw(st.integers(0, 3))
        dtype = data.draw(st.sampled_from(DTYPES))
        a, view = data.draw(viewed(dtype, tuple(s), small=True))
        parts.append(a)
        views.append(view)
        shapes.append(tuple(s))
    refs = [v(a) for a, v in zip(parts, views, strict=True)]
    for device in DEVICES:
        ts = [v(Tensor(a, device=device)) for a, v in zip(parts, views, strict=True)]
        check(bt.concatenate(ts, axis=axis), np.concatenate(refs, axis=axis))
        check(bt.concatenate([t * 2 for t in ts], axis=None), np.concatenate([r * 2 for r in refs], axis=None))
        if all(s == shapes[0] for s in shapes):
            stack_axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
            check(bt.stack(ts, axis=stack_axis), np.stack(refs, axis=stack_axis))


@settings(max_examples=20)
@given(st.sampled_from(DTYPES), st.data())
def test_pad_matches_numpy(dtype, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3))
    a, view = data.draw(viewed(dtype, shape, small=True))
    widths = tuple((data.draw(st.integers(0, 2)), data.draw(st.integers(0, 2))) for _ in shape)
    value = data.draw(st.sampled_from([0, 1, True]))
    for device in DEVICES:
        t = view(Tensor(a, device=device))
        check(t.pad(widths, value=value), np.pad(view(a), widths, constant_values=value))
        ref = np.pad(view(a), 1) + 1
        check((t.pad(1) + 1).sum(), ref.sum())


def test_contiguous_copies_a_view(device):
    a = np.arange(24).reshape(2, 3, 4)
    t = Tensor(a, device=device).permute(2, 0, 1)[::2]
    c = t.contiguous().realize()
    assert c.is_contiguous() and c.node is not t.node
    assert c.strides == np.ascontiguousarray(a.transpose(2, 0, 1)[::2]).strides
    check(c, a.transpose(2, 0, 1)[::2])
