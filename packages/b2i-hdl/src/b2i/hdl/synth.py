"""Hardware cost: Yosys synthesis of the core, generic gates or one FPGA family, reduced to cell counts."""

import re
import subprocess
from dataclasses import dataclass, field

from b2i.hdl.sources import RTL_DIR, rtl_files
from b2i.hdl.toolchain import ToolError, need

TARGETS = {
    "generic": "synth -top {top}",
    "ice40": "synth_ice40 -top {top}",
    "xilinx": "synth_xilinx -top {top}",
}


@dataclass
class SynthReport:
    """Cell counts of one synthesis run."""

    target: str
    top: str
    cells: int
    cell_types: dict[str, int] = field(default_factory=dict)

    @property
    def luts(self) -> int:
        """LUTs of an FPGA target (iCE40 SB_LUT4, Xilinx LUT1..LUT6); 0 for generic gates."""
        return sum(n for name, n in self.cell_types.items() if name == "SB_LUT4" or re.fullmatch(r"LUT\d", name))

    @property
    def flops(self) -> int:
        return sum(n for name, n in self.cell_types.items() if "DFF" in name.upper() or name.startswith("FD"))


def parse_stat(text: str, target: str, top: str) -> SynthReport:
    """Reads the last `stat` block of a Yosys log (the top module's totals)."""
    blocks = text.split("Number of cells:")
    if len(blocks) < 2:
        raise ToolError("yosys printed no statistics")
    last = blocks[-1]
    cells = int(last.split()[0])
    types = {}
    for line in last.splitlines()[1:]:
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit() and not parts[0].endswith(":"):
            types[parts[0]] = int(parts[1])
        elif types and not line.strip():
            break
    return SynthReport(target=target, top=top, cells=cells, cell_types=types)


def synthesize(target: str = "generic", top: str = "b2i_core") -> SynthReport:
    """Synthesizes `top` for `target`: b2i_core by default (the SoC's RAM is a simulation model), or any module
    of the SoC by name (b2i_alu, b2i_tlb...)."""
    if target not in TARGETS:
        raise ToolError(f"unknown synthesis target {target!r} (choose from {', '.join(TARGETS)})")
    yosys = need("yosys")
    files = " ".join(str(p) for p in rtl_files(top))
    script = f"read_verilog -I{RTL_DIR} {files}; {TARGETS[target].format(top=top)}; stat"
    proc = subprocess.run([yosys, "-q", "-p", script.replace("; stat", "; tee -o /dev/stdout stat")],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise ToolError(f"yosys failed: {lines[-1] if lines else proc.returncode}")
    return parse_stat(proc.stdout, target, top)
