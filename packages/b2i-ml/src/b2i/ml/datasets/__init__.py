"""Data sets that need no download: UCI handwritten digits shipped in this package, MNIST from a folder of IDX
files, and a text corpus taken from CPython's own documentation.

`digits.csv.gz` is the UCI 8×8 digits set (Alpaydin & Kaynak, CC BY 4.0; see NOTICE.md beside it).
"""

from __future__ import annotations

import gzip
import os
from importlib import resources
from pathlib import Path

import numpy as np
from b2i.ml.data.csv import parse_records, read_csv
from b2i.ml.data.errors import DataError
from b2i.ml.data.idx import read_idx

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 UCI digits: images (1797, 64) float32 scaled to [0, 1], labels (1797,) int64."""
    source = resources.files(__name__).joinpath("digits.csv.gz")
    text = gzip.decompress(source.read_bytes()).decode("ascii")
    rows = [[int(v) for v in row] for _, row in parse_records(text, "digits.csv.gz")]
    table = np.array(rows, dtype=np.int64)
    return (table[:, :64] / 16.0).astype(np.float32), table[:, 64]


def load_mnist(folder: str | os.PathLike) -> dict[str, np.ndarray]:
    """MNIST's four IDX files from folder (each may end in .gz): images (n, 784) float32 in [0, 1], labels int64."""
    out = {}
    for key, name in MNIST_FILES.items():
        candidates = [Path(folder) / name, Path(folder) / (name + ".gz"), Path(folder) / name.replace("-idx", ".idx")]
        path = next((p for p in candidates if p.exists()), None)
        if path is None:
            raise DataError(folder, "", f"no {name} or {name}.gz in this folder (MNIST's four IDX files)")
        array = read_idx(path)
        if key.endswith("images"):
            if array.ndim != 3:
                raise DataError(path, "byte 3", f"expected 3 dimensions (images), found {array.ndim}")
            array = (array.reshape(len(array), -1) / 255.0).astype(np.float32)
        else:
            if array.ndim != 1:
                raise DataError(path, "byte 3", f"expected 1 dimension (labels), found {array.ndim}")
            array = array.astype(np.int64)
        out[key] = array
    for part in ("train", "test"):
        if len(out[f"{part}_images"]) != len(out[f"{part}_labels"]):
            raise DataError(folder, "", f"{part} images and labels differ in count")
    return out


def load_csv_images(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """A CSV with a header row, one image per row: numeric pixel columns, then an integer label column.

    Pixels are scaled by the largest value so they lie in [0, 1]; labels must be 0, 1, 2, ...
    """
    table = read_csv(path)
    if len(table.header) < 2 or len(table) == 0:
        raise DataError(path, "1", "expected a header and rows of pixel columns followed by a label column")
    for j, name in enumerate(table.header):
        kind = type(table.columns[name][0])
        wanted = (int,) if j == len(table.header) - 1 else (int, float)
        if kind not in wanted:
            what = "the label column must hold integers" if j == len(table.header) - 1 else "pixels must be numbers"
            raise DataError(path, f"2:{j + 1}", f"column {name!r}: {what}")
    pixels = np.array([table.columns[name] for name in table.header[:-1]], dtype=np.float64).T
    labels = np.array(table.columns[table.header[-1]], dtype=np.int64)
    if labels.min() < 0:
        raise DataError(path, "", "labels must be 0 or more")
    scale = float(np.abs(pixels).max()) or 1.0
    return (pixels / scale).astype(np.float32), labels


def default_corpus() -> str:
    """Real English text every CPython install has: the language reference topics of `pydoc_data.topics`."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[key].strip() for key in sorted(topics)) + "\n"
