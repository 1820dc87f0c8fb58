"""Checking gradients against central finite differences in float64 (like torch.autograd.gradcheck)."""

import numpy as np
from b2i.ml.autograd import Tensor


def check_gradients(f, *arrays: np.ndarray, seed: int = 0, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7):
    """Checks d/d(inputs) of sum(f(inputs) * w) for a fixed random w against finite differences."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    inputs = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    out = f(*inputs)
    weights = np.random.default_rng(seed).standard_normal(out.shape)
    (out * Tensor(weights)).sum().backward()

    def value(*xs):
        return float((f(*[Tensor(x) for x in xs]).numpy() * weights).sum())

    for i, a in enumerate(arrays):
        numeric = np.zeros_like(a)
        for j in np.ndindex(a.shape):
            up, down = [x.copy() for x in arrays], [x.copy() for x in arrays]
            up[i][j] += eps
            down[i][j] -= eps
            numeric[j] = (value(*up) - value(*down)) / (2 * eps)
        got = inputs[i].grad.numpy() if inputs[i].grad is not None else np.zeros_like(a)
        np.testing.assert_allclose(got, numeric, rtol=rtol, atol=atol, err_msg=f"input {i}")
