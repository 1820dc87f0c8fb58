"""Command-line entry points of b2i-hdl."""

import argparse

from b2i.hdl import __version__


def main(argv: list[str] | None = None) -> int:
    """`b2i-hdl`: run, synthesize and lint the b2i hardware."""
    parser = argparse.ArgumentParser(prog="b2i-hdl", description="Run, synthesize and lint the b2i hardware.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0
