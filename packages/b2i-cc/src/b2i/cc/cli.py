"""Command-line entry point of b2i-cc (the driver lives in driver.py)."""

import sys

from b2i.cc.driver import main as driver_main


def main(argv: list[str] | None = None) -> int:
    """`b2i-cc`: compile C for the b2i machine."""
    return driver_main(argv)


if __name__ == "__main__":
    sys.exit(main())
