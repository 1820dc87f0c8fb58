"""The static linker: load objects (pulling archive members on demand), resolve symbols, lay sections out
by a linker script, apply relocations, write an ELF64 executable."""

import fnmatch
import os
from dataclasses import dataclass, field

from b2i.sim.elf import (
    ET_EXEC,
    PF_R,
    PF_W,
    PF_X,
    PT_GNU_STACK,
    PT_LOAD,
    PT_TLS,
    SHF_ALLOC,
    SHF_EXECINSTR,
    SHF_TLS,
    SHF_WRITE,
    SHN_ABS,
    SHN_COMMON,
    SHN_UNDEF,
    SHT_NOBITS,
    SHT_PROGBITS,
    STB_GLOBAL,
    STB_LOCAL,
    STB_WEAK,
    STT_FILE,
    STT_NOTYPE,
    STT_OBJECT,
    STT_SECTION,
    STV_HIDDEN,
)
from b2i.sim.elf import write as elfw
from b2i.sim.errors import LinkError
from b2i.sim.link.archive import is_archive, read_archive
from b2i.sim.link.got import GotBuilder
from b2i.sim.link.objects import InputFile, InputSection, InputSymbol, read_object
from b2i.sim.link.relocate import Relocator
from b2i.sim.link.script import PAGE, SIZEOF_HEADERS, Assign, InputPattern, OutputSpec, Script


@dataclass(eq=False)
class OutputSection:
    """A section of the executable: the input sections placed in it, its address and size."""

    name: str
    inputs: list[InputSection] = field(default_factory=list)
    address: int = 0
    size: int = 0
    align: int = 1
    flags: int = 0
    type: int = SHT_PROGBITS
    offset: int = 0


@dataclass
class Definition:
    """Where a global name is defined: a symbol of an input file, or a value the linker made."""

    symbol: InputSymbol | None
    file: InputFile | None
    value: int = 0
    hidden: bool = False
    output: "OutputSection | None" = None  # for script symbols: the section they belong to

    @property
    def address(self) -> int:
        return self.symbol.address if self.symbol is not None else self.value


