"""One C file to assembly text: preprocess, parse, analyse, generate (the passes in the order they run)."""

import os
import sys
import threading
from importlib import resources

from b2i.cc.codegen import generate
from b2i.cc.optimize import optimize as optimize_pass
from b2i.cc.parse import parse
from b2i.cc.preprocess import Preprocessor
from b2i.cc.sema import analyze


def libc_include_dir() -> str:
    """Where our libc's headers live (package data)."""
    return str(resources.files("b2i.cc").joinpath("libc", "include"))


def make_preprocessor(include_paths=(), defines=None, undefines=(), nostdinc=False) -> Preprocessor:
    system = [] if nostdinc else [libc_include_dir()]
    pp = Preprocessor(include_paths, system, defines)
    for name in undefines:
        pp.undefine(name)
    return pp


def preprocess(path, text=None, include_paths=(), defines=None, undefines=(), nostdinc=False, pre_includes=()):
    pp = make_preprocessor(include_paths, defines, undefines, nostdinc)
    return pp.run_file(path, text, pre_includes)


def compile_c(
    path: str,
    text: str | None = None,
    include_paths=(),
    defines=None,
    undefines=(),
    nostdinc=False,
    pre_includes=(),
    optimize: int = 0,
) -> str:
    """Assembly for a C file (optimize: the -O level). Raises CompileError on the first error in the source."""

    def passes():
        toks = preprocess(path, text, include_paths, defines, undefines, nostdinc, pre_includes)
        tree = parse(toks)
        objs = analyze(tree, toks)
        if optimize:
            objs = optimize_pass(objs, optimize)
        return generate(objs, os.path.basename(path), optimize)

    return with_deep_stack(passes)


DEEP_STACK = 512 << 20  # bytes of thread stack: reserved, used only as deep as the program nests
DEEP_RECURSION = 200_000


def with_deep_stack(fn):
    """fn() on a thread with a big stack and a high recursion limit: the tree walks recurse once per level of
    nesting, and C allows `1 + 1 + ... + 1` twenty thousand terms long (gcc compiles it)."""
    result = {}

    def run():
        try:
            result["value"] = fn()
        except BaseException as e:  # handed to the caller's thread
            result["error"] = e

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size(DEEP_STACK)
    sys.setrecursionlimit(max(old_limit, DEEP_RECURSION))
    try:
        thread = threading.Thread(target=run, name="b2i-cc")
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    if "error" in result:
        raise result["error"]
    return result["value"]
