"""The b2i-hdl command: run, lint and its one-line errors."""

import subprocess

import pytest


def test_lint_is_clean(oracle):
    proc = subprocess.run(["b2i-hdl", "lint"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip() == "b2i-hdl lint: 0 messages"


def test_run_prints_uart_and_exits_with_the_programs_code(build_program, oracle):
    elf = build_program("""
    .section .text.init
    .globl _start
_start:
    li t0, 0x10000000
    li t1, 'k'
    sb t1, 0(t0)
    li t0, 0x100000
    li t1, (3 << 16) | 0x3333
    sw t1, 0(t0)
1:  j 1b
""")
    proc = subprocess.run(["b2i-hdl", "run", "--trace", str(elf)], capture_output=True, text=True)
    assert (proc.stdout, proc.returncode) == ("k", 3)
    log = proc.stderr.splitlines()
    assert log[0].startswith("core   0: 3 0x0000000080000000 (") and " x5  0x0000000010000000" in log[0]
    assert log[-1].startswith("b2i-hdl: exit 3,")


@pytest.mark.parametrize("args, message", [
    (["run", "/no/such.elf"], "No such file"),
    (["run", "--max-cycles", "0", "x.elf"], "--max-cycles"),
    (["synth", "--target", "asic"], "invalid choice"),
    (["run", "--input", "/no/such/input", "x.elf"], "/no/such/input"),
])
def test_user_mistakes_are_one_line_errors(args, message, tmp_path):
    proc = subprocess.run(["b2i-hdl", *args], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert message in proc.stderr


def test_run_rejects_a_non_riscv_elf(tmp_path):
    proc = subprocess.run(["b2i-hdl", "run", "/bin/true"], capture_output=True, text=True)
    assert proc.returncode == 2 and "not RISC-V" in proc.stderr and "Traceback" not in proc.stderr


def test_synth_counts_cells_of_a_module(oracle):
    """Yosys maps the ALU to iCE40 LUTs and carries; the report's types add up to its cell count."""
    oracle("yosys")
    from b2i.hdl.synth import synthesize

    report = synthesize("ice40", "b2i_alu")
    assert report.luts > 200 and report.cell_types.get("SB_CARRY", 0) > 60
    assert sum(report.cell_types.values()) == report.cells and report.flops == 0
