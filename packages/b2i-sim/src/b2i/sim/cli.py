"""Command-line entry points of b2i-sim."""

import argparse
import os
import re
import sys
from typing import NoReturn

from b2i.sim import __version__


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line (`prog: error: ...`) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def read_input(prog: str, path: str) -> str | None:
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        print(f"{prog}: error: cannot read {path}: {e.strerror}", file=sys.stderr)
        return None


def as_main(argv: list[str] | None = None) -> int:
    """`b2i-as`: assemble RISC-V source into an ELF object."""
    from b2i.sim.asm import Assembler
    from b2i.sim.errors import SourceError

    parser = OneLineParser(prog="b2i-as", description="Assemble RISC-V source (GNU syntax) into an ELF object.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-o", dest="output", default="a.out", help="output object (default a.out, as GNU as)")
    parser.add_argument("-march", default="rv64g", help="accepted: rv64 with any of imafd/g/c (never compresses)")
    parser.add_argument("-mabi", default="lp64d", choices=["lp64d"], help="only lp64d")
    parser.add_argument("-mno-relax", action="store_true", help="accepted (b2i-as never relaxes)")
    parser.add_argument("-mrelax", action="store_true", help="accepted and ignored")
    parser.add_argument("inputs", nargs="*", help="source files (- for stdin)")
    args = parser.parse_args(argv)
    if not args.inputs:
        parser.error("no input files")
    if not re.fullmatch(r"rv64[gimafdc_a-z0-9]*", args.march):
        parser.error(f"unsupported -march={args.march}")
    asm = Assembler(args.inputs[0])
    try:
        for path in args.inputs:
            text = read_input("b2i-as", path)
            if text is None:
                return 1
            asm.filename = path
            asm.assemble_text(text)
        obj = asm.object_bytes()
    except SourceError as e:
        print(e, file=sys.stderr)
        return 1
    try:
        with open(args.output, "wb") as f:
            f.write(obj)
    except OSError as e:
        print(f"b2i-as: error: cannot write {args.output}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


def ld_main(argv: list[str] | None = None) -> int:
    """`b2i-ld`: link ELF objects and archives into a static executable."""
    from b2i.sim.errors import LinkError
    from b2i.sim.link import link

    parser = OneLineParser(prog="b2i-ld", description="Link ELF objects and archives into a static executable.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-o", dest="output", default="a.out", help="output executable (default a.out)")
    parser.add_argument("-Ttext", dest="text_base", type=address, help="address of .text (e.g. 0x80000000)")
    parser.add_argument("-T", dest="script", help="linker script (a subset of GNU's; see the manual)")
    parser.add_argument("-e", "--entry", dest="entry", default="_start", help="entry symbol (default _start)")
    parser.add_argument("-L", dest="dirs", action="append", default=[], help="add a library search directory")
    parser.add_argument("-static", action="store_true", help="accepted: every link is static")
    parser.add_argument("--no-relax", action="store_true", help="accepted: b2i-ld never relaxes")
    parser.add_argument("--start-group", "--end-group", action="store_true",
                        help="accepted: archives are always searched again while that resolves more")
    parser.add_argument("inputs", nargs="*", help="objects, archives, and -lNAME for libNAME.a")
    # -lNAME is an input in command-line order (it matters for archives): turn it into a positional.
    args_in = list(sys.argv[1:] if argv is None else argv)
    rewritten, i = [], 0
    while i < len(args_in):
        arg = args_in[i]
        if arg == "-l" and i + 1 < len(args_in):
            rewritten.append("\0lib:" + args_in[i + 1])
            i += 2
            continue
        rewritten.append("\0lib:" + arg[2:] if arg.startswith("-l") and len(arg) > 2 else arg)
        i += 1
    args = parser.parse_intermixed_args(rewritten)
    if not args.inputs:
        parser.error("no input files")
    inputs = []
    for item in args.inputs:
        if item.startswith("\0lib:"):
            name = item[5:]
            found = next((os.path.join(d, f"lib{name}.a") for d in args.dirs
                          if os.path.exists(os.path.join(d, f"lib{name}.a"))), None)
            if found is None:
                print(f"b2i-ld: error: cannot find -l{name}", file=sys.stderr)
                return 1
            inputs.append(found)
        else:
            inputs.append(item)
    script = None
    if args.script is not None:
        text = read_input("b2i-ld", args.script)
        if text is None:
            return 1
        script = text
    try:
        exe = link(inputs, entry=args.entry, text_base=args.text_base, script=script)
        with open(args.output, "wb") as f:
            f.write(exe)
        os.chmod(args.output, 0o755)
    except LinkError as e:
        print(f"b2i-ld: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"b2i-ld: error: cannot write {args.output}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


def address(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an address: {text}") from None


def objdump_main(argv: list[str] | None = None) -> int:
    """`b2i-objdump`: show the contents of ELF files as GNU objdump -M no-aliases does."""
    from b2i.sim.objdump import ObjdumpError, objdump

    parser = OneLineParser(prog="b2i-objdump", add_help=False,  # -h is --section-headers, as in GNU objdump
                           description="Show the contents of ELF files (GNU objdump's layout).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-d", "--disassemble", action="store_true", help="disassemble executable sections")
    parser.add_argument("-h", "--section-headers", action="store_true", help="list the section headers")
    parser.add_argument("-t", "--syms", action="store_true", help="list the symbol table")
    parser.add_argument("-r", "--reloc", action="store_true", help="list relocations (inline with -d)")
    parser.add_argument("-f", "--file-headers", action="store_true", help="show the ELF file header summary")
    parser.add_argument("-p", "--private-headers", action="store_true", help="show the program headers")
    parser.add_argument("-x", "--all-headers", action="store_true", help="all headers: -f -p -h -t -r")
    parser.add_argument("-M", dest="options", action="append", default=[], choices=["no-aliases"],
                        help="disassembler option: only no-aliases (always on)")
    parser.add_argument("--help", action="help", help="show this help and exit")
    parser.add_argument("files", nargs="*", help="ELF files")
    args = parser.parse_args(argv)
    if not (args.disassemble or args.section_headers or args.syms or args.reloc or args.file_headers
            or args.private_headers or args.all_headers):
        parser.error("give at least one of -d, -f, -h, -p, -r, -t, -x")
    if not args.files:
        parser.error("no input files")
    status = 0
    for path in args.files:
        try:
            with open(path, "rb") as f:
                data = f.read()
            sys.stdout.write(objdump(data, path, section_headers=args.section_headers, syms=args.syms,
                                     relocs=args.reloc, disassemble=args.disassemble, file_headers=args.file_headers,
                                     private_headers=args.private_headers, all_headers=args.all_headers))
        except OSError as e:
            print(f"b2i-objdump: error: cannot read {path}: {e.strerror}", file=sys.stderr)
            status = 1
        except ObjdumpError as e:
            print(f"b2i-objdump: error: {e}", file=sys.stderr)
            status = 1
    return status
