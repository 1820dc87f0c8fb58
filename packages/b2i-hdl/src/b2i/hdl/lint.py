"""Lint: `verilator --lint-only` over the SoC and testbench, the strictest of the three tools we target."""

import subprocess

from b2i.hdl.sources import RTL_DIR, rtl_files
from b2i.hdl.toolchain import verilator_env


def lint(top: str = "b2i_soc") -> list[str]:
    """Verilator's warnings and errors for `top`, one message per entry; empty when clean."""
    files = [str(p) for p in rtl_files(top)]
    proc = subprocess.run(["verilator", "--lint-only", f"-I{RTL_DIR}", "--top-module", top, *files],
                          capture_output=True, text=True, env=verilator_env())
    return [line for line in proc.stderr.splitlines() if line.startswith("%") and "Exiting due to" not in line]
