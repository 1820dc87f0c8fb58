"""Checkpoints in the safetensors layout: what a model needs to be rebuilt and run, in one file.

    8 bytes   N, the header length, unsigned little-endian
    N bytes   JSON: {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
                     "__metadata__": {"key": "string", ...}}
    the rest  every tensor's raw little-endian bytes, row-major, at data_offsets (relative to this part)

b2i stores the model's configuration and the tokenizer as JSON strings in `__metadata__`.
"""

from __future__ import annotations

import json
import os
import struct

import numpy as np
from b2i.ml.data.errors import DataError

DTYPES = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4", "U8": "u1", "BOOL": "?"}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


def save(path: str | os.PathLike, tensors: dict[str, np.ndarray], metadata: dict[str, str] | None = None) -> None:
    header: dict = {"__metadata__": dict(metadata or {})}
    blobs, offset = [], 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        kind = NAMES.get(array.dtype.newbyteorder("<")) or NAMES.get(array.dtype)
        if kind is None:
            raise ValueError(f"{name}: dtype {array.dtype} has no safetensors name here")
        blob = array.astype(DTYPES[kind]).tobytes()
        header[name] = {"dtype": kind, "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # pad so the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Returns (tensors by name, metadata); a malformed file raises DataError naming the byte offset."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        raise DataError(path, "", error.strerror or str(error)) from None
    if len(data) < 8:
        raise DataError(path, "byte 0", "too short for the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise DataError(path, "byte 0", f"header length {n} runs past the end of the file ({len(data)} bytes)")
    try:
        header = json.loads(data[8 : 8 + n])
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(path, f"byte {8 + getattr(error, 'pos', 0)}", "header is not valid JSON") from None
    if not isinstance(header, dict):
        raise DataError(path, "byte 8", "header is not a JSON object")
    metadata = header.pop("__metadata__", {}) or {}
    body = data[8 + n :]
    tensors = {}
    for name, entry in header.items():
        try:
            kind, shape, (begin, end) = entry["dtype"], tuple(entry["shape"]), entry["data_offsets"]
            dtype = np.dtype(DTYPES[kind])
        except (KeyError, TypeError, ValueError):
            raise DataError(path, "byte 8", f"tensor {name!r}: bad header entry {entry!r}") from None
        if not 0 <= begin <= end <= len(body) or end - begin != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
            raise DataError(path, f"byte {8 + n + begin}", f"tensor {name!r}: data offsets {begin}..{end} are wrong")
        tensors[name] = np.frombuffer(body, dtype, offset=begin, count=(end - begin) // dtype.itemsize).reshape(shape)
    return tensors, metadata
