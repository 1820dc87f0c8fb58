"""Keep the editable installs of the seven packages in step with the checkout.

An editable install records its version (and its dependencies) in the environment when it is installed. Hatch
re-installs a workspace member only when it is missing, so after a package's version is bumped an environment made
before the bump still reports the old version and the old requirements. This finds such members and re-installs
them, so `hatch run test` on an old environment tests what the checkout says.

Usage (inside the hatch environment): python tools/sync_workspace.py [--check]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["hdl", "sim", "cc", "os", "py", "tensor", "ml"]


def checkout_version(layer: str) -> str:
    """The version the checkout declares, read from the file hatchling reads it from."""
    source = (ROOT / "packages" / f"b2i-{layer}" / "src" / "b2i" / layer / "__init__.py").read_text()
    match = re.search(r'^__version__ = "([^"]+)"', source, re.M)
    if match is None:
        raise SystemExit(f"sync_workspace: error: no __version__ in b2i.{layer}")
    return match.group(1)


def checkout_requires(layer: str) -> list[str]:
    project = tomllib.loads((ROOT / "packages" / f"b2i-{layer}" / "pyproject.toml").read_text())["project"]
    return [dep.replace(" ", "") for dep in project.get("dependencies", [])]


def installed_requires(layer: str) -> list[str]:
    # importlib.metadata adds `; extra == ...` markers for optional features; those are not compared.
    return [dep.replace(" ", "") for dep in requires(f"b2i-{layer}") or [] if "extra==" not in dep.replace(" ", "")]


def stale_layers() -> list[str]:
    """Layers whose installed metadata differs from the checkout (version or dependencies), or are missing."""
    stale = []
    for layer in LAYERS:
        try:
            current = version(f"b2i-{layer}") == checkout_version(layer)
            current = current and installed_requires(layer) == checkout_requires(layer)
        except PackageNotFoundError:
            current = False
        if not current:
            stale.append(layer)
    return stale


def reinstall(layers: list[str]) -> None:
    uv = os.environ.get("HATCH_UV") or shutil.which("uv")
    if uv:
        command = [uv, "pip", "install", "--quiet", "--python", sys.executable, "--no-deps"]
    else:
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    for layer in layers:
        # b2i-sim's optional fast engine is part of the workspace (see hatch.toml).
        target = f"packages/b2i-{layer}" + ("[fast]" if layer == "sim" else "")
        command += ["--editable", target]
    subprocess.run(command, cwd=ROOT, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale members; exit 1 if there are any")
    args = parser.parse_args()
    stale = stale_layers()
    if not stale:
        return 0
    names = ", ".join(f"b2i-{layer}" for layer in stale)
    if args.check:
        print(f"sync_workspace: stale editable installs: {names}", file=sys.stderr)
        return 1
    print(f"sync_workspace: re-installing {names} (installed metadata differs from the checkout)")
    reinstall(stale)
    still = stale_layers()
    if still:
        print(f"sync_workspace: error: still stale after re-install: {', '.join(still)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
