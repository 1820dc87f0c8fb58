"""The b2i-hdl package: one version in one place, its commands, its place in the layer chain."""

import re
import subprocess
import sys
from importlib.metadata import requires, version

import b2i.hdl
import pytest

COMMANDS = ["b2i-hdl"]


def test_version_comes_from_one_place():
    assert b2i.hdl.__version__ == version("b2i-hdl")
    assert re.fullmatch(r"\d+\.\d+\.\d+", b2i.hdl.__version__)


def test_namespace_has_no_init():
    # PEP 420: b2i is a namespace shared by seven separately installed packages.
    assert getattr(sys.modules["b2i"], "__file__", None) is None


def test_depends_only_on_the_layer_below():
    b2i_deps = [r for r in requires("b2i-hdl") or [] if r.startswith("b2i-")]
    assert b2i_deps == []


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_version(command):
    out = subprocess.run([command, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"{command} {b2i.hdl.__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_bad_flag_is_one_line_error(command):
    proc = subprocess.run([command, "--no-such-flag"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "--no-such-flag" in proc.stderr
