"""Where the Verilog lives: the RTL of the machine and the simulation harness, shipped inside the package."""

import hashlib
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RTL_DIR = PACKAGE_DIR / "rtl"
SIM_DIR = PACKAGE_DIR / "sim"

# The synthesizable core, in dependency order (leaves first); the SoC adds the devices.
CORE_FILES = ["b2i_alu.v", "b2i_regfile.v", "b2i_imm.v", "b2i_decoder.v", "b2i_muldiv.v", "b2i_csr.v",
              "b2i_pte_check.v", "b2i_tlb.v", "b2i_ptw.v", "b2i_core.v"]
SOC_FILES = CORE_FILES + ["b2i_ram.v", "b2i_uart.v", "b2i_clint.v", "b2i_plic.v", "b2i_testdev.v", "b2i_soc.v"]


def rtl_files(top: str = "b2i_soc") -> list[Path]:
    """The .v files that make up `top` ("b2i_core" or "b2i_soc")."""
    names = CORE_FILES if top == "b2i_core" else SOC_FILES
    return [RTL_DIR / name for name in names]


def testbench_files() -> list[Path]:
    """The SoC plus the simulation-only testbench (b2i_tb)."""
    return rtl_files("b2i_soc") + [SIM_DIR / "b2i_tb.v"]


def source_hash(extra: str = "") -> str:
    """A short hash of every RTL/harness file: the key of the build cache."""
    digest = hashlib.sha256(extra.encode())
    for path in sorted(list(RTL_DIR.iterdir()) + list(SIM_DIR.iterdir())):
        if path.suffix in (".v", ".vh", ".sv", ".cpp"):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
