"""Introspection: what the scheduler and the backends did, as counters and (with B2I_DEBUG) as printed text.

B2I_DEBUG=1 prints one line per kernel run; 2 adds the schedule; 3 adds each kernel's C source; 4 the graph.
The same counters are kept in `stats` whatever the level, so tests can assert how much fused.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, fields


@dataclass
class Stats:
    """Counters since the last reset: kernels run, kernels compiled, compile-cache hits, bytes read+written."""

    kernels: int = 0
    compiled: int = 0
    cache_hits: int = 0
    bytes_moved: int = 0
    realizes: int = 0

    def reset(self) -> None:
        for f in fields(self):
            setattr(self, f.name, 0)

    def snapshot(self) -> Stats:
        return Stats(**{f.name: getattr(self, f.name) for f in fields(self)})


class Settings:
    """Process-wide knobs: `debug` level (from B2I_DEBUG) and the `default_device` (from B2I_DEVICE)."""

    def __init__(self) -> None:
        self.debug = int(os.environ.get("B2I_DEBUG", "0") or 0)
        self.default_device = os.environ.get("B2I_DEVICE", "numpy")


stats = Stats()
settings = Settings()


def log(level: int, text: str) -> None:
    if settings.debug >= level:
        print(text, file=sys.stderr, flush=True)


@contextmanager
def counting():
    """`with counting() as c: ...` gives the counters of the work done inside the block only."""
    before = stats.snapshot()
    delta = Stats()
    try:
        yield delta
    finally:
        for f in fields(Stats):
            setattr(delta, f.name, getattr(stats, f.name) - getattr(before, f.name))
