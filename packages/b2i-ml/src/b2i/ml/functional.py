"""Neural-network functions built from the autograd primitives, so their gradients come for free.

The numerically delicate ones subtract the row maximum first: exp() then never overflows, and since
softmax(x) = softmax(x - c) for any constant c the maximum can be treated as a constant (detached).
"""

from __future__ import annotations

import math

from b2i.ml import backend as B
from b2i.ml.autograd import Tensor, where


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    shifted = x - x.detach().max(axis, keepdims=True)
    e = shifted.exp()
    return e / e.sum(axis, keepdims=True)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    shifted = x - x.detach().max(axis, keepdims=True)
    return shifted - shifted.exp().sum(axis, keepdims=True).log()


def one_hot(labels, classes: int, dtype: str = "float32", device: str | None = None) -> Tensor:
    """(N,) integer labels -> (N, classes) rows of zeros with a one at the label."""
    labels = labels.data if isinstance(labels, Tensor) else B.asarray(labels, dtype="int64", device=device)
    hits = B.reshape(labels, (-1, 1)) == B.reshape(B.arange(classes, device=B.device_of(labels)), (1, -1))
    return Tensor(B.astype(hits, dtype))


def cross_entropy(logits: Tensor, labels) -> Tensor:
    """Mean negative log-likelihood of integer labels under softmax(logits); logits (N, C), labels (N,)."""
    n, classes = logits.shape
    picked = log_softmax(logits) * one_hot(labels, classes, logits.dtype, logits.device)
    return -picked.sum() / float(n)


def mse(prediction: Tensor, target: Tensor) -> Tensor:
    diff = prediction - target
    return (diff * diff).mean()


def gelu(x: Tensor) -> Tensor:
    """GELU with GPT-2's tanh approximation."""
    return 0.5 * x * (1.0 + (math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)).tanh())


def layer_norm(x: Tensor, weight: Tensor | None, bias: Tensor | None, eps: float = 1e-5) -> Tensor:
    """Normalizes over the last axis to mean 0, variance 1, then scales and shifts."""
    centered = x - x.mean(-1, keepdims=True)
    out = centered / ((centered * centered).mean(-1, keepdims=True) + eps).sqrt()
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


def causal_mask(t: int, device: str | None = None):
    """(t, t) booleans: position i may look at positions j <= i."""
    rows = B.reshape(B.arange(t, device=device), (-1, 1))
    cols = B.reshape(B.arange(t, device=device), (1, -1))
    return cols <= rows


def attention(q: Tensor, k: Tensor, v: Tensor, causal: bool = True) -> Tensor:
    """softmax(q kᵀ / sqrt(d)) v over the last two axes, each position seeing only earlier ones when causal."""
    scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
    if causal:
        scores = where(causal_mask(q.shape[-2], q.device), scores, -1e9)
    return softmax(scores, -1) @ v
