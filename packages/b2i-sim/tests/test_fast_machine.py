"""The fast engine in system mode (`b2i-run --machine --engine fast`): every bare-metal program of b2i-sim gives
the same result as qemu-system-riscv64 and the reference (exit status, UART output, instructions retired), and
runs in lockstep with the reference (registers, privilege, CSRs, time and RAM compared after every unit of
fast-engine work, with blocks translated on their second visit so that native code runs almost everywhere).

Targeted programs (tests/programs/fast_machine/): a paged U-mode workload under a fast timer (interrupts in
the middle of native loops, exact to the instruction in lockstep), satp switches and sfence.vma after a PTE
change under a hot loop (the software TLB and the jump cache must forget), and code rewritten under a hot
loop (the translation must go), all three also checked against QEMU. Sv39 random page tables: the programs of
test_sim_sv39_qemu.py, in lockstep (their MPRV loads and stores go through the native TLB).
"""

import importlib.util
import pathlib
import subprocess
import sys
import tempfile

import pytest
from hypothesis import HealthCheck, Phase, given, settings

pytest.importorskip("llvmlite", reason="the fast engine needs the [fast] extra (llvmlite)")

from b2i.sim.fast.engine import Stats  # noqa: E402
from b2i.sim.fast.lockstep import run_machine_lockstep  # noqa: E402
from b2i.sim.fast.system import run_machine as fast_machine  # noqa: E402
from b2i.sim.machine.run import run_machine as reference_machine  # noqa: E402

HERE = pathlib.Path(__file__).parent
MACHINE = HERE / "programs" / "machine"
TARGETED = HERE / "programs" / "fast_machine"
STDIN = {"uart_echo": b"hello World\n", "uart_irq": b"ab\n"}
PROGRAMS = {p.stem: p for p in MACHINE.glob("*.S") if p.stem != "lib"} | {p.stem: p for p in TARGETED.glob("*.S")}
SOURCES = {"kernel": ["user.c"]}  # C files linked after a program's .S
RAM = 8 << 20  # lockstep compares RAM: a smaller board keeps that cheap
LOCKSTEP_LIMIT = {"kernel": 100_000}  # its first 33 timer interrupts: the reference is slow in system mode


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.getbasetemp().parent / "fast-object-cache"


def build(oracle, name: str, folder: pathlib.Path) -> pathlib.Path:
    exe = folder / name
    if not exe.exists():
        sources = [str(PROGRAMS[name]), *(str(TARGETED / extra) for extra in SOURCES.get(name, []))]
        march = "rv64gc" if PROGRAMS[name].parent == TARGETED else "rv64g"  # as test_sim_machine.py builds them
        subprocess.run([oracle("riscv64-unknown-elf-gcc"), "-nostdlib", f"-march={march}", "-mabi=lp64d",
                        "-mcmodel=medany", "-O2", "-fno-jump-tables", "-fno-tree-loop-distribute-patterns",
                        "-Wl,-Ttext=0x80000000", "-Wl,--no-relax", f"-I{MACHINE}", "-o", str(exe), *sources],
                       check=True)
    return exe


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fast-machine")


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_same_as_reference_and_in_lockstep(oracle, build_dir, cache_dir, name):
    exe = str(build(oracle, name, build_dir))
    stdin = STDIN.get(name, b"")
    reference = reference_machine(exe, stdin=stdin, max_insns=5_000_000)
    stats = Stats()
    fast = fast_machine(exe, stdin=stdin, max_insns=5_000_000, cache_dir=cache_dir, stats=stats)
    assert fast == reference
    assert reference.stdout and reference.fault is None
    limit = LOCKSTEP_LIMIT.get(name, 5_000_000)
    result = run_machine_lockstep(exe, stdin=stdin, ram_size=RAM, max_insns=limit, memory_every=100,
                                  cache_dir=cache_dir)
    assert result.divergence is None, str(result.divergence)
    if name not in LOCKSTEP_LIMIT:
        assert (result.instret, result.stdout) == (reference.instret, reference.stdout)


