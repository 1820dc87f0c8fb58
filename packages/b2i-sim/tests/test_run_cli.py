"""The b2i-run command: exit codes, one-line errors (no tracebacks), guest arguments, the commit log,
--stats, --max-insns and the confinement of files to --root."""

import itertools
import os
import pathlib
import re
import struct
import subprocess

import pytest
from b2i.sim.machine.run import run_program

PROGRAMS = pathlib.Path(__file__).parent / "programs"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Compiles on first use: name -> path (asm/*.S with -nostdlib, C files with glibc)."""
    folder = tmp_path_factory.mktemp("cli-programs")
    cache: dict[str, pathlib.Path] = {}

    def get(oracle, relative: str, *flags: str) -> pathlib.Path:
        if relative not in cache:
            exe = folder / pathlib.Path(relative).stem
            source = PROGRAMS / relative
            extra = ["-nostdlib"] if source.suffix == ".S" else ["-O2"]
            subprocess.run([oracle("riscv64-linux-gnu-gcc"), "-static", *extra, *flags, "-o", str(exe),
                            str(source)], check=True)
            cache[relative] = exe
        return cache[relative]

    return get


ENGINE = ["ref"]  # the engine the running test asks for; set by the fixture below


@pytest.fixture(autouse=True, params=["ref", "fast"])
def engine(request):
    """Every test runs the command on both engines (without --engine, b2i-run picks fast where it can)."""
    if request.param == "fast":
        pytest.importorskip("llvmlite")
    ENGINE[0] = request.param
    return request.param


def b2i_run(*args: str, stdin: bytes = b"", cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(["b2i-run", "--engine", ENGINE[0], *args], input=stdin, capture_output=True,
                          timeout=120, cwd=cwd)


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int, *words: str) -> str:
    err = proc.stderr.decode()
    assert proc.returncode == code, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for word in words:
        assert word in err
    return err


def test_illegal_instruction_names_pc_word_and_text(oracle, built):
    exe = built(oracle, "asm/illegal.S")
    dump = subprocess.run([oracle("riscv64-linux-gnu-objdump"), "-d", str(exe)], capture_output=True,
                          text=True).stdout
    pc = re.search(r"^\s*([0-9a-f]+):\s+0{8}\s", dump, re.M).group(1)  # we report a 16-bit parcel: 0x0000
    err = assert_one_line_error(b2i_run(str(exe)), 126, "illegal instruction", "0x0000 ", f"pc 0x{pc}")
    assert err.count("(") >= 1  # the disassembler's text (or the hex word) in parentheses


def test_unmapped_load_names_the_address(oracle, built):
    exe = built(oracle, "asm/unmapped.S")
    assert_one_line_error(b2i_run(str(exe)), 126, "load access fault", "0x12345008")


def test_bad_programs_are_load_errors(oracle, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a program\n")
    assert_one_line_error(b2i_run(str(text)), 125, "not an ELF file")
    assert_one_line_error(b2i_run(str(tmp_path / "missing")), 125, "missing", "No such file")
    host_elf = "/bin/true"
    assert_one_line_error(b2i_run(host_elf), 125, "not RISC-V")
    source = tmp_path / "dyn.c"
    source.write_text("int main(void) { return 0; }\n")
    subprocess.run([oracle("riscv64-linux-gnu-gcc"), "-o", str(tmp_path / "dyn"), str(source)], check=True)
    assert_one_line_error(b2i_run(str(tmp_path / "dyn")), 125, "dynamically linked")
    truncated = tmp_path / "truncated"
    truncated.write_bytes((tmp_path / "dyn").read_bytes()[:200])
    assert_one_line_error(b2i_run(str(truncated)), 125, "truncated")


def test_guest_arguments_follow_the_program(oracle, built, tmp_path):
    exe = built(oracle, "user/args_env.c")
    proc = b2i_run(str(exe), "--stats", "-x", cwd=tmp_path)
    out = proc.stdout.decode()
    assert proc.returncode == 3
    assert "argv[1] = '--stats'" in out and "argv[2] = '-x'" in out
    assert proc.stderr == b""


def test_stats_and_instruction_limit(oracle, built):
    exe = built(oracle, "asm/count.S")
    proc = b2i_run("--stats", str(exe))
    assert proc.returncode == 15
    match = re.search(r"(\d+) instructions retired in [\d.]+ s \(([\d.]+) MIPS\)", proc.stderr.decode())
    assert match and int(match.group(1)) == 2 + 3 * 5 + 2  # the exit ecall does not retire
    assert_one_line_error(b2i_run("--max-insns", "4", str(exe)), 124, "instruction limit")


def test_commit_log_matches_objdump(oracle, built):
    """Every traced pc and word is an instruction of the program as GNU objdump lists it, and the
    registers written are the values the loop computes."""
    exe = built(oracle, "asm/count.S")
    proc = b2i_run("--trace", str(exe))
    lines = proc.stderr.decode().splitlines()
    dump = subprocess.run([oracle("riscv64-linux-gnu-objdump"), "-d", str(exe)], capture_output=True,
                          text=True).stdout
    words = {int(a, 16): int(w, 16) for a, w in re.findall(r"^\s*([0-9a-f]+):\s+([0-9a-f]{8})\s", dump, re.M)}
    pattern = re.compile(r"core   0: 0 0x([0-9a-f]{16}) \(0x([0-9a-f]{8})\)(?: ([xf])(\d+) +0x([0-9a-f]{16}))?$")
    parsed = [pattern.match(line) for line in lines]
    assert all(parsed), lines
    assert len(parsed) == 2 + 3 * 5 + 2  # the final ecall does not retire: exit happens inside it
    for m in parsed:
        assert words[int(m.group(1), 16)] == int(m.group(2), 16)
    sums = [int(m.group(5), 16) for m in parsed if m.group(2) == "00550533"]  # add a0, a0, t0
    assert sums == list(itertools.accumulate(range(5, 0, -1)))
    assert sums[-1] == subprocess.run([oracle("qemu-riscv64"), str(exe)]).returncode == proc.returncode
    fcvt = [m for m in parsed if m.group(3) == "f"]
    assert len(fcvt) == 1 and int(fcvt[0].group(5), 16) == struct.unpack("<Q", struct.pack("<d", sums[-1]))[0]


def test_files_are_confined_to_the_root(oracle, built, tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "inside.txt").write_text("inside\n")
    (outside / "secret.txt").write_text("secret\n")
    os.symlink(outside / "secret.txt", root / "link.txt")
    exe = built(oracle, "confined/escape.c")
    paths = ["inside.txt", "/inside.txt", "../inside.txt", "../outside/secret.txt", "/../outside/secret.txt",
             str(outside / "secret.txt"), "link.txt", "missing.txt"]
    proc = b2i_run("--root", str(root), str(exe), *paths)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.decode().splitlines()
    assert lines[:3] == [f"{p}: read 'inside'" for p in paths[:3]]  # '/' is the root, '..' stops there
    assert lines[3:5] == [f"{p}: No such file or directory" for p in paths[3:5]]
    assert lines[5] == f"{paths[5]}: No such file or directory"  # a host path means root/<that path>
    assert lines[6] == "link.txt: Permission denied"  # the symlink leads outside
    assert lines[7] == "missing.txt: No such file or directory"
    assert "read 'secret'" not in proc.stdout.decode()


def test_strace_logs_system_calls(oracle, built, tmp_path):
    exe = built(oracle, "user/printf_ints.c")
    proc = b2i_run("--strace", str(exe), cwd=tmp_path)
    lines = proc.stderr.decode().splitlines()
    calls = [line.split("(")[0] for line in lines]
    assert proc.returncode == 0
    assert {"brk", "set_tid_address", "write", "exit_group"} <= set(calls)
    assert lines[-1].startswith("exit_group(0x0,") and lines[-1].endswith(" = ?")
    writes = [line for line in lines if line.startswith("write(0x1,")]
    assert len(writes) == 1 and writes[0].endswith(f"= {len(proc.stdout)}")  # a pipe: glibc buffers it all


def test_bad_root_or_trace_file_is_a_usage_error(oracle, built, tmp_path):
    exe = built(oracle, "asm/count.S")
    proc = b2i_run("--root", str(tmp_path / "nowhere"), str(exe))
    assert proc.returncode == 2 and "not a folder" in proc.stderr.decode() and b"Traceback" not in proc.stderr
    proc = b2i_run("--trace-file", str(tmp_path / "no" / "such"), str(exe))
    assert proc.returncode == 2 and "No such file" in proc.stderr.decode() and b"Traceback" not in proc.stderr


@pytest.mark.parametrize("instruction", ["csrr a0, mstatus", "mret", "sret", "wfi", "sfence.vma", "csrw satp, a0",
                                         "csrw cycle, a0", "rdcycle a0", "rdtime a0", "rdinstret a0",
                                         "csrr a0, fcsr", "frrm a0"])
def test_user_mode_privilege_like_qemu(oracle, tmp_path, instruction):
    """What a user program may not execute is an illegal instruction on both (qemu dies of SIGILL)."""
    source = tmp_path / "p.S"
    source.write_text(f"    .globl _start\n_start:\n    {instruction}\n    li a0, 7\n    li a7, 93\n    ecall\n")
    exe = tmp_path / "p"
    subprocess.run([oracle("riscv64-linux-gnu-gcc"), "-static", "-nostdlib", "-o", str(exe), str(source)], check=True)
    qemu = subprocess.run([oracle("qemu-riscv64"), str(exe)], capture_output=True, timeout=30)
    ours = run_program(str(exe))  # the API: the command's messages are tested above
    if qemu.returncode == -4:  # SIGILL
        assert ours.exit_code == 126 and "illegal instruction" in ours.fault
    else:
        assert (ours.exit_code, ours.fault) == (qemu.returncode, None)


def test_machine_mode_console_is_stdin_and_stdout(oracle, tmp_path):
    """--machine: the UART reads the command's stdin and writes its stdout; the test device sets the status."""
    machine = PROGRAMS / "machine"
    exe = tmp_path / "uart_echo"
    subprocess.run([oracle("riscv64-unknown-elf-gcc"), "-nostdlib", "-march=rv64g", "-mabi=lp64d", "-mcmodel=medany",
                    "-Wl,-Ttext=0x80000000", f"-I{machine}", "-o", str(exe), str(machine / "uart_echo.S")], check=True)
    proc = b2i_run("--machine", "--stats", str(exe), stdin=b"typed here\n")
    qemu = subprocess.run([oracle("qemu-system-riscv64"), "-machine", "virt", "-bios", "none", "-nographic",
                           "-kernel", str(exe)], input=b"typed here\n", capture_output=True, timeout=30)
    assert (proc.stdout, proc.returncode) == (qemu.stdout, qemu.returncode)
    assert b"TYPED HERE" in proc.stdout
    assert "instructions retired" in proc.stderr.decode()
