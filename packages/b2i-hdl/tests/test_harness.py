"""The Verilator harness (sim/harness.cpp) on its own: it loads an ELF or a hex file into RAM without Python,
prints the UART output and the summary line, and refuses a file it cannot load in one line."""

import struct
import subprocess

import pytest
from b2i.hdl.image import image_to_hex, load_program
from b2i.hdl.runner import SUMMARY, build_verilator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Prints the 16 doublewords at 0x8000_1000 in hex, one per line (the hex-file test puts them there).
DUMP = """
    .section .text.init
    .globl _start
_start:
    li s0, 0x80001000
    li s1, 16
    li s2, 0x10000000
next:
    ld a0, 0(s0)
    li t1, 60
digit:
    srl t0, a0, t1
    andi t0, t0, 15
    addi t0, t0, '0'
    li t2, '9'
    ble t0, t2, 1f
    addi t0, t0, 'a' - '9' - 1
1:  sb t0, 0(s2)
    addi t1, t1, -4
    bgez t1, digit
    li t0, '\\n'
    sb t0, 0(s2)
    addi s0, s0, 8
    addi s1, s1, -1
    bnez s1, next
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b
"""

# Text at 0x8000_0000, data one MiB up, bss after it: prints the data string and the bss's sum (zero).
SCATTERED = """
    .section .text.init
    .globl _start
_start:
    la s0, message
    li s2, 0x10000000
1:  lbu t0, 0(s0)
    beqz t0, 2f
    sb t0, 0(s2)
    addi s0, s0, 1
    j 1b
2:  la s0, zeros
    li s1, 512
    li a0, '0'
3:  ld t0, 0(s0)
    add a0, a0, t0
    addi s0, s0, 8
    addi s1, s1, -1
    bnez s1, 3b
    sb a0, 0(s2)
    li a0, '\\n'
    sb a0, 0(s2)
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
4:  j 4b
    .data
message: .asciz "segments placed\\n"
    .bss
zeros: .zero 4096
"""


def elf_header(machine: int, phoff: int) -> bytes:
    """An ELF64 little-endian executable header with one program header at `phoff` (and nothing else)."""
    return b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, 0, phoff, 0, 0, 64, 56, 1,
                                                             0, 0, 0)


def harness(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(build_verilator()), *args], capture_output=True, text=True, timeout=120)


def test_harness_loads_an_elf_with_scattered_segments_as_qemu_does(oracle, qemu, tmp_path):
    source, obj, elf = tmp_path / "s.S", tmp_path / "s.o", tmp_path / "s.elf"
    source.write_text(SCATTERED)
    subprocess.run([oracle("riscv64-unknown-elf-as"), "-march=rv64ima", "-o", str(obj), str(source)], check=True)
    subprocess.run([oracle("riscv64-unknown-elf-ld"), "-Ttext=0x80000000", "-Tdata=0x80100000", "-o", str(elf),
                    str(obj)], check=True)
    proc = harness(str(elf))
    uart, status = qemu(elf)
    assert proc.returncode == 0 and status == 0
    *output, summary = proc.stdout.splitlines(keepends=True)
    assert "".join(output) == uart == "segments placed\n0\n"
    match = SUMMARY.match(summary)
    assert match and match.group(3) == "1" and int(match.group(2)) > 0 and int(match.group(1)) >= int(match.group(2))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.integers(0, 2**64 - 1), min_size=16, max_size=16))
def test_harness_loads_a_hex_file_with_an_address_line(build_program, tmp_path, words):
    hex_file = tmp_path / "dump.hex"
    code = image_to_hex(load_program(build_program(DUMP)))
    hex_file.write_text(code + "@200 // word 0x200: 0x8000_1000\n" + " ".join(f"{w:x}" for w in words) + "\n")
    proc = harness("+trace=/dev/null", str(hex_file))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:-1] == [f"{w:016x}" for w in words]


@pytest.mark.parametrize("content, name, message", [
    (b"\x7fELF\x01\x01\x01", "p.elf", "not a 64-bit little-endian ELF file"),
    (elf_header(machine=62, phoff=64), "p.elf", "ELF machine 62 is not RISC-V (243)"),
    (elf_header(machine=243, phoff=1 << 40), "p.elf", "truncated ELF file"),
    (b"0123 zz\n", "p.hex", "bad hex word 'zz'"),
    (b"just text", "p.txt", "not an ELF or .hex file"),
])
def test_harness_refuses_what_it_cannot_load_in_one_line(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    proc = harness(str(path))
    assert proc.returncode == 2 and proc.stdout == ""
    where = f"{path}:1" if name.endswith(".hex") else str(path)
    assert proc.stderr == f"b2i_sim: error: {where}: {message}\n"


def test_cli_reports_the_harness_load_error_in_one_line(tmp_path):
    bad = tmp_path / "bad.hex"
    bad.write_text("0000000000000013\n@zz\n")
    proc = subprocess.run(["b2i-hdl", "run", str(bad)], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"b2i-hdl: error: {bad}:2: bad hex word '@zz'\n"
