"""Builds and runs C programs for b2i-cc's tests: ours under qemu-riscv64, the host gcc's natively.

The oracle path links our assembly with riscv64-linux-gnu-gcc -static (glibc) and runs it under qemu-riscv64;
the same source compiled by the host gcc (-funsigned-char, as plain char is unsigned on RISC-V) gives the
expected output. Builds are cached per session in a temporary directory.
"""

import hashlib
import os
import subprocess
import sys

import pytest
from b2i.cc.compiler import compile_c

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # cc_operators.py, the generated programs' shared pieces
CORPUS = os.path.join(HERE, "corpus")


class Builder:
    def __init__(self, tmp, oracle):
        self.tmp = tmp
        self.oracle = oracle

    def key(self, *parts):
        h = hashlib.sha1()
        for p in parts:
            h.update(p.encode() if isinstance(p, str) else p)
            h.update(b"\0")
        return h.hexdigest()[:16]

    def ours(self, source: str, name: str = "prog.c", extra_objects=(), options=None) -> str:
        """Compiles C text with b2i-cc, links with the riscv64 gcc driver; returns the executable path."""
        options = options or {}
        asm = compile_c(os.path.join(CORPUS, name), source, **options)
        k = self.key(asm, *extra_objects)
        exe = os.path.join(self.tmp, f"ours-{k}")
        if not os.path.exists(exe):
            s = os.path.join(self.tmp, f"ours-{k}.s")
            with open(s, "w") as f:
                f.write(asm)
            gcc = self.oracle("riscv64-linux-gnu-gcc")
            subprocess.run([gcc, "-static", "-o", exe, s, *extra_objects, "-lm"], check=True, capture_output=True)
        return exe

    def ours_full(self, source: str, name: str = "prog.c", flags=()) -> str:
        """Builds with the b2i-cc driver end to end: our libc and crt0, b2i-sim's tools where present."""
        from b2i.cc.driver import main

        k = self.key("full", source, *flags)
        exe = os.path.join(self.tmp, f"full-{k}")
        if not os.path.exists(exe):
            c = os.path.join(self.tmp, f"full-{k}-{name}")
            with open(c, "w") as f:
                f.write(source)
            rc = main([c, "-I", CORPUS, "-w", "-o", exe, *flags])
            assert rc == 0, f"b2i-cc failed on {name}"
        return exe

    def host(self, source: str, extra_sources=(), include=CORPUS) -> str:
        k = self.key(source, *extra_sources)
        exe = os.path.join(self.tmp, f"host-{k}")
        if not os.path.exists(exe):
            c = os.path.join(self.tmp, f"host-{k}.c")
            with open(c, "w") as f:
                f.write(source)
            gcc = self.oracle("gcc")
            subprocess.run(
                [gcc, "-std=gnu11", "-funsigned-char", "-w", "-I", include, "-o", exe, c, *extra_sources, "-lm"],
                check=True,
                capture_output=True,
            )
        return exe

    def riscv_object(self, path: str) -> str:
        """A C file compiled by riscv64-linux-gnu-gcc (the other side of ABI interop tests)."""
        with open(path) as f:
            k = self.key(f.read())
        obj = os.path.join(self.tmp, f"gcc-{k}.o")
        if not os.path.exists(obj):
            gcc = self.oracle("riscv64-linux-gnu-gcc")
            subprocess.run(
                [gcc, "-O2", "-c", "-I", os.path.dirname(path), "-o", obj, path], check=True, capture_output=True
            )
        return obj

    def matches_gcc(self, source: str, name: str, levels=(0, 2), clean=lambda text: text):
        """Asserts that the program prints the same, built by b2i-cc at each -O level and run under qemu, as
        built by the host gcc and run natively (clean() evens out what may differ, such as NaN signs)."""
        ref = clean(self.run_host(self.host(source)).stdout.decode()).splitlines()
        assert ref, "the program built by gcc printed nothing"
        for level in levels:
            ours = self.run_riscv(self.ours(source, name, options={"optimize": level}))
            assert clean(ours.stdout.decode()).splitlines() == ref, f"at -O{level}\n{source}"

    def run_riscv(self, exe, stdin=b"", args=()):
        qemu = self.oracle("qemu-riscv64")
        return subprocess.run([qemu, exe, *args], input=stdin, capture_output=True, timeout=60)

    def run_host(self, exe, stdin=b"", args=()):
        return subprocess.run([exe, *args], input=stdin, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("cc-builds"))


@pytest.fixture
def builder(build_dir, oracle):
    return Builder(build_dir, oracle)


def corpus_files():
    return sorted(f for f in os.listdir(CORPUS) if f.endswith(".c"))
