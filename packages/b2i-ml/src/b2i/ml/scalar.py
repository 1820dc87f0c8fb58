"""A scalar autograd engine and a tiny MLP built on it: the first step of the b2i-ml tutorial.

Every number is a `Value` that remembers which values produced it and how. `backward()` walks that graph in
reverse topological order and applies the chain rule, one local derivative at a time. The tensor engine in
`b2i.ml.autograd` does the same thing with whole arrays instead of single numbers.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable


class Value:
    """One scalar in a computation graph, with the gradient of the final output with respect to it."""

    __slots__ = ("data", "grad", "_backward", "_parents", "op")

    def __init__(self, data: float, parents: tuple[Value, ...] = (), op: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self._backward: Callable[[], None] = lambda: None
        self._parents = parents
        self.op = op

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    # Each operation computes its result and a closure that pushes result.grad back to its inputs.

    def __add__(self, other: Value | float) -> Value:
        other = _as_value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = _as_value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = backward
        return out

    def __pow__(self, exponent: float) -> Value:
        if isinstance(exponent, Value):
            raise TypeError("Value ** Value is not supported: use exp(log(a) * b)")
        out = Value(self.data**exponent, (self,), f"**{exponent}")

        def backward() -> None:
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = backward
        return out

    def exp(self) -> Value:
        out = Value(math.exp(self.data), (self,), "exp")

        def backward() -> None:
            self.grad += out.data * out.grad

        out._backward = backward
        return out

    def log(self) -> Value:
        out = Value(math.log(self.data), (self,), "log")

        def backward() -> None:
            self.grad += out.grad / self.data

        out._backward = backward
        return out

    def tanh(self) -> Value:
        out = Value(math.tanh(self.data), (self,), "tanh")

        def backward() -> None:
            self.grad += (1.0 - out.data * out.data) * out.grad

        out._backward = backward
        return out

    def relu(self) -> Value:
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def backward() -> None:
            self.grad += (1.0 if out.data > 0 else 0.0) * out.grad

        out._backward = backward
        return out

    # The rest are built from the operations above.

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-_as_value(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * _as_value(other) ** -1.0

    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return _as_value(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return _as_value(other) / self

    def backward(self) -> None:
        """Adds d(self)/d(leaf) to `.grad` of every leaf value this one depends on."""
        order: list[Value] = []
        seen: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:  # iterative depth-first search, so deep graphs do not hit the recursion limit
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((parent, False) for parent in node._parents if id(parent) not in seen)
        for node in order:  # intermediate results start fresh; leaves (parameters) accumulate across calls
            if node._parents:
                node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def _as_value(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x)


class Neuron:
    """A weighted sum of the inputs plus a bias, optionally through tanh."""

    def __init__(self, n_inputs: int, nonlinear: bool = True, rng: random.Random | None = None) -> None:
        rng = rng or random.Random(0)
        self.w = [Value(rng.uniform(-1, 1) / math.sqrt(n_inputs)) for _ in range(n_inputs)]
        self.b = Value(0.0)
        self.nonlinear = nonlinear

    def __call__(self, x: Iterable[Value | float]) -> Value:
        total = self.b
        for wi, xi in zip(self.w, x, strict=True):
            total = total + wi * xi
        return total.tanh() if self.nonlinear else total

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]


class Layer:
    """Several neurons that see the same inputs."""

    def __init__(self, n_inputs: int, n_outputs: int, nonlinear: bool = True, rng: random.Random | None = None):
        self.neurons = [Neuron(n_inputs, nonlinear, rng) for _ in range(n_outputs)]

    def __call__(self, x: list[Value | float]) -> list[Value]:
        return [neuron(x) for neuron in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    """Layers in a row; the last one is linear so it can output any real number."""

    def __init__(self, n_inputs: int, sizes: list[int], seed: int = 0) -> None:
        rng = random.Random(seed)
        dims = [n_inputs, *sizes]
        self.layers = [Layer(dims[i], dims[i + 1], i < len(sizes) - 1, rng) for i in range(len(sizes))]

    def __call__(self, x: list[Value | float]) -> list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0
