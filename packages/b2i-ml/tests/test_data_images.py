"""PNG and PGM/PPM readers against files PIL wrote (and a small independent PNG encoder for every filter)."""

import struct
import zlib

import numpy as np
import pytest
from b2i.ml.data import DataError, read_netpbm, read_png, write_netpbm, write_png
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:
    import PIL.Image as PIL
except ImportError:  # the PIL oracle is an optional test extra; our own encoder's tests still run
    PIL = None
needs_pil = pytest.mark.skipif(PIL is None, reason="pillow is not installed (pip install pillow): PIL-written files")
FIXTURE = [HealthCheck.function_scoped_fixture]
sizes = st.tuples(st.integers(1, 13), st.integers(1, 13))


@needs_pil
@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE)
@given(sizes, st.sampled_from(["L", "RGB", "RGBA", "LA", "P", "1", "I;16"]), st.integers(0, 2**32 - 1))
def test_png_written_by_pil(tmp_path, size, mode, seed):
    rng = np.random.default_rng(seed)
    h, w = size
    if mode == "I;16":
        image = PIL.fromarray(rng.integers(0, 65536, (h, w)).astype(np.uint16))
    elif mode == "1":
        image = PIL.fromarray(rng.integers(0, 2, (h, w)).astype(bool))
    elif mode == "P":
        image = PIL.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8)).convert("P")
    else:
        channels = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}[mode]
        pixels = rng.integers(0, 256, (h, w, channels), dtype=np.uint8)
        image = PIL.fromarray(pixels[:, :, 0] if channels == 1 else pixels, mode)
    path = tmp_path / "p.png"
    image.save(path)
    expected = np.asarray(image.convert("RGB") if mode == "P" else image)
    if mode == "1":
        expected = expected.astype(np.uint8)
    np.testing.assert_array_equal(read_png(path), expected)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def encode_scanlines(pixels: np.ndarray, filters: list[int]) -> bytes:
    """Filters 8-bit rows by the PNG rules (the spec's equations, written independently of the decoder)."""
    h = pixels.shape[0]
    rows = pixels.reshape(h, -1).astype(int)
    bpp = pixels.shape[2]
    out = bytearray()
    for y in range(h):
        row, up = rows[y], rows[y - 1] if y else np.zeros_like(rows[0])
        kind = filters[y % len(filters)]
        out.append(kind)
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b, c = up[i], (up[i - bpp] if i >= bpp and y else 0)
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            out.append((x - pred) % 256)
    return bytes(out)


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def make_png(pixels, filters, interlaced=False):
    h, w, channels = pixels.shape
    color = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    if interlaced:
        raw = b"".join(
            encode_scanlines(pixels[y0::dy, x0::dx], filters)
            for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                                   (0, 1, 1, 2)]
            if pixels[y0::dy, x0::dx].size
        )
    else:
        raw = encode_scanlines(pixels, filters)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, int(interlaced))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE)
@given(sizes, st.integers(1, 4), st.lists(st.integers(0, 4), min_size=1, max_size=5), st.booleans(), st.integers(0, 99))
def test_every_filter_type_and_interlacing(tmp_path, size, channels, filters, interlaced, seed):
    pixels = np.random.default_rng(seed).integers(0, 256, (*size, channels), dtype=np.uint8)
    path = tmp_path / "f.png"
    path.write_bytes(make_png(pixels, filters, interlaced))
    expected = pixels[:, :, 0] if channels == 1 else pixels
    np.testing.assert_array_equal(read_png(path), expected)
    if not interlaced and PIL is not None:
        np.testing.assert_array_equal(np.asarray(PIL.open(path)), expected)  # PIL agrees the file is what we meant


@needs_pil
@settings(max_examples=20, deadline=None, suppress_health_check=FIXTURE)
@given(sizes, st.sampled_from([1, 3, 4]), st.integers(0, 99))
def test_our_writer_is_read_by_pil(tmp_path, size, channels, seed):
    pixels = np.random.default_rng(seed).integers(0, 256, (*size, channels), dtype=np.uint8)
    if channels == 1:
        pixels = pixels[:, :, 0]
    path = tmp_path / "w.png"
    write_png(path, pixels)
    np.testing.assert_array_equal(np.asarray(PIL.open(path)), pixels)


def test_truncated_png_names_the_chunk(tmp_path):
    path = tmp_path / "t.png"
    write_png(path, np.zeros((20, 20), np.uint8))
    data = path.read_bytes()
    path.write_bytes(data[:50])
    with pytest.raises(DataError, match=r"t.png:chunk 1 \(IDAT\) at byte 33: error: truncated"):
        read_png(path)


def test_corrupt_crc_names_the_chunk(tmp_path):
    path = tmp_path / "c.png"
    write_png(path, np.zeros((4, 4, 3), np.uint8))
    data = bytearray(path.read_bytes())
    data[20] ^= 1  # inside IHDR's data
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match=r"c.png:chunk 0 \(IHDR\) at byte 8: error: CRC mismatch"):
        read_png(path)


@needs_pil
@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURE)
@given(sizes, st.booleans(), st.sampled_from(["L", "RGB", "I;16"]), st.integers(0, 99))
def test_netpbm_written_by_pil_and_by_us(tmp_path, size, binary, mode, seed):
    rng = np.random.default_rng(seed)
    if mode == "I;16":
        pixels = rng.integers(256, 65536, size).astype(np.uint16)
    else:
        pixels = rng.integers(0, 256, (*size, 3) if mode == "RGB" else size, dtype=np.uint8)
    path = tmp_path / ("a.ppm" if mode == "RGB" else "a.pgm")
    if binary:
        PIL.fromarray(pixels).save(path)  # PIL writes P5/P6
    else:
        write_netpbm(path, pixels, binary=False)
        np.testing.assert_array_equal(np.asarray(PIL.open(path)), pixels)  # PIL reads our P2/P3
    np.testing.assert_array_equal(read_netpbm(path), pixels)


def test_netpbm_comments_and_errors(tmp_path):
    path = tmp_path / "c.pgm"
    path.write_bytes(b"P2\n# a comment\n2 1 # trailing\n9\n1 9\n")
    np.testing.assert_array_equal(read_netpbm(path), [[1, 9]])
    path.write_bytes(b"P5\n4 4\n255\n\x00\x01")
    with pytest.raises(DataError, match=r"c.pgm:byte 13: error: truncated: 4x4 needs 16 bytes"):
        read_netpbm(path)
    path.write_bytes(b"P7\n")
    with pytest.raises(DataError, match="c.pgm:byte 0: error: bad magic"):
        read_netpbm(path)
