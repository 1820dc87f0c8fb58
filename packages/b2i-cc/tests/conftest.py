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

    def built(self, kind: str, text: str, suffix: str, build, *key_parts) -> str:
        """A file made once per session: text is written to <kind>-<key><suffix>, and build(that path, output
        path) makes <kind>-<key>, the key being a hash of text and key_parts."""
        k = self.key(text, *key_parts)
        out = os.path.join(self.tmp, f"{kind}-{k}")
        if not os.path.exists(out):
            path = out + suffix
            with open(path, "w") as f:
                f.write(text)
            build(path, out)
        return out

    def ours(self, source: str, name: str = "prog.c", extra_objects=(), options=None) -> str:
        """Compiles C text with b2i-cc, links with the riscv64 gcc driver; returns the executable path."""
        asm = compile_c(os.path.join(CORPUS, name), source, **(options or {}))
        gcc = self.oracle("riscv64-linux-gnu-gcc")

        def link(s, exe):
            subprocess.run([gcc, "-static", "-o", exe, s, *extra_objects, "-lm"], check=True, capture_output=True)

        return self.built("ours", asm, ".s", link, *extra_objects)

    def ours_full(self, source: str, name: str = "prog.c", flags=()) -> str:
        """Builds with the b2i-cc driver end to end: our libc and crt0, b2i-sim's tools where present."""
        from b2i.cc.driver import main

        def build(c, exe):
            assert main([c, "-I", CORPUS, "-w", "-o", exe, *flags]) == 0, f"b2i-cc failed on {name}"

        return self.built("full", source, f"-{name}", build, *flags)

    def host(self, source: str, extra_sources=(), include=CORPUS) -> str:
        gcc = self.oracle("gcc")

        def build(c, exe):
            command = [gcc, "-std=gnu11", "-funsigned-char", "-w", "-I", include, "-o", exe, c, *extra_sources, "-lm"]
            subprocess.run(command, check=True, capture_output=True)

        return self.built("host", source, ".c", build, *extra_sources)

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
