"""Optimizers (SGD with momentum, Adam, AdamW), learning-rate schedules and gradient clipping.

Updates run outside the autograd graph, and step() realizes every new parameter and state array together in
one schedule, so lazy graphs do not grow from one step to the next. Building that graph is Python work paid on
every step, so each update is written as the shortest elementwise expression (it fuses into one kernel per
parameter either way), fixed numbers are arrays made once and reused by every step, and the numbers that change
with the step (learning rate, bias corrections) are folded into as few 0-d arrays as possible, shared by all
parameters.
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
        self._constants: dict[tuple, B.Array] = {}  # (value, shape, dtype, device) -> a broadcast 0-d constant
        self._numbers: dict[tuple, B.Array] = {}  # (value, dtype, device) -> a 0-d data array, this step's
        self._last_numbers: dict[tuple, B.Array] = {}  # the previous step's, reused when a value is unchanged

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Updates every parameter; all the new values and optimizer state are computed in one schedule."""
        self.steps += 1
        self._last_numbers, self._numbers = self._numbers, {}
        for i, p in enumerate(self.params):
            if p.grad is not None:
                self.update(i, p, p.grad.data)
        B.realize_all(*(p.data for p in self.params), *self.state_arrays())

    def state_arrays(self) -> list[B.Array]:
        return []

    def _constant(self, value: float, x: B.Array) -> B.Array:
        """A fixed number (a beta, a momentum) as a constant already broadcast to x's shape, made once: it is
        code in the kernel, exactly like a Python number, without a new graph node on every step."""
        key = (value, x.shape, x.dtype, x.device)
        c = self._constants.get(key)
        if c is None:
            c = self._constants[key] = B.broadcast_to(B.full((), value, B.dtype_name(x), x.device), x.shape)
        return c

    def _number(self, value: float, x: B.Array) -> B.Array:
        """A number that changes with the step as a 0-d array of data, so a new value does not compile a new
        kernel; made once per step and value, and shared by every parameter of x's dtype and device."""
        key = (value, x.dtype, x.device)
        a = self._numbers.get(key)
        if a is None:
            a = self._last_numbers.get(key)
            if a is None:
                a = B.scalar(value, B.dtype_name(x), x.device)
            self._numbers[key] = a
        return a

    def update(self, i: int, p: Tensor, g: B.Array) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """p -= lr * v, with v = momentum * v + g (plain gradient descent when momentum is 0)."""

    def __init__(self, params, lr: float = 0.01, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum, self.weight_decay = momentum, weight_decay
        self.velocity: dict[int, B.Array] = {}

    def update(self, i, p, g):
        data = p.data
        if self.weight_decay:
            g = g + data * self._constant(self.weight_decay, data)
        if self.momentum:
            v = self.velocity.get(i)
            g = g if v is None else v * self._constant(self.momentum, data) + g
            self.velocity[i] = g
        p.data = data - g * self._number(self.lr, data)

    def state_arrays(self) -> list[B.Array]:
        return list(self.velocity.values())


class Adam(Optimizer):
    """Adam (Kingma & Ba): steps scaled by running estimates of the gradient's mean and square, bias-corrected.

    weight_decay adds decay * p to the gradient (L2, as in Adam); AdamW applies it to the weights directly.
    Per parameter: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, p -= lr/c1 * m / (sqrt(v / c2) + eps),
    with c = 1 - b^t; lr/c1 and 1/c2 are the step's two numbers.
    """

    decoupled = False

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(params, lr)
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay
        self.m: dict[int, B.Array] = {}
        self.v: dict[int, B.Array] = {}

    def update(self, i, p, g):
        data = p.data
        if self.weight_decay and not self.decoupled:
            g = g + data * self._constant(self.weight_decay, data)
        m, v = self.m.get(i), self.v.get(i)
        g_part = g * self._constant(1 - self.beta1, data)
        m = g_part if m is None else m * self._constant(self.beta1, data) + g_part
        g2_part = g * g * self._constant(1 - self.beta2, data)
        v = g2_part if v is None else v * self._constant(self.beta2, data) + g2_part
        self.m[i], self.v[i] = m, v
        step_size = self._number(self.lr / (1 - self.beta1**self.steps), data)
        inverse_c2 = self._number(1 / (1 - self.beta2**self.steps), data)
        step = m * step_size / (B.sqrt(v * inverse_c2) + self._constant(self.eps, data))
        if self.decoupled and self.weight_decay:
            data = data * self._number(1 - self.lr * self.weight_decay, data)
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
