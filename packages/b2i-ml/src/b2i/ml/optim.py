"""Optimizers (SGD with momentum, Adam, AdamW), learning-rate schedules and gradient clipping.

Updates run outside the autograd graph. Building the lazy graph of an update is Python work paid on every
step, and every kernel costs a launch, so the parameters of one dtype and device are updated together as one
flat array: their gradients are concatenated, the update (and the optimizer's state, such as Adam's moments)
is one elementwise expression over the flat arrays, and afterwards each parameter's data is a view into the new
flat array. A model with many small parameters then takes a handful of kernels per step, not a few per
parameter. Fixed numbers are arrays made once and reused by every step, and the numbers that change with the
step (learning rate, bias corrections) are folded into as few 0-d arrays as possible.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from b2i.ml import backend as B
from b2i.ml.autograd import Tensor


def _flatten(arrays: list[B.Array]) -> B.Array:
    """One 1-D array holding the arrays one after another (no copy for a single array)."""
    if len(arrays) == 1:
        return B.reshape(arrays[0], (-1,))
    return B.concatenate([B.reshape(a, (-1,)) for a in arrays])


class _Group:
    """Parameters of one dtype and device that have gradients, updated as one flat array.

    `data` is the flat array the last step computed and `views` the per-parameter views of it that step gave
    the parameters; while every parameter still holds its view, the next step starts from `data` without a copy.
    `state` holds the optimizer's flat arrays (Adam's m and v), in the same layout.
    """

    def __init__(self, members: tuple[int, ...], sizes: list[int], dtype: str, device: str) -> None:
        self.members, self.dtype, self.device = members, dtype, device
        self.spans: dict[int, tuple[int, int]] = {}  # parameter index -> (start, size) in the flat arrays
        start = 0
        for i, n in zip(members, sizes, strict=True):
            self.spans[i] = (start, n)
            start += n
        self.data: B.Array | None = None
        self.views: list[B.Array] = []
        self.state: dict[str, B.Array] = {}

    def flat_data(self, params: list[Tensor]) -> B.Array:
        if self.data is not None and all(p.data is v for p, v in zip(params, self.views, strict=True)):
            return self.data
        return _flatten([p.data for p in params])

    def give_views(self, params: list[Tensor]) -> None:
        """Points each parameter at its part of the new flat data."""
        if len(params) == 1:
            self.views = [B.reshape(self.data, params[0].shape)]
        else:
            self.views = [B.reshape(self.data[start : start + n], p.shape)
                          for p, (start, n) in zip(params, self.spans.values(), strict=True)]
        for p, view in zip(params, self.views, strict=True):
            p.data = view


class Optimizer:
    """Holds the parameters and the learning rate; subclasses say how a flat array of parameters is updated.

    Parameters are grouped by dtype, device and how many updates they have had (a parameter that had no
    gradient in some step is behind, as in PyTorch, where each parameter counts its own steps); in a normal
    training loop that is one group per dtype and device, updated the same way step after step.
    """

    def __init__(self, params: Iterable[Tensor], lr: float) -> None:
        self.params = list({id(p): p for p in params}.values())  # each tensor once (tied weights)
        if not self.params:
            raise ValueError("optimizer got no parameters")
        self.lr = lr
        self.counts = [0] * len(self.params)  # updates each parameter has had
        self._groups: dict[tuple[int, ...], _Group] = {}  # members -> their group, kept while it is reused
        self._parked: dict[tuple[str, int], B.Array] = {}  # (state name, parameter) -> state outside any group
        self._numbers: dict[tuple, B.Array] = {}  # (value, dtype, device) -> a 0-d data array, this step's
        self._last_numbers: dict[tuple, B.Array] = {}  # the previous step's, reused when a value is unchanged

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self, *also: Tensor) -> None:
        """Updates every parameter that has a gradient. The gradients, new values and state, and the tensors in
        `also` (say the loss and the logits, to report them) are computed in one schedule, so the forward and
        backward work they share is done once."""
        self._last_numbers, self._numbers = self._numbers, {}
        members: dict[tuple[str, str, int], list[int]] = {}
        for i, p in enumerate(self.params):
            if p.grad is not None:
                self.counts[i] += 1
                members.setdefault((p.dtype, p.device, self.counts[i]), []).append(i)
        updated = []
        for (dtype, device, count), indices in members.items():
            group = self._group(tuple(indices), dtype, device)
            params = [self.params[i] for i in indices]
            grad = _flatten([p.grad.data for p in params])
            group.data = self.update(group.state, group.flat_data(params), grad, count)
            updated.append((group, params))
        B.realize_all(*(g.data for g, _ in updated), *(s for g, _ in updated for s in g.state.values()),
                      *(t.data for t in also))
        for group, params in updated:
            group.give_views(params)

    def _group(self, members: tuple[int, ...], dtype: str, device: str) -> _Group:
        """The group of these parameters: the one from earlier steps, or a new one. Groups that share a member
        with a new one are dissolved first, their state parked per parameter until it is needed again."""
        group = self._groups.get(members)
        if group is not None and (group.dtype, group.device) == (dtype, device):
            return group
        for key in [key for key in self._groups if not set(key).isdisjoint(members)]:
            old = self._groups.pop(key)
            for name, flat in old.state.items():
                for i, (start, n) in old.spans.items():
                    self._parked[(name, i)] = flat[start : start + n]
        group = _Group(members, [math.prod(self.params[i].shape) for i in members], dtype, device)
        self._groups[members] = group
        for name in sorted({name for name, i in self._parked if i in group.spans}):
            pieces = [self._parked.pop((name, i), None) for i in members]
            group.state[name] = _flatten([  # state kept from before a move (Module.to) follows the parameter
                B.zeros((n,), dtype, device) if piece is None else B.asarray(piece, dtype, device)
                for piece, (_, n) in zip(pieces, group.spans.values(), strict=True)])
        return group

    def _constant(self, value: float, x: B.Array) -> B.Array:
        """A fixed number (a beta, a momentum) as a constant broadcast to x's shape, made once (it is code in the
        kernel, exactly like a Python number, without a new graph node on every step)."""
        return B.constant(value, x)

    def _number(self, value: float, x: B.Array) -> B.Array:
        """A number that changes with the step as a 0-d array of data, so a new value does not compile a new
        kernel; made once per step and value, and shared by every group of x's dtype and device."""
        key = (value, x.dtype, x.device)
        a = self._numbers.get(key)
        if a is None:
            a = self._last_numbers.get(key)
            if a is None:
                a = B.scalar(value, B.dtype_name(x), x.device)
            self._numbers[key] = a
        return a

    def update(self, state: dict[str, B.Array], data: B.Array, g: B.Array, count: int) -> B.Array:
        """The new flat parameters from the flat data and gradient, at the parameters' count-th update; `state`
        (a missing entry means zeros) is updated in place."""
        raise NotImplementedError


