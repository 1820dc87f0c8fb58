"""Causal self-attention and the pre-LayerNorm transformer block of GPT-2."""

from __future__ import annotations

from b2i.ml import functional as F
from b2i.ml.autograd import Tensor
from b2i.ml.nn.layers import GELU, Dropout, LayerNorm, Linear
from b2i.ml.nn.module import Module


class CausalSelfAttention(Module):
    """Each position mixes the values of earlier positions, weighted by query-key similarity, in `heads` heads."""

    def __init__(self, dim: int, heads: int, dropout: float = 0.0, dtype: str = "float32", device=None):
        if dim % heads:
            raise ValueError(f"dim {dim} is not a multiple of heads {heads}")
        self.qkv = Linear(dim, 3 * dim, dtype=dtype, device=device)
        self.proj = Linear(dim, dim, dtype=dtype, device=device)
        self.heads = heads
        self.dropout = Dropout(dropout)

    def forward(self, x: Tensor) -> Tensor:
        b, t, d = x.shape
        h = self.heads
        qkv = self.qkv(x).reshape(b, t, 3, h, d // h).permute(2, 0, 3, 1, 4)  # (3, B, heads, T, head dim)
        y = F.attention(qkv[0], qkv[1], qkv[2], causal=True)
        return self.dropout(self.proj(y.permute(0, 2, 1, 3).reshape(b, t, d)))


class TransformerBlock(Module):
    """x + attention(LayerNorm(x)), then x + MLP(LayerNorm(x)) with a 4× wide GELU MLP."""

    def __init__(self, dim: int, heads: int, dropout: float = 0.0, dtype: str = "float32", device=None):
        self.ln1 = LayerNorm(dim, dtype=dtype, device=device)
        self.attn = CausalSelfAttention(dim, heads, dropout, dtype, device)
        self.ln2 = LayerNorm(dim, dtype=dtype, device=device)
        self.fc = Linear(dim, 4 * dim, dtype=dtype, device=device)
        self.act = GELU()
        self.out = Linear(4 * dim, dim, dtype=dtype, device=device)
        self.dropout = Dropout(dropout)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.dropout(self.out(self.act(self.fc(self.ln2(x)))))
