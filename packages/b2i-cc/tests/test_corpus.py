"""The compile-and-run corpus: each program, built by b2i-cc and run under qemu-riscv64, prints exactly what
the host gcc's build prints, and exits with the same status."""

import os

import pytest

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def corpus_files():
    return sorted(f for f in os.listdir(CORPUS) if f.endswith(".c"))


@pytest.mark.parametrize("libc", ["glibc", "glibc-O2", "b2i-libc"])
@pytest.mark.parametrize("name", corpus_files())
def test_corpus_program_matches_gcc(name, libc, builder):
    """glibc: our code linked with riscv64 glibc (the oracle path), at -O0 and -O2; b2i-libc: the b2i-cc driver
    end to end with our libc (itself built at -O2)."""
    with open(os.path.join(CORPUS, name)) as f:
        source = f.read()
    if libc == "b2i-libc":
        exe = builder.ours_full(source, name)
    else:
        exe = builder.ours(source, name, options={"optimize": 2 if libc.endswith("O2") else 0})
    ours = builder.run_riscv(exe)
    ref = builder.run_host(builder.host(source))
    assert ours.stdout.decode() == ref.stdout.decode()
    assert ours.returncode == ref.returncode
