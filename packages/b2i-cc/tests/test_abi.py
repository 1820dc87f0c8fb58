"""ABI interop: b2i-cc's code calls functions compiled by riscv64-linux-gnu-gcc and they call back into ours,
with structs in every psABI class (integer pairs, float pairs, float+int, >16 bytes by reference), doubles,
floats, stack arguments and varargs. Expected output: both files compiled together by the host gcc."""

import os

ABI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "abi")


def test_calls_across_gcc_and_b2i_cc_agree(builder):
    with open(os.path.join(ABI, "abi_main.c")) as f:
        main = f.read()
    helper = os.path.join(ABI, "abi_gcc.c")
    gcc_object = builder.riscv_object(helper)
    exe = builder.ours(main, "abi_main.c", extra_objects=[gcc_object], options={"include_paths": [ABI]})
    ours = builder.run_riscv(exe)
    ref = builder.run_host(builder.host(main, extra_sources=[helper], include=ABI))
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.decode() == ref.stdout.decode()
