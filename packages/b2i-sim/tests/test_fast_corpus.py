"""The fast engine on gcc-built static programs: the same stdout, stderr and exit code as qemu-riscv64, and the
same instruction count as the reference interpreter. Covers the user-mode corpus, self-modifying code with
fence.i, a many-block hot loop (block chaining), the disk cache and the instruction limit."""

import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("llvmlite", reason="the fast engine needs the [fast] extra (llvmlite)")

from b2i.sim.fast import run_program  # noqa: E402
from b2i.sim.fast.engine import FastEngine, Stats  # noqa: E402
from b2i.sim.fast.lockstep import compare_state  # noqa: E402
from b2i.sim.machine import run as reference  # noqa: E402
from b2i.sim.machine.run import drive, make_process  # noqa: E402

HERE = pathlib.Path(__file__).parent
USER = HERE / "programs" / "user"
FAST = HERE / "programs" / "fast"
ENV = ["B2I_GREETING=hello world", "B2I_OTHER=1", "LANG=C"]
# Every program of the reference's corpus (test_run_corpus.py) and ours; these two need arguments or input.
SPECIAL_CASES = {  # program -> (argv after argv[0], stdin)
    "args_env": (["one", "two words", "", "ünïcode"], b""),
    "stdin_echo": ([], b"the quick brown fox\n  jumps over\tthe lazy dog\n\nlast line without newline"),
}
CASES = {p.stem: SPECIAL_CASES.get(p.stem, ([], b"")) for p in [*USER.glob("*.c"), *FAST.glob("*.c")]}


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fast-programs")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    """One object cache for the session, shared by the xdist workers (writes are atomic renames)."""
    return tmp_path_factory.getbasetemp().parent / "fast-object-cache"


def build(oracle, build_dir: pathlib.Path, name: str) -> pathlib.Path:
    exe = build_dir / name
    if not exe.exists():
        source = USER / f"{name}.c" if (USER / f"{name}.c").exists() else FAST / f"{name}.c"
        gcc = oracle("riscv64-linux-gnu-gcc")
        subprocess.run([gcc, "-static", "-O2", "-o", str(exe), str(source), "-lm"], check=True)
    return exe


def test_corpus_is_there():
    assert set(SPECIAL_CASES) | {"self_modifying", "chaining", "floats"} <= set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_as_qemu_and_reference(oracle, build_dir, cache_dir, tmp_path, name):
    exe = build(oracle, build_dir, name)
    args, stdin = CASES[name]
    qemu = subprocess.run([oracle("qemu-riscv64"), "-0", name, str(exe), *args], input=stdin, capture_output=True,
                          cwd=tmp_path, env=dict(e.split("=", 1) for e in ENV), timeout=60)
    stats = Stats()
    ours = run_program(str(exe), [name, *args], stdin=stdin, root=str(tmp_path), env=ENV, cache_dir=cache_dir,
                       stats=stats)
    assert ours.fault is None
    assert ours.stdout.decode() == qemu.stdout.decode()
    assert ours.stderr == qemu.stderr
    assert ours.exit_code == qemu.returncode
    assert stats.blocks > 0 and stats.native_instructions > 0  # the engine did translate something
    slow = reference.run_program(str(exe), [name, *args], stdin=stdin, root=str(tmp_path), env=ENV)
    assert ours.instret == slow.instret


def test_chaining_runs_natively(oracle, build_dir, cache_dir):
    stats = Stats()
    result = run_program(str(build(oracle, build_dir, "chaining")), cache_dir=cache_dir, stats=stats)
    assert result.exit_code == 0
    assert stats.native_instructions > 0.95 * result.instret
    assert stats.exits_to_reference < 10  # printf's system calls, nothing in the hot loop


def test_self_modifying_code_is_retranslated(oracle, build_dir, cache_dir):
    stats = Stats()
    result = run_program(str(build(oracle, build_dir, "self_modifying")), cache_dir=cache_dir, stats=stats)
    assert result.fault is None
    assert stats.flushes == 40  # one per fence.i, whichever engine executed it
    assert stats.invalidated_blocks > 0
    rounds = [int(line.split(": ")[1]) for line in result.stdout.decode().splitlines()]
    assert [b - a for a, b in zip([0, *rounds], rounds, strict=False)] == [200 * (r % 9 + 1) for r in range(40)]


SECOND_RUN = """
import pathlib, sys
from b2i.sim.fast import run_program
from b2i.sim.fast.engine import Stats
stats = Stats()
result = run_program(sys.argv[1], cache_dir=pathlib.Path(sys.argv[2]), stats=stats)
sys.stdout.buffer.write(result.stdout)
print(stats.blocks, stats.cache_hits)
"""


def test_second_run_loads_object_code_from_the_cache(oracle, build_dir, tmp_path):
    """A new process finds the first run's blocks on disk (and, warm, translates them after fewer visits)."""
    exe = str(build(oracle, build_dir, "recursion"))
    first = Stats()
    a = run_program(exe, cache_dir=tmp_path, stats=first)
    assert first.blocks > 0 and first.cache_hits == 0
    assert len(list(tmp_path.glob("*/*.o"))) >= first.blocks
    child = subprocess.run([sys.executable, "-c", SECOND_RUN, exe, str(tmp_path)], capture_output=True, check=True)
    *output, counts = child.stdout.decode().splitlines()
    blocks, hits = map(int, counts.split())
    assert "\n".join(output) + "\n" == a.stdout.decode()
    assert hits >= first.blocks and blocks >= first.blocks


