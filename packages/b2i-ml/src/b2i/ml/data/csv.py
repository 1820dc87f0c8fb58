"""A CSV reader: RFC 4180 quoting, an optional header row, and columns typed as int, float or str.

Fields are separated by a delimiter; a field in double quotes may hold delimiters, newlines and doubled quotes
(`""`). Every row must have as many fields as the first; a ragged row is an error naming its line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from b2i.ml.data.errors import DataError
from b2i.ml.data.text import read_text


@dataclass
class Table:
    """Columns by name, each a list of one type, and the header (generated as c0, c1... when absent)."""

    header: list[str]
    columns: dict[str, list]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def rows(self) -> list[tuple]:
        return list(zip(*(self.columns[name] for name in self.header), strict=True))


def parse_records(text: str, path: str | os.PathLike | None = None, delimiter: str = ",") -> list[tuple[int, list]]:
    """Splits text into records, each (line number where it starts, fields)."""
    records: list[tuple[int, list[str]]] = []
    fields: list[str] = []
    field: list[str] = []
    line = 1
    record_line = 1
    i, n = 0, len(text)
    at_field_start = True
    quoted = False  # whether the current record had a quoted field, so `""` alone is a record, not a blank line
    while i < n:
        c = text[i]
        if at_field_start and c == '"':
            quoted = True
            quote_line = line
            i += 1
            while True:
                if i >= n:
                    raise DataError(path, f"{quote_line}", "quoted field is not closed")
                c = text[i]
                if c == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        field.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                if c == "\n":
                    line += 1
                field.append(c)
                i += 1
            at_field_start = False
            if i < n and text[i] not in (delimiter, "\n", "\r"):
                raise DataError(path, f"{line}", f"unexpected {text[i]!r} after a closing quote")
            continue
        if c == delimiter:
            fields.append("".join(field))
            field = []
            at_field_start = True
        elif c == "\n" or c == "\r":
            if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            fields.append("".join(field))
            if fields != [""] or quoted:  # a blank line is not a record
                records.append((record_line, fields))
            fields, field, quoted = [], [], False
            line += 1
            record_line = line
            at_field_start = True
        else:
            field.append(c)
            at_field_start = False
        i += 1
    if field or fields or quoted:
        fields.append("".join(field))
        records.append((record_line, fields))
    return records


def _infer(values: list[str]) -> Callable[[str], object]:
    for kind in (int, float):
        try:
            for value in values:
                kind(value)
        except ValueError:
            continue
        return kind
    return str


def read_csv(
    path: str | os.PathLike,
    header: bool = True,
    types: dict[str, Callable[[str], object]] | None = None,
    delimiter: str = ",",
) -> Table:
    """Reads a CSV file into typed columns.

    Column types come from `types` (by name) or are inferred: int if every value parses as int, else float if
    every value parses as float, else str. A value that does not convert to its column's given type is an
    error naming its line and column.
    """
    records = parse_records(read_text(path), path, delimiter)
    if not records:
        return Table([], {})
    if header:
        names = records[0][1]
        records = records[1:]
    else:
        names = [f"c{i}" for i in range(len(records[0][1]))]
    width = len(names)
    if len(set(names)) != width:
        raise DataError(path, "1", "the header names a column twice")
    for number, row in records:
        if len(row) != width:
            raise DataError(path, f"{number}", f"row has {len(row)} fields, expected {width}")
    types = types or {}
    columns: dict[str, list] = {}
    for j, name in enumerate(names):
        raw = [row[j] for _, row in records]
        kind = types.get(name) or _infer(raw)
        converted = []
        for (number, _), value in zip(records, raw, strict=True):
            try:
                converted.append(kind(value))
            except ValueError:
                raise DataError(path, f"{number}:{j + 1}", f"{value!r} is not a valid {kind.__name__}") from None
        columns[name] = converted
    return Table(names, columns)
