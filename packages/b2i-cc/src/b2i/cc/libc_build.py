"""Builds b2i-cc's own runtime (crt0 and libc) with b2i-cc itself, once per version, into a cache folder.

The objects land in $B2I_CC_CACHE (default ~/.cache/b2i-cc/<version>-<hash of the sources>/); the driver links
crt0.o first and every libc object after the user's objects.
"""

import hashlib
import os
import pathlib
import sys
import tempfile
from importlib import resources

from b2i.cc import __version__


def libc_sources() -> list[str]:
    src = resources.files("b2i.cc").joinpath("libc", "src")
    return sorted(str(p) for p in src.iterdir() if p.name.endswith((".c", ".s")))


def cache_dir() -> str:
    """Keyed by the libc's sources and headers and the compiler's own code: a change to any of them rebuilds."""
    h = hashlib.sha1()
    headers = pathlib.Path(os.path.dirname(__file__), "libc", "include")
    for path in libc_sources() + sorted(str(p) for p in headers.rglob("*.h")):
        with open(path, "rb") as f:
            h.update(f.read())
    for name in sorted(os.listdir(os.path.dirname(__file__))):
        if name.endswith((".py", ".lark")):
            with open(os.path.join(os.path.dirname(__file__), name), "rb") as f:
                h.update(f.read())
    root = os.environ.get("B2I_CC_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "b2i-cc")
    return os.path.join(root, f"{__version__}-{h.hexdigest()[:12]}")


def build_runtime(verbose=False) -> tuple[str, list[str]]:
    """(crt0.o, [libc objects]) built by our own compiler and the current assembler."""
    from b2i.cc.compiler import compile_c, libc_include_dir
    from b2i.cc.driver import assemble

    out = cache_dir()
    done = os.path.join(out, "done")
    names = [os.path.splitext(os.path.basename(p))[0] + ".o" for p in libc_sources()]
    if not os.path.exists(done):
        os.makedirs(out, exist_ok=True)
        src_dir = os.path.dirname(libc_sources()[0])
        for path in libc_sources():
            if verbose:
                print(f"b2i-cc: building libc {os.path.basename(path)}", file=sys.stderr)
            if path.endswith(".c"):
                text = compile_c(path, None, [src_dir, libc_include_dir()], {"_B2I_LIBC": "1"}, optimize=2)
            else:
                with open(path) as f:
                    text = f.read()
            obj = assemble(text, path)
            fd, tmp = tempfile.mkstemp(dir=out)
            with os.fdopen(fd, "wb") as f:
                f.write(obj)
            os.replace(tmp, os.path.join(out, os.path.splitext(os.path.basename(path))[0] + ".o"))
        with open(done, "w") as f:
            f.write("ok\n")
    objects = [os.path.join(out, n) for n in names]
    crt0 = os.path.join(out, "crt0.o")
    return crt0, [o for o in objects if o != crt0]
