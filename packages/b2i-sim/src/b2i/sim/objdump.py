"""`b2i-objdump`: file header (-f), program headers (-p), section headers (-h), symbols (-t), relocations (-r)
and disassembly (-d) of ELF files, in the layout of GNU objdump; instruction text comes from the ISA table (as
`objdump -M no-aliases`).

Reading uses pyelftools. The disassembler follows GNU's habit of appending `# address <symbol>` when an
instruction's address operand builds on an earlier lui/auipc of the same register.
"""

import io
from dataclasses import dataclass

from b2i.sim.disasm import format_instruction
from b2i.sim.elf import R_RISCV_NAME
from b2i.sim.isa import BY_NAME, decode, expand
from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection

SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR, SHF_TLS = 1, 2, 4, 0x400
HIDDEN_SECTION_TYPES = ("SHT_NULL", "SHT_SYMTAB", "SHT_STRTAB", "SHT_RELA", "SHT_REL")


class ObjdumpError(Exception):
    pass


@dataclass
class Sym:
    index: int
    name: str
    value: int
    size: int
    bind: str
    type: str
    visibility: str
    section: int | str


class ElfView:
    """The parts of an ELF file objdump prints, read once."""

    def __init__(self, data: bytes, name: str) -> None:
        try:
            self.elf = ELFFile(io.BytesIO(data))
            self.sections = list(self.elf.iter_sections())
        except (ELFError, ValueError) as e:
            raise ObjdumpError(f"{name}: file format not recognized ({e})") from None
        self.name = name
        self.relocatable = self.elf["e_type"] == "ET_REL"
        symtab = self.elf.get_section_by_name(".symtab")
        self.symbols = []
        for number, s in enumerate(symtab.iter_symbols() if symtab is not None else ()):
            name = s.name
            if s["st_info"]["type"] == "STT_SECTION" and isinstance(s["st_shndx"], int):
                name = self.sections[s["st_shndx"]].name
            self.symbols.append(Sym(number, name, s["st_value"], s["st_size"], s["st_info"]["bind"],
                                    s["st_info"]["type"], s["st_other"]["visibility"], s["st_shndx"]))
        self.relocs: dict[int, list] = {}
        for sec in self.sections:
            if isinstance(sec, RelocationSection) and sec["sh_info"]:
                self.relocs[sec["sh_info"]] = list(sec.iter_relocations())
        gp = next((s for s in self.symbols if s.name == "__global_pointer$"), None)
        self.gp = gp.value if gp is not None else None

    def shown_sections(self) -> list[tuple[int, object]]:
        return [(i, s) for i, s in enumerate(self.sections)
                if s["sh_type"] not in HIDDEN_SECTION_TYPES or s["sh_flags"] & SHF_ALLOC and i]

    def section_name(self, shndx) -> str:
        if shndx == "SHN_UNDEF":
            return "*UND*"
        if shndx == "SHN_ABS":
            return "*ABS*"
        if shndx == "SHN_COMMON":
            return "*COM*"
        return self.sections[shndx].name


def section_flags(view: ElfView, index: int, sec) -> str:
    flags, h = [], sec.header
    nobits = h["sh_type"] == "SHT_NOBITS"
    if not nobits:
        flags.append("CONTENTS")
    if h["sh_flags"] & SHF_ALLOC:
        flags.append("ALLOC")
        if not nobits:
            flags.append("LOAD")
    if index in view.relocs:
        flags.append("RELOC")
    if not h["sh_flags"] & SHF_WRITE and not nobits:
        flags.append("READONLY")
    if h["sh_flags"] & SHF_EXECINSTR:
        flags.append("CODE")
    elif h["sh_flags"] & SHF_ALLOC and not nobits:
        flags.append("DATA")
    if h["sh_flags"] & SHF_TLS:
        flags.append("THREAD_LOCAL")
    return ", ".join(flags)


def headers(view: ElfView) -> str:
    lines = ["Sections:", "Idx Name          Size      VMA               LMA               File off  Algn"]
    for n, (i, sec) in enumerate(view.shown_sections()):
        h = sec.header
        align = max(h["sh_addralign"], 1).bit_length() - 1
        lines.append(f"{n:3d} {sec.name:<13} {h['sh_size']:08x}  {h['sh_addr']:016x}  {h['sh_addr']:016x}  "
                     f"{h['sh_offset']:08x}  2**{align}")
        lines.append(" " * 18 + section_flags(view, i, sec))
    return "\n".join(lines) + "\n"


