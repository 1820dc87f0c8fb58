"""The gcc-style driver: options, the steps from each input to an executable, and which tools run them.

C sources go through our compiler to assembly; assembly goes through b2i-sim's assembler (`b2i.sim.asm`),
objects and archives through b2i-sim's linker (`b2i.sim.link`), with our crt0 and libc unless -nostdlib.
While b2i-sim's assembler and linker are not installed, -c and linking fall back to GNU riscv64 binutils when
they are on PATH (B2I_CC_BACKEND=gnu forces that, =b2i forbids it).
"""

import os
import shutil
import subprocess
import sys
import tempfile

from b2i.cc import __version__
from b2i.cc.compiler import compile_c, make_preprocessor
from b2i.cc.diagnostics import CompileError, Warnings

USAGE = "usage: b2i-cc [options] file..."


class DriverError(Exception):
    """A command-line or tool mistake: printed as `b2i-cc: error: ...`, exit 1."""


class Options:
    def __init__(self):
        self.mode = "link"  # link, c, S, E
        self.output = None
        self.include_paths: list[str] = []
        self.defines: dict[str, str] = {}
        self.undefines: list[str] = []
        self.pre_includes: list[str] = []
        self.lib_paths: list[str] = []
        self.inputs: list[tuple[str, str]] = []  # (kind, path): kind is file or lib
        self.optimize = 0
        self.verbose = False
        self.nostdlib = False
        self.nostdinc = False
        self.warnings = True


FLAGS_NO_OP = {
    "-g",
    "-static",
    "-ffreestanding",
    "-fno-builtin",
    "-fno-common",
    "-funsigned-char",
    "-pipe",
    "-Wall",
    "-Wextra",
    "-pedantic",
    "-fno-stack-protector",
    "-fno-pic",
    "-fno-pie",
    "-no-pie",
    "-fno-omit-frame-pointer",
    "-fomit-frame-pointer",
    "-nostartfiles",
    "-mcmodel=medany",
    "-mno-relax",
    "-fno-strict-aliasing",
    "-ffunction-sections",
    "-fdata-sections",
}


def parse_args(argv: list[str]) -> Options:
    o = Options()
    i = 0

    def value(flag):
        nonlocal i
        if i + 1 >= len(argv):
            raise DriverError(f"missing argument to '{flag}'")
        i += 1
        return argv[i]

    while i < len(argv):
        a = argv[i]
        if a in ("-c", "-S", "-E"):
            o.mode = a[1]
        elif a == "-o":
            o.output = value(a)
        elif a.startswith("-o"):
            o.output = a[2:]
        elif a.startswith("-I"):
            o.include_paths.append(a[2:] or value(a))
        elif a.startswith("-D"):
            d = a[2:] or value(a)
            name, _, val = d.partition("=")
            o.defines[name] = val if "=" in d else "1"
        elif a.startswith("-U"):
            o.undefines.append(a[2:] or value(a))
        elif a == "-include":
            o.pre_includes.append(value(a))
        elif a.startswith("-L"):
            o.lib_paths.append(a[2:] or value(a))
        elif a.startswith("-l"):
            o.inputs.append(("lib", a[2:] or value(a)))
        elif a in ("-O", "-O0", "-O1", "-O2", "-O3", "-Os", "-Og"):
            o.optimize = {"-O": 1, "-Os": 2, "-Og": 1}.get(a, int(a[2:]) if a[2:].isdigit() else 1)
        elif (
            a in ("-g", "-ggdb", "-gdwarf") or a.startswith(("-gdwarf-", "-ggdb")) or a[:2] == "-g" and a[2:].isdigit()
        ):
            pass  # a documented no-op: b2i-cc writes no debug information (docs/driver.md)
        elif a == "-w":
            o.warnings = False
        elif a == "-v":
            o.verbose = True
        elif a == "-nostdlib":
            o.nostdlib = True
        elif a == "-nostdinc":
            o.nostdinc = True
        elif a.startswith("-march="):
            if not a[7:].startswith("rv64"):
                raise DriverError(f"unsupported -march value '{a[7:]}' (b2i-cc targets rv64g)")
        elif a.startswith("-mabi="):
            if a[6:] != "lp64d":
                raise DriverError(f"unsupported -mabi value '{a[6:]}' (b2i-cc implements lp64d)")
        elif a.startswith("-std="):
            if a[5:] not in ("c89", "c90", "c99", "c11", "c17", "c18", "gnu89", "gnu99", "gnu11", "gnu17", "gnu18"):
                raise DriverError(f"unrecognized command-line option '{a}'")
        elif a in FLAGS_NO_OP or a.startswith("-Wno-") or a.startswith("-W") and a[2:3].islower():
            pass
        elif a == "--version":
            print(f"b2i-cc {__version__}")
            sys.exit(0)
        elif a in ("--help", "-h"):
            print(USAGE)
            sys.exit(0)
        elif a.startswith("-") and a != "-":
            raise DriverError(f"unrecognized command-line option '{a}'")
        else:
            o.inputs.append(("file", a))
        i += 1
    if not any(k == "file" for k, _ in o.inputs):
        raise DriverError("no input files")
    files = [p for k, p in o.inputs if k == "file"]
    if o.output and o.mode in ("c", "S") and len(files) > 1:
        raise DriverError("cannot specify '-o' with '-c', '-S' or '-E' with multiple files")
    return o


