"""Optimizers on a problem with a known answer, schedules against their formulas, and gradient clipping."""

import math

import numpy as np
import pytest
from b2i.ml import optim
from b2i.ml.autograd import Tensor


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
