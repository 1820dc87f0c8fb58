"""Every autograd operation's gradient against central finite differences, float64, random shapes."""

import numpy as np
import pytest
from b2i.ml import functional as F
from b2i.ml.autograd import Tensor, concatenate, no_grad, stack, where
from b2i.ml.gradcheck import check_gradients
from hypothesis import given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=15, deadline=None)
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)
seeds = st.integers(0, 2**32 - 1)


def rand(seed, shape, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast together: some axes of one are 1 or missing."""
    shape = draw(shapes)
    other = tuple(1 if draw(st.booleans()) else n for n in shape)
    drop = draw(st.integers(0, len(other)))
    return shape, other[drop:]


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1.0),
    "maximum": lambda a, b: a.maximum(b),
}


@SETTINGS
@given(broadcast_pair(), st.sampled_from(sorted(BINARY)), st.booleans(), seeds)
def test_binary_with_broadcasting(pair, name, swap, seed):
    a, b = pair if not swap else pair[::-1]
    check_gradients(BINARY[name], rand(seed, a), rand(seed + 1, b))


UNARY = {
    "exp": lambda x: x.exp(),
    "log": lambda x: (x * x + 0.5).log(),
    "sqrt": lambda x: (x * x + 0.5).sqrt(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "pow": lambda x: (x * x + 1.0) ** -1.5,
    "neg": lambda x: -x,
    "scalar_ops": lambda x: 2.0 - (3.0 / (x * x + 1.0)) * 0.5 + x / 4.0,
    "gelu": F.gelu,
    "max_scalar": lambda x: x.maximum(0.25),
}


@SETTINGS
@given(shapes, st.sampled_from(sorted(UNARY)), seeds)
def test_unary(shape, name, seed):
    x = rand(seed, shape)
    x[np.abs(x) < 1e-3] = 0.5  # keep away from relu's kink
    x[np.abs(x - 0.25) < 1e-3] = 0.5
    check_gradients(UNARY[name], x)


@SETTINGS
@given(shapes, st.data(), st.booleans(), st.sampled_from(["sum", "mean", "max", "var"]), seeds)
def test_reductions(shape, data, keepdims, kind, seed):
    axes = data.draw(st.one_of(st.none(), st.sets(st.integers(0, len(shape) - 1), min_size=1).map(tuple)))
    x = rand(seed, shape)  # continuous random values: no ties for max
    check_gradients(lambda t: getattr(t, kind)(axes, keepdims=keepdims), x)


def test_max_ties_share_gradient():
    x = Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]]), requires_grad=True)
    x.max(1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0.5, 0.5], [1, 0, 0]])


@SETTINGS
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.sampled_from([(), (2,), (3, 1)]), seeds)
def test_matmul_batched_and_broadcast(n, k, m, batch, seed):
    check_gradients(lambda a, b: a @ b, rand(seed, (*batch, n, k)), rand(seed + 1, (k, m)))
    check_gradients(lambda a, b: a @ b, rand(seed, (n, k)), rand(seed + 1, (*batch, k, m)))


@SETTINGS
@given(shapes, seeds, st.randoms(use_true_random=False))
def test_reshape_permute_expand(shape, seed, random):
    axes = list(range(len(shape)))
    random.shuffle(axes)
    check_gradients(lambda t: t.permute(axes).reshape(-1), rand(seed, shape))
    check_gradients(lambda t: t.expand((2, *shape)) * 1.5, rand(seed, shape))
    check_gradients(lambda t: t.unsqueeze(0).transpose(0, -1).flatten(), rand(seed, shape))


bounds = st.one_of(st.none(), st.integers(-7, 7))
slices = st.builds(slice, bounds, bounds, st.one_of(st.none(), st.integers(-4, 4).filter(bool)))


@SETTINGS
@given(st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple), st.data(), seeds)
def test_basic_indexing(shape, data, seed):
    """Any mix of integers, slices (any bounds, any step, negative and empty ones too) and None."""
    key = []
    for n in shape:
        kind = data.draw(st.sampled_from(["int", "slice", "all"]))
        if kind == "int":
            key.append(data.draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            key.append(data.draw(slices))
        else:
            key.append(slice(None))
    if data.draw(st.booleans()):
        key.insert(data.draw(st.integers(0, len(key))), None)
    x = rand(seed, shape)
    np.testing.assert_array_equal(Tensor(x)[tuple(key)].numpy(), x[tuple(key)])  # numpy is the oracle
    if 0 not in x[tuple(key)].shape:
        check_gradients(lambda t: t[tuple(key)] * 2.0, x)
    else:  # nothing selected: the gradient is all zeros
        t = Tensor(x, requires_grad=True)
        (t[tuple(key)].sum() + (t * 0.0).sum()).backward()
        np.testing.assert_array_equal(t.grad.numpy(), np.zeros_like(x))


@SETTINGS
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), seeds)
def test_linear(n, n_in, n_out, seed):
    check_gradients(F.linear, rand(seed, (n, n_in)), rand(seed + 1, (n_out, n_in)), rand(seed + 2, (n_out,)))
    check_gradients(F.linear, rand(seed, (n, n_in)), rand(seed + 1, (n_out, n_in)))


@SETTINGS
@given(st.integers(1, 5), st.lists(st.integers(1, 3), max_size=2).map(tuple), st.integers(1, 6), seeds)
def test_take_accumulates_repeated_rows(rows, rest, count, seed):
    index = np.random.default_rng(seed).integers(0, rows, (count,))
    check_gradients(lambda t: t.take(index.reshape(-1, 1)), rand(seed, (rows, *rest)))


@SETTINGS
@given(st.integers(1, 3), st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple), st.data(), seeds)
def test_concatenate_and_stack(count, shape, data, seed):
    axis = data.draw(st.integers(0, len(shape) - 1))
    arrays = [rand(seed + i, shape) for i in range(count)]
    check_gradients(lambda *ts: concatenate(ts, axis), *arrays)
    check_gradients(lambda *ts: stack(ts, axis), *arrays)


@SETTINGS
@given(broadcast_pair(), seeds)
def test_where(pair, seed):
    a, b = pair
    cond = rand(seed + 7, a) > 0
    check_gradients(lambda x, y: where(cond, x, y), rand(seed, a), rand(seed + 1, b))


@SETTINGS
@given(st.integers(1, 4), st.integers(1, 5), seeds)
def test_softmax_family_and_cross_entropy(n, c, seed):
    logits = rand(seed, (n, c), -5, 5)
    labels = np.random.default_rng(seed).integers(0, c, (n,))
    check_gradients(lambda t: F.softmax(t, -1), logits)
    check_gradients(lambda t: F.log_softmax(t, 0), logits)
    check_gradients(lambda t: F.cross_entropy(t, labels), logits)
    # against the definition, computed by numpy
    shifted = logits - logits.max(1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    np.testing.assert_allclose(F.cross_entropy(Tensor(logits), labels).item(), -logp[np.arange(n), labels].mean())


def test_log_softmax_is_stable_for_huge_logits():
    x = Tensor(np.array([[1000.0, 0.0, -1000.0]]), requires_grad=True)
    out = F.log_softmax(x)
    assert np.isfinite(out.numpy()).all()
    F.cross_entropy(x, [2]).backward()
    assert np.isfinite(x.grad.numpy()).all()


@SETTINGS
@given(st.integers(1, 3), st.integers(2, 5), seeds)
def test_layer_norm_and_attention(n, d, seed):
    x, w, b = rand(seed, (n, d)), rand(seed + 1, (d,)), rand(seed + 2, (d,))
    check_gradients(F.layer_norm, x, w, b)
    q, k, v = (rand(seed + i, (2, d, 3)) for i in range(3))
    check_gradients(lambda a, b, c: F.attention(a, b, c, causal=True), q, k, v)


def test_gradients_accumulate_and_no_grad_records_nothing():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * x).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 7.0])
    with no_grad():
        y = x * x
    assert not y.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()
