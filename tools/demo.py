"""The b2i demo: run the highest layer of the tower that has a demo.

The whole-tower demo (b2i-cc builds the OS, the OS boots on our machine, a network learns there) is the
goal. Until it exists, each layer may ship ``b2i.<layer>.demo`` with a ``main(argv) -> int``; this script
runs the highest one present and says which it ran.
"""

import importlib
import sys
from importlib.metadata import version

LAYERS = ["hdl", "sim", "cc", "os", "py", "tensor", "ml"]


def main(argv: list[str]) -> int:
    print("b2i: from bits to intelligence")
    for layer in reversed(LAYERS):
        print(f"  b2i-{layer:<7} {version('b2i-' + layer)}")
    for layer in reversed(LAYERS):
        try:
            demo = importlib.import_module(f"b2i.{layer}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"b2i.{layer}.demo":
                raise
            continue
        print(
            "\nThe whole-tower demo (b2i-os and b2i-py on the b2i machine) does not exist yet;"
            f" running the highest layer that has a demo: b2i-{layer}\n"
        )
        return demo.main(argv)
    print("\nNo layer has a demo yet: the packages install and import, and that is all so far.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