HAS_RELOC, EXEC_P, HAS_SYMS, DYNAMIC, D_PAGED = 0x01, 0x02, 0x10, 0x40, 0x100  # BFD's names for its flag bits
BFD_FLAG_NAMES = ((HAS_RELOC, "HAS_RELOC"), (EXEC_P, "EXEC_P"), (HAS_SYMS, "HAS_SYMS"), (DYNAMIC, "DYNAMIC"),
                  (D_PAGED, "D_PAGED"))
PAGE_SIZE = 0x1000  # BFD's minimum page size for RISC-V
RELOCATION_TYPES = ("SHT_REL", "SHT_RELA")


def bfd_flags(view: ElfView) -> int:
    """The flag word GNU's BFD derives from an ELF file as it opens it (of its flags, ELF sets only these)."""
    flags = {"ET_EXEC": EXEC_P, "ET_DYN": DYNAMIC}.get(view.elf["e_type"], 0)
    symtab = next((i for i, s in enumerate(view.sections) if s["sh_type"] == "SHT_SYMTAB"), 0)
    if symtab:
        flags |= HAS_SYMS
    for sec in view.sections:
        if sec["sh_type"] not in RELOCATION_TYPES or not symtab or sec["sh_link"] != symtab or not sec["sh_info"]:
            continue
        if flags & (EXEC_P | DYNAMIC) and sec["sh_flags"] & SHF_ALLOC:
            continue  # dynamic relocations: BFD shows their section as an ordinary one
        if view.sections[sec["sh_info"]]["sh_type"] not in RELOCATION_TYPES:
            flags |= HAS_RELOC
    if view.elf["e_phnum"]:
        flags |= D_PAGED
        for sec in view.sections:  # unless a loaded section's address and file offset disagree within a page
            h = sec.header
            if (h["sh_size"] and h["sh_flags"] & SHF_ALLOC and h["sh_type"] != "SHT_NOBITS"
                    and (h["sh_addr"] - h["sh_offset"]) % PAGE_SIZE):
                flags &= ~D_PAGED
    return flags


def file_header(view: ElfView) -> str:
    flags = bfd_flags(view)
    names = ", ".join(name for bit, name in BFD_FLAG_NAMES if flags & bit)
    return (f"architecture: riscv:rv64, flags 0x{flags:08x}:\n{names}\n"
            f"start address 0x{view.elf['e_entry']:016x}\n")


SEGMENT_NAMES = {0: "NULL", 1: "LOAD", 2: "DYNAMIC", 3: "INTERP", 4: "NOTE", 5: "SHLIB", 6: "PHDR", 7: "TLS",
                 0x6474E550: "EH_FRAME", 0x6474E551: "STACK", 0x6474E552: "RELRO", 0x6474E554: "SFRAME"}
PF_X, PF_W, PF_R = 1, 2, 4


def program_headers(view: ElfView) -> str:
    """GNU's "Program Header:" table; relocatable objects have none and show nothing. The Dynamic Section and
    version tables GNU adds for dynamically linked files are not written: such files are refused."""
    if any(s["sh_type"] == "SHT_DYNAMIC" for s in view.sections):
        raise ObjdumpError(f"{view.name}: -p of a dynamically linked file is not supported")
    lines = ["", "Program Header:"] if view.elf["e_phnum"] else []
    for number, seg in enumerate(view.elf.iter_segments()):
        h = seg.header
        stream = view.elf.stream  # the raw p_type: pyelftools names some numbers after the machine
        stream.seek(view.elf["e_phoff"] + number * view.elf["e_phentsize"])
        kind = int.from_bytes(stream.read(4), "little")
        name = SEGMENT_NAMES.get(kind, f"0x{kind:x}")
        align = max(h["p_align"] - 1, 0).bit_length()  # log2, as BFD prints it
        lines.append(f"{name:>8} off    0x{h['p_offset']:016x} vaddr 0x{h['p_vaddr']:016x} "
                     f"paddr 0x{h['p_paddr']:016x} align 2**{align}")
        p_flags = h["p_flags"]
        rwx = ("r" if p_flags & PF_R else "-") + ("w" if p_flags & PF_W else "-") + ("x" if p_flags & PF_X else "-")
        extra = f" {p_flags & ~7:x}" if p_flags & ~7 else ""
        lines.append(f"         filesz 0x{h['p_filesz']:016x} memsz 0x{h['p_memsz']:016x} flags {rwx}{extra}")
    return "\n".join(lines) + "\n" if lines else ""


