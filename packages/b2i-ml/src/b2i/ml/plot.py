"""A loss curve as a PNG, drawn pixel by pixel with numpy and written by our own PNG writer."""

from __future__ import annotations

import math
import os

import numpy as np
from b2i.ml.data.png import write_png

# 3x5 pixel digits and a few signs, for axis labels
GLYPHS = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
    "8": "111101111101111", "9": "111101111001111", ".": "000000000000010", "-": "000000111000000",
    "e": "000111101110111",
}


def _text(image: np.ndarray, x: int, y: int, text: str, color=(60, 60, 60)) -> None:
    for ch in text:
        glyph = GLYPHS.get(ch)
        if glyph:
            bits = np.array([int(b) for b in glyph], bool).reshape(5, 3)
            region = image[y : y + 5, x : x + 3]
            region[bits[: region.shape[0], : region.shape[1]]] = color
        x += 4


def _line(image: np.ndarray, x0: float, y0: float, x1: float, y1: float, color) -> None:
    steps = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
    xs = np.rint(np.linspace(x0, x1, steps + 1)).astype(int)
    ys = np.rint(np.linspace(y0, y1, steps + 1)).astype(int)
    ok = (xs >= 0) & (xs < image.shape[1]) & (ys >= 0) & (ys < image.shape[0])
    image[ys[ok], xs[ok]] = color


def loss_curve(path: str | os.PathLike, losses: list[float], width: int = 320, height: int = 200) -> None:
    """Draws losses (one per step) against the step number, with the y range labelled, and saves a PNG."""
    image = np.full((height, width, 3), 255, np.uint8)
    left, right, top, bottom = 28, width - 8, 8, height - 14
    image[top:bottom, left] = image[bottom, left:right] = (0, 0, 0)
    values = [v for v in losses if math.isfinite(v)]
    if len(values) >= 2:
        lo, hi = min(values), max(values)
        hi = hi if hi > lo else lo + 1.0
        xs = np.linspace(left + 1, right - 1, len(values))
        ys = bottom - 1 - (np.array(values) - lo) / (hi - lo) * (bottom - top - 2)
        for i in range(len(values) - 1):
            _line(image, xs[i], ys[i], xs[i + 1], ys[i + 1], (31, 119, 180))
        _text(image, 2, top, f"{hi:.2f}"[:6])
        _text(image, 2, bottom - 5, f"{lo:.2f}"[:6])
        _text(image, right - 4 * len(str(len(values))), bottom + 4, str(len(values)))
    _text(image, left, bottom + 4, "0")
    write_png(path, image)
