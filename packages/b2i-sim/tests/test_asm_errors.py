"""Mistakes in assembly source: one `file:line:col: error: message`, never a traceback; the CLI exits 1
for source errors and 2 for usage errors."""

import subprocess

import pytest
from b2i.sim.asm import assemble
from b2i.sim.errors import SourceError
from hypothesis import given, settings
from hypothesis import strategies as st

CASES = [
    ("\tfrob a0, a1\n", 1, 2, "unknown instruction 'frob'"),
    ("\n\taddi a0, a1, 5000\n", 2, 15, "imm 5000 out of range"),
    ("\tadd a0, q7, a1\n", 1, 10, "expected integer register"),
    ("\tadd a0, a1\n", 1, 2, "takes 3 operands"),
    ("\tj 1b\n", 1, 4, "no previous definition of local label '1'"),
    ("x:\nx:\n", 2, 1, "symbol 'x' is already defined"),
    ("\t.frobnicate 3\n", 1, 2, "unknown directive '.frobnicate'"),
    ("\tli a0, undefined_constant\n", 1, 9, "not a constant"),
    ("\tlw a0, 8(a1\n", 1, 9, "expected an address"),
    ("\tfadd.d fa0, fa1, fa2, sideways\n", 1, 24, "expected a rounding mode"),
    ("\tbeq a0, a1, far\n\t.zero 8192\nfar:\n", 1, 14, "branch target out of range"),
    ("\t.word 1 +\n", 1, 11, "expected an expression"),
    ("\t.byte `\n", 1, 8, "unexpected character"),
    ("\tslliw a0, a0, 32\n", 1, 16, "shamt 32 out of range"),
]


@pytest.mark.parametrize(("source", "line", "col", "message"), CASES)
def test_error_names_file_line_column(source, line, col, message):
    with pytest.raises(SourceError) as info:
        assemble(source, "bad.s")
    text = str(info.value)
    assert text.startswith(f"bad.s:{line}:{col}: error: "), text
    assert message in text


def test_cli_reports_source_errors_in_one_line(tmp_path):
    source = tmp_path / "bad.s"
    source.write_text("\tnop\n\taddi a0, a1, 5000\n")
    proc = subprocess.run(["b2i-as", "-o", tmp_path / "bad.o", source], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr == f"{source}:2:15: error: imm 5000 out of range [-2048, 2047]\n"


def test_cli_usage_errors_exit_2(tmp_path):
    proc = subprocess.run(["b2i-as", "-march=x86"], capture_output=True, text=True)
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1
    proc = subprocess.run(["b2i-as", tmp_path / "missing.s"], capture_output=True, text=True)
    assert proc.returncode == 1 and "cannot read" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_writes_an_object_readelf_accepts(oracle, tmp_path):
    source = tmp_path / "ok.s"
    source.write_text(".globl _start\n_start:\n\tli a0, 0\n\tli a7, 93\n\tecall\n")
    subprocess.run(["b2i-as", "-march=rv64g", "-mabi=lp64d", "-o", tmp_path / "ok.o", source], check=True)
    out = subprocess.run([oracle("riscv64-linux-gnu-readelf"), "-a", "-W", tmp_path / "ok.o"],
                         capture_output=True, text=True, check=True)
    assert "double-float ABI" in out.stdout and "_start" in out.stdout and not out.stderr


WORDS = ["addi", "a0", ",", "(", ")", "%hi", "%lo", "%pcrel_lo", "1b", "1f", "x", ":", ".word", ".section", ".text",
         '"s"', "'", "0x", "-", "+", "*", "/", "0", "99999999999999999999", "li", "la", "call", "j", ".align", ".set",
         "=", ".zero", "-1", "sd", "fadd.d", "fa0", "rtz", ".option", "push", "pop", ".comm", ".size", ".", "lr.w.aq",
         "csrr", "mstatus", "fence", "rw", ".insn", ".byte", ".string", "\\", "#", ";", "@", ".L1", ".type",
         "@function", "tail", ".equ", "%tprel_add", "add", "tp", "sw", "t0", ".p2align", "64", ".balign", "3"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6), min_size=1, max_size=4))
def test_any_token_soup_is_assembled_or_a_source_error(lines):
    source = "\n".join(" ".join(words) for words in lines)
    try:
        assemble(source, "soup.s")
    except SourceError as e:
        assert str(e).startswith("soup.s:")
