"""The all-b2i path: b2i-cc compiles, b2i-sim's assembler and linker (Python API) build the executable, and it
runs under qemu-riscv64 and under b2i-sim's simulator with the output of the host gcc's build.

Skipped (with the reason) only while b2i-sim does not provide the API yet: the neighbouring package is written
in the same session.
"""

import os

import pytest

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def b2i_api(module, name):
    try:
        mod = __import__(f"b2i.sim.{module}", fromlist=[name])
        return getattr(mod, name)
    except (ImportError, AttributeError):
        return None


needs_tools = pytest.mark.skipif(
    b2i_api("asm", "assemble") is None or b2i_api("link", "link") is None,
    reason="b2i-sim's assembler/linker API (b2i.sim.asm.assemble, b2i.sim.link.link) is not there yet",
)

PROGRAMS = ["arith.c", "control.c", "structs.c", "floats.c", "libc_strings.c"]


@needs_tools
@pytest.mark.parametrize("name", PROGRAMS)
def test_all_b2i_toolchain_under_qemu(name, builder, monkeypatch):
    monkeypatch.setenv("B2I_CC_BACKEND", "b2i")
    with open(os.path.join(CORPUS, name)) as f:
        source = f.read()
    exe = builder.ours_full(source, name, flags=("-DB2I_PATH",))
    ours = builder.run_riscv(exe)
    ref = builder.run_host(builder.host(source))
    assert ours.stdout.decode() == ref.stdout.decode()
    assert ours.returncode == ref.returncode


@needs_tools
@pytest.mark.skipif(
    not hasattr(__import__("b2i.sim", fromlist=["x"]), "run_program"), reason="b2i.sim.run_program is not there yet"
)
@pytest.mark.parametrize("name", ["arith.c", "control.c", "libc_strings.c"])
def test_all_b2i_toolchain_under_b2i_run(name, builder, monkeypatch):
    from b2i.sim import run_program

    monkeypatch.setenv("B2I_CC_BACKEND", "b2i")
    with open(os.path.join(CORPUS, name)) as f:
        source = f.read()
    exe = builder.ours_full(source, name, flags=("-DB2I_PATH",))
    result = run_program(exe, [name], max_insns=200_000_000)
    ref = builder.run_host(builder.host(source))
    assert result.stdout.decode() == ref.stdout.decode()
    assert result.exit_code == ref.returncode
