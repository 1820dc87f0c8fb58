"""The fast engine: hot basic blocks of RV64IMFDC translated to native code with llvmlite (`pip install b2i-sim[fast]`).

The reference interpreter (`b2i.sim.machine`) stays the oracle and does everything rare: system calls, CSRs,
atomics, traps, interrupts, MMIO, and any instruction or operand the translator does not handle exactly. This
engine only makes the common path fast: of a Linux user-mode process (`run_program`, `FastEngine`) and of the
b2i machine in system mode (`run_machine`, `SystemEngine`: native loads and stores through a software TLB the
reference's MMU fills). The `lockstep` module runs both engines side by side and names the first divergence.
"""

from b2i.sim.fast.engine import FastEngine, available, run_program
from b2i.sim.fast.system import SystemEngine, run_machine

__all__ = ["FastEngine", "SystemEngine", "available", "run_machine", "run_program"]