class SGD(Optimizer):
    """p -= lr * v, with v = momentum * v + g (plain gradient descent when momentum is 0)."""

    def __init__(self, params, lr: float = 0.01, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum, self.weight_decay = momentum, weight_decay

    def update(self, state, data, g, count):
        if self.weight_decay:
            g = g + data * self._constant(self.weight_decay, data)
        if self.momentum:
            v = state.get("velocity")
            g = g if v is None else v * self._constant(self.momentum, data) + g
            state["velocity"] = g
        return data - g * self._number(self.lr, data)


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

    def update(self, state, data, g, count):
        if self.weight_decay and not self.decoupled:
            g = g + data * self._constant(self.weight_decay, data)
        m, v = state.get("m"), state.get("v")
        g_part = g * self._constant(1 - self.beta1, data)
        m = g_part if m is None else m * self._constant(self.beta1, data) + g_part
        g2_part = g * g * self._constant(1 - self.beta2, data)
        v = g2_part if v is None else v * self._constant(self.beta2, data) + g2_part
        state["m"], state["v"] = m, v
        step_size = self._number(self.lr / (1 - self.beta1**count), data)
        inverse_c2 = self._number(1 / (1 - self.beta2**count), data)
        step = m * step_size / (B.sqrt(v * inverse_c2) + self._constant(self.eps, data))
        if self.decoupled and self.weight_decay:
            data = data * self._number(1 - self.lr * self.weight_decay, data)
        return data - step


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p *= 1 - lr * decay before each step."""

    decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.01):
        super().__init__(params, lr, betas, eps, weight_decay)


def clip_grad_norm(params: Iterable[Tensor], max_norm: float) -> float:
    """Scales all gradients together so their global L2 norm is at most max_norm; returns the norm before."""
    grads = [p for p in params if p.grad is not None]
    squares = [B.sum_(p.grad.data * p.grad.data) for p in grads]
    B.realize_all(*squares, *(p.grad.data for p in grads))  # the gradients too, so step() does not redo them
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
