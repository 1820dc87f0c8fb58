"""`--trace` on the fast engine: the commit log is the reference's byte for byte.

Tracing blocks record each instruction they retire natively (pc, word, the register written) and the engine
formats the records with the reference's own formatter; what the reference executes for the fast engine
traces itself. Checked on every user-mode test program (gcc-built, the corpus of test_fast_corpus.py), every
bare-metal program (test_fast_machine.py's, paging, interrupts and code rewritten under a hot loop among them),
random instruction streams in user and system mode (test_fast_lockstep.py's), and through `b2i-run`. Blocks are
translated early (on their second visit; the gcc-built programs' on their 16th, as each block costs milliseconds
of LLVM), so that most traced instructions come from native code.
"""

import importlib.util
import io
import pathlib
import random
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("llvmlite", reason="the fast engine needs the [fast] extra (llvmlite)")

from b2i.sim import isa  # noqa: E402
from b2i.sim.fast.engine import FastEngine, Stats  # noqa: E402
from b2i.sim.fast.system import SystemEngine  # noqa: E402
from b2i.sim.machine.board import Board  # noqa: E402
from b2i.sim.machine.run import drive, read_program, run_machine, run_program  # noqa: E402

HERE = pathlib.Path(__file__).parent
LIMIT = 400_000  # instructions traced per program: the reference writes a line for each


def sibling(name: str):
    """Another test module of this folder (its programs and builders)."""
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus, machine_tests = sibling("test_fast_corpus"), sibling("test_fast_machine")
streams = sibling("test_fast_lockstep")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.getbasetemp().parent / "fast-object-cache"


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fast-trace")


def first_difference(ours: str, theirs: str) -> str:
    for number, (a, b) in enumerate(zip(ours.splitlines(), theirs.splitlines(), strict=False), 1):
        if a != b:
            return f"line {number}:\n  fast      {a}\n  reference {b}"
    return f"lengths differ: {len(ours.splitlines())} vs {len(theirs.splitlines())} lines"


def assert_same_trace(fast: str, reference: str) -> None:
    assert fast, "no commit log"
    assert fast == reference, first_difference(fast, reference)


@pytest.mark.parametrize("name", sorted(corpus.CASES))
def test_user_programs_trace_as_the_reference(oracle, build_dir, cache_dir, tmp_path, name):
    exe = str(corpus.build(oracle, build_dir, name))
    args, stdin = corpus.CASES[name]
    logs = io.StringIO(), io.StringIO()
    options = {"stdin": stdin, "root": str(tmp_path), "env": corpus.ENV, "max_insns": LIMIT}
    reference = run_program(exe, [name, *args], trace=logs[0], **options)
    stats = Stats()
    fast = run_program(exe, [name, *args], trace=logs[1],
                       engine=lambda p: FastEngine(p, cache_dir, hot=16, stats=stats), **options)
    assert fast == reference
    assert stats.native_instructions > 0
    assert_same_trace(logs[1].getvalue(), logs[0].getvalue())


@pytest.mark.parametrize("name", sorted(p.stem for p in (HERE / "programs" / "asm").glob("*.S")))
def test_assembly_programs_trace_as_the_reference(oracle, build_dir, cache_dir, name):
    """test_run_cli.py's hand-written programs: a loop with an FP write, an illegal instruction, an unmapped load
    (the faulting instruction writes no line on either engine)."""
    exe = build_dir / f"asm-{name}"
    subprocess.run([oracle("riscv64-linux-gnu-gcc"), "-static", "-nostdlib", "-o", str(exe),
                    str(HERE / "programs" / "asm" / f"{name}.S")], check=True)
    logs = io.StringIO(), io.StringIO()
    reference = run_program(str(exe), trace=logs[0])
    fast = run_program(str(exe), trace=logs[1], engine=lambda p: FastEngine(p, cache_dir, hot=1))
    assert fast == reference
    assert_same_trace(logs[1].getvalue(), logs[0].getvalue())


@pytest.mark.parametrize("name", sorted(machine_tests.PROGRAMS))
def test_machine_programs_trace_as_the_reference(oracle, build_dir, cache_dir, name):
    exe = str(machine_tests.build(oracle, name, build_dir))
    stdin = machine_tests.STDIN.get(name, b"")
    reference_log = io.StringIO()
    reference = run_machine(exe, stdin=stdin, max_insns=LIMIT, trace=reference_log, ram_size=machine_tests.RAM)
    out, log = bytearray(), io.StringIO()
    board = Board(ram_size=machine_tests.RAM, uart_input=stdin, uart_output=out.extend)
    board.load_image(read_program(exe)[0])
    board.hart.trace = log
    engine = SystemEngine(board, cache_dir, hot=2)
    try:
        code, message = drive(engine, LIMIT)
    finally:
        engine.close()
    assert engine.stats.native_instructions > 0
    assert (code, message, bytes(out)) == (reference.exit_code, reference.fault, reference.stdout)
    assert_same_trace(log.getvalue(), reference_log.getvalue())


