"""The outside tools that check b2i's layers, and how to install them.

The tests compare our assembler with GNU as, our simulator with qemu, our C compiler with gcc, and so on
(see docs/contributing.md). This script says which of those tools are missing and, run as root with
``--install``, installs them from Debian's packages. It uses only the standard library, because it runs
before any environment exists.
"""

import argparse
import os
import shutil
import subprocess
import sys

# command -> Debian package that provides it
ORACLES = {
    "riscv64-unknown-elf-as": "binutils-riscv64-unknown-elf",
    "riscv64-linux-gnu-objdump": "binutils-riscv64-linux-gnu",
    "riscv64-linux-gnu-gcc": "gcc-riscv64-linux-gnu",
    "riscv64-unknown-elf-gcc": "gcc-riscv64-unknown-elf",
    "qemu-riscv64": "qemu-user",
    "qemu-system-riscv64": "qemu-system-misc",
    "iverilog": "iverilog",
    "yosys": "yosys",
    "fsck.fat": "dosfstools",
    "mcopy": "mtools",
    # The Verilator build of b2i-hdl's SoC compiles C++ with make.
    "g++": "g++",
    "make": "make",
}
# Headers and static libraries for `riscv64-linux-gnu-gcc -static`; no command of their own.
LIBRARIES = {"/usr/riscv64-linux-gnu/lib/libc.a": "libc6-dev-riscv64-cross"}


def missing_packages() -> list[str]:
    missing = [pkg for cmd, pkg in ORACLES.items() if shutil.which(cmd) is None]
    missing += [pkg for path, pkg in LIBRARIES.items() if not os.path.exists(path)]
    return sorted(set(missing))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="install missing tools with apt-get (needs root)")
    args = parser.parse_args(argv)
    missing = missing_packages()
    if not missing:
        print("oracles: all present")
        return 0
    command = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if not args.install:
        print("oracles: missing " + " ".join(missing) + "\n  install with: " + " ".join(command))
        return 1
    if os.geteuid() != 0:
        print("oracles: missing " + " ".join(missing) + "; run as root: apt-get update && " + " ".join(command))
        return 1
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    still = missing_packages()
    if still:
        print("oracles: still missing after apt-get: " + " ".join(still))
        return 1
    print("oracles: installed " + " ".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
