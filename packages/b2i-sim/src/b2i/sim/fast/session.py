"""Running a whole program on an engine: the process set-up and exit handling of the reference's `run_program`.

Mirrors `b2i.sim.machine.run.run_program` (same streams, argv, environment, root and exit codes), with the
engine that drives the hart chosen by the caller: the fast engine, or the lockstep pair.
"""

from collections.abc import Callable
from typing import Any, TextIO

from b2i.sim.machine.linux import Process
from b2i.sim.machine.loader import LoadError
from b2i.sim.machine.run import (
    EXIT_FAULT,
    EXIT_LIMIT,
    EXIT_LOAD_ERROR,
    RunResult,
    fault_message,
    make_process,
)
from b2i.sim.machine.trap import GuestExit, GuestFault, Trap


def drive(engine: Any, max_insns: int | None) -> tuple[int, str | None]:
    """Run an engine (anything with `run` and `hart`) to its end: (exit code, message or None)."""
    hart = engine.hart
    try:
        engine.run(max_insns)
    except GuestExit as done:
        return done.code, None
    except Trap as trap:
        return EXIT_FAULT, fault_message(hart, trap)
    except GuestFault as fault:
        return EXIT_FAULT, str(fault)
    return EXIT_LIMIT, f"stopped after {hart.instret} instructions (instruction limit)"


def run_process(elf: bytes | str, argv: list[str] | None = None, *, stdin: bytes = b"", root: str = ".",
                max_insns: int | None = None, trace: TextIO | None = None, env: list[str] | None = None,
                strace: TextIO | None = None, make_engine: Callable[[Process], Any], stats: Any = None) -> RunResult:
    """Load, run on the engine `make_engine(process)` returns, and collect a RunResult."""
    try:
        process, out, err = make_process(elf, argv, stdin, root, env, strace)
    except LoadError as error:
        return RunResult(EXIT_LOAD_ERROR, b"", b"", 0, str(error))
    process.hart.trace = trace  # before the engine is made: a fast engine then translates tracing blocks
    engine = make_engine(process)
    try:
        code, message = drive(engine, max_insns)
    finally:
        if stats is not None:
            vars(stats).update(vars(engine.stats))
        engine.close()
    return RunResult(code, bytes(out), bytes(err), process.hart.instret, message)
