"""A GPT-2-shaped language model: token and learned position embeddings, pre-LayerNorm transformer blocks with
causal attention and a GELU MLP, a final LayerNorm, and output logits that reuse the token embedding (tied).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field

import numpy as np
from b2i.ml import functional as F
from b2i.ml import nn, optim
from b2i.ml.autograd import Tensor, no_grad
from b2i.ml.progress import bar
from b2i.ml.tokenizer import Tokenizer


@dataclass
class GPTConfig:
    """The model's size; stored as JSON in checkpoints so `generate` can rebuild the model."""

    vocab_size: int = 512
    block_size: int = 64
    dim: int = 64
    heads: int = 4
    layers: int = 2
    dropout: float = 0.0


class GPT(nn.Module):
    """Token ids (B, T) -> next-token logits (B, T, vocab); see the module docstring for the architecture."""

    def __init__(self, config: GPTConfig, device: str | None = None) -> None:
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.dim, device=device)
        self.wpe = nn.Embedding(config.block_size, config.dim, device=device)
        self.blocks = [nn.TransformerBlock(config.dim, config.heads, config.dropout, device=device)
                       for _ in range(config.layers)]
        self.ln_f = nn.LayerNorm(config.dim, device=device)

    def forward(self, ids: np.ndarray) -> Tensor:
        """Token ids (B, T) -> logits (B, T, vocab)."""
        b, t = ids.shape
        if t > self.config.block_size:
            raise ValueError(f"sequence length {t} exceeds the block size {self.config.block_size}")
        x = self.wte(ids) + self.wpe.weight[:t]  # positions 0..t-1: a slice, whose gradient is a cheap pad
        for block in self.blocks:
            x = block(x)
        x = self.ln_f(x).reshape(b * t, -1)
        # Tied: the output layer is the token embedding. One 2-D product over all positions, so the weight's
        # gradient is one matrix product too, not one per sequence summed afterwards.
        return F.linear(x, self.wte.weight).reshape(b, t, -1)


@dataclass
class GPTHistory:
    """The loss of every training step and the average training speed."""

    losses: list[float] = field(default_factory=list)
    tokens_per_second: float = 0.0


def batches(tokens: np.ndarray, batch_size: int, block: int, rng: np.random.Generator):
    """Random windows of the token stream: inputs and the same windows shifted by one (the targets)."""
    starts = rng.integers(0, len(tokens) - block - 1, batch_size)
    x = np.stack([tokens[s : s + block] for s in starts])
    y = np.stack([tokens[s + 1 : s + block + 1] for s in starts])
    return x, y


def train(
    model: GPT,
    tokens: np.ndarray,
    steps: int = 300,
    batch_size: int = 16,
    lr: float = 6e-3,
    warmup: int = 20,
    seed: int = 0,
    log=print,
    log_every: int = 10,
) -> GPTHistory:
    """AdamW with warmup and cosine decay, gradient clipping at 1.0; prints progress every log_every steps."""
    block = model.config.block_size
    if len(tokens) < block + 2:
        raise ValueError(f"the text has {len(tokens)} tokens; training needs more than {block + 1}")
    opt = optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    rng = np.random.default_rng(seed)
    history = GPTHistory()
    start, t0, seen = time.perf_counter(), time.perf_counter(), 0
    for step in range(steps):
        opt.lr = optim.warmup_cosine(step, steps, lr, warmup, lr * 0.1)
        x, y = batches(tokens, batch_size, block, rng)
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        optim.clip_grad_norm(model.parameters(), 1.0)
        opt.step(loss)  # the loss is computed with the update
        history.losses.append(loss.item())
        seen += x.size
        if (step + 1) % log_every == 0 or step + 1 == steps:
            rate = seen / max(time.perf_counter() - t0, 1e-9)
            log(f"step {step + 1}/{steps} {bar(step + 1, steps)}  loss {np.mean(history.losses[-log_every:]):.4f}  "
                f"lr {opt.lr:.2e}  {rate:,.0f} tokens/s")
            t0, seen = time.perf_counter(), 0
    elapsed = time.perf_counter() - start
    history.tokens_per_second = steps * batch_size * block / max(elapsed, 1e-9)
    return history


def sample(
    model: GPT, tokenizer: Tokenizer, prompt: str, max_new: int = 100, temperature: float = 1.0,
    top_k: int | None = None, seed: int = 0,
) -> str:
    """Continues prompt one token at a time: softmax(logits / temperature) restricted to the top_k tokens."""
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    rng = np.random.default_rng(seed)
    ids = tokenizer.encode(prompt) or [tokenizer.encode("\n")[0]]
    model.eval()
    with no_grad():
        block = model.config.block_size
        for _ in range(max_new):
            # Always a full block (padded on the right: causal attention keeps the padding out of earlier
            # positions), so every step has the same shapes and reuses the same compiled kernels.
            window = ids[-block:]
            last = len(window) - 1
            padded = np.array([window + [0] * (block - len(window))])
            logits = model(padded)[0, last].numpy().astype(np.float64) / temperature
            if top_k is not None and top_k < len(logits):
                cutoff = np.sort(logits)[-top_k]
                logits = np.where(logits < cutoff, -np.inf, logits)
            p = np.exp(logits - logits.max())
            ids.append(int(rng.choice(len(p), p=p / p.sum())))
    model.train()
    return tokenizer.decode(ids)


def metadata(model: GPT, tokenizer: Tokenizer) -> dict[str, str]:
    return {"format": "b2i-gpt-1", "config": json.dumps(asdict(model.config)), "tokenizer": tokenizer.to_json()}


def evaluate_loss(model: GPT, tokens: np.ndarray, batch_size: int = 8, seed: int = 1) -> float:
    """Mean cross-entropy on batch_size random windows of tokens (text the model did not train on)."""
    x, y = batches(tokens, batch_size, model.config.block_size, np.random.default_rng(seed))
    model.eval()
    with no_grad():
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)).item()
    model.train()
    return loss

