"""PNG images, read and written with nothing but the standard library's zlib (and numpy for the pixels).

A PNG is an 8-byte signature and then chunks: 4-byte length, 4-byte type, data, CRC-32 of type and data.
IHDR gives the size and pixel format, PLTE the palette, IDAT the zlib-compressed scanlines, IEND the end.
Every scanline starts with a filter byte (None, Sub, Up, Average, Paeth) that predicts each byte from its
neighbours; decoding adds the prediction back. Interlaced images (Adam7) hold seven reduced passes.
"""

from __future__ import annotations

import os
import struct
import zlib

import numpy as np
from b2i.ml.data.errors import DataError

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # color type -> samples per pixel
DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def _chunks(data: bytes, path: str | os.PathLike):
    """Yields (chunk name with its index and offset, type, data), checking lengths and CRCs."""
    pos, index = 8, 0
    while True:
        where = f"chunk {index}"
        if pos + 8 > len(data):
            raise DataError(path, f"{where} at byte {pos}", "file ends before the IEND chunk (truncated)")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        name = kind.decode("latin-1")
        where = f"chunk {index} ({name}) at byte {pos}"
        if pos + 12 + length > len(data):
            raise DataError(path, where, f"truncated: {length} data bytes announced, file ends first")
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise DataError(path, where, "CRC mismatch (corrupt chunk)")
        yield where, kind, body
        if kind == b"IEND":
            return
        pos += 12 + length
        index += 1


def _unfilter(raw: bytes, offset: int, rows: int, stride: int, bpp: int, path, where: str) -> tuple[bytearray, int]:
    """Undoes the per-scanline filters of `rows` lines of `stride` bytes starting at raw[offset]."""
    out = bytearray(rows * stride)
    previous = bytearray(stride)
    for y in range(rows):
        if offset + 1 + stride > len(raw):
            raise DataError(path, where, f"image data ends in scanline {y} (truncated)")
        kind = raw[offset]
        line = bytearray(raw[offset + 1 : offset + 1 + stride])
        offset += 1 + stride
        if kind == 1:  # Sub: left neighbour
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:  # Up: the byte above
            line = bytearray(((np.frombuffer(line, np.uint8) + np.frombuffer(previous, np.uint8)) & 255).tobytes())
        elif kind == 3:  # Average of left and above
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:  # Paeth: whichever of left, above, upper-left is closest to left + above - upper-left
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        elif kind != 0:
            raise DataError(path, where, f"scanline {y} has unknown filter type {kind}")
        out[y * stride : (y + 1) * stride] = line
        previous = line
    return out, offset


def _samples(rows: bytearray, height: int, width: int, channels: int, depth: int) -> np.ndarray:
    """Unpacks unfiltered scanlines into a (height, width, channels) array of integers."""
    flat = np.frombuffer(bytes(rows), np.uint8).reshape(height, -1)
    if depth == 16:
        values = flat.view(">u2").astype(np.uint16)
    elif depth == 8:
        values = flat
    else:  # 1, 2 or 4 bits per sample, most significant first
        bits = np.unpackbits(flat, axis=1).reshape(height, -1, depth)
        weights = (1 << np.arange(depth - 1, -1, -1)).astype(np.uint8)
        values = (bits * weights).sum(axis=2).astype(np.uint8)
    return values[:, : width * channels].reshape(height, width, channels)


def read_png(path: str | os.PathLike) -> np.ndarray:
    """Reads a PNG into (H, W) gray, (H, W, 2) gray+alpha, (H, W, 3) RGB or (H, W, 4) RGBA; uint8 or uint16.

    Palette images come back as RGB, or RGBA when a tRNS chunk gives the palette transparency.
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        raise DataError(path, "", error.strerror or str(error)) from None
    if data[:8] != SIGNATURE:
        raise DataError(path, "byte 0", "not a PNG file (bad signature)")
    header = None
    palette = transparency = None
    compressed = []
    idat_where = ""
    for where, kind, body in _chunks(data, path):
        if kind == b"IHDR":
            if len(body) != 13:
                raise DataError(path, where, f"IHDR is {len(body)} bytes, expected 13")
            header = struct.unpack(">IIBBBBB", body)
            width, height, depth, color, method, filtering, interlace = header
            if color not in CHANNELS or depth not in DEPTHS[color]:
                raise DataError(path, where, f"bit depth {depth} with color type {color} is not valid PNG")
            if method != 0 or filtering != 0 or interlace not in (0, 1) or width == 0 or height == 0:
                raise DataError(path, where, "unsupported compression, filter or interlace method, or empty image")
        elif header is None:
            raise DataError(path, where, "the first chunk must be IHDR")
        elif kind == b"PLTE":
            if len(body) % 3 or not body:
                raise DataError(path, where, f"palette length {len(body)} is not a multiple of 3")
            palette = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"tRNS":
            transparency = body
        elif kind == b"IDAT":
            compressed.append(body)
            idat_where = idat_where or where
    if not compressed:
        raise DataError(path, "", "no IDAT chunk")
    width, height, depth, color, _, _, interlace = header
    try:
        decompressor = zlib.decompressobj()
        raw = decompressor.decompress(b"".join(compressed))
        if not decompressor.eof:
            raise DataError(path, idat_where, "zlib stream in the IDAT chunks is incomplete (truncated)")
    except zlib.error as error:
        raise DataError(path, idat_where, f"corrupt zlib stream: {error}") from None
    channels = CHANNELS[color]
    bits_per_pixel = channels * depth
    bpp = max(1, bits_per_pixel // 8)
    if interlace == 0:
        stride = (width * bits_per_pixel + 7) // 8
        rows, _ = _unfilter(raw, 0, height, stride, bpp, path, idat_where)
        image = _samples(rows, height, width, channels, depth)
    else:
        image = np.zeros((height, width, channels), np.uint16 if depth == 16 else np.uint8)
        offset = 0
        for x0, y0, dx, dy in ADAM7:
            pass_w, pass_h = (width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy
            if pass_w == 0 or pass_h == 0:
                continue
            stride = (pass_w * bits_per_pixel + 7) // 8
            rows, offset = _unfilter(raw, offset, pass_h, stride, bpp, path, idat_where)
            image[y0::dy, x0::dx] = _samples(rows, pass_h, pass_w, channels, depth)
    if color == 3:
        if palette is None:
            raise DataError(path, "", "palette image without a PLTE chunk")
        index = image[:, :, 0]
        if int(index.max()) >= len(palette):
            raise DataError(path, idat_where, f"pixel uses palette entry {int(index.max())} of {len(palette)}")
        if transparency is not None:
            alpha = np.full(len(palette), 255, np.uint8)
            alpha[: len(transparency)] = np.frombuffer(transparency, np.uint8)[: len(palette)]
            return np.concatenate([palette, alpha[:, None]], axis=1)[index]
        return palette[index]
    return image[:, :, 0] if channels == 1 else image


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def write_png(path: str | os.PathLike, image: np.ndarray) -> None:
    """Writes an 8-bit image: (H, W) gray, (H, W, 3) RGB or (H, W, 4) RGBA, every scanline unfiltered."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"write_png takes uint8 pixels, not {image.dtype}")
    if image.ndim == 2:
        image = image[:, :, None]
    height, width, channels = image.shape
    color = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    rows = np.concatenate([np.zeros((height, 1), np.uint8), image.reshape(height, width * channels)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0)
    data = SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
    data += _chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)
