"""Command-line entry points of b2i-py."""

import argparse

from b2i.py import __version__


def main(argv: list[str] | None = None) -> int:
    """`b2i-py`: run Python scripts on the b2i machine."""
    parser = argparse.ArgumentParser(prog="b2i-py", description="Run Python scripts on the b2i machine.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0
