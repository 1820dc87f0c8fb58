"""Optimizers (SGD with momentum, Adam, AdamW), learning-rate schedules and gradient clipping.

Updates run outside the autograd graph, and step() realizes every new parameter and state array together in
one schedule, so lazy graphs do not grow from one step to the next.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from b2i.ml import backend as B
from b2i.ml.autograd import Tensor


class Optimizer:
    """Holds the parameters and the learning rate; subclasses say how one parameter is updated."""

    def __init__(self, params: Iterable[Tensor], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got no parameters")
        self.lr = lr
        self.steps = 0

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Updates every parameter; all the new values and optimizer state are computed in one schedule."""
        self.steps += 1
        for i, p in enumerate(self.params):
            if p.grad is not None:
                self.update(i, p, p.grad.data)
        B.realize_all(*(p.data for p in self.params), *self.state_arrays())

    def state_arrays(self) -> list[B.Array]:
        return []

    def _scalar(self, value: float, p: Tensor) -> B.Array:
        """Step-dependent numbers enter kernels as data, so changing them does not compile new kernels."""
        return B.scalar(value, p.dtype, p.device)

    def update(self, i: int, p: Tensor, g: B.Array) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """p -= lr * v, with v = momentum * v + g (plain gradient descent when momentum is 0)."""

    def __init__(self, params, lr: float = 0.01, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum, self.weight_decay = momentum, weight_decay
        self.velocity: dict[int, B.Array] = {}

    def update(self, i, p, g):
        if self.weight_decay:
            g = g + p.data * self.weight_decay
        if self.momentum:
            v = self.velocity.get(i)
            g = g if v is None else v * self.momentum + g
            self.velocity[i] = g
        p.data = p.data - g * self._scalar(self.lr, p)

    def state_arrays(self) -> list[B.Array]:
        return list(self.velocity.values())


class Adam(Optimizer):
    """Adam (Kingma & Ba): steps scaled by running estimates of the gradient's mean and square, bias-corrected.

    weight_decay adds decay * p to the gradient (L2, as in Adam); AdamW applies it to the weights directly.
    """

    decoupled = False

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(params, lr)
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay
        self.m: dict[int, B.Array] = {}
        self.v: dict[int, B.Array] = {}

    def update(self, i, p, g):
        if self.weight_decay and not self.decoupled:
            g = g + p.data * self.weight_decay
        m = self.m.get(i)
        v = self.v.get(i)
        m = g * (1 - self.beta1) if m is None else m * self.beta1 + g * (1 - self.beta1)
        v = g * g * (1 - self.beta2) if v is None else v * self.beta2 + g * g * (1 - self.beta2)
        self.m[i], self.v[i] = m, v
        correction1 = 1 - self.beta1**self.steps
        correction2 = 1 - self.beta2**self.steps
        step = m * self._scalar(self.lr / correction1, p) / (B.sqrt(v * self._scalar(1 / correction2, p)) + self.eps)
        data = p.data
        if self.decoupled and self.weight_decay:
            data = data * self._scalar(1 - self.lr * self.weight_decay, p)
        p.data = data - step

    def state_arrays(self) -> list[B.Array]:
        return [*self.m.values(), *self.v.values()]


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p *= 1 - lr * decay before each step."""

    decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.01):
        super().__init__(params, lr, betas, eps, weight_decay)


def clip_grad_norm(params: Iterable[Tensor], max_norm: float) -> float:
    """Scales all gradients together so their global L2 norm is at most max_norm; returns the norm before."""
    grads = [p for p in params if p.grad is not None]
    squares = [B.sum_(p.grad.data * p.grad.data) for p in grads]
    B.realize_all(*squares)
    total = math.sqrt(sum(float(B.to_numpy(s)) for s in squares))
    if total > max_norm:
        scale = max_norm / (total + 1e-6)
        for p in grads:
            p.grad = Tensor(p.grad.data * B.scalar(scale, p.dtype, p.device))  # computed with the next step
    return total


def warmup_cosine(step: int, total: int, base_lr: float, warmup: int = 0, min_lr: float = 0.0) -> float:
    """Linear warmup from 0 to base_lr over `warmup` steps, then a cosine decay to min_lr at `total`."""
    if step < warmup:
        return base_lr * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))


def cosine(step: int, total: int, base_lr: float, min_lr: float = 0.0) -> float:
    """Cosine decay from base_lr to min_lr over total steps."""
    return warmup_cosine(step, total, base_lr, 0, min_lr)
