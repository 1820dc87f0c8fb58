"""The everyday layers: Linear, Embedding, normalization, dropout, activations and Sequential."""

from __future__ import annotations

import math

from b2i.ml import backend as B
from b2i.ml import functional as F
from b2i.ml.autograd import Tensor, no_grad
from b2i.ml.nn.module import Module, generator


def _uniform(shape: tuple[int, ...], bound: float, dtype: str, device: str | None) -> Tensor:
    data = generator().uniform(shape, -bound, bound, dtype=dtype, device=device)
    return Tensor(data, requires_grad=True)


class Linear(Module):
    """y = x Wᵀ + b with W of shape (out, in), initialized uniform in ±1/sqrt(in) as PyTorch does."""

    def __init__(self, n_in: int, n_out: int, bias: bool = True, dtype: str = "float32", device: str | None = None):
        bound = 1.0 / math.sqrt(n_in)
        self.weight = _uniform((n_out, n_in), bound, dtype, device)
        self.bias = _uniform((n_out,), bound, dtype, device) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        lead = x.shape[:-1]
        flat = x.reshape(-1, x.shape[-1]) if len(lead) != 1 else x  # one 2-D product, whatever the batch axes
        y = F.linear(flat, self.weight, self.bias)
        return y.reshape(*lead, y.shape[-1]) if len(lead) != 1 else y


class Embedding(Module):
    """A table of vectors looked up by integer id."""

    def __init__(self, count: int, dim: int, std: float = 0.02, dtype: str = "float32", device: str | None = None):
        self.weight = Tensor(generator().normal((count, dim), dtype=dtype, device=device) * std, requires_grad=True)

    def forward(self, ids) -> Tensor:
        return self.weight.take(ids)


class LayerNorm(Module):
    def __init__(self, dim: int, eps: float = 1e-5, dtype: str = "float32", device: str | None = None):
        self.weight = Tensor(B.ones((dim,), dtype=dtype, device=device), requires_grad=True)
        self.bias = Tensor(B.zeros((dim,), dtype=dtype, device=device), requires_grad=True)
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.weight, self.bias, self.eps)


class BatchNorm1d(Module):
    """Normalizes each feature of (N, C) inputs by batch statistics while training, by running ones in eval."""

    buffers = ("running_mean", "running_var")

    def __init__(self, dim: int, eps: float = 1e-5, momentum: float = 0.1, dtype: str = "float32", device=None):
        self.weight = Tensor(B.ones((dim,), dtype=dtype, device=device), requires_grad=True)
        self.bias = Tensor(B.zeros((dim,), dtype=dtype, device=device), requires_grad=True)
        self.running_mean = Tensor(B.zeros((dim,), dtype=dtype, device=device))
        self.running_var = Tensor(B.ones((dim,), dtype=dtype, device=device))
        self.eps, self.momentum = eps, momentum

    def forward(self, x: Tensor) -> Tensor:
        if self.training:
            mean = x.mean(0)
            var = x.var(0)
            n = x.shape[0]
            with no_grad():
                m = self.momentum
                unbiased = var.data * (n / max(n - 1, 1))
                self.running_mean.data = B.realize(self.running_mean.data * (1 - m) + mean.data * m)
                self.running_var.data = B.realize(self.running_var.data * (1 - m) + unbiased * m)
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean) / (var + self.eps).sqrt() * self.weight + self.bias


class Dropout(Module):
    def __init__(self, p: float = 0.1):
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, generator()) if self.training else x


class ReLU(Module):
    def forward(self, x: Tensor) -> Tensor:
        return x.relu()


class GELU(Module):
    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x)


class Tanh(Module):
    def forward(self, x: Tensor) -> Tensor:
        return x.tanh()


class Sequential(Module):
    def __init__(self, *layers: Module):
        self.layers = list(layers)

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = layer(x)
        return x
