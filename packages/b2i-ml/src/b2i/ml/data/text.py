"""Small string helpers for text data sets: reading a file as text, splitting lines, a character vocabulary."""

from __future__ import annotations

import os

from b2i.ml.data.errors import DataError


def read_text(path: str | os.PathLike) -> str:
    """Reads a UTF-8 text file; an undecodable byte raises DataError naming its line and byte offset."""
    data = _read_bytes(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DataError(path, f"{line}", f"byte {error.start} is not UTF-8 ({error.reason})") from None


def _read_bytes(path: str | os.PathLike) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as error:
        raise DataError(path, "", error.strerror or str(error)) from None


def split_lines(text: str, keep_empty: bool = False) -> list[str]:
    """Lines without their endings (\\n, \\r\\n or \\r); empty lines dropped unless keep_empty."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines if keep_empty else [line for line in lines if line.strip()]


def normalize_whitespace(text: str) -> str:
    """Runs of spaces, tabs and newlines become one space; the ends are trimmed."""
    return " ".join(text.split())


def char_vocabulary(text: str) -> tuple[dict[str, int], list[str]]:
    """Maps each distinct character to an id in sorted order, and back: the simplest tokenizer."""
    chars = sorted(set(text))
    return {c: i for i, c in enumerate(chars)}, chars