@pytest.mark.parametrize("name", sorted(p.stem for p in TARGETED.glob("*.S")))
def test_targeted_programs_same_as_qemu(oracle, build_dir, cache_dir, name):
    """The programs aimed at translation caches print what QEMU prints (and ran native code)."""
    exe = str(build(oracle, name, build_dir))
    qemu = subprocess.run([oracle("qemu-system-riscv64"), "-machine", "virt", "-bios", "none", "-nographic",
                           "-kernel", exe], capture_output=True, timeout=60)
    stats = Stats()
    ours = fast_machine(exe, max_insns=20_000_000, cache_dir=cache_dir, stats=stats)
    assert (ours.stdout.decode(), ours.exit_code) == (qemu.stdout.decode(), qemu.returncode)
    assert stats.native_instructions > 5000
    if name == "smc":
        assert stats.invalidated_blocks > 100  # the patch-and-call loop drops patchme's block every time


def test_timer_interrupts_land_inside_native_code(oracle, build_dir, cache_dir):
    """kernel.S: thousands of timer interrupts while U-mode loops run natively; the lockstep above proves each
    one is taken at the reference's instruction, this that there were many and native code did the work."""
    stats = Stats()
    result = fast_machine(str(build(oracle, "kernel", build_dir)), cache_dir=cache_dir, stats=stats)
    assert result.exit_code == 0
    assert result.instret // 3000 > 100  # PERIOD in kernel.S: mtime counts instructions
    assert stats.native_instructions > 10 * stats.reference_instructions


def _sv39_module():
    spec = importlib.util.spec_from_file_location("sv39_programs", HERE / "test_sim_sv39_qemu.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SV39 = _sv39_module()


@settings(max_examples=4, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(SV39.page_tables(), SV39.accesses())
def test_sv39_random_page_tables_in_lockstep(oracle, cache_dir, ptes, moves):
    """test_sim_sv39_qemu.py's programs (checked there against QEMU on the reference): the fast engine agrees
    with the reference at every step, and with QEMU's output."""
    with tempfile.TemporaryDirectory() as folder:
        exe, qemu = SV39.build_and_run_on_qemu(oracle, pathlib.Path(folder), ptes, moves)
        result = run_machine_lockstep(str(exe), ram_size=RAM, max_insns=2_000_000, memory_every=50,
                                      cache_dir=cache_dir)
    assert result.divergence is None, str(result.divergence)
    assert result.outcome == "exit 0"
    assert result.stdout.decode() == qemu.stdout.decode()


def test_b2i_run_machine_engine_fast(oracle, build_dir):
    """The command line: --machine --engine fast prints what the reference prints, with the same status, and
    --trace-file gets the same commit log."""
    exe = str(build(oracle, "uart_echo", build_dir))
    command = [sys.executable, "-c", "import sys; from b2i.sim.machine.main import run_main; sys.exit(run_main())"]
    logs = [build_dir / f"uart_echo.{engine}.log" for engine in ("ref", "fast")]
    runs = [subprocess.run([*command, "--machine", "--engine", engine, "--trace-file", str(log), exe],
                           input=STDIN["uart_echo"], capture_output=True, timeout=120)
            for engine, log in zip(("ref", "fast"), logs, strict=True)]
    assert (runs[1].stdout, runs[1].returncode) == (runs[0].stdout, runs[0].returncode)
    assert runs[1].stdout
    assert logs[0].read_text() and logs[1].read_text() == logs[0].read_text()


def test_trap_loop_is_the_same_guest_fault(tmp_path, cache_dir):
    """test_run_trap_loop.py's program (a handler that faults itself): the same one-line fault, not a hang."""
    spec = importlib.util.spec_from_file_location("trap_loop_program", HERE / "test_run_trap_loop.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    exe = str(module.build(tmp_path))
    fast = fast_machine(exe, max_insns=1000, cache_dir=cache_dir)
    assert fast == reference_machine(exe, max_insns=1000)
    assert fast.exit_code == 126 and fast.fault.startswith("trap loop: ")


def test_a_narrower_machine_is_refused(cache_dir):
    """The RTL's RV64IMA machine (no C, no F/D) is the reference's to run: the translator knows RV64GC only."""
    from b2i.sim.fast.system import SystemEngine  # noqa: PLC0415
    from b2i.sim.machine import csr  # noqa: PLC0415
    from b2i.sim.machine.board import Board  # noqa: PLC0415

    board = Board(ram_size=1 << 20)
    board.hart.misa = csr.misa_of("AIMSU")
    with pytest.raises(ValueError, match="RV64GC"):
        SystemEngine(board, cache_dir)