def symbol_table(view: ElfView) -> str:
    lines = ["SYMBOL TABLE:"]
    for s in view.symbols[1:]:
        if s.name.startswith("$") or s.bind == "STB_LOCAL" and s.name.startswith(".L") or not s.name:
            continue  # mapping symbols and local labels, which objdump leaves out
        undefined = s.section in ("SHN_UNDEF", "SHN_COMMON")
        bind = " " if undefined else {"STB_LOCAL": "l", "STB_GLOBAL": "g"}.get(s.bind, " ")
        weak = "w" if s.bind == "STB_WEAK" else " "
        debug = "d" if s.type in ("STT_SECTION", "STT_FILE") else " "
        kind = {"STT_FUNC": "F", "STT_OBJECT": "O", "STT_FILE": "f"}.get(s.type, " ")
        value, size = (s.size, s.value) if s.section == "SHN_COMMON" else (s.value, s.size)  # common: size, align
        visibility = {"STV_HIDDEN": ".hidden ", "STV_PROTECTED": ".protected ", "STV_INTERNAL": ".internal "}
        name = visibility.get(s.visibility, "") + printable(s.name)
        lines.append(f"{value:016x} {bind}{weak}   {debug}{kind} {view.section_name(s.section)}\t{size:016x} {name}")
    return "\n".join(lines) + "\n\n\n"


def relocation_value(view: ElfView, r, full: bool) -> str:
    """`symbol+0x...` as -r writes it (16-digit addend), or as -d -r does (short) when not `full`."""
    sym = view.symbols[r["r_info_sym"]] if r["r_info_sym"] else None
    name = printable(sym.name) if sym is not None else "*ABS*"
    addend = r["r_addend"]
    if addend:
        digits = f"{abs(addend):016x}" if full else f"{abs(addend):x}"
        name += f"{'+' if addend > 0 else '-'}0x{digits}"
    return name


def relocations(view: ElfView) -> str:
    out = []
    for index, relocs in view.relocs.items():
        lines = [f"RELOCATION RECORDS FOR [{view.sections[index].name}]:",
                 "OFFSET           TYPE              VALUE"]
        for r in relocs:
            rtype = "R_RISCV_" + R_RISCV_NAME.get(r["r_info_type"], str(r["r_info_type"]))
            lines.append(f"{r['r_offset']:016x} {rtype:<16}  {relocation_value(view, r, True)}")
        out.append("\n".join(lines) + "\n\n\n")
    return "".join(out)


