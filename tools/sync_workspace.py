"""Keep the editable installs of the seven packages in step with the checkout.

An editable install records its version (and its dependencies) in the environment when it is installed. Hatch
re-installs a workspace member only when it is missing, so after a package's version is bumped an environment made
before the bump still reports the old version and the old requirements. This finds such members and re-installs
them (the members and their extras as hatch.toml lists them), so `hatch run test` on an old environment tests
what the checkout says.

Usage (inside the hatch environment): python tools/sync_workspace.py [--check]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Member:
    """One workspace member of hatch.toml's default environment: its folder and the extras installed with it."""

    path: str
    features: list[str]

    @cached_property
    def project(self) -> dict:
        return tomllib.loads((ROOT / self.path / "pyproject.toml").read_text())

    @property
    def name(self) -> str:
        return self.project["project"]["name"]

    def checkout_version(self) -> str:
        """The version the checkout declares, read from the file hatchling reads it from."""
        source = ROOT / self.path / self.project["tool"]["hatch"]["version"]["path"]
        match = re.search(r'^__version__ = "([^"]+)"', source.read_text(), re.M)
        if match is None:
            raise SystemExit(f"sync_workspace: error: no __version__ in {source}")
        return match.group(1)

    def checkout_requires(self) -> list[str]:
        return [dep.replace(" ", "") for dep in self.project["project"].get("dependencies", [])]

    def installed_requires(self) -> list[str]:
        # importlib.metadata adds `; extra == ...` markers for optional features; those are not compared.
        deps = (dep.replace(" ", "") for dep in requires(self.name) or [])
        return [dep for dep in deps if "extra==" not in dep]

    def is_current(self) -> bool:
        try:
            return (version(self.name) == self.checkout_version()
                    and self.installed_requires() == self.checkout_requires())
        except PackageNotFoundError:
            return False

    def install_target(self) -> str:
        return self.path + (f"[{','.join(self.features)}]" if self.features else "")


def workspace() -> list[Member]:
    """The members hatch.toml installs editable, as it lists them."""
    members = tomllib.loads((ROOT / "hatch.toml").read_text())["envs"]["default"]["workspace"]["members"]
    return [Member(m, []) if isinstance(m, str) else Member(m["path"], m.get("features", [])) for m in members]


def reinstall(members: list[Member]) -> None:
    uv = os.environ.get("HATCH_UV") or shutil.which("uv")
    if uv:
        command = [uv, "pip", "install", "--quiet", "--python", sys.executable, "--no-deps"]
    else:
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    for member in members:
        command += ["--editable", member.install_target()]
    subprocess.run(command, cwd=ROOT, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale members; exit 1 if there are any")
    args = parser.parse_args()
    stale = [member for member in workspace() if not member.is_current()]
    if not stale:
        return 0
    names = ", ".join(member.name for member in stale)
    if args.check:
        print(f"sync_workspace: stale editable installs: {names}", file=sys.stderr)
        return 1
    print(f"sync_workspace: re-installing {names} (installed metadata differs from the checkout)")
    reinstall(stale)
    still = [member.name for member in stale if not member.is_current()]
    if still:
        print(f"sync_workspace: error: still stale after re-install: {', '.join(still)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
