"""Command-line entry points of b2i-ml."""

import argparse

from b2i.ml import __version__


def main(argv: list[str] | None = None) -> int:
    """`b2i-ml`: train and sample b2i models."""
    parser = argparse.ArgumentParser(prog="b2i-ml", description="Train and sample b2i models.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0
