"""Command-line entry points of b2i-sim."""

import argparse
import re
import sys
from typing import NoReturn

from b2i.sim import __version__


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line (`prog: error: ...`) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def read_input(prog: str, path: str) -> str | None:
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        print(f"{prog}: error: cannot read {path}: {e.strerror}", file=sys.stderr)
        return None


def as_main(argv: list[str] | None = None) -> int:
    """`b2i-as`: assemble RISC-V source into an ELF object."""
    from b2i.sim.asm import Assembler
    from b2i.sim.errors import SourceError

    parser = OneLineParser(prog="b2i-as", description="Assemble RISC-V source (GNU syntax) into an ELF object.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-o", dest="output", default="a.out", help="output object (default a.out, as GNU as)")
    parser.add_argument("-march", default="rv64g", help="accepted: rv64 with any of imafd/g/c (never compresses)")
    parser.add_argument("-mabi", default="lp64d", choices=["lp64d"], help="only lp64d")
    parser.add_argument("-mno-relax", action="store_true", help="accepted (b2i-as never relaxes)")
    parser.add_argument("-mrelax", action="store_true", help="accepted and ignored")
    parser.add_argument("inputs", nargs="*", help="source files (- for stdin)")
    args = parser.parse_args(argv)
    if not args.inputs:
        parser.error("no input files")
    if not re.fullmatch(r"rv64[gimafdc_a-z0-9]*", args.march):
        parser.error(f"unsupported -march={args.march}")
    asm = Assembler(args.inputs[0])
    try:
        for path in args.inputs:
            text = read_input("b2i-as", path)
            if text is None:
                return 1
            asm.filename = path
            asm.assemble_text(text)
        obj = asm.object_bytes()
    except SourceError as e:
        print(e, file=sys.stderr)
        return 1
    try:
        with open(args.output, "wb") as f:
            f.write(obj)
    except OSError as e:
        print(f"b2i-as: error: cannot write {args.output}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


def ld_main(argv: list[str] | None = None) -> int:
    """`b2i-ld`: link ELF objects into an executable."""
    parser = argparse.ArgumentParser(prog="b2i-ld", description="Link ELF objects into an executable.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0


def objdump_main(argv: list[str] | None = None) -> int:
    """`b2i-objdump`: show the contents of ELF files."""
    parser = argparse.ArgumentParser(prog="b2i-objdump", description="Show the contents of ELF files.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0