# ---- the tools: our assembler and linker when b2i-sim has them, else GNU binutils ----
def b2i_tool(module: str, name: str):
    """b2i-sim's assembler or linker function, or None while b2i-sim does not provide it yet."""
    try:
        mod = __import__(f"b2i.sim.{module}", fromlist=[name])
        return getattr(mod, name)
    except (ImportError, AttributeError):
        return None


def backend(module: str, name: str, gnu_tool: str) -> str:
    """'b2i' when b2i-sim provides the tool, else 'gnu' when GNU binutils do (B2I_CC_BACKEND overrides)."""
    choice = os.environ.get("B2I_CC_BACKEND", "auto")
    if choice != "gnu" and b2i_tool(module, name) is not None:
        return "b2i"
    if choice == "b2i":
        raise DriverError(f"b2i-sim's {module}.{name} is not installed")
    if shutil.which(gnu_tool):
        return "gnu"
    raise DriverError(f"no {module}: b2i.sim.{module} is not installed and {gnu_tool} is not on PATH")


def assemble(text: str, name: str, verbose=False) -> bytes:
    """Assembly text to an ELF relocatable object."""
    if backend("asm", "assemble", "riscv64-linux-gnu-as") == "b2i":
        b2i_assemble = b2i_tool("asm", "assemble")

        if verbose:
            print(f"b2i-cc: b2i.sim.asm.assemble({name})", file=sys.stderr)
        try:
            return b2i_assemble(text, name)
        except Exception as e:  # b2i-sim reports `file:line:col: error: ...`
            raise DriverError(f"assembler: {e}") from None
    with tempfile.TemporaryDirectory() as d:
        src, obj = os.path.join(d, "in.s"), os.path.join(d, "out.o")
        with open(src, "w") as f:
            f.write(text)
        cmd = ["riscv64-linux-gnu-as", "-march=rv64g", "-mabi=lp64d", "-mno-relax", "-o", obj, src]
        if verbose:
            print(" ".join(cmd), file=sys.stderr)
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            raise DriverError(f"assembler failed on {name}:\n{r.stderr.strip()}")
        with open(obj, "rb") as f:
            return f.read()


def link(objects: list[str], output: str, verbose=False) -> None:
    """Static executable from object and archive paths (in order)."""
    if backend("link", "link", "riscv64-linux-gnu-ld") == "b2i":
        b2i_link = b2i_tool("link", "link")

        if verbose:
            print(f"b2i-cc: b2i.sim.link.link({objects})", file=sys.stderr)
        try:
            data = b2i_link(objects, entry="_start")
        except Exception as e:
            raise DriverError(f"linker: {e}") from None
        with open(output, "wb") as f:
            f.write(data)
        os.chmod(output, 0o755)
        return
    cmd = ["riscv64-linux-gnu-ld", "-static", "--no-relax", "-e", "_start", "-o", output, *objects]
    if verbose:
        print(" ".join(cmd), file=sys.stderr)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise DriverError(f"linker failed:\n{r.stderr.strip()}")


