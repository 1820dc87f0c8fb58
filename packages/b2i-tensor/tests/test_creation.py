"""Creating tensors and getting values out: lists, numpy arrays, ranges, random numbers, conversions."""

import b2i.tensor as bt
import numpy as np
import pytest
from b2i.tensor import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tensor_cases import DEVICES, DTYPES, check, elements


@settings(max_examples=40)
@given(st.sampled_from(DTYPES), st.data())
def test_round_trips_through_lists_and_numpy(dtype, data):
    a = data.draw(hnp.arrays(np.dtype(dtype), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
                             elements=elements(dtype)))
    for device in DEVICES:
        t = Tensor(a, device=device)
        check(t, a)
        assert t.tolist() == a.tolist()
        assert Tensor(a.tolist(), dtype=dtype, device=device).tolist() == a.tolist()
        if a.size == 1:
            assert t.item() == a.item()


@settings(max_examples=40)
@given(st.recursive(st.booleans() | st.integers(-50, 50) | st.floats(-10, 10), lambda c: st.lists(c, min_size=1,
                                                                                                max_size=3)))
def test_list_dtype_and_shape_inference_matches_numpy(data):
    try:
        ref = np.array(data)
    except ValueError:
        with pytest.raises(ValueError, match="inhomogeneous"):
            Tensor(data)
        return
    if ref.dtype == object:
        return
    check(Tensor(data), ref)


def test_ranges_and_constants_match_numpy(device):
    check(Tensor.arange(7, device=device), np.arange(7))
    check(Tensor.arange(2, 11, 3, device=device), np.arange(2, 11, 3))
    check(Tensor.arange(1.0, 0.0, -0.25, device=device), np.arange(1.0, 0.0, -0.25))
    check(Tensor.arange(5, dtype="float32", device=device), np.arange(5, dtype=np.float32))
    check(Tensor.linspace(-1, 2, 7, device=device), np.linspace(-1, 2, 7))
    check(Tensor.linspace(0, 1, 4, endpoint=False, device=device), np.linspace(0, 1, 4, endpoint=False))
    check(Tensor.eye(3, 4, k=1, device=device), np.eye(3, 4, k=1))
    check(Tensor.zeros(2, 3, device=device), np.zeros((2, 3)))
    check(Tensor.ones((2,), dtype="int32", device=device), np.ones(2, dtype=np.int32))
    check(Tensor.full((2, 2), 7, device=device), np.full((2, 2), 7))
    check(Tensor.full((3,), 2.5, dtype="float32", device=device), np.full(3, 2.5, dtype=np.float32))
    check(bt.zeros_like(Tensor.ones(2, 2, device=device)), np.zeros((2, 2)))
    assert Tensor.zeros(2, 3, device=device).strides == np.zeros((2, 3)).strides


def test_random_numbers_are_the_same_on_every_device():
    draws = {d: (Tensor.rand(64, seed=7, device=d).numpy(), Tensor.randn(8, 8, seed=7, dtype="float32",
                                                                         device=d).numpy()) for d in DEVICES}
    u, n = draws["numpy"]
    assert ((u >= 0) & (u < 1)).all() and len(set(u.tolist())) == 64
    for d in DEVICES:
        np.testing.assert_array_equal(draws[d][0], u)
        np.testing.assert_allclose(draws[d][1], n, rtol=1e-6)
    g1, g2 = bt.Generator(3), bt.Generator(3)
    a, b = Tensor.rand(5, generator=g1).numpy(), Tensor.rand(5, generator=g1).numpy()
    assert not np.array_equal(a, b)  # a generator moves on between draws
    np.testing.assert_array_equal(Tensor.rand(5, generator=g2).numpy(), a)


def test_random_numbers_look_random():
    # a loose check of the distributions (10k draws): mean, spread and a histogram
    u = Tensor.rand(10000, seed=1).numpy()
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005
    assert (np.histogram(u, bins=10, range=(0, 1))[0] > 900).all()
    z = Tensor.randn(10000, seed=2).numpy()
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1) < 0.03
    r = Tensor.randint(3, 9, size=(1000,), seed=4).numpy()
    assert r.dtype == np.int64 and set(r.tolist()) == set(range(3, 9))


def test_values_out(device):
    t = Tensor([[1, 2], [3, 4]], device=device)
    assert t.tolist() == [[1, 2], [3, 4]] and isinstance(t.tolist()[0][0], int)
    assert t[1, 0].item() == 3 and int(t[0, 1]) == 2 and float(t[0, 0]) == 1.0
    assert np.asarray(t).tolist() == [[1, 2], [3, 4]]
    assert "Tensor([[1, 2], [3, 4]], dtype=int64" in repr(t)
    assert len(t) == 2 and [r.tolist() for r in t] == [[1, 2], [3, 4]]
    assert bool(Tensor([True], device=device)) is True
    moved = t.to("numpy" if device == "c" else "c")
    assert moved.tolist() == t.tolist() and moved.device != t.device


def test_kernels_draw_what_the_plain_python_generator_defines():
    from b2i.tensor.random import Generator, bits

    key = Generator(11).next_key()
    expected = [(bits(key, i) >> 11) * 2.0**-53 for i in range(6)]
    expected32 = [(bits(key, i) >> 40) * 2.0**-24 for i in range(6)]
    for device in DEVICES:
        assert Tensor.rand(2, 3, seed=11, device=device).reshape(-1).tolist() == expected
        assert Tensor.rand(6, seed=11, dtype="float32", device=device).tolist() == expected32
