"""Netpbm images: PGM (gray, P2 text / P5 binary) and PPM (RGB, P3 text / P6 binary).

The header is the magic, width, height and maxval as decimal numbers separated by whitespace, with `#`
comments to the end of a line. Binary samples are one byte when maxval < 256, else two bytes big-endian.
"""

from __future__ import annotations

import os

import numpy as np
from b2i.ml.data.errors import DataError

CHANNELS = {b"P2": 1, b"P5": 1, b"P3": 3, b"P6": 3}


class _Header:
    """Reads whitespace-separated decimal numbers with comments, keeping the byte offset for errors."""

    def __init__(self, data: bytes, path: str | os.PathLike) -> None:
        self.data, self.path, self.pos = data, path, 2

    def number(self, what: str) -> int:
        data, n = self.data, len(self.data)
        while self.pos < n and (data[self.pos] in b" \t\r\n" or data[self.pos] == ord("#")):
            if data[self.pos] == ord("#"):
                while self.pos < n and data[self.pos] not in b"\r\n":
                    self.pos += 1
            else:
                self.pos += 1
        start = self.pos
        while self.pos < n and 48 <= data[self.pos] <= 57:
            self.pos += 1
        if start == self.pos:
            found = "end of file" if start >= n else repr(chr(data[start]))
            raise DataError(self.path, f"byte {start}", f"expected {what}, found {found}")
        return int(data[start : self.pos])


def read_netpbm(path: str | os.PathLike) -> np.ndarray:
    """Reads a PGM or PPM file: shape (height, width) for gray, (height, width, 3) for RGB; uint8 or uint16."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        raise DataError(path, "", error.strerror or str(error)) from None
    magic = data[:2]
    if magic not in CHANNELS:
        raise DataError(path, "byte 0", f"bad magic {magic!r}: expected P2, P3, P5 or P6")
    header = _Header(data, path)
    width, height, maxval = header.number("width"), header.number("height"), header.number("maxval")
    if not 0 < maxval < 65536:
        raise DataError(path, f"byte {header.pos}", f"maxval {maxval} is outside 1..65535")
    channels = CHANNELS[magic]
    count = width * height * channels
    dtype = np.uint8 if maxval < 256 else np.uint16
    if magic in (b"P5", b"P6"):
        start = header.pos + 1  # exactly one whitespace byte ends the header
        if header.pos >= len(data) or data[header.pos] not in b" \t\r\n":
            raise DataError(path, f"byte {header.pos}", "expected one whitespace byte before the samples")
        size = count * (1 if maxval < 256 else 2)
        if len(data) < start + size:
            raise DataError(path, f"byte {len(data)}", f"truncated: {width}x{height} needs {size} bytes of samples")
        samples = np.frombuffer(data, dtype=">u1" if maxval < 256 else ">u2", count=count, offset=start)
    else:
        values = [header.number("a sample") for _ in range(count)]
        samples = np.array(values, dtype=np.int64)
    if samples.size and int(samples.max()) > maxval:
        raise DataError(path, "", f"a sample exceeds maxval {maxval}")
    shape = (height, width) if channels == 1 else (height, width, 3)
    return samples.astype(dtype).reshape(shape)


def write_netpbm(path: str | os.PathLike, image: np.ndarray, binary: bool = True, maxval: int | None = None) -> None:
    """Writes a gray (H, W) or RGB (H, W, 3) integer image as PGM/PPM."""
    image = np.asarray(image)
    rgb = image.ndim == 3
    magic = {(False, False): "P2", (False, True): "P5", (True, False): "P3", (True, True): "P6"}[(rgb, binary)]
    maxval = maxval or (255 if image.dtype == np.uint8 or image.max(initial=0) < 256 else 65535)
    head = f"{magic}\n{image.shape[1]} {image.shape[0]}\n{maxval}\n".encode()
    if binary:
        body = image.astype(">u1" if maxval < 256 else ">u2").tobytes()
    else:
        body = "\n".join(" ".join(str(int(v)) for v in row.ravel()) for row in image).encode() + b"\n"
    with open(path, "wb") as f:
        f.write(head + body)