# ---- our libc, built by ourselves once per version and cached ----
def libc_dir() -> str:
    from importlib import resources

    return str(resources.files("b2i.cc").joinpath("libc"))


def runtime_objects(verbose=False) -> tuple[str, list[str]]:
    """Paths of crt0.o and the libc objects, built with b2i-cc on first use."""
    from b2i.cc.libc_build import build_runtime

    return build_runtime(verbose)


# ---- the steps ----
def c_to_asm(path: str, o: Options) -> str:
    return compile_c(path, None, o.include_paths, o.defines, o.undefines, o.nostdinc, o.pre_includes, o.optimize)


def preprocessed_text(path: str, o: Options) -> str:
    pp = make_preprocessor(o.include_paths, o.defines, o.undefines, o.nostdinc)
    toks = pp.run_file(path, None, o.pre_includes)
    lines = []
    cur = []
    line = None
    for t in toks:
        if t.kind == "eof":
            break
        if t.bol or line is None:
            if cur:
                lines.append("".join(cur))
            cur = []
            line = t.line
        cur.append((" " if t.space and cur else "") + t.text)
    if cur:
        lines.append("".join(cur))
    return f'# 1 "{path}"\n' + "\n".join(lines) + "\n"


def output_name(path: str, suffix: str) -> str:
    base = os.path.splitext(os.path.basename(path))[0]
    return base + suffix


def run(o: Options) -> int:
    Warnings.enabled = o.warnings
    files = [p for k, p in o.inputs if k == "file"]
    for p in files:
        if not os.path.exists(p):
            raise DriverError(f"{p}: No such file or directory")
    if o.mode == "E":
        out = "".join(preprocessed_text(p, o) for p in files if p.endswith((".c", ".S", ".h")))
        write_text(o.output, out)
        return 0
    if o.mode == "S":
        for p in files:
            if not p.endswith(".c"):
                continue
            if o.verbose:
                print(f"b2i-cc: compiling {p}", file=sys.stderr)
            write_text(o.output or output_name(p, ".s"), c_to_asm(p, o))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        objects = []
        for kind, p in o.inputs:
            if kind == "lib":
                objects.extend(find_library(p, o))
                continue
            if p.endswith((".o", ".a")):
                objects.append(p)
                continue
            if p.endswith(".c"):
                if o.verbose:
                    print(f"b2i-cc: compiling {p}", file=sys.stderr)
                text = c_to_asm(p, o)
            elif p.endswith(".S"):
                text = preprocessed_text(p, o)
            elif p.endswith(".s"):
                with open(p) as f:
                    text = f.read()
            else:
                raise DriverError(f"{p}: file format not recognized")
            obj = assemble(text, p, o.verbose)
            dest = (o.output or output_name(p, ".o")) if o.mode == "c" else os.path.join(tmp, f"{len(objects)}.o")
            with open(dest, "wb") as f:
                f.write(obj)
            objects.append(dest)
        if o.mode == "c":
            return 0
        if not o.nostdlib:
            crt0, libc = runtime_objects(o.verbose)
            objects = [crt0] + [x for x in objects if x not in libc] + libc
        link(objects, o.output or "a.out", o.verbose)
    return 0


def find_library(name: str, o: Options) -> list[str]:
    for d in o.lib_paths:
        path = os.path.join(d, f"lib{name}.a")
        if os.path.exists(path):
            return [path]
    if name in ("c", "m"):
        return [] if o.nostdlib is False else runtime_objects()[1]
    raise DriverError(f"cannot find -l{name}")


def write_text(path, text):
    if path is None or path == "-":
        sys.stdout.write(text)
    else:
        with open(path, "w") as f:
            f.write(text)


def main(argv: list[str] | None = None) -> int:
    """`b2i-cc`: compile C for the b2i machine, with gcc's habits."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        return run(parse_args(argv))
    except CompileError as e:
        print(e.render(), file=sys.stderr)
        return 1
    except DriverError as e:
        print(f"b2i-cc: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"b2i-cc: error: {e.filename}: {e.strerror}", file=sys.stderr)
        return 1
    except RecursionError:
        print("b2i-cc: error: input nested too deeply", file=sys.stderr)
        return 1
