"""Run every benchmark under bench/ in turn; each prints its own table (ours vs the reference)."""

import pathlib
import runpy
import sys

BENCH = pathlib.Path(__file__).resolve().parent.parent / "bench"


def main(argv: list[str]) -> int:
    chosen = [p for p in sorted(BENCH.glob("*.py")) if not argv or any(a in p.stem for a in argv)]
    if not chosen:
        print("bench: no benchmark matches " + " ".join(argv), file=sys.stderr)
        return 2
    for path in chosen:
        print(f"== {path.stem} ==", flush=True)
        runpy.run_path(str(path), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
