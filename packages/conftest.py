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


# Hypothesis: CI shares 2 cores among pytest-xdist workers, so wall-clock deadlines would fail at random;
# examples stay random (a new seed each run) and a failure prints the blob that reproduces it.
try:
    from hypothesis import HealthCheck, settings
except ImportError:  # a package's tests run without hypothesis installed
    pass
else:
    settings.register_profile(
        "b2i", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
    )
    settings.load_profile("b2i")
