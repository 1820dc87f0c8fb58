"""Neural-network functions built from the autograd primitives, so their gradients come for free.

The numerically delicate ones subtract the row maximum first: exp() then never overflows, and since
softmax(x) = softmax(x - c) for any constant c the maximum can be treated as a constant (detached).

The ones that run on every training step are single autograd operations with their gradient written by hand,
because a composition records many more graph nodes (Python work on every step, forward and backward):
`linear` (x Wᵀ + b), `cross_entropy`, whose gradient is simply (softmax - one_hot) / n, `softmax`, `gelu` and
the normalization inside `layer_norm`. The tests check them against finite differences and PyTorch like every
other operation.
"""

from __future__ import annotations

import math

from b2i.ml import backend as B
from b2i.ml.autograd import Tensor, where


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along axis, as one autograd operation with gradient s * (g - sum(g * s))."""
    xd = x.data
    e = B.exp(xd - B.max_(xd, axis=axis, keepdims=True))
    s = e / B.sum_(e, axis=axis, keepdims=True)
    return Tensor._make(s, (x,), lambda g: (s * (g - B.sum_(g * s, axis=axis, keepdims=True)),))


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    shifted = x - x.detach().max(axis, keepdims=True)
    return shifted - shifted.exp().sum(axis, keepdims=True).log()


def _one_hot_array(labels, classes: int, dtype: str, device: str | None) -> B.Array:
    labels = labels.data if isinstance(labels, Tensor) else labels
    if not isinstance(labels, B.Array):
        labels = B.asarray(labels, dtype="int64", device=device)
    return B.astype(B.reshape(labels, (-1, 1)) == B.index_row(classes, B.device_of(labels)), dtype)


def one_hot(labels, classes: int, dtype: str = "float32", device: str | None = None) -> Tensor:
    """(N,) integer labels -> (N, classes) rows of zeros with a one at the label."""
    return Tensor(_one_hot_array(labels, classes, dtype, device))


def cross_entropy(logits: Tensor, labels) -> Tensor:
    """Mean negative log-likelihood of integer labels under softmax(logits); logits (N, C), labels (N,).

    One autograd operation: loss = -sum(one_hot * log_softmax) / n, gradient (softmax - one_hot) / n.
    """
    n, classes = logits.shape
    x = logits.data
    hot = _one_hot_array(labels, classes, logits.dtype, logits.device)
    shifted = x - B.max_(x, axis=1, keepdims=True)
    e = B.exp(shifted)
    total = B.sum_(e, axis=1, keepdims=True)
    picked = B.sum_((shifted - B.log(total)) * hot)
    loss = picked * B.constant(-1.0 / n, picked)
    return Tensor._make(loss, (logits,), lambda g: ((e / total - hot) * (g * B.constant(1.0 / n, g)),))


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x Wᵀ + b for x (N, in), W (out, in), b (out,) as one autograd operation.

    Its gradients are g W, gᵀ x and the column sums of g; gᵀ x comes out in W's own (out, in) layout, where
    the gradient of a composed x @ W.T would be a transposed (strided) array that the optimizer has to copy.
    """
    w = weight.data
    y = B.matmul(x.data, B.transpose(w, (1, 0)))
    parents = (x, weight) if bias is None else (x, weight, bias)

    def backward(g):
        gx = B.matmul(g, w) if x.requires_grad else None  # the input batch usually needs none
        gw = B.matmul(B.transpose(g, (1, 0)), x.data) if weight.requires_grad else None
        return (gx, gw) if bias is None else (gx, gw, B.sum_(g, axis=0))

    return Tensor._make(y if bias is None else y + bias.data, parents, backward)


def mse(prediction: Tensor, target: Tensor) -> Tensor:
    diff = prediction - target
    return (diff * diff).mean()


GELU_C = math.sqrt(2.0 / math.pi)


def gelu(x: Tensor) -> Tensor:
    """GELU with GPT-2's tanh approximation, 0.5 x (1 + tanh(u)) with u = c (x + 0.044715 x³), as one autograd
    operation: its gradient is 0.5 (1 + t) + 0.5 x (1 - t²) c (1 + 3 · 0.044715 x²), t = tanh(u)."""
    xd = x.data
    x2 = xd * xd
    t = B.tanh(xd * (B.constant(GELU_C, xd) + x2 * B.constant(GELU_C * 0.044715, xd)))
    half_x = xd * B.constant(0.5, xd)
    one_plus_t = t + B.constant(1.0, xd)

    def backward(g):
        du = B.constant(GELU_C, xd) + x2 * B.constant(3 * GELU_C * 0.044715, xd)
        return (g * (one_plus_t * B.constant(0.5, xd) + half_x * (B.constant(1.0, xd) - t * t) * du),)

    return Tensor._make(half_x * one_plus_t, (x,), backward)


def _normalize(x: Tensor, eps: float) -> Tensor:
    """(x - mean) / sqrt(var + eps) over the last axis, as one autograd operation: with y the output and σ the
    denominator, the gradient is (g - mean(g) - y * mean(g * y)) / σ."""
    xd = x.data
    inverse_d = 1.0 / x.shape[-1]
    mean = B.sum_(xd, axis=-1, keepdims=True)
    centered = xd - mean * B.constant(inverse_d, mean)
    square = B.sum_(centered * centered, axis=-1, keepdims=True)
    inverse_std = B.constant(1.0, square) / B.sqrt(square * B.constant(inverse_d, square) + B.constant(eps, square))
    y = centered * inverse_std

    def backward(g):
        g_mean = B.sum_(g, axis=-1, keepdims=True)
        gy_mean = B.sum_(g * y, axis=-1, keepdims=True)
        scale = B.constant(inverse_d, g_mean)
        return ((g - g_mean * scale - y * (gy_mean * scale)) * inverse_std,)

    return Tensor._make(y, (x,), backward)


def layer_norm(x: Tensor, weight: Tensor | None, bias: Tensor | None, eps: float = 1e-5) -> Tensor:
    """Normalizes over the last axis to mean 0, variance 1 (population variance), then scales and shifts."""
    out = _normalize(x, eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def dropout(x: Tensor, p: float, generator: B.Generator) -> Tensor:
    """Zeroes each element with probability p and scales the rest by 1/(1-p), so the expectation is unchanged."""
    if p <= 0.0:
        return x
    keep = generator.uniform(x.shape, dtype=x.dtype, device=x.device) >= p
    return x * Tensor(B.astype(keep, x.dtype)) * (1.0 / (1.0 - p))


_causal_masks: dict[tuple[int, str], B.Array] = {}


def causal_mask(t: int, device: str | None = None):
    """(t, t) booleans: position i may look at positions j <= i (made once per size and device)."""
    device = device or B.default_device()
    mask = _causal_masks.get((t, device))
    if mask is None:
        rows = B.reshape(B.arange(t, device=device), (-1, 1))
        cols = B.reshape(B.arange(t, device=device), (1, -1))
        mask = _causal_masks[(t, device)] = B.realize(cols <= rows)
    return mask


def attention(q: Tensor, k: Tensor, v: Tensor, causal: bool = True) -> Tensor:
    """softmax(q kᵀ / sqrt(d)) v over the last two axes, each position seeing only earlier ones when causal."""
    scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
    if causal:
        scores = where(causal_mask(q.shape[-2], q.device), scores, -1e9)
    return softmax(scores, -1) @ v
