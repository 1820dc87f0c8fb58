"""b2i.hdl: the b2i machine in Verilog (an RV64IMA five-stage pipeline and its SoC), with runners and tools.

    from b2i.hdl import run
    result = run("prog.elf", trace=True)    # Verilator by default; engine="icarus" also works
    result.uart, result.exit_code, result.cycles, result.instret, result.trace, result.traps

The Verilog sources ship inside the package (b2i/hdl/rtl, b2i/hdl/sim); `b2i.hdl.sources` says where.
"""

__version__ = "0.3.0"

from b2i.hdl.image import ImageError, load_program  # noqa: E402
from b2i.hdl.isa import ISA, MISA  # noqa: E402
from b2i.hdl.runner import RunResult, TrapRecord, run  # noqa: E402
from b2i.hdl.synth import SynthReport, synthesize  # noqa: E402
from b2i.hdl.toolchain import ToolError  # noqa: E402

__all__ = ["ISA", "ImageError", "MISA", "RunResult", "SynthReport", "ToolError", "TrapRecord", "load_program", "run",
           "synthesize", "__version__"]
