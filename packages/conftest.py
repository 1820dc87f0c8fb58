"""Shared by every package's tests: finding the outside tools (oracles) that check our output.

A test that needs an oracle calls ``oracle("qemu-riscv64")``. When the tool is missing the test fails, unless
B2I_ALLOW_MISSING_ORACLES=1 is set, in which case it is skipped: CI always runs the comparison.
"""

import os
import shutil

import pytest


def find_oracle(command: str) -> str:
    path = shutil.which(command)
    if path:
        return path
    message = f"oracle {command!r} is not installed (python tools/oracles.py --install)"
    if os.environ.get("B2I_ALLOW_MISSING_ORACLES") == "1":
        pytest.skip(message)
    pytest.fail(message)


@pytest.fixture
def oracle():
    """Returns a function that gives the path of an outside tool, or skips/fails as described above."""
    return find_oracle
