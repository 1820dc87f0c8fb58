"""`b2i-run`'s fast engine (`--engine fast`, and the default when llvmlite is installed): put the fast engine in
front of the process (or, with --machine, the board) the command built.

The command keeps everything else (argument parsing, streams, exit codes, --trace, --stats); it drives what
`attach` returns exactly as it drives a reference hart (`run`, `pc`, `instret`, `insn_word`).
"""

from collections.abc import Callable
from typing import NoReturn

from b2i.sim.machine.board import Board
from b2i.sim.machine.linux import Process


def attach(target: Process | Board, error: Callable[[str], NoReturn], required: bool = True):
    """The fast engine for a user-mode process or a board. If it cannot start (no llvmlite, LLVM or the flat
    memory's address space unavailable): `error` (the parser's) when the user asked for it, else None (the
    caller runs the reference)."""
    try:
        from b2i.sim.fast.engine import FastEngine  # noqa: PLC0415 - llvmlite is an optional dependency
        from b2i.sim.fast.native import native  # noqa: PLC0415
        from b2i.sim.fast.system import SystemEngine  # noqa: PLC0415

        native()  # fail here, with a message, if LLVM cannot start
        return SystemEngine(target) if isinstance(target, Board) else FastEngine(target)
    except ImportError:
        if required:
            error("--engine fast needs llvmlite: pip install 'b2i-sim[fast]'")
    except (OSError, MemoryError, RuntimeError) as failure:
        if required:
            error(f"--engine fast cannot start: {failure}")
    return None
