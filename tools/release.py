"""Build every package's wheel and sdist into dist/, then prove each wheel installs and works alone.

For each layer a fresh venv gets that layer's wheel plus only the wheels of the layers below it (their
third-party dependencies come from PyPI); then its commands answer ``--version`` and ``import b2i.<layer>``
works, and no other b2i package is present. Tags are ``b2i-<layer>-v<version>`` (docs/release.md).
"""

import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
LAYERS = ["hdl", "sim", "cc", "os", "py", "tensor", "ml"]


def run(cmd: list[str], **kw) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        raise SystemExit(f"release: {' '.join(map(str, cmd))} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def build(dist: pathlib.Path) -> None:
    shutil.rmtree(dist, ignore_errors=True)
    for layer in LAYERS:
        run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT / "packages" / f"b2i-{layer}")])
        print(f"built b2i-{layer}")


def check_alone(dist: pathlib.Path, index: int) -> None:
    layer = LAYERS[index]
    wheels = [next(dist.glob(f"b2i_{lower}-*.whl")) for lower in LAYERS[: index + 1]]
    project = tomllib.loads((ROOT / "packages" / f"b2i-{layer}" / "pyproject.toml").read_text())["project"]
    with tempfile.TemporaryDirectory() as tmp:
        venv = pathlib.Path(tmp) / "venv"
        run([sys.executable, "-m", "venv", str(venv)])
        py, bin_dir = venv / "bin" / "python", venv / "bin"
        run([str(py), "-m", "pip", "install", "-q", *map(str, wheels)])
        installed = {p["name"] for p in json.loads(run([str(py), "-m", "pip", "list", "--format=json"]))}
        b2i = sorted(n for n in installed if n.startswith("b2i"))
        expected = [f"b2i-{lower}" for lower in LAYERS[: index + 1]]
        if b2i != sorted(expected):
            raise SystemExit(f"release: b2i-{layer} pulled {b2i}, expected {expected}")
        run([str(py), "-c", f"import b2i.{layer}; print(b2i.{layer}.__version__)"], cwd=tmp)
        for command in project.get("scripts", {}):
            run([str(bin_dir / command), "--version"], cwd=tmp)
    print(f"b2i-{layer}: installs alone with {', '.join(expected[:-1]) or 'nothing else from b2i'}; commands answer")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="output folder (default: dist/)")
    args = parser.parse_args(argv)
    dist = pathlib.Path(args.dist)
    build(dist)
    for index in range(len(LAYERS)):
        check_alone(dist, index)
    print(f"release: {len(list(dist.glob('*.whl')))} wheels and {len(list(dist.glob('*.tar.gz')))} sdists in {dist}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
