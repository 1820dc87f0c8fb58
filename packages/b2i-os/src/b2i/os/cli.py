"""Command-line entry points of b2i-os."""

import argparse

from b2i.os import __version__


def main(argv: list[str] | None = None) -> int:
    """`b2i-os`: build and boot the b2i operating system."""
    parser = argparse.ArgumentParser(prog="b2i-os", description="Build and boot the b2i operating system.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0
