"""Reading data from files: text, CSV, MNIST IDX, PGM/PPM and PNG images, and batching it for training.

Every reader is written here from the file format's specification (PNG uses only the standard library's zlib).
A malformed file raises `DataError`, whose message names the file and the place (line, byte offset or chunk).
"""

from b2i.ml.data.csv import Table, read_csv
from b2i.ml.data.errors import DataError
from b2i.ml.data.idx import read_idx, write_idx
from b2i.ml.data.loader import DataLoader
from b2i.ml.data.netpbm import read_netpbm, write_netpbm
from b2i.ml.data.png import read_png, write_png
from b2i.ml.data.text import char_vocabulary, normalize_whitespace, read_text, split_lines

__all__ = [
    "DataError",
    "DataLoader",
    "Table",
    "char_vocabulary",
    "normalize_whitespace",
    "read_csv",
    "read_idx",
    "read_netpbm",
    "read_png",
    "read_text",
    "split_lines",
    "write_idx",
    "write_netpbm",
    "write_png",
]