@settings(max_examples=15, deadline=None)
@given(names=st.lists(st.sampled_from(streams.OPS), min_size=1, max_size=30), seed=st.integers(0, 2**32 - 1),
       passes=st.integers(3, 8))
def test_random_streams_trace_as_the_reference(tmp_path_factory, names, seed, passes):
    rng = random.Random(seed)
    data = rng.randbytes(4096)
    code = streams.program([streams.instruction(name, rng, i, len(names)) for i, name in enumerate(names)], passes)
    reference, process = streams.load(code, data, seed, passes), streams.load(code, data, seed, passes)
    logs = reference.hart.trace, process.hart.trace = io.StringIO(), io.StringIO()
    expected = drive(reference.hart, 100_000)
    engine = FastEngine(process, tmp_path_factory.getbasetemp().parent / "fast-object-cache", hot=2)
    try:
        assert drive(engine, 100_000) == expected
    finally:
        engine.close()
    assert_same_trace(logs[1].getvalue(), logs[0].getvalue())


@settings(max_examples=15, deadline=None)
@given(names=st.lists(st.sampled_from(streams.OPS + streams.MACHINE_EXTRA), min_size=1, max_size=30),
       seed=st.integers(0, 2**32 - 1), passes=st.integers(8, 20), mode=streams.modes)
def test_random_machine_streams_trace_as_the_reference(tmp_path_factory, names, seed, passes, mode):
    rng = random.Random(seed)
    data = rng.randbytes(4096)
    body = [streams.machine_instruction(name, rng, i, len(names)) for i, name in enumerate(names)]
    words = [*body, isa.encode("addi", rd=streams.COUNTER, rs1=streams.COUNTER, imm=-1)]
    words += [isa.encode("bne", rs1=streams.COUNTER, rs2=0, imm=-4 * len(words)), *streams.PASS]
    boards = [streams.machine(words, data, seed, passes, mode) for _ in range(2)]
    logs = boards[0].hart.trace, boards[1].hart.trace = io.StringIO(), io.StringIO()
    expected = drive(boards[0].hart, 50_000)
    engine = SystemEngine(boards[1], tmp_path_factory.getbasetemp().parent / "fast-object-cache", hot=2)
    try:
        assert drive(engine, 50_000) == expected
    finally:
        engine.close()
    assert_same_trace(logs[1].getvalue(), logs[0].getvalue())


def test_a_trace_attached_later_drops_the_untraced_blocks(oracle, build_dir, cache_dir, tmp_path):
    """hart.trace set after the engine started (its blocks translated without records), then taken away: the log
    of the middle stretch is still the reference's, and the run goes on untraced to the same end."""
    exe = str(corpus.build(oracle, build_dir, "chaining"))
    logs = io.StringIO(), io.StringIO()
    runs = []
    for log, make_engine in zip(logs, (lambda p: p.hart, lambda p: FastEngine(p, cache_dir, hot=2)), strict=True):
        process, out, _ = corpus.make_process(exe, None, b"", str(tmp_path), None, None)
        engine = make_engine(process)  # the reference's hart, or the fast engine
        engine.run(100_000)
        process.hart.trace = log
        engine.run(50_000)
        process.hart.trace = None
        runs.append((drive(engine, None), process.hart.instret, bytes(out)))
    assert runs[1] == runs[0]
    assert len(logs[0].getvalue().splitlines()) == 50_000
    assert_same_trace(logs[1].getvalue(), logs[0].getvalue())


def test_b2i_run_trace_file_is_the_same(oracle, build_dir, tmp_path):
    """The command line: `--engine fast --trace-file` writes the reference's log (and `--trace` to stderr)."""
    exe = str(corpus.build(oracle, build_dir, "qsort_ints"))
    command = [sys.executable, "-c", "import sys; from b2i.sim.machine.main import run_main; sys.exit(run_main())"]
    runs = {}
    for engine in ("ref", "fast"):
        log = tmp_path / f"{engine}.log"
        runs[engine] = subprocess.run([*command, "--engine", engine, "--trace-file", str(log), exe],
                                      capture_output=True, timeout=300), log.read_text()
    (ref, ref_log), (fast, fast_log) = runs["ref"], runs["fast"]
    assert (fast.stdout, fast.returncode) == (ref.stdout, ref.returncode)
    assert_same_trace(fast_log, ref_log)
    on_stderr = subprocess.run([*command, "--engine", "fast", "--trace", "--max-insns", "5000", exe],
                               capture_output=True, timeout=300)
    assert on_stderr.stderr.decode().startswith(ref_log.splitlines()[0])
    assert on_stderr.stderr.decode().count("\ncore   0: ") == 4999
