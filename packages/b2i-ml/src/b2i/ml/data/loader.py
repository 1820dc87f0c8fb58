"""Batching arrays for training: fixed-size batches, in order or shuffled with a seeded generator."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


class DataLoader:
    """Yields tuples of aligned slices of `arrays` (all with the same first dimension), `batch_size` rows each.

    With shuffle, each pass draws a new permutation from a generator seeded once, so two loaders with the same
    seed give the same batches in the same order, epoch after epoch.
    """

    def __init__(
        self, *arrays: np.ndarray, batch_size: int = 32, shuffle: bool = False, seed: int = 0, drop_last: bool = False
    ) -> None:
        if not arrays:
            raise ValueError("DataLoader needs at least one array")
        lengths = {len(a) for a in arrays}
        if len(lengths) != 1:
            raise ValueError(f"arrays have different lengths: {sorted(lengths)}")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.arrays = arrays
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.rng = np.random.default_rng(seed)
        self.n = lengths.pop()

    def __len__(self) -> int:
        return self.n // self.batch_size if self.drop_last else -(-self.n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[np.ndarray, ...]]:
        order = self.rng.permutation(self.n) if self.shuffle else np.arange(self.n)
        for batch in range(len(self)):
            index = order[batch * self.batch_size : (batch + 1) * self.batch_size]
            yield tuple(np.asarray(a)[index] for a in self.arrays)
