"""The b2i-cc package: one version in one place, its commands, its place in the layer chain."""

import re
import subprocess
import sys
from importlib.metadata import requires, version

import b2i.cc
import pytest

COMMANDS = ["b2i-cc"]


def test_version_comes_from_one_place():
    assert b2i.cc.__version__ == version("b2i-cc")
    assert re.fullmatch(r"\d+\.\d+\.\d+", b2i.cc.__version__)


def test_namespace_has_no_init():
    # PEP 420: b2i is a namespace shared by seven separately installed packages.
    assert getattr(sys.modules["b2i"], "__file__", None) is None


def test_depends_only_on_the_layer_below():
    b2i_deps = [r for r in requires("b2i-cc") or [] if r.startswith("b2i-")]
    assert b2i_deps == ["b2i-sim~=0.1"]


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_version(command):
    out = subprocess.run([command, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"{command} {b2i.cc.__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_bad_flag_is_one_line_error(command):
    proc = subprocess.run([command, "--no-such-flag"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"{command}: error: unrecognized command-line option '--no-such-flag'"
