"""b2i.sim: The machine in Python: ISA table, assembler, linker, disassembler, ELF tools and simulator."""

__version__ = "0.3.1"

_RUN_API = ("run_program", "run_machine", "RunResult")


def __getattr__(name: str):
    """`b2i.sim.run_program` and friends, imported on first use (b2i.sim.machine.run holds them)."""
    if name in _RUN_API:
        from b2i.sim.machine import run

        return getattr(run, name)
    raise AttributeError(f"module 'b2i.sim' has no attribute {name!r}")
