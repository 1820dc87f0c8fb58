"""The simulator's documentation says what the code does: its memory map and system call tables match the
code's single sources, and the bare-metal tutorial's program builds (GNU and b2i tools) and prints what the
tutorial shows, on b2i-run and on qemu-system-riscv64."""

import pathlib
import re
import subprocess

from b2i.sim.machine import memmap
from b2i.sim.machine.linux import Process
from b2i.sim.machine.syscall_numbers import NUMBERS

DOCS = pathlib.Path(__file__).parent.parent / "docs"


def table_rows(text: str, header: str) -> list[list[str]]:
    """The body rows of the Markdown table whose header row starts with `header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header}"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_memory_map_table_matches_memmap():
    rows = table_rows((DOCS / "simulator.md").read_text(), "device | base")
    documented = {row[0]: (int(row[1], 16), row[2]) for row in rows}
    assert documented["RAM"][0] == memmap.RAM_BASE
    assert documented["RAM"][1] == f"{memmap.RAM_SIZE_DEFAULT >> 20} MiB"
    for name, base, size in (("test / power device", memmap.TEST_BASE, memmap.TEST_SIZE),
                             ("CLINT", memmap.CLINT_BASE, memmap.CLINT_SIZE),
                             ("PLIC", memmap.PLIC_BASE, memmap.PLIC_SIZE),
                             ("UART 16550", memmap.UART_BASE, memmap.UART_SIZE)):
        assert documented[name] == (base, hex(size)), name


def test_syscall_table_lists_exactly_the_implemented_calls():
    rows = table_rows((DOCS / "simulator.md").read_text(), "number | call")
    documented = {}
    for row in rows:
        for number, name in zip(row[0::2], row[1::2], strict=True):
            if number:
                documented[int(number)] = name
    implemented = {NUMBERS[name[4:]]: name[4:] for name in dir(Process) if name.startswith("sys_")}
    assert documented == implemented


def test_tutorial_program_runs_as_shown(oracle, tmp_path):
    text = (DOCS / "tutorial-bare-metal.md").read_text()
    source = re.search(r"```gas\n(.*?)```", text, re.S).group(1)
    shown = re.search(r"\$ b2i-run --machine hello.elf\n(.*?)\$ echo", text, re.S).group(1)
    trace_shown = re.search(r"\$ b2i-run --machine --trace --max-insns 4 hello.elf\n(.*?)```", text, re.S).group(1)
    (tmp_path / "hello.S").write_text(source)
    gnu, ours = tmp_path / "gnu.elf", tmp_path / "ours.elf"
    subprocess.run([oracle("riscv64-unknown-elf-gcc"), "-nostdlib", "-march=rv64g", "-mabi=lp64d", "-mcmodel=medany",
                    "-Wl,-Ttext=0x80000000", "-o", str(gnu), str(tmp_path / "hello.S")], check=True)
    subprocess.run(["b2i-as", "-o", str(tmp_path / "hello.o"), str(tmp_path / "hello.S")], check=True)
    subprocess.run(["b2i-ld", "-Ttext=0x80000000", "-o", str(ours), str(tmp_path / "hello.o")], check=True)
    qemu = subprocess.run([oracle("qemu-system-riscv64"), "-machine", "virt", "-bios", "none", "-nographic",
                           "-kernel", str(gnu)], capture_output=True, text=True, timeout=30)
    assert qemu.stdout == shown and qemu.returncode == 0
    for exe in (gnu, ours):
        run = subprocess.run(["b2i-run", "--machine", str(exe)], capture_output=True, text=True, timeout=60)
        assert (run.stdout, run.returncode) == (shown, 0)
    traced = subprocess.run(["b2i-run", "--machine", "--trace", "--max-insns", "4", str(gnu)], capture_output=True,
                            text=True, timeout=60)
    assert traced.stderr == trace_shown
