"""The CSV reader against files Python's csv module wrote."""

import csv

import pytest
from b2i.ml.data import DataError, read_csv, read_text, split_lines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

cell = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 4).flatmap(lambda w: st.lists(st.lists(cell, min_size=w, max_size=w), min_size=1, max_size=6)))
def test_reads_what_the_csv_module_wrote(tmp_path, rows):
    path = tmp_path / "t.csv"
    header = [f"col{i}" for i in range(len(rows[0]))]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
    table = read_csv(path, types={name: str for name in header})
    with open(path, newline="", encoding="utf-8") as f:
        expected = list(csv.reader(f))
    assert table.header == expected[0]
    assert [list(r) for r in table.rows()] == expected[1:]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False)), min_size=1))
def test_infers_int_and_float_columns(tmp_path, rows):
    path = tmp_path / "n.csv"
    with open(path, "w", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_NONNUMERIC if False else csv.QUOTE_MINIMAL).writerows([("a", "b"), *rows])
    table = read_csv(path)
    assert table.columns["a"] == [a for a, _ in rows]
    assert table.columns["b"] == [float(b) for _, b in rows]
    assert all(type(v) is int for v in table.columns["a"])


def test_ragged_row_names_file_and_line(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text('x,y\n1,2\n"multi\nline",3\n4\n')
    with pytest.raises(DataError) as error:
        read_csv(path)
    assert str(error.value) == f"{path}:5: error: row has 1 fields, expected 2"


def test_bad_typed_value_names_line_and_column(tmp_path):
    path = tmp_path / "typed.csv"
    path.write_text("x,y\n1,2\n3,oops\n")
    with pytest.raises(DataError, match=r"typed.csv:3:2: error: 'oops' is not a valid float"):
        read_csv(path, types={"y": float})


def test_unclosed_quote(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text('x\n"abc\n')
    with pytest.raises(DataError, match="open.csv:2: error: quoted field is not closed"):
        read_csv(path)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", " ", "\n", "\r", "\r\n"])).map("".join))
def test_split_lines_matches_str_splitlines(text):
    assert split_lines(text, keep_empty=True) == text.splitlines()
    assert split_lines(text) == [line for line in text.splitlines() if line.strip()]


def test_read_text_names_the_bad_byte(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("first\nsecond caf\u00e9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin1.txt:2: error: byte 16 is not UTF-8"):
        read_text(path)
