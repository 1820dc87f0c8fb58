"""The Module base class: parameters and sub-modules found by looking at attributes, train/eval mode, and
state dictionaries (name -> numpy array) for checkpoints.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from b2i.ml import backend as B
from b2i.ml.autograd import Tensor

_generator = B.Generator(0)


def manual_seed(seed: int) -> None:
    """Seeds the generator that initializes new layers' weights and draws dropout masks."""
    global _generator
    _generator = B.Generator(seed)


def generator() -> B.Generator:
    return _generator


class Module:
    """A layer or model. Tensors that require grad are parameters; tensors named in `buffers` are saved state
    that is not trained (BatchNorm's running statistics); Modules (also inside lists) are children.
    """

    training: bool = True
    buffers: tuple[str, ...] = ()

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError

    def children(self) -> Iterator[tuple[str, Module]]:
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """Every parameter once (a tensor shared by two modules, like tied embeddings, only under its first name)."""
        seen: set[int] = set()
        for name, tensor in self._named_tensors(prefix, buffers=False):
            if id(tensor) not in seen:
                seen.add(id(tensor))
                yield name, tensor

    def _named_tensors(self, prefix: str, buffers: bool) -> Iterator[tuple[str, Tensor]]:
        for name, value in vars(self).items():
            if isinstance(value, Tensor) and (value.requires_grad or (buffers and name in self.buffers)):
                yield prefix + name, value
        for name, child in self.children():
            yield from child._named_tensors(f"{prefix}{name}.", buffers)

    def parameters(self) -> list[Tensor]:
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> Module:
        self.training = mode
        for _, child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def to(self, device: str) -> Module:
        """Moves every parameter and buffer to a device ("numpy", "c", ...)."""
        for _, tensor in self._named_tensors("", buffers=True):
            tensor.data = B.asarray(tensor.data, device=device)
        return self

    def state_dict(self) -> dict[str, np.ndarray]:
        """Parameters and buffers by dotted name, as numpy arrays (tied tensors appear under each name)."""
        return {name: np.array(tensor.numpy()) for name, tensor in self._named_tensors("", buffers=True)}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copies arrays into this module's tensors; names and shapes must match exactly."""
        mine = dict(self._named_tensors("", buffers=True))
        missing, unexpected = sorted(set(mine) - set(state)), sorted(set(state) - set(mine))
        if missing or unexpected:
            raise KeyError(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
        for name, tensor in mine.items():
            value = np.asarray(state[name])
            if tuple(value.shape) != tensor.shape:
                raise ValueError(f"{name}: shape {tuple(value.shape)} does not match {tensor.shape}")
            tensor.data = B.asarray(value.astype(tensor.dtype), device=tensor.device)

    def num_parameters(self) -> int:
        return sum(int(np.prod(p.shape)) for p in self.parameters())
