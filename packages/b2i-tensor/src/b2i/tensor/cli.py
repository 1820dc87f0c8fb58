"""Command-line entry points of b2i-tensor."""

import argparse

from b2i.tensor import __version__


def main(argv: list[str] | None = None) -> int:
    """`b2i-tensor`: inspect the b2i tensor library."""
    parser = argparse.ArgumentParser(prog="b2i-tensor", description="Inspect the b2i tensor library.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0