class Symbolizer:
    """Address -> `<symbol+0xoffset>` as objdump chooses: the closest named symbol at or below the address,
    in the section being disassembled if it has one (objects), else in any section; else `<section+0x..>`."""

    def __init__(self, view: ElfView, section_index: int) -> None:
        sec = view.sections[section_index]
        self.base, self.end = sec["sh_addr"], sec["sh_addr"] + sec["sh_size"]
        self.section_name = sec.name
        placed = ("SHN_ABS",) if not view.relocatable else ()  # an executable's absolute symbols count too
        named = [s for s in view.symbols[1:] if (isinstance(s.section, int) or s.section in placed) and s.name
                 and s.name != ".L0 " and not s.name.startswith("$") and s.type not in ("STT_FILE", "STT_SECTION")]
        self.own = [s for s in named if s.section == section_index]
        self.all = named
        self.relocatable = view.relocatable

    def labels(self) -> dict[int, str]:
        """Address -> the symbol objdump names a block after (its favourite among equals)."""
        out: dict[int, Sym] = {}
        for s in self.own:
            if self.base <= s.value < self.end and (s.value not in out or preference(s) < preference(out[s.value])):
                out[s.value] = s
        return {address: s.name for address, s in out.items()}

    @staticmethod
    def closest(symbols: list[Sym], address: int) -> Sym | None:
        """The symbol with the highest value <= address; among equals, objdump's favourite: functions, then
        objects, then globals."""
        best = None
        for s in symbols:
            if s.value <= address and (best is None or s.value > best.value or (
                    s.value == best.value and preference(s) < preference(best))):
                best = s
        return best

    def __call__(self, address: int) -> str:
        best = (self.closest(self.own, address) if self.relocatable else None) or self.closest(self.all, address)
        if best is None and self.all:  # below every symbol: the lowest one, with a negative offset
            best = min(self.all, key=lambda s: s.value)
        if best is None:
            return offset_text(self.section_name, address - self.base)
        return offset_text(printable(best.name), address - best.value)

    def section_start(self) -> str:
        best = self.closest(self.own, self.base)
        if best is None or best.value != self.base:
            return f"<{self.section_name}>"
        return f"<{printable(best.name)}>"


def preference(s: Sym) -> tuple[bool, bool, bool, bool, bool, str]:
    """Smaller is preferred among symbols at one address: functions, objects, thread-local objects, globals
    over locals and weaks, then by name (how GNU objdump chooses among aliases, nearly always)."""
    return (s.type != "STT_FUNC", s.type != "STT_OBJECT", s.type != "STT_TLS", s.bind == "STB_LOCAL",
            s.bind == "STB_WEAK", s.name)


def offset_text(name: str, offset: int) -> str:
    if offset == 0:
        return f"<{name}>"
    return f"<{name}+0x{offset:x}>" if offset > 0 else f"<{name}-0x{-offset:x}>"


def printable(name: str) -> str:
    """objdump shows control characters in names as ^A, ^B..."""
    return "".join(f"^{chr(ord(ch) + 64)}" if ord(ch) < 32 else ch for ch in name)


HI_OPS = {BY_NAME["lui"], BY_NAME["auipc"], BY_NAME["c.lui"]}


