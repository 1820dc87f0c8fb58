"""The IDX reader against files written with struct headers and numpy's tofile."""

import gzip
import struct

import numpy as np
import pytest
from b2i.ml.data import DataError, read_idx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}


def write_with_numpy(path, array, gzipped):
    header = struct.pack(">BBBB", 0, 0, CODES[array.dtype.type], array.ndim)
    header += b"".join(struct.pack(">I", n) for n in array.shape)
    with open(path, "wb") as f:
        f.write(header)
        array.astype(array.dtype.newbyteorder(">")).tofile(f)
    if gzipped:
        data = open(path, "rb").read()
        with gzip.open(path, "wb") as f:
            f.write(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(list(CODES)),
    st.lists(st.integers(0, 5), min_size=1, max_size=3),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_reads_numpy_written_files(tmp_path, dtype, shape, gzipped, seed):
    rng = np.random.default_rng(seed)
    array = (rng.standard_normal(shape) * 100).astype(dtype)
    path = tmp_path / "a.idx"
    write_with_numpy(path, array, gzipped)
    got = read_idx(path)
    assert got.dtype == array.dtype and got.shape == array.shape
    np.testing.assert_array_equal(got, array)


def test_wrong_magic(tmp_path):
    path = tmp_path / "bad-magic"
    path.write_bytes(b"\x00\x01\x08\x01" + struct.pack(">I", 1) + b"\x05")
    with pytest.raises(DataError, match="bad-magic:byte 0: error: bad IDX magic 00010801"):
        read_idx(path)


def test_truncated_names_offset(tmp_path):
    path = tmp_path / "short"
    write_with_numpy(path, np.arange(10, dtype=np.uint8).reshape(2, 5), False)
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(DataError, match=r"short:byte 19: error: truncated: shape \(2, 5\) needs 22 bytes"):
        read_idx(path)


def test_truncated_gzip(tmp_path):
    path = tmp_path / "short.gz"
    write_with_numpy(path, np.arange(1000, dtype=np.int32), True)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(DataError, match="short.gz: error: broken gzip stream"):
        read_idx(path)
