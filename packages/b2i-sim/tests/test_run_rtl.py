"""`b2i-run --machine --engine rtl --lockstep`: the bare-metal test programs retire the same instructions, with
the same results, on b2i's Verilog core (b2i.hdl, Verilator) as on the reference interpreter; where they do not,
the command names the first differing commit and shows both lines."""

import importlib.util
import io
import pathlib
import re
import subprocess

import pytest
from b2i.sim.machine.rtl import CONTEXT, EXIT_DIVERGED, first_divergence
from b2i.sim.machine.run import run_machine
from hypothesis import given, settings
from hypothesis import strategies as st

_spec = importlib.util.spec_from_file_location("sim_machine_programs", pathlib.Path(__file__).with_name(
    "test_sim_machine.py"))
machine_programs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(machine_programs)  # its build() and STDIN: the programs are built one way only

# Programs whose logs differ today, and why; strict: fixing the RTL or the reference makes the test say so.
KNOWN_DIFFERENCES = {
    "traps": "csrr misa: the reference (and QEMU) list F, D and C, the RTL (RV64IMA) does not",
}
NOT_RV64IMA = re.compile(r"^\s*[0-9a-f]+:\s+[0-9a-f]+\s+(f(?!ence)\S*|c\.\S+)", re.M)  # F/D or compressed


def b2i_run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(["b2i-run", *args], input=stdin, capture_output=True, timeout=120)


def reference_trace(exe: pathlib.Path, stdin: bytes = b"") -> list[str]:
    log = io.StringIO()
    run_machine(str(exe), stdin=stdin, trace=log, max_insns=5_000_000)
    return log.getvalue().splitlines()


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[name]))
    if name in KNOWN_DIFFERENCES else name for name in machine_programs.NAMES])
def test_program_commit_log_is_the_references(oracle, tmp_path, name):
    exe = machine_programs.build(oracle, name, tmp_path)
    listing = subprocess.run([oracle("riscv64-unknown-elf-objdump"), "-d", "-M", "no-aliases", str(exe)],
                             capture_output=True, text=True, check=True).stdout
    assert NOT_RV64IMA.search(listing) is None, "only RV64IMA + Zicsr + privileged programs run on the RTL"
    stdin = machine_programs.STDIN.get(name, b"")
    reference = run_machine(str(exe), stdin=stdin, max_insns=5_000_000)
    proc = b2i_run("--machine", "--engine", "rtl", "--lockstep", str(exe), stdin=stdin)
    assert proc.stderr.decode().splitlines()[-1] == f"b2i-run: lockstep: {reference.instret} commits identical"
    assert proc.returncode == reference.exit_code
    assert proc.stdout == reference.stdout != b""


MISA = r"""
    .globl _start
_start:
    li t0, 5
    li t1, 7
    add t2, t0, t1
    csrr a0, misa               # the reference implements F, D and C, the RTL does not: the value differs
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
"""


def test_lockstep_reports_the_first_differing_commit(oracle, tmp_path):
    source, exe = tmp_path / "misa.S", tmp_path / "misa"
    source.write_text(MISA)
    subprocess.run([oracle("riscv64-unknown-elf-gcc"), "-nostdlib", "-march=rv64g", "-mabi=lp64d",
                    "-Wl,-Ttext=0x80000000", "-o", str(exe), str(source)], check=True)
    reference = reference_trace(exe)
    index = next(n for n, line in enumerate(reference) if "(0x30102573)" in line)
    trace_file = tmp_path / "rtl.log"
    proc = b2i_run("--machine", "--engine", "rtl", "--lockstep", "--trace-file", str(trace_file), str(exe))
    rtl = trace_file.read_text().splitlines()
    report = proc.stderr.decode()
    assert proc.returncode == EXIT_DIVERGED
    assert f"commit {index} differs ({index} identical before it)" in report
    assert f"  rtl: {rtl[index]}\n" in report and f"  ref: {reference[index]}\n" in report
    assert rtl[:index] == reference[:index] and rtl[index] != reference[index]
    assert "Traceback" not in report


@settings(max_examples=50)
@given(data=st.data())
def test_first_divergence_names_the_index_both_lines_and_what_came_before(data):
    """Any two logs: the first index where they differ, both lines (None past an end), the lines before it."""
    line = st.sampled_from(["core   0: 3 0x0000000080000000 (0x00000297) x5  0x0000000080000000",
                            "core   0: 3 0x0000000080000004 (0x00028067)",
                            "core   0: 1 0x0000000080000008 (0x10200073)"])
    rtl = data.draw(st.lists(line, max_size=12))
    reference = data.draw(st.lists(line, max_size=12))
    found = first_divergence(rtl, reference)
    if rtl == reference:
        assert found is None
        return
    n = found.index
    assert rtl[:n] == reference[:n]
    assert (found.rtl, found.reference) == (rtl[n] if n < len(rtl) else None,
                                            reference[n] if n < len(reference) else None)
    assert found.rtl != found.reference
    assert found.before == rtl[max(0, n - CONTEXT):n]
    report = found.report()
    assert f"commit {n} differs" in report and all(before in report for before in found.before)


@pytest.mark.parametrize("args, message", [
    (["--engine", "rtl"], "--engine rtl runs bare-metal programs on the b2i machine: add --machine"),
    (["--lockstep"], "--lockstep compares the RTL with the reference: add --machine --engine rtl"),
    (["--machine", "--lockstep"], "--lockstep compares the RTL with the reference: add --machine --engine rtl"),
])
def test_cli_mistakes_are_one_line(oracle, tmp_path, args, message):
    exe = machine_programs.build(oracle, "uart_echo", tmp_path)
    proc = b2i_run(*args, str(exe))
    assert (proc.returncode, proc.stderr.decode(), proc.stdout) == (2, f"b2i-run: error: {message}\n", b"")
