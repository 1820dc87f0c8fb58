"""Optimizers on a problem with a known answer, schedules against their formulas, and gradient clipping."""

import math

import b2i.tensor as bt
import numpy as np
import pytest
from b2i.ml import functional as F
from b2i.ml import nn, optim
from b2i.ml.autograd import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st


def least_squares(seed=0):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((20, 4)), rng.standard_normal((20, 1))
    return a, b, np.linalg.lstsq(a, b, rcond=None)[0]  # numpy's solver is the oracle


@pytest.mark.parametrize(
    "make",
    [
        lambda p: optim.SGD(p, lr=0.02),
        lambda p: optim.SGD(p, lr=0.01, momentum=0.9),
        lambda p: optim.Adam(p, lr=0.05),
        lambda p: optim.AdamW(p, lr=0.05, weight_decay=0.0),
    ],
)
def test_optimizers_reach_the_least_squares_solution(make):
    a, b, solution = least_squares()
    x = Tensor(np.zeros((4, 1)), requires_grad=True)
    opt = make([x])
    for _ in range(400):
        opt.zero_grad()
        residual = Tensor(a) @ x - Tensor(b)
        (residual * residual).sum().backward()
        opt.step()
    np.testing.assert_allclose(x.numpy(), solution, atol=2e-3)


def test_adamw_decay_is_decoupled():
    x = Tensor(np.array([1.0]), requires_grad=True)
    opt = optim.AdamW([x], lr=0.1, weight_decay=0.5)
    x.grad = Tensor(np.array([0.0]))
    opt.step()  # zero gradient: only the decay acts, p *= 1 - lr * decay
    np.testing.assert_allclose(x.numpy(), [0.95])


def test_schedules():
    assert optim.warmup_cosine(0, 100, 1.0, warmup=10) == pytest.approx(0.1)
    assert optim.warmup_cosine(9, 100, 1.0, warmup=10) == pytest.approx(1.0)
    assert optim.warmup_cosine(10, 100, 1.0, warmup=10) == pytest.approx(1.0)
    assert optim.warmup_cosine(55, 100, 1.0, warmup=10, min_lr=0.1) == pytest.approx(0.55)
    assert optim.cosine(100, 100, 2.0) == pytest.approx(0.0)
    assert optim.cosine(25, 100, 2.0) == pytest.approx(1.0 + math.cos(math.pi / 4))


def test_clip_grad_norm():
    p, q = Tensor(np.zeros(2), requires_grad=True), Tensor(np.zeros(1), requires_grad=True)
    p.grad, q.grad = Tensor(np.array([3.0, 0.0])), Tensor(np.array([4.0]))
    assert optim.clip_grad_norm([p, q], 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(np.concatenate([p.grad.numpy(), q.grad.numpy()]), [0.6, 0.0, 0.8], rtol=1e-5)


def adam_reference(p, g, m, v, t, lr, b1=0.9, b2=0.999, eps=1e-8, decay=0.0, decoupled=False):
    """One Adam(W) step in numpy, from the paper's formulas: returns the new p, m, v."""
    if decay and not decoupled:
        g = g + decay * p
    m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    if decay and decoupled:
        p = p * (1 - lr * decay)
    return p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps), m, v


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(st.integers(1, 3), min_size=1, max_size=2).map(tuple), min_size=1, max_size=4),
       st.booleans(), st.integers(0, 2**32 - 1))
def test_adam_against_numpy_with_parameters_that_skip_steps(shapes, decoupled, seed):
    """The flat groups give each parameter exactly its own Adam: state and step count kept while it has no
    gradient, data replaced from outside (as load_state_dict does) picked up."""
    rng = np.random.default_rng(seed)
    ref = [rng.standard_normal(shape) for shape in shapes]
    params = [Tensor(p.copy(), requires_grad=True) for p in ref]
    m, v, t = [np.zeros(s) for s in shapes], [np.zeros(s) for s in shapes], [0] * len(shapes)
    kind = optim.AdamW if decoupled else optim.Adam
    opt = kind(params, lr=0.05, weight_decay=0.1)
    for step in range(6):
        if step == 2:
            ref[0] = rng.standard_normal(shapes[0])
            params[0].data = Tensor(ref[0].copy()).data
        for i, p in enumerate(params):
            if step == 0 or rng.random() < 0.6:
                g = rng.standard_normal(shapes[i])
                p.grad = Tensor(g.copy())
                t[i] += 1
                ref[i], m[i], v[i] = adam_reference(ref[i], g, m[i], v[i], t[i], 0.05, decay=0.1, decoupled=decoupled)
            else:
                p.grad = None
        opt.step()
    for p, expected in zip(params, ref, strict=True):
        np.testing.assert_allclose(p.numpy(), expected, rtol=1e-10, atol=1e-12)


def test_a_training_step_is_one_schedule():
    """backward() only records; step(loss, logits) computes gradients, update, loss and logits together."""
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3))
    opt = optim.Adam(model.parameters(), lr=0.01)
    x, y = np.random.default_rng(0).standard_normal((5, 6)), np.array([0, 1, 2, 1, 0])
    for _ in range(2):
        with bt.counting() as counted:
            logits = model(Tensor(x))
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step(loss, logits)
            loss.item(), logits.numpy()
        assert counted.realizes == 1
