"""Command-line entry points of b2i-cc."""

import argparse

from b2i.cc import __version__


def main(argv: list[str] | None = None) -> int:
    """`b2i-cc`: compile C for the b2i machine."""
    parser = argparse.ArgumentParser(prog="b2i-cc", description="Compile C for the b2i machine.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0
