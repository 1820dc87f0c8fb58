"""A trap whose handler faults itself retires nothing: b2i-run reports it instead of spinning forever."""

import subprocess

from b2i.sim import run_machine
from b2i.sim.asm import assemble
from b2i.sim.link import link

# mtvec = 0 and a jump to 0: the fetch faults, the trap vectors to 0, whose fetch faults again, forever.
SOURCE = """
    .globl _start
_start:
    csrw mtvec, zero
    jr zero
"""


def build(tmp_path):
    path = tmp_path / "loop"
    path.write_bytes(link([assemble(SOURCE, "loop.s")], text_base=0x80000000))
    return path


def test_trap_loop_is_a_guest_fault(tmp_path):
    result = run_machine(build(tmp_path), max_insns=1000)
    assert result.exit_code == 126
    assert result.instret == 2
    assert result.fault.startswith("trap loop: ")
    assert "cause 1, pc 0x0" in result.fault  # instruction access fault at address 0


def test_trap_loop_cli_one_line(tmp_path):
    proc = subprocess.run(["b2i-run", "--machine", str(build(tmp_path))], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 126
    assert proc.stderr.count("\n") == 1 and "trap loop" in proc.stderr
    assert "Traceback" not in proc.stderr
