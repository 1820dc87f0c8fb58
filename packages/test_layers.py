"""Every layer of the tower: one version in one place, its commands, its place in the dependency chain."""

import importlib
import re
import subprocess
import sys
import tomllib
from importlib.metadata import requires, version
from pathlib import Path

import pytest

LAYERS = ["hdl", "sim", "cc", "os", "py", "tensor", "ml"]
PACKAGES = Path(__file__).parent
# b2i-cc answers a bad flag as gcc does (exit 1); the others as argparse does (exit 2).
BAD_FLAG_EXIT = {"cc": 1}


def commands(layer: str) -> list[str]:
    project = tomllib.loads((PACKAGES / f"b2i-{layer}" / "pyproject.toml").read_text())["project"]
    return list(project.get("scripts", {}))


LAYER_COMMANDS = [(layer, command) for layer in LAYERS for command in commands(layer)]


@pytest.mark.parametrize("layer", LAYERS)
def test_version_comes_from_one_place(layer):
    module = importlib.import_module(f"b2i.{layer}")
    assert module.__version__ == version(f"b2i-{layer}")
    assert re.fullmatch(r"\d+\.\d+\.\d+", module.__version__)


def test_namespace_has_no_init():
    # PEP 420: b2i is a namespace shared by seven separately installed packages.
    importlib.import_module("b2i.hdl")
    assert getattr(sys.modules["b2i"], "__file__", None) is None
    assert not any((PACKAGES / f"b2i-{layer}" / "src" / "b2i" / "__init__.py").exists() for layer in LAYERS)


@pytest.mark.parametrize("index", range(len(LAYERS)))
def test_depends_only_on_the_layer_below(index):
    layer = LAYERS[index]
    b2i_deps = [r for r in requires(f"b2i-{layer}") or [] if r.startswith("b2i-")]
    if index == 0:
        assert b2i_deps == []
        return
    below = LAYERS[index - 1]
    assert len(b2i_deps) == 1 and (spec := re.fullmatch(rf"b2i-{below}~=(\d+)\.(\d+)", b2i_deps[0])), b2i_deps
    # a compatible release (~=X.Y) that the layer below, as it is in this checkout, satisfies
    wanted = tuple(map(int, spec.groups()))
    have = tuple(map(int, version(f"b2i-{below}").split(".")))
    assert have[0] == wanted[0] and have[:2] >= wanted, (b2i_deps, have)


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_has_a_command(layer):
    assert commands(layer)


@pytest.mark.parametrize(("layer", "command"), LAYER_COMMANDS)
def test_cli_version(layer, command):
    out = subprocess.run([command, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"{command} {version('b2i-' + layer)}"


@pytest.mark.parametrize(("layer", "command"), LAYER_COMMANDS)
def test_cli_bad_flag_is_one_line_error(layer, command):
    proc = subprocess.run([command, "--no-such-flag"], capture_output=True, text=True)
    assert proc.returncode == BAD_FLAG_EXIT.get(layer, 2)
    assert "Traceback" not in proc.stderr
    assert "--no-such-flag" in proc.stderr
