"""2-D convolution and max pooling on (N, C, H, W) tensors, built from slicing, stacking and one matmul.

Conv2d gathers the k×k shifted views of the (zero-padded) input into columns ("im2col") and multiplies them by
the weights as one matrix product, so the backward pass is the autograd of slices and a matmul.
"""

from __future__ import annotations

import math

from b2i.ml import backend as B
from b2i.ml.autograd import Tensor, concatenate, stack
from b2i.ml.nn.module import Module, generator


def pad2d(x: Tensor, p: int) -> Tensor:
    """Zeros around the last two axes."""
    if p == 0:
        return x
    n, c, h, w = x.shape
    side = Tensor(B.zeros((n, c, h, p), dtype=x.dtype, device=x.device))
    x = concatenate([side, x, side], axis=3)
    top = Tensor(B.zeros((n, c, p, w + 2 * p), dtype=x.dtype, device=x.device))
    return concatenate([top, x, top], axis=2)


class Conv2d(Module):
    """Stride-1 convolution with zero padding; weight (out, in, k, k) initialized as PyTorch does."""

    def __init__(self, n_in: int, n_out: int, kernel: int, padding: int = 0, dtype: str = "float32", device=None):
        bound = 1.0 / math.sqrt(n_in * kernel * kernel)
        shape = (n_out, n_in, kernel, kernel)
        self.weight = Tensor(generator().uniform(shape, -bound, bound, dtype=dtype, device=device), requires_grad=True)
        self.bias = Tensor(generator().uniform((n_out,), -bound, bound, dtype=dtype, device=device), requires_grad=True)
        self.kernel, self.padding = kernel, padding

    def forward(self, x: Tensor) -> Tensor:
        x = pad2d(x, self.padding)
        n, c, h, w = x.shape
        k = self.kernel
        ho, wo = h - k + 1, w - k + 1
        shifted = [x[:, :, i : i + ho, j : j + wo] for i in range(k) for j in range(k)]
        columns = stack(shifted, axis=2).permute(0, 3, 4, 1, 2).reshape(n * ho * wo, c * k * k)
        out = columns @ self.weight.reshape(self.weight.shape[0], c * k * k).T + self.bias
        return out.reshape(n, ho, wo, -1).permute(0, 3, 1, 2)


class MaxPool2d(Module):
    """The maximum of each k×k block (stride k); rows and columns that do not fill a block are dropped."""

    def __init__(self, kernel: int):
        self.kernel = kernel

    def forward(self, x: Tensor) -> Tensor:
        n, c, h, w = x.shape
        k = self.kernel
        x = x[:, :, : h // k * k, : w // k * k]
        return x.reshape(n, c, h // k, k, w // k, k).max((3, 5))
