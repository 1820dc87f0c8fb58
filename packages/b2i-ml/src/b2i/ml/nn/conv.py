"""2-D convolution and max pooling on (N, C, H, W) tensors, built from slicing, stacking and one matmul.

Conv2d gathers the k×k shifted (strided, dilated) views of the zero-padded input into columns ("im2col") and
multiplies them by the weights as one matrix product per group, so the backward pass is the autograd of slices
and a matmul. MaxPool2d gathers the same views of the input padded with -inf and takes their maximum.
The arguments and output sizes are PyTorch's (floor mode).
"""

from __future__ import annotations

import math

from b2i.ml import backend as B
from b2i.ml.autograd import Tensor, concatenate, stack
from b2i.ml.nn.module import Module, generator

Pair = int | tuple[int, int]


def _pair(value: Pair, name: str, least: int) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or any(not isinstance(v, int) or v < least for v in pair):
        raise ValueError(f"{name} must be an int >= {least} or a pair of them, not {value!r}")
    return pair


def pad2d(x: Tensor, p: Pair, value: float = 0.0) -> Tensor:
    """`value` (zeros by default) around the last two axes: p rows above and below, p columns left and right."""
    ph, pw = _pair(p, "padding", 0)
    n, c, h, w = x.shape
    if pw:
        side = Tensor(B.full((n, c, h, pw), value, dtype=x.dtype, device=x.device))
        x = concatenate([side, x, side], axis=3)
    if ph:
        top = Tensor(B.full((n, c, ph, w + 2 * pw), value, dtype=x.dtype, device=x.device))
        x = concatenate([top, x, top], axis=2)
    return x


def _windows(x: Tensor, kernel, stride, dilation) -> tuple[Tensor, int, int]:
    """(N, C, kh*kw, Ho, Wo): for each kernel position, the input values it meets at every output position."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    n, c, h, w = x.shape
    ho, wo = (h - dh * (kh - 1) - 1) // sh + 1, (w - dw * (kw - 1) - 1) // sw + 1
    if ho < 1 or wo < 1:
        raise ValueError(f"input of {h}x{w} (after padding) is smaller than the dilated kernel")
    shifted = [x[:, :, i * dh : i * dh + sh * (ho - 1) + 1 : sh, j * dw : j * dw + sw * (wo - 1) + 1 : sw]
               for i in range(kh) for j in range(kw)]
    return stack(shifted, axis=2), ho, wo


class Conv2d(Module):
    """Convolution with stride, zero padding, dilation and groups; weight (out, in/groups, kh, kw) initialized
    uniform in ±1/sqrt(fan_in) as PyTorch does."""

    def __init__(self, n_in: int, n_out: int, kernel: Pair, stride: Pair = 1, padding: Pair = 0,
                 dilation: Pair = 1, groups: int = 1, bias: bool = True, dtype: str = "float32", device=None):
        self.kernel = _pair(kernel, "kernel", 1)
        self.stride, self.padding = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
        self.dilation = _pair(dilation, "dilation", 1)
        if groups < 1 or n_in % groups or n_out % groups:
            raise ValueError(f"groups={groups} must divide both n_in={n_in} and n_out={n_out}")
        self.groups = groups
        kh, kw = self.kernel
        bound = 1.0 / math.sqrt(n_in // groups * kh * kw)
        shape = (n_out, n_in // groups, kh, kw)
        self.weight = Tensor(generator().uniform(shape, -bound, bound, dtype=dtype, device=device), requires_grad=True)
        self.bias = (Tensor(generator().uniform((n_out,), -bound, bound, dtype=dtype, device=device),
                            requires_grad=True) if bias else None)

    def forward(self, x: Tensor) -> Tensor:
        columns, ho, wo = _windows(pad2d(x, self.padding), self.kernel, self.stride, self.dilation)
        n, c = x.shape[:2]
        g, o = self.groups, self.weight.shape[0]
        kk = self.kernel[0] * self.kernel[1]
        # (N, C, kk, Ho, Wo) -> (G, N*Ho*Wo, C/G*kk): each group's columns, one row per output position
        columns = columns.reshape(n, g, c // g, kk, ho, wo).permute(1, 0, 4, 5, 2, 3).reshape(g, n * ho * wo, -1)
        weights = self.weight.reshape(g, o // g, -1).transpose(1, 2)  # (G, C/G*kk, O/G)
        out = (columns @ weights).reshape(g, n, ho, wo, o // g).permute(1, 0, 4, 2, 3).reshape(n, o, ho, wo)
        return out if self.bias is None else out + self.bias.reshape(1, o, 1, 1)


class MaxPool2d(Module):
    """The maximum of each kh×kw window (stride defaults to the kernel; padding counts as -inf, as in PyTorch)."""

    def __init__(self, kernel: Pair, stride: Pair | None = None, padding: Pair = 0, dilation: Pair = 1):
        self.kernel = _pair(kernel, "kernel", 1)
        self.stride = self.kernel if stride is None else _pair(stride, "stride", 1)
        self.padding, self.dilation = _pair(padding, "padding", 0), _pair(dilation, "dilation", 1)
        if any(2 * p > k for p, k in zip(self.padding, self.kernel, strict=True)):
            raise ValueError(f"padding {self.padding} must be at most half the kernel {self.kernel}")

    def forward(self, x: Tensor) -> Tensor:
        kh, kw = self.kernel
        if self.stride == self.kernel and self.padding == (0, 0) and self.dilation == (1, 1):  # whole blocks
            n, c, h, w = x.shape
            x = x[:, :, : h // kh * kh, : w // kw * kw]
            return x.reshape(n, c, h // kh, kh, w // kw, kw).max((3, 5))
        windows, _, _ = _windows(pad2d(x, self.padding, float("-inf")), self.kernel, self.stride, self.dilation)
        return windows.max(2)