class Linker:
    """One link: the inputs read so far, the global symbols, and the output sections laid out by a script."""

    def __init__(self, script: Script, entry: str | None) -> None:
        self.script = script
        self.entry = entry or script.entry or "_start"
        self.files: list[InputFile] = []
        self.globals: dict[str, Definition] = {}
        self.undefined_refs: dict[str, InputFile] = {}  # first file referencing each still-undefined name
        self.strong_refs: set[str] = set()  # names some file references without .weak
        self.commons: dict[str, tuple[int, int, InputFile]] = {}
        self.outputs: list[OutputSection] = []
        # archive path -> (members by offset, symbol index, offsets of members already loaded)
        self.archives: dict[str, tuple[dict, dict[str, list[int]], set[int]]] = {}

    # ------------------------------------------------------------------------------------------
    # inputs and symbol resolution

    def add_object(self, file: InputFile) -> None:
        self.files.append(file)
        for sym in file.symbols:
            if sym.bind == STB_LOCAL or not sym.name:
                continue
            if sym.shndx == SHN_UNDEF:
                if sym.bind != STB_WEAK:
                    self.strong_refs.add(sym.name)  # only these pull archive members or must resolve
                if sym.name not in self.globals:
                    self.undefined_refs.setdefault(sym.name, file)
                continue
            if sym.shndx == SHN_COMMON:
                old = self.commons.get(sym.name)
                if sym.name not in self.globals:
                    size = max(sym.size, old[0] if old else 0)
                    align = max(sym.value, old[1] if old else 1)
                    self.commons[sym.name] = (size, align, file)
                continue
            self.define(sym, file)

    def define(self, sym: InputSymbol, file: InputFile) -> None:
        old = self.globals.get(sym.name)
        if old is not None and old.symbol is not None:
            if sym.bind == STB_WEAK:
                return
            if old.symbol.bind != STB_WEAK:
                raise LinkError(f"duplicate symbol: {sym.name} (defined in {old.file.name} and {file.name})")
        self.globals[sym.name] = Definition(sym, file)
        self.undefined_refs.pop(sym.name, None)
        self.commons.pop(sym.name, None)

    def add_archive(self, data: bytes, path: str) -> None:
        """Pull in members defining a symbol something needs, until nothing more is pulled (as GNU ld
        does for one archive). The archive's symbol index says which member to read."""
        if path not in self.archives:
            members, index = read_archive(data, path)
            if not index:  # no index (ar without `s`): read every member's global definitions
                for m in members:
                    for s in read_object(m.data, f"{path}({m.name})").symbols:
                        if s.bind != STB_LOCAL and s.shndx != SHN_UNDEF:
                            index.setdefault(s.name, []).append(m.offset)
            self.archives[path] = ({m.offset: m for m in members}, index, set())
        by_offset, index, loaded = self.archives[path]
        changed = True
        while changed:
            changed = False
            wanted = [n for n in self.undefined_refs if n in self.strong_refs] + list(self.commons)
            for name in [n for n in wanted if n in index]:
                for offset in index[name][:1]:
                    if offset in loaded or offset not in by_offset:
                        continue
                    loaded.add(offset)
                    m = by_offset[offset]
                    self.add_object(read_object(m.data, f"{os.path.basename(path)}({m.name})"))
                    changed = True

    # ------------------------------------------------------------------------------------------
    # layout

    def common_section(self) -> InputSection | None:
        if not self.commons:
            return None
        file = InputFile("<common>", [], [])
        sec = InputSection(file, 0, "COMMON", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, 1, bytearray(), 0)
        for name, (size, align, owner) in self.commons.items():
            sec.size += -sec.size % align
            sec.align = max(sec.align, align)
            sym = InputSymbol(name, STB_GLOBAL, STT_OBJECT, 0, 1, sec.size, size, sec)
            self.globals[name] = Definition(sym, owner)
            self.undefined_refs.pop(name, None)
            sec.size += size
        file.sections.append(sec)
        return sec

    def assign_inputs(self, extra: list[InputSection]) -> None:
        """Each allocated input section goes to the first output section whose patterns match it (pattern
        by pattern, files in command-line order, as GNU ld); orphans go to the section for their flags."""
        specs = [s for s in self.script.statements if isinstance(s, OutputSpec)]
        self.outputs = [OutputSection(spec.name) for spec in specs]
        self.output_of = {id(spec): out for spec, out in zip(specs, self.outputs, strict=True)}
        self.orphans: list[tuple[OutputSection, str | None]] = []  # (section, placed after this one)
        by_name = {o.name: o for o in self.outputs}
        pending = [sec for f in self.files for sec in f.sections if sec is not None] + extra
        placed: set[int] = set()
        for spec, out in zip(specs, self.outputs, strict=True):
            for pattern in (item for item in spec.items if isinstance(item, InputPattern)):
                for sec in pending:
                    if id(sec) not in placed and pattern_matches(pattern, sec):
                        placed.add(id(sec))
                        out.inputs.append(sec)
                        sec.output = out
        for sec in pending:
            if id(sec) in placed:
                continue
            flags = sec.flags
            kind = (".tbss" if sec.type == SHT_NOBITS else ".tdata") if flags & SHF_TLS else (
                ".text" if flags & SHF_EXECINSTR else ".bss" if sec.type == SHT_NOBITS else
                ".data" if flags & SHF_WRITE else ".rodata")
            # A section named like a C identifier stays whole, with __start_/__stop_ symbols (glibc's
            # __libc_atexit); others join the output section for their flags.
            out = by_name.get(sec.name) if sec.name.isidentifier() else by_name.get(kind) or by_name.get(sec.name)
            if out is None:
                out = OutputSection(sec.name)
                self.outputs.append(out)
                self.orphans.append((out, kind if kind in by_name else None))
                by_name[sec.name] = out
            out.inputs.append(sec)
            sec.output = out

    def layout(self) -> None:
        """Walk the script giving addresses to output sections, input sections and script symbols."""
        dot = 0
        after = {}
        for out, anchor in self.orphans:
            after.setdefault(anchor, []).append(out)
        for st in self.script.statements:
            if isinstance(st, Assign):
                dot = self.assign(st, dot)
                continue
            dot = self.place(self.output_of[id(st)], st, dot)
            for orphan in after.pop(st.name, []):
                dot = self.place(orphan, None, dot)
        for orphans in after.values():
            for orphan in orphans:
                dot = self.place(orphan, None, dot)

    def place(self, out: OutputSection, spec: OutputSpec | None, dot: int) -> int:
        items = spec.items if spec is not None else []
        if spec is not None and spec.address is not None:
            dot = self.eval(spec.address, dot)
        if not out.inputs and not any(isinstance(i, Assign) for i in items):
            return dot
        for sec in out.inputs:
            out.flags |= sec.flags & (SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR | SHF_TLS)
            out.align = max(out.align, sec.align)
        out.flags |= SHF_ALLOC
        out.type = SHT_NOBITS if out.inputs and all(s.type == SHT_NOBITS for s in out.inputs) else (
            out.inputs[0].type if out.inputs else SHT_PROGBITS)
        if spec is not None and spec.align is not None:
            out.align = max(out.align, self.eval(spec.align, dot))
        dot = align_up(dot, out.align)
        out.address = dot
        remaining = list(out.inputs)
        for item in items:
            if isinstance(item, Assign):
                dot = self.assign(item, dot, out)
                continue
            for sec in [s for s in remaining if pattern_matches(item, s)]:
                remaining.remove(sec)
                dot = align_up(dot, sec.align)
                sec.address = dot
                dot += sec.size
        for sec in remaining:  # orphans appended to this output section
            dot = align_up(dot, sec.align)
            sec.address = dot
            dot += sec.size
        out.size = dot - out.address
        if out.name.isidentifier():  # GNU ld's __start_NAME/__stop_NAME, when something uses them
            for name, value in ((f"__start_{out.name}", out.address), (f"__stop_{out.name}", dot)):
                if name in self.undefined_refs:
                    self.globals[name] = Definition(None, None, value, False, out)
                    self.undefined_refs.pop(name)
        if out.flags & SHF_TLS and out.type == SHT_NOBITS:
            return out.address  # .tbss takes no address space in the image
        return dot

    def assign(self, st: Assign, dot: int, inside: "OutputSection | None" = None) -> int:
        value = self.eval(st.expr, dot)
        if st.name == ".":
            return value
        if st.provide and (st.name in self.globals or st.name not in self.undefined_refs):
            return dot
        self.globals[st.name] = Definition(None, None, value, st.hidden, inside)
        self.undefined_refs.pop(st.name, None)
        return dot

    def eval(self, e: tuple, dot: int) -> int:
        kind = e[0]
        if kind == "num":
            return e[1]
        if kind == "dot":
            return dot
        if kind == "sym":
            d = self.globals.get(e[1])
            if d is None:
                raise LinkError(f"linker script: undefined symbol '{e[1]}'")
            return d.address
        if kind == "un":
            v = self.eval(e[2], dot)
            return {"-": -v, "~": ~v, "!": int(not v)}[e[1]]
        if kind == "bin":
            a, b = self.eval(e[2], dot), self.eval(e[3], dot)
            return SCRIPT_OPS[e[1]](a, b)
        if kind == "call":
            args = [self.eval(a, dot) if a[0] != "sym" or e[1] not in ("ADDR", "SIZEOF", "DEFINED") else a[1]
                    for a in e[2]]
            if e[1] == "ALIGN":
                return align_up(dot, args[0]) if len(args) == 1 else align_up(args[0], args[1])
            if e[1] in ("MAX", "MIN"):
                return (max if e[1] == "MAX" else min)(args)
            if e[1] == "ABSOLUTE":
                return args[0]
            if e[1] == "DEFINED":
                return int(args[0] in self.globals)
            out = next((o for o in self.outputs if o.name == args[0]), None)
            if out is None:
                raise LinkError(f"linker script: no output section {args[0]}")
            return out.address if e[1] == "ADDR" else out.size
        raise LinkError(f"linker script: cannot evaluate {e}")

    # ------------------------------------------------------------------------------------------
    # symbols and relocation

    def symbol_address(self, file: InputFile, index: int) -> tuple[int, str]:
        """The address of symbol `index` of `file` for a relocation (and its name for messages)."""
        sym = file.symbols[index]
        if sym.bind == STB_LOCAL:
            if sym.type == STT_SECTION:
                return (sym.section.address if sym.section else 0), sym.name
            if sym.shndx == SHN_ABS:
                return sym.value, sym.name
            return sym.address, sym.name
        d = self.globals.get(sym.name)
        if d is None:
            if sym.bind == STB_WEAK:
                return 0, sym.name
            raise LinkError(f"undefined symbol: {sym.name} (referenced by {file.name})")
        return d.address, sym.name

    def check_undefined(self) -> None:
        for name, file in self.undefined_refs.items():
            if name in self.strong_refs:  # a weak reference to nothing is 0
                raise LinkError(f"undefined symbol: {name} (referenced by {file.name})")

    # ------------------------------------------------------------------------------------------
    # output

    def write(self, headers_loaded: bool) -> bytes:
        """The executable: sections at their addresses, file offsets congruent modulo the page size."""
        outs = [o for o in self.outputs if o.inputs or o.size]
        outs.sort(key=lambda o: o.address)
        # File offsets: congruent with addresses modulo the page size, in address order.
        offset = SIZEOF_HEADERS
        for out in outs:
            if out.type == SHT_NOBITS:
                out.offset = offset
                continue
            offset = offset + ((out.address - offset) % PAGE)
            out.offset = offset
            offset += out.size
        sections, index = [], {}
        for out in outs:
            data = bytearray(out.size) if out.type != SHT_NOBITS else bytearray()
            if out.type != SHT_NOBITS:
                for sec in out.inputs:
                    if sec.type != SHT_NOBITS:
                        start = sec.address - out.address
                        data[start:start + len(sec.data)] = sec.data
            index[id(out)] = len(sections) + 1
            sections.append(elfw.Section(out.name, out.type, out.flags, bytes(data),
                                         size=out.size if out.type == SHT_NOBITS else None, align=out.align,
                                         addr=out.address, offset=out.offset))
        segments = self.segments(outs, headers_loaded)
        symbols = self.output_symbols(index, outs)
        image = elfw.ElfImage(ET_EXEC, sections, symbols, {}, segments, entry=self.entry_address(outs))
        return elfw.write_elf(image)

    def segments(self, outs: list[OutputSection], headers_loaded: bool) -> list[elfw.Segment]:
        """One PT_LOAD for the read-only run (code and constants, R+X) and one per writable run, as GNU ld;
        PT_TLS; PT_GNU_STACK."""
        loads: list[list[OutputSection]] = []
        for out in outs:
            if not out.flags & SHF_ALLOC or (out.flags & SHF_TLS and out.type == SHT_NOBITS and loads):
                if out.flags & SHF_TLS and loads:
                    loads[-1].append(out)
                continue
            last = loads[-1][-1] if loads else None
            if last is not None and bool(last.flags & SHF_WRITE) == bool(out.flags & SHF_WRITE) and \
                    out.address - (last.address + last.size) < PAGE and (last.type != SHT_NOBITS or
                                                                         out.type == SHT_NOBITS):
                loads[-1].append(out)
            else:
                loads.append([out])
        segments = []
        for i, group in enumerate(loads):
            first, real = group[0], [o for o in group if not (o.flags & SHF_TLS and o.type == SHT_NOBITS)]
            last = real[-1]
            start_addr, start_off = first.address, first.offset
            if i == 0 and headers_loaded:
                start_addr, start_off = first.address - first.offset, 0
            else:
                start_addr, start_off = start_addr - start_off % PAGE, start_off - start_off % PAGE
            file_end = max((o.offset + o.size for o in group if o.type != SHT_NOBITS), default=start_off)
            mem_end = last.address + last.size
            perms = 0
            for o in group:
                perms |= flags_to_perms(o.flags)
            segments.append(elfw.Segment(PT_LOAD, perms, start_off, start_addr,
                                         file_end - start_off, mem_end - start_addr, PAGE))
        tls = [o for o in outs if o.flags & SHF_TLS]
        if tls:
            file_size = sum(o.size for o in tls if o.type != SHT_NOBITS)
            segments.append(elfw.Segment(PT_TLS, PF_R, tls[0].offset, tls[0].address, file_size,
                                         tls[-1].address + tls[-1].size - tls[0].address,
                                         max(o.align for o in tls)))
        segments.append(elfw.Segment(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16))
        if len(segments) > 6:
            raise LinkError("too many segments for the reserved program header space")
        return segments

    def output_symbols(self, index: dict[int, int], outs: list[OutputSection]) -> list[elfw.Symbol]:
        """Local symbols of the inputs (for debuggers and objdump), then every global."""
        symbols = []
        for file in self.files:
            for sym in file.symbols:
                if sym.bind == STB_LOCAL and sym.name and sym.type not in (STT_SECTION, STT_FILE) and \
                        sym.section is not None and sym.section.output is not None and \
                        not sym.name.startswith((".L", "$")):
                    symbols.append(elfw.Symbol(sym.name, sym.address, sym.size, STB_LOCAL, sym.type, sym.visibility,
                                               index.get(id(sym.section.output), SHN_ABS)))
        for name, d in sorted(self.globals.items()):
            if d.symbol is not None:
                sec = d.symbol.section
                shndx = index.get(id(sec.output), SHN_ABS) if sec is not None and sec.output else SHN_ABS
                bind = STB_LOCAL if d.symbol.visibility == STV_HIDDEN else d.symbol.bind
                symbols.append(elfw.Symbol(name, d.address, d.symbol.size, bind, d.symbol.type,
                                           d.symbol.visibility, shndx))
            else:
                out = d.output or next((o for o in reversed(outs) if o.address <= d.value), None)
                shndx = index[id(out)] if out is not None and id(out) in index else SHN_ABS
                symbols.append(elfw.Symbol(name, d.value, 0, STB_LOCAL if d.hidden else STB_GLOBAL, STT_NOTYPE,
                                           STV_HIDDEN if d.hidden else 0, shndx))
        symbols.sort(key=lambda s: s.bind != STB_LOCAL)
        return symbols

    def entry_address(self, outs: list[OutputSection]) -> int:
        d = self.globals.get(self.entry)
        if d is not None:
            return d.address
        text = next((o for o in outs if o.flags & SHF_EXECINSTR), None)
        return text.address if text is not None else 0


