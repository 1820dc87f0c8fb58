"""Our own random numbers: counter-based, so every backend draws the same values.

The n-th number of a draw is a pure function of (key, n): splitmix64's finalizer applied to
key + n * golden. No state moves between elements, so a kernel can compute any element on its own, in C or
in numpy, in any order. A Generator only hands out a fresh key per draw.
"""

from __future__ import annotations

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB


def mix64(z: int) -> int:
    """splitmix64's output function: a bijection on 64-bit integers that scrambles every bit."""
    z &= MASK
    z = ((z ^ (z >> 30)) * MIX1) & MASK
    z = ((z ^ (z >> 27)) * MIX2) & MASK
    return z ^ (z >> 31)


def bits(key: int, counter: int) -> int:
    """The 64 random bits of element `counter` of the draw with `key`."""
    return mix64(key + counter * GOLDEN)


class Generator:
    """A seeded source of draw keys: the same seed gives the same sequence of tensors on every device."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.draws = 0

    def next_key(self) -> int:
        key = mix64(mix64(self.seed * GOLDEN + 1) + self.draws)
        self.draws += 1
        return key


default_generator = Generator(0)


def manual_seed(seed: int) -> Generator:
    """Reset the default generator (used when neither seed= nor generator= is given)."""
    default_generator.seed, default_generator.draws = seed, 0
    return default_generator
