"""Command-line entry points of b2i-sim."""

import argparse

from b2i.sim import __version__


def as_main(argv: list[str] | None = None) -> int:
    """`b2i-as`: assemble RISC-V source into an ELF object."""
    parser = argparse.ArgumentParser(prog="b2i-as", description="Assemble RISC-V source into an ELF object.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.parse_args(argv)
    parser.print_help()
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

