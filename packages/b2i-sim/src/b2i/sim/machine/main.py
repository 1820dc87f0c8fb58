"""`b2i-run`: run a RISC-V program, as a Linux process (default) or on the whole b2i machine (`--machine`).

The engine is the fast one (`b2i.sim.fast`) whenever llvmlite, the `[fast]` extra, is installed and LLVM starts;
otherwise, or with `--engine ref`, the reference interpreter runs the program. Both give the same results and
the same commit log (`--trace`).

Exit status: the guest's own, or 124 (instruction limit), 125 (cannot load the program), 126 (guest fault),
2 (bad command line), 123 (--lockstep: the RTL and the reference simulator differ). Messages are one line on
stderr, never a traceback.
"""

import argparse
import importlib.util
import os
import select
import sys
import time
from typing import NoReturn

from b2i.sim import __version__
from b2i.sim.machine.board import Board
from b2i.sim.machine.linux import Process, host_stream_in, host_stream_out
from b2i.sim.machine.loader import LoadError
from b2i.sim.machine.run import EXIT_LOAD_ERROR, drive, read_program


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="b2i-run", description="Run a RISC-V program on the b2i machine.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--machine", action="store_true",
                        help="system mode: boot a bare-metal ELF on the b2i machine (UART on the terminal)")
    parser.add_argument("--engine", choices=["ref", "fast", "rtl"],
                        help="fast: hot blocks compiled to native code (the default when the [fast] extra, llvmlite, "
                             "is installed); ref: the reference interpreter (the default without it); rtl: b2i's "
                             "Verilog core through b2i.hdl (with --machine)")
    parser.add_argument("--lockstep", action="store_true",
                        help="with --engine rtl: also run the reference and stop at the first differing commit")
    parser.add_argument("--root", default=".", help="folder the guest's files are confined to (default: .)")
    parser.add_argument("--max-insns", type=int, metavar="N", help="stop after N instructions (exit 124)")
    parser.add_argument("--trace", action="store_true", help="print the commit log (one line per instruction)")
    parser.add_argument("--trace-file", metavar="PATH", help="write the commit log to PATH instead of stderr")
    parser.add_argument("--stats", action="store_true", help="print instructions retired and MIPS on exit")
    parser.add_argument("--strace", action="store_true", help="log each system call to stderr (user mode)")
    parser.add_argument("--ram", type=int, metavar="MIB", help="RAM size in MiB (system mode, default 128)")
    parser.add_argument("program", nargs="?", help="the ELF executable (its own arguments follow it)")
    return parser


TAKES_VALUE = {"--engine", "--root", "--max-insns", "--trace-file", "--ram"}


def split_arguments(argv: list[str]) -> tuple[list[str], list[str]]:
    """(b2i-run's own arguments up to and including the program, the program's arguments)."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            return argv[: i + 2], argv[i + 2 :]
        if not token.startswith("-") or token == "-":
            return argv[: i + 1], argv[i + 1 :]
        i += 2 if token in TAKES_VALUE else 1
    return argv, []


def _stdin_poll() -> bytes:
    """Whatever the terminal or pipe has ready now, without waiting."""
    try:
        ready, _, _ = select.select([sys.stdin], [], [], 0)
        return os.read(sys.stdin.fileno(), 4096) if ready else b""
    except (OSError, ValueError):
        return b""


def _stdin_wait() -> bool:
    try:
        select.select([sys.stdin], [], [])
        return True
    except (OSError, ValueError):
        return False


def usage_error(message: str) -> NoReturn:
    """A mistake on the command line: one line, exit status 2."""
    print(f"b2i-run: error: {message}", file=sys.stderr)
    sys.exit(2)


def run_main(argv: list[str] | None = None) -> int:
    """Entry point of the `b2i-run` command."""
    own, guest_args = split_arguments(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    options, unknown = parser.parse_known_args(own)
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if options.program is None:
        parser.error("the following arguments are required: program")
    try:
        image, name = read_program(options.program)
    except LoadError as error:
        print(f"b2i-run: error: {error}", file=sys.stderr)
        return EXIT_LOAD_ERROR
    if not os.path.isdir(options.root):
        usage_error(f"--root {options.root}: not a folder")
    if options.engine == "rtl" and not options.machine:
        usage_error("--engine rtl runs bare-metal programs on the b2i machine: add --machine")
    if options.lockstep and options.engine != "rtl":
        usage_error("--lockstep compares the RTL with the reference: add --machine --engine rtl")
    try:
        trace_file = open(options.trace_file, "w") if options.trace_file else None  # noqa: SIM115
    except OSError as error:
        usage_error(f"--trace-file {options.trace_file}: {error.strerror}")
    trace = trace_file or (sys.stderr if options.trace else None)
    if options.engine == "rtl":
        from b2i.sim.machine.rtl import rtl_main  # noqa: PLC0415 - needs the HDL toolchain

        try:
            return rtl_main(options, trace)
        finally:
            if trace_file:
                trace_file.close()
    if options.machine:
        output = host_stream_out(sys.stdout.buffer)
        board = Board(ram_size=options.ram << 20 if options.ram else None, uart_input=_stdin_poll,
                      uart_output=output.write_fn, wait_input=_stdin_wait)
        try:
            board.load_image(image)
        except LoadError as error:
            print(f"b2i-run: error: {error}", file=sys.stderr)
            return EXIT_LOAD_ERROR
        hart = board.hart
    else:
        process = Process(image, [options.program, *guest_args], [f"{k}={v}" for k, v in os.environ.items()],
                          host_stream_in(sys.stdin.buffer), host_stream_out(sys.stdout.buffer),
                          host_stream_out(sys.stderr.buffer), options.root,
                          strace=sys.stderr if options.strace else None, exe_name=name)
        hart = process.hart
    reference_hart = hart
    hart.trace = trace  # set before the fast engine is attached: it then translates blocks that trace
    if options.engine in ("fast", None) and (options.engine or importlib.util.find_spec("llvmlite")):
        from b2i.sim.fast.cli import attach  # noqa: PLC0415 - optional engine

        # the fast engine drives the process's (or the board's) hart itself; by default, if it cannot start,
        # the reference runs the program
        hart = attach(board if options.machine else process, usage_error, required=options.engine == "fast") or hart
    engine = "reference" if hart is reference_hart else "fast"
    start = time.perf_counter()
    try:
        code, message = drive(hart, options.max_insns)
    except KeyboardInterrupt:
        code, message = 130, "interrupted"
    finally:
        if trace_file:
            trace_file.close()
    seconds = time.perf_counter() - start
    sys.stdout.flush()
    if message:
        print(f"b2i-run: {message}", file=sys.stderr)
    if options.stats:
        mips = hart.instret / seconds / 1e6 if seconds else 0.0
        print(f"b2i-run: {hart.instret} instructions retired in {seconds:.3f} s ({mips:.3f} MIPS)"
              f" on the {engine} engine", file=sys.stderr)
    return code

