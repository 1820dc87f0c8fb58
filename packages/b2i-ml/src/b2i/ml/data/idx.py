"""MNIST's IDX format: a 4-byte magic (two zero bytes, a type code, the number of dimensions), one big-endian
uint32 per dimension, then the values in row-major order, big-endian. Files may be gzipped (as MNIST ships them).
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib

import numpy as np
from b2i.ml.data.errors import DataError

TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
CODES = {np.dtype(v).newbyteorder("="): k for k, v in TYPES.items()}


def _read_maybe_gzipped(path: str | os.PathLike) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        raise DataError(path, "", error.strerror or str(error)) from None
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise DataError(path, "", f"broken gzip stream: {error}") from None
    return data


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Reads an IDX file (gzipped or not) into a numpy array of its own shape and type (native byte order)."""
    data = _read_maybe_gzipped(path)
    if len(data) < 4:
        raise DataError(path, "byte 0", f"file is {len(data)} bytes, too short for the 4-byte IDX magic")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in TYPES:
        raise DataError(path, "byte 0", f"bad IDX magic {data[:4].hex()} (expected 0000 then a type code 08-0e)")
    header_end = 4 + 4 * ndim
    if len(data) < header_end:
        raise DataError(path, f"byte {len(data)}", f"file ends inside the header ({ndim} dimensions need {header_end})")
    shape = struct.unpack(f">{ndim}I", data[4:header_end])
    dtype = np.dtype(TYPES[code])
    expected = header_end + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) < expected:
        raise DataError(path, f"byte {len(data)}", f"truncated: shape {shape} needs {expected} bytes")
    if len(data) > expected:
        raise DataError(path, f"byte {expected}", f"{len(data) - expected} unexpected bytes after the data")
    array = np.frombuffer(data, dtype=dtype, offset=header_end, count=int(np.prod(shape, dtype=np.int64)))
    return array.reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: str | os.PathLike, array: np.ndarray, compress: bool = False) -> None:
    """Writes an array as IDX (gzipped when compress): the inverse of read_idx."""
    array = np.asarray(array)
    code = CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"IDX has no type code for {array.dtype}")
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(TYPES[code]).tobytes()
    with open(path, "wb") as f:
        f.write(gzip.compress(data) if compress else data)
