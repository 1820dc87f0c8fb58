"""The compile-and-run corpus: each program, built by b2i-cc and run under qemu-riscv64, prints exactly what
the host gcc's build prints, and exits with the same status."""

import os

import pytest

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def corpus_files():
    return sorted(f for f in os.listdir(CORPUS) if f.endswith(".c"))


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_program_matches_gcc(name, builder):
    with open(os.path.join(CORPUS, name)) as f:
        source = f.read()
    ours = builder.run_riscv(builder.ours(source, name))
    ref = builder.run_host(builder.host(source))
    assert ours.stdout.decode() == ref.stdout.decode()
    assert ours.returncode == ref.returncode