@pytest.mark.parametrize("limit", [1, 65, 20001])
def test_instruction_limit_is_exact(oracle, build_dir, cache_dir, limit):
    exe = str(build(oracle, build_dir, "recursion"))
    slow, _, _ = make_process(exe, None, b"", ".", None, None)
    fast, _, _ = make_process(exe, None, b"", ".", None, None)
    engine = FastEngine(fast, cache_dir, hot=16)
    try:
        assert reference.drive(slow.hart, limit)[0] == drive(engine, limit)[0] == reference.EXIT_LIMIT
        assert engine.hart.instret == slow.hart.instret == limit
        assert compare_state(slow.hart, engine.hart) is None
    finally:
        engine.close()


def test_b2i_run_engine_fast(oracle, build_dir, tmp_path):
    """The command line: `b2i-run --engine fast` prints what qemu prints; a mistake is one line, exit 2."""
    exe = str(build(oracle, build_dir, "printf_ints"))
    qemu = subprocess.run([oracle("qemu-riscv64"), exe], capture_output=True, cwd=tmp_path, timeout=60)
    command = [sys.executable, "-c", "import sys; from b2i.sim.machine.main import run_main; sys.exit(run_main())"]
    ours = subprocess.run([*command, "--engine", "fast", "--stats", exe], capture_output=True, cwd=tmp_path)
    assert (ours.stdout, ours.returncode) == (qemu.stdout, qemu.returncode)
    assert b"instructions retired" in ours.stderr
    refused = subprocess.run([*command, "--engine", "fast", "--lockstep", exe], capture_output=True, cwd=tmp_path)
    assert refused.returncode == 2  # --lockstep compares the RTL with the reference
    assert refused.stderr.decode().count("\n") <= 2 and b"Traceback" not in refused.stderr
    assert b"--lockstep" in refused.stderr


def test_b2i_run_default_engine(oracle, build_dir, tmp_path):
    """Without --engine, b2i-run uses the fast engine when llvmlite imports, else the reference (as after `pip
    install b2i-sim` without [fast]); the output is the same either way."""
    exe = str(build(oracle, build_dir, "printf_ints"))
    run_main = "from b2i.sim.machine.main import run_main; sys.exit(run_main())"
    runs = {}
    for label, prelude in (("installed", ""), ("absent", "sys.modules['llvmlite'] = None; ")):
        command = [sys.executable, "-c", f"import sys; {prelude}{run_main}"]
        runs[label] = [subprocess.run([*command, *engine, "--stats", exe], capture_output=True, cwd=tmp_path)
                       for engine in ([], ["--engine", "ref"], ["--engine", "fast"])]
    default, ref, fast = runs["installed"]
    assert b"on the fast engine" in default.stderr and b"on the fast engine" in fast.stderr
    assert b"on the reference engine" in ref.stderr
    assert default.stdout == ref.stdout == fast.stdout and default.stdout
    default, ref, fast = runs["absent"]
    assert b"on the reference engine" in default.stderr and default.stdout == ref.stdout == runs["installed"][1].stdout
    assert fast.returncode == 2 and b"needs llvmlite" in fast.stderr and b"Traceback" not in fast.stderr


def test_lockstep_of_a_program_writing_files(oracle, build_dir, cache_dir, tmp_path):
    """file_io writes, reads back, stats, appends and removes a file: its system calls are made once (by the
    reference) and replayed into the fast side, so the lockstep sees no false divergence, and prints what qemu
    prints."""
    from b2i.sim.fast.lockstep import run_lockstep  # noqa: PLC0415

    (tmp_path / "keep.txt").write_text("unchanged\n")
    exe = str(build(oracle, build_dir, "file_io"))
    result = run_lockstep(exe, root=str(tmp_path), cache_dir=cache_dir, memory_every=10**9, hot=10)
    assert result.divergence is None, str(result.divergence)
    assert result.outcome == "exit 0"
    qemu = subprocess.run([oracle("qemu-riscv64"), exe], capture_output=True, cwd=tmp_path, timeout=60)
    assert result.stdout == qemu.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_lockstep_checks_what_a_system_call_reads(oracle, build_dir, cache_dir, monkeypatch):
    """A translator bug that only changes memory (sb storing the wrong byte) is caught at the latest when a
    system call is about to read it: the replay compares both sides first."""
    from b2i.sim.fast import translate  # noqa: PLC0415
    from b2i.sim.fast.lockstep import run_lockstep  # noqa: PLC0415

    store = translate.TRANSLATORS["sb"]

    def wrong_sb(e, insn, index):
        insn = translate.Insn(insn.pc, insn.size, insn.name, {**insn.fields, "rs2": 0})
        store(e, insn, index)

    monkeypatch.setitem(translate.TRANSLATORS, "sb", wrong_sb)
    exe = str(build(oracle, build_dir, "printf_ints"))
    result = run_lockstep(exe, cache_dir=cache_dir / "wrong-sb", memory_every=10**9, hot=2)
    assert result.divergence is not None
    assert result.divergence.what.startswith("memory 0x")
