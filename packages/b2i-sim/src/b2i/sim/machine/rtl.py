"""`b2i-run --machine --engine rtl [--lockstep]`: run a bare-metal program on b2i's Verilog core (b2i.hdl).

Lockstep runs the program twice, on the RTL and on the reference interpreter, each writing the commit log of
stack.md section 4, and names the first retired instruction where the two logs differ. Comparing whole logs
after the fact keeps both simulators unmodified: neither has to stop and wait for the other.

The reference runs as the RTL's machine: its hart gets the core's misa (RV64IMA, b2i.hdl.MISA), so reading
misa, mstatus.FS and mepc's alignment agree; with the default RV64GC misa they would differ by design.
"""

import io
import sys
from argparse import Namespace
from dataclasses import dataclass
from typing import TextIO

from b2i.sim.machine.loader import LoadError
from b2i.sim.machine.run import EXIT_LIMIT, EXIT_LOAD_ERROR, RunResult, drive, read_program

CONTEXT = 3  # identical commit lines shown before a divergence
EXIT_DIVERGED = 123  # --lockstep: the two commit logs differ


@dataclass(frozen=True)
class Divergence:
    """The first commit where two logs differ; a side whose run had already ended has None."""

    index: int
    rtl: str | None
    reference: str | None
    before: list[str]  # the identical lines just before it

    def report(self) -> str:
        lines = [f"lockstep: commit {self.index} differs ({self.index} identical before it)"]
        lines += [f"       {line}" for line in self.before]
        lines.append(f"  rtl: {self.rtl if self.rtl is not None else '(no commit: the run had ended)'}")
        lines.append(f"  ref: {self.reference if self.reference is not None else '(no commit: the run had ended)'}")
        return "\n".join(lines)


def first_divergence(rtl: list[str], reference: list[str], context: int = CONTEXT) -> Divergence | None:
    """None when the logs are equal line for line; else where and how they first differ."""
    for index in range(max(len(rtl), len(reference))):
        ours = rtl[index] if index < len(rtl) else None
        theirs = reference[index] if index < len(reference) else None
        if ours != theirs:
            return Divergence(index, ours, theirs, rtl[max(0, index - context) : index])
    return None


@dataclass
class Lockstep:
    """Both runs of one program and the verdict."""

    rtl: object            # b2i.hdl.RunResult
    reference: object      # b2i.sim.machine.run.RunResult
    rtl_trace: list[str]
    reference_trace: list[str]
    divergence: Divergence | None


def run_rtl(program: str, stdin: bytes = b"", trace: bool = True):
    """The program on the RTL (Verilator build, cached by b2i.hdl): a b2i.hdl.RunResult."""
    from b2i.hdl import run  # noqa: PLC0415 - only this engine needs the HDL toolchain

    return run(program, trace=trace, stdin=stdin)


def run_reference(program: str, stdin: bytes = b"", max_insns: int | None = None,
                  trace: TextIO | None = None) -> RunResult:
    """The program on the reference interpreter (as run_machine does), its hart reporting the RTL's misa."""
    from b2i.hdl import MISA  # noqa: PLC0415
    from b2i.sim.machine.board import Board  # noqa: PLC0415 - the board pulls in every device

    try:
        image, _ = read_program(program)
        out = bytearray()
        board = Board(uart_input=bytes(stdin), uart_output=out.extend)
        board.load_image(image)
    except LoadError as error:
        return RunResult(EXIT_LOAD_ERROR, b"", b"", 0, str(error))
    board.hart.misa = MISA
    board.hart.trace = trace
    code, message = drive(board.hart, max_insns)
    return RunResult(code, bytes(out), b"", board.hart.instret, message)


def lockstep(program: str, stdin: bytes = b"") -> Lockstep:
    """Run on the RTL, then on the reference for at most one instruction more (so a runaway cannot hang it)."""
    rtl = run_rtl(program, stdin)
    log = io.StringIO()
    reference = run_reference(program, stdin, max_insns=rtl.instret + 1, trace=log)
    ours, theirs = list(rtl.trace or []), log.getvalue().splitlines()
    # The reference ends the run inside the store to the test device, before logging it; the RTL logs it.
    if rtl.finished and reference.fault is None and len(ours) == len(theirs) + 1:
        ours = ours[:-1]
    return Lockstep(rtl, reference, ours, theirs, first_divergence(ours, theirs))


def rtl_main(options: Namespace, trace: TextIO | None) -> int:
    """`b2i-run --machine --engine rtl`: UART output on stdout, the commit log on `trace`, the test device's status."""
    from b2i.hdl import ImageError, ToolError  # noqa: PLC0415

    stdin = b"" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.buffer.read()
    try:
        if options.lockstep:
            both = lockstep(options.program, stdin)
            result, commits = both.rtl, both.rtl_trace
        else:
            result = run_rtl(options.program, stdin, trace=trace is not None)
            commits = result.trace or []
    except (ImageError, ToolError, OSError) as error:
        print(f"b2i-run: error: {error}", file=sys.stderr)
        return EXIT_LOAD_ERROR
    sys.stdout.buffer.write(result.uart.encode("latin-1"))
    sys.stdout.flush()
    if trace is not None:
        trace.write("".join(line + "\n" for line in commits))
    if options.stats:
        print(f"b2i-run: {result.instret} instructions retired in {result.cycles} cycles (CPI {result.cpi:.2f})",
              file=sys.stderr)
    if options.lockstep:
        if both.divergence is not None:
            print(f"b2i-run: {both.divergence.report()}", file=sys.stderr)
            return EXIT_DIVERGED
        print(f"b2i-run: lockstep: {len(commits)} commits identical", file=sys.stderr)
    if not result.finished:
        print(f"b2i-run: stopped after {result.cycles} cycles (cycle limit)", file=sys.stderr)
        return EXIT_LIMIT
    return result.exit_code
