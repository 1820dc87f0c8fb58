"""`b2i-run --engine fast`: put the fast engine in front of the process (or, with --machine, the board) the
command built.

The command keeps everything else (argument parsing, streams, exit codes, --stats); it drives what `attach`
returns exactly as it drives a reference hart (`run`, `pc`, `instret`, `insn_word`).
"""

from argparse import Namespace
from collections.abc import Callable
from typing import NoReturn

from b2i.sim.machine.board import Board
from b2i.sim.machine.linux import Process


def attach(target: Process | Board, options: Namespace, error: Callable[[str], NoReturn]):
    """The fast engine for a user-mode process or a board; `error` (the parser's) for what it cannot do."""
    try:
        from b2i.sim.fast.engine import FastEngine  # noqa: PLC0415 - llvmlite is an optional dependency
        from b2i.sim.fast.native import native  # noqa: PLC0415
        from b2i.sim.fast.system import SystemEngine  # noqa: PLC0415

        native()  # fail here, with a message, if LLVM cannot start
    except ImportError:
        error("--engine fast needs llvmlite: pip install 'b2i-sim[fast]'")
    return SystemEngine(target) if isinstance(target, Board) else FastEngine(target)

