"""Command-line entry points of b2i-hdl: run a program on the RTL, synthesize the core, lint the Verilog."""

import argparse
import sys

from b2i.hdl import __version__
from b2i.hdl.image import ImageError
from b2i.hdl.toolchain import ToolError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse's default prints the usage too)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(2)


def _run(args: argparse.Namespace) -> int:
    from b2i.hdl.runner import run

    stdin = b""
    if args.input == "-":
        stdin = sys.stdin.buffer.read()
    elif args.input:
        try:
            with open(args.input, "rb") as file:
                stdin = file.read()
        except OSError as error:
            raise ToolError(f"{args.input}: {error.strerror}") from None
    result = run(args.program, engine=args.engine, max_cycles=args.max_cycles, trace=args.trace, stdin=stdin)
    sys.stdout.write(result.uart)
    if result.trace is not None:
        for line in result.trace:
            sys.stderr.write(line + "\n")
    state = f"exit {result.exit_code}" if result.finished else f"no exit after {result.cycles} cycles"
    sys.stderr.write(f"b2i-hdl: {state}, {result.cycles} cycles, {result.instret} instructions, "
                     f"CPI {result.cpi:.2f}\n")
    if not result.finished:
        return 124
    return result.exit_code or 0


def _synth(args: argparse.Namespace) -> int:
    from b2i.hdl.synth import synthesize

    report = synthesize(args.target, args.top)
    print(f"{report.top} ({report.target}): {report.cells} cells, {report.luts} LUTs, {report.flops} flip-flops")
    for name, count in sorted(report.cell_types.items(), key=lambda item: -item[1]):
        print(f"  {name:24} {count}")
    return 0


def _lint(args: argparse.Namespace) -> int:
    from b2i.hdl.lint import lint

    messages = lint(args.top)
    for message in messages:
        print(message)
    print(f"b2i-hdl lint: {len(messages)} messages")
    return 1 if messages else 0


def main(argv: list[str] | None = None) -> int:
    """`b2i-hdl`: run, synthesize and lint the b2i hardware."""
    parser = _Parser(prog="b2i-hdl", description="Run, synthesize and lint the b2i hardware.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    run_p = commands.add_parser("run", help="run a program (ELF, .bin or .hex) on the RTL SoC")
    run_p.add_argument("program")
    run_p.add_argument("--engine", choices=["verilator", "icarus"], default="verilator")
    run_p.add_argument("--trace", action="store_true", help="print the commit log (stack.md section 4) on stderr")
    run_p.add_argument("--max-cycles", type=int, default=10_000_000)
    run_p.add_argument("--input", metavar="FILE", help="bytes the UART receives ('-' for stdin)")
    run_p.set_defaults(handler=_run)

    synth_p = commands.add_parser("synth", help="synthesize the core with Yosys and print its cell counts")
    synth_p.add_argument("--target", choices=["generic", "ice40", "xilinx"], default="generic")
    synth_p.add_argument("--top", choices=["b2i_core", "b2i_soc"], default="b2i_core")
    synth_p.set_defaults(handler=_synth)

    lint_p = commands.add_parser("lint", help="verilator --lint-only over the Verilog")
    lint_p.add_argument("--top", choices=["b2i_core", "b2i_soc"], default="b2i_soc")
    lint_p.set_defaults(handler=_lint)

    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if getattr(args, "max_cycles", 1) < 1:
        parser.error("--max-cycles must be positive")
    try:
        return args.handler(args)
    except (ToolError, ImageError) as error:
        sys.stderr.write(f"b2i-hdl: error: {error}\n")
        return 2
