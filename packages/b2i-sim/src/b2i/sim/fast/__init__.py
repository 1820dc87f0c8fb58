"""The fast engine: hot basic blocks of RV64IMFD translated to native code with llvmlite (`pip install b2i-sim[fast]`).

The reference interpreter (`b2i.sim.machine`) stays the oracle and does everything rare: system calls, CSRs,
atomics, traps, and any instruction or operand the translator does not handle exactly. This engine only makes
the common path of a Linux user-mode process fast. `run_program` is the same API as the reference's; the
`lockstep` module runs both engines side by side and names the first divergence.
"""

from b2i.sim.fast.engine import FastEngine, available, run_program

__all__ = ["FastEngine", "available", "run_program"]