def pattern_matches(pattern: InputPattern, sec: InputSection) -> bool:
    return fnmatch.fnmatchcase(os.path.basename(sec.file.name), pattern.file) and any(
        matches(sec, glob) for glob in pattern.sections)


def matches(sec: InputSection, glob: str) -> bool:
    if glob == "COMMON":
        return sec.name == "COMMON"
    return fnmatch.fnmatchcase(sec.name, glob)


def align_up(value: int, align: int) -> int:
    return -(-value // align) * align if align > 1 else value


def flags_to_perms(flags: int) -> int:
    return PF_R | (PF_W if flags & SHF_WRITE else 0) | (PF_X if flags & SHF_EXECINSTR else 0)


SCRIPT_OPS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a // b,
    "%": lambda a, b: a % b, "&": lambda a, b: a & b, "|": lambda a, b: a | b, "<<": lambda a, b: a << b,
    ">>": lambda a, b: a >> b, "==": lambda a, b: int(a == b), "!=": lambda a, b: int(a != b),
    "<": lambda a, b: int(a < b), ">": lambda a, b: int(a > b), "<=": lambda a, b: int(a <= b),
    ">=": lambda a, b: int(a >= b), "&&": lambda a, b: int(bool(a and b)), "||": lambda a, b: int(bool(a or b)),
}


def link_inputs(inputs: list[tuple[str, bytes]], script: Script, entry: str | None, headers_loaded: bool) -> bytes:
    """Link (name, bytes) inputs, objects or archives, in command-line order."""
    linker = Linker(script, entry)
    archives = []
    for name, data in inputs:
        if is_archive(data):
            archives.append((data, name))
            linker.add_archive(data, name)
        else:
            linker.add_object(read_object(data, name))
    while archives:  # archives are searched again while that finds more, as in one --start-group
        before = len(linker.files)
        for data, name in archives:
            linker.add_archive(data, name)
        if len(linker.files) == before:
            break
    extra = [s for s in [linker.common_section()] if s is not None]
    got = GotBuilder()
    got.scan(linker.files)
    if got.section.size:
        extra.append(got.section)
    linker.assign_inputs(extra)
    linker.layout()
    linker.check_undefined()  # after the script has defined its symbols
    if linker.entry not in linker.globals and entry is not None and entry != "_start":
        raise LinkError(f"entry symbol {entry} is not defined")
    Relocator(linker, got).apply_all()
    return linker.write(headers_loaded)


__all__ = ["link_inputs", "Linker"]
