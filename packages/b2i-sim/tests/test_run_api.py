"""The Python API of the simulator (b2i.sim.run_program / run_machine): output captured without
subprocesses, stdin, argv, environment, the instruction limit and the commit log."""

import io
import pathlib
import subprocess

import b2i.sim
import pytest
from b2i.sim import RunResult, run_machine, run_program

PROGRAMS = pathlib.Path(__file__).parent / "programs"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("api-programs")


def compile_c(oracle, folder: pathlib.Path, name: str) -> pathlib.Path:
    exe = folder / name
    if not exe.exists():
        subprocess.run([oracle("riscv64-linux-gnu-gcc"), "-static", "-O2", "-o", str(exe),
                        str(PROGRAMS / "user" / f"{name}.c")], check=True)
    return exe


def test_exported_from_the_package():
    assert b2i.sim.run_program is run_program and b2i.sim.RunResult is RunResult
    with pytest.raises(AttributeError):
        b2i.sim.no_such_thing  # noqa: B018


def test_bytes_stdin_argv_and_env(oracle, folder):
    exe = compile_c(oracle, folder, "stdin_echo")
    qemu = subprocess.run([oracle("qemu-riscv64"), str(exe)], input=b"one two\nthree\n", capture_output=True)
    result = run_program(exe.read_bytes(), stdin=b"one two\nthree\n")  # the ELF as bytes
    assert result == RunResult(qemu.returncode, qemu.stdout, qemu.stderr, result.instret)
    assert result.instret > 1000
    args = compile_c(oracle, folder, "args_env")
    qemu = subprocess.run([oracle("qemu-riscv64"), "-0", "args", str(args), "x", "y z"], capture_output=True,
                          env={"B2I_GREETING": "hi"})
    result = run_program(str(args), ["args", "x", "y z"], env=["B2I_GREETING=hi"])
    assert (result.exit_code, result.stdout) == (qemu.returncode, qemu.stdout)
    assert b"B2I_GREETING=hi" in result.stdout


def test_instruction_limit_and_trace(oracle, folder):
    exe = compile_c(oracle, folder, "recursion")
    trace = io.StringIO()
    result = run_program(exe, max_insns=500, trace=trace)  # a pathlib.Path works as well as a str
    assert result.exit_code == 124 and result.instret == 500
    assert "instruction limit" in result.fault
    assert len(trace.getvalue().splitlines()) == 500


def test_same_binary_same_counts(oracle, folder):
    """A run is deterministic: same output and the same number of instructions every time."""
    exe = compile_c(oracle, folder, "qsort_ints")
    first, second = run_program(str(exe)), run_program(str(exe))
    assert first == second


def test_load_errors_are_results_not_exceptions(tmp_path):
    result = run_program(b"\x7fELF" + bytes(60))
    assert result.exit_code == 125 and "ELF" in result.fault
    result = run_machine(str(tmp_path / "missing"))
    assert result.exit_code == 125 and "No such file" in result.fault
