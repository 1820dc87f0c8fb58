"""Fixtures of b2i-hdl's tests: building bare-metal programs with GNU binutils and running them on QEMU.

Programs are linked at 0x8000_0000, the reset address of both the b2i SoC and `qemu-system-riscv64 -machine
virt -bios none`, and end by writing the test device, so both machines stop the same way.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(__file__))  # privileged_start.py: the start of programs that leave M mode

LINKER_SCRIPT = """
ENTRY(_start)
SECTIONS {
  . = 0x80000000;
  .text : { *(.text.init) *(.text*) }
  .data : { *(.rodata*) *(.data*) *(.sdata*) *(.bss*) *(.sbss*) }
}
"""

# Linked into every program: the programs print results with it (`call print_line`).
PRINT_LINE = """
    .text
print_line:                   # prints the character a1, a0 in hex, a newline
    li t6, 0x10000000
    sb a1, 0(t6)
    li t3, 60
1:  srl t4, a0, t3
    andi t4, t4, 15
    li t5, 10
    blt t4, t5, 2f
    addi t4, t4, 39
2:  addi t4, t4, 48
    sb t4, 0(t6)
    addi t3, t3, -4
    bgez t3, 1b
    li t4, 10
    sb t4, 0(t6)
    ret
"""


@pytest.fixture
def build_program(tmp_path, oracle):
    """build_program(asm_text) -> path of an ELF linked at 0x8000_0000 (GNU as and ld)."""
    as_path, ld_path = oracle("riscv64-unknown-elf-as"), oracle("riscv64-unknown-elf-ld")
    counter = iter(range(1_000_000))

    def build(source: str) -> Path:
        n = next(counter)
        src, obj, elf, script = (tmp_path / f"p{n}.S", tmp_path / f"p{n}.o", tmp_path / f"p{n}.elf",
                                 tmp_path / "link.ld")
        src.write_text(source + PRINT_LINE)
        script.write_text(LINKER_SCRIPT)
        subprocess.run([as_path, "-march=rv64ima_zicsr_zifencei", "-o", str(obj), str(src)], check=True,
                       capture_output=True)
        subprocess.run([ld_path, "-T", str(script), "-o", str(elf), str(obj)], check=True, capture_output=True)
        return elf

    return build


@pytest.fixture
def qemu(oracle):
    """qemu(elf, stdin=b"") -> (uart output, exit status) on qemu-system-riscv64 -machine virt -bios none."""
    path = oracle("qemu-system-riscv64")

    def run(elf: Path, stdin: bytes = b"") -> tuple[str, int]:
        # -icount: QEMU's clock follows the instruction count, so timer interrupts do not depend on host load
        proc = subprocess.run([path, "-machine", "virt", "-bios", "none", "-nographic", "-monitor", "none",
                               "-icount", "shift=0", "-serial", "stdio", "-kernel", str(elf)],
                              input=stdin, capture_output=True, timeout=120)
        return proc.stdout.decode("latin-1"), proc.returncode

    return run
