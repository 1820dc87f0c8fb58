"""Differential user mode: C programs built by riscv64-linux-gnu-gcc -static run the same under b2i-run's
reference interpreter (through the Python API) and under qemu-riscv64: same stdout, stderr and exit code."""

import os
import pathlib
import subprocess

import pytest
from b2i.sim.machine.run import run_program

PROGRAMS = pathlib.Path(__file__).parent / "programs" / "user"
ENV = ["B2I_GREETING=hello world", "B2I_OTHER=1", "LANG=C"]
CASES = {  # program -> (argv after argv[0], stdin)
    "printf_ints": ([], b""),
    "floats": ([], b""),
    "strings": ([], b""),
    "malloc_list": ([], b""),
    "recursion": ([], b""),
    "qsort_ints": ([], b""),
    "file_io": ([], b""),
    "args_env": (["one", "two words", "", "ünïcode"], b""),
    "intdiv": ([], b""),
    "stdin_echo": ([], b"the quick brown fox\n  jumps over\tthe lazy dog\n\nlast line without newline"),
    "exit_atexit": ([], b""),
    "dirs": ([], b""),
}


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("user-programs")


def build(oracle, build_dir: pathlib.Path, name: str) -> pathlib.Path:
    """Compile one corpus program with gcc -static -O2 (once per session and worker)."""
    exe = build_dir / name
    if not exe.exists():
        gcc = oracle("riscv64-linux-gnu-gcc")
        subprocess.run([gcc, "-static", "-O2", "-o", str(exe), str(PROGRAMS / f"{name}.c"), "-lm"], check=True)
    return exe


def test_corpus_is_complete():
    assert sorted(CASES) == sorted(p.stem for p in PROGRAMS.glob("*.c"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_as_qemu(oracle, build_dir, tmp_path, name):
    exe = build(oracle, build_dir, name)
    args, stdin = CASES[name]
    argv = [name, *args]
    qemu = subprocess.run([oracle("qemu-riscv64"), "-0", name, str(exe), *args], input=stdin, capture_output=True,
                          cwd=tmp_path, env=dict(e.split("=", 1) for e in ENV), timeout=60)
    ours = run_program(str(exe), argv, stdin=stdin, root=str(tmp_path), env=ENV)
    assert ours.fault is None
    assert ours.stdout.decode() == qemu.stdout.decode()
    assert ours.stderr == qemu.stderr
    assert ours.exit_code == qemu.returncode
    assert os.listdir(tmp_path) == []  # file_io cleaned up after itself in both runs