def disassemble_section(view: ElfView, index: int, with_relocs: bool) -> list[str]:
    sec = view.sections[index]
    data, base = sec.data(), sec["sh_addr"]
    symbolize = Symbolizer(view, index)
    labels = symbolize.labels()
    label_addresses = sorted(labels)
    relocs: dict[int, list] = {}
    for r in view.relocs.get(index, []) if with_relocs else []:
        relocs.setdefault(r["r_offset"], []).append(r)
    lines = [f"\nDisassembly of section {sec.name}:"]
    if base not in labels:
        lines.append(f"\n{base:016x} {symbolize.section_start()}:")
    hi_addr: dict[int, int] = {}
    end = f"{base + len(data):016x}"
    zeros = len(end) - len(end.lstrip("0"))
    skip = (zeros - 1) & -4 if zeros else 0  # leading zero digits objdump leaves out of every address
    pos = 0
    while pos < len(data):
        pc = base + pos
        if pc in labels:
            lines.append(f"\n{pc:016x} <{printable(labels[pc])}>:")
        chunk_end = next((a - base for a in label_addresses if a > pc), len(data))  # objdump works label to label
        zeros = zero_run(data, pos, chunk_end)
        if zeros >= SKIP_ZEROES or (pos + zeros == chunk_end and 0 < zeros < SKIP_ZEROES_AT_END):
            lines.append("\t...")  # objdump's elision of zero bytes (padding)
            pos += zeros if pos + zeros == chunk_end else zeros & ~3
            continue
        half = int.from_bytes(data[pos:pos + 2], "little")
        size = 4 if half & 3 == 3 else 2
        if pos + size > len(data):
            size = len(data) - pos
        word = int.from_bytes(data[pos:pos + size], "little")
        d = decode(word) if size in (2, 4) else None
        raw = f"{word:0{2 * size}x}"
        if d is None:
            text = f".{size}byte\t0x{word:x}" if size in (2, 4) else f".byte\t0x{word:x}"
            if size == 2 and word == 0:
                text = "c.unimp"  # GNU's name for the all-zero (reserved) parcel
        else:
            text = format_instruction(d, pc)
            if "target" in d.op.operands:
                text += f" {symbolize((pc + d.fields['imm']) & 0xFFFFFFFFFFFFFFFF)}"
            comment = address_comment(d, pc, hi_addr, view.gp)
            if comment is not None:
                text += f" # {comment:x} {symbolize(comment)}".rstrip()
        padding = " " + (" " * (2 * size) + " ") * ((8 - size) // size)  # objdump's 8-byte column
        lines.append(f"{address_text(pc, skip)}:\t{raw}{padding}\t{text}")
        for r in relocs.get(pos, []):
            rtype = "R_RISCV_" + R_RISCV_NAME.get(r["r_info_type"], str(r["r_info_type"]))
            lines.append(f"\t\t\t{r['r_offset']:x}: {rtype}\t{relocation_value(view, r, False)}")
        pos += size
    return lines


SKIP_ZEROES, SKIP_ZEROES_AT_END = 8, 3


def zero_run(data: bytes, pos: int, end: int) -> int:
    """How many zero bytes start at `pos`, before `end`."""
    run = pos
    while run < end and data[run] == 0:
        run += 1
    return run - pos


def address_text(address: int, skip: int) -> str:
    digits = f"{address:016x}"[skip:]
    stripped = digits.lstrip("0") or "0"
    return " " * (len(digits) - len(stripped)) + stripped


def address_comment(d, pc: int, hi_addr: dict[int, int], gp: int | None) -> int | None:
    """GNU's `# address` after an instruction whose base register holds a lui/auipc value."""
    if d.op.name in ("c.addi", "c.addiw"):  # the compressed forms GNU follows; other C ops it ignores
        d = expand(d)
    elif d.op.size == 2 and d.op not in HI_OPS:
        return None
    f, op = d.fields, d.op
    if op in HI_OPS:
        hi_addr[f["rd"]] = (pc if op.name == "auipc" else 0) + f["imm"]
        return None
    kinds = op.operands
    if "imm(rs1)" not in kinds and not (op.name in ("addi", "addiw") and f.get("rs1")) and op.name != "jalr":
        return None
    base, offset = f["rs1"], f["imm"]
    if base in hi_addr:
        value = hi_addr.pop(base) + offset if base else offset
    elif base == 3 and gp is not None:
        value = gp + offset
    elif base in (0, 4):
        value = offset
    else:
        return None
    if op.name == "addiw":
        value = ((value & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000
    return value & 0xFFFFFFFFFFFFFFFF


def disassembly(view: ElfView, with_relocs: bool) -> str:
    lines = []
    for i, sec in view.shown_sections():
        if sec["sh_flags"] & SHF_EXECINSTR and sec["sh_type"] != "SHT_NOBITS" and sec["sh_size"]:
            lines += disassemble_section(view, i, with_relocs)
    return "\n".join(lines) + "\n"


def objdump(data: bytes, name: str, *, section_headers: bool = False, syms: bool = False, relocs: bool = False,
            disassemble: bool = False, file_headers: bool = False, private_headers: bool = False,
            all_headers: bool = False) -> str:
    """The text GNU `objdump -M no-aliases` prints for one file with the given options (-h -t -r -d -f -p, and
    -x, which is -f -p -h -t -r plus the file's name under the format line)."""
    if all_headers:
        section_headers = syms = relocs = file_headers = private_headers = True
    try:
        view = ElfView(data, name)
        out = f"\n{name}:     file format elf64-littleriscv\n"
        if all_headers:
            out += f"{name}\n"  # -x's archive member line, which for a plain file is its name
        if file_headers:
            out += file_header(view)
        if private_headers:
            out += program_headers(view)
        out += "\n"
        if section_headers:
            out += headers(view)
        if syms:
            out += symbol_table(view)
        if disassemble:
            out += disassembly(view, relocs)
        elif relocs:
            out += relocations(view)
    except ObjdumpError:
        raise
    except Exception as e:  # noqa: BLE001 - pyelftools reads lazily: a damaged file fails anywhere
        raise ObjdumpError(f"{name}: malformed ELF file ({type(e).__name__}: {e})") from None
    return out
