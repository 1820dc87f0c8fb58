"""Program images: from an ELF executable, a raw binary or a hex file to the RAM's $readmemh words.

The RAM starts at 0x8000_0000 (stack.md section 2). An ELF's loadable segments are placed at their physical
addresses; a .bin file is copied to the start of RAM; a .hex file is taken to be $readmemh words already.
"""

import struct
from pathlib import Path

RAM_BASE = 0x8000_0000


class ImageError(Exception):
    """The program file cannot be loaded (not an RV64 ELF, outside RAM...); the message is for the user."""


def elf_to_image(data: bytes) -> bytes:
    """The bytes of RAM from RAM_BASE up to the end of the last loadable segment of an ELF64 RISC-V file."""
    if data[:4] != b"\x7fELF":
        raise ImageError("not an ELF file")
    if data[4] != 2 or data[5] != 1:
        raise ImageError("not a 64-bit little-endian ELF file")
    machine = struct.unpack_from("<H", data, 18)[0]
    if machine != 243:
        raise ImageError(f"ELF machine {machine} is not RISC-V (243)")
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    segments = []
    for i in range(phnum):
        p_type, _flags, offset, _vaddr, paddr, filesz, memsz, _align = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type != 1 or memsz == 0:  # PT_LOAD
            continue
        if paddr + memsz <= RAM_BASE:
            raise ImageError(f"segment at {paddr:#x} is below RAM ({RAM_BASE:#x})")
        skip = max(0, RAM_BASE - paddr)  # ld may map the ELF headers just below the first section: drop them
        segments.append((paddr + skip - RAM_BASE, data[offset + skip:offset + filesz], memsz - skip))
    if not segments:
        raise ImageError("ELF file has no loadable segments")
    image = bytearray(max(start + memsz for start, _, memsz in segments))
    for start, content, _ in segments:
        image[start:start + len(content)] = content
    return bytes(image)


def load_program(path: str | Path) -> bytes:
    """The RAM image of an ELF executable or raw .bin file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImageError(f"{path}: {error.strerror}") from None
    if data[:4] == b"\x7fELF":
        try:
            return elf_to_image(data)
        except ImageError as error:
            raise ImageError(f"{path}: {error}") from None
    if path.suffix == ".hex":
        return hex_to_image(data.decode(errors="replace"), str(path))
    return data


def hex_to_image(text: str, name: str = "<hex>") -> bytes:
    """Reads $readmemh 64-bit words (one per line, optional @word-address lines) back into bytes."""
    words: dict[int, int] = {}
    address = 0
    for line_number, line in enumerate(text.splitlines(), 1):
        for token in line.split("//")[0].split():
            try:
                if token.startswith("@"):
                    address = int(token[1:], 16)
                    continue
                words[address] = int(token, 16)
            except ValueError:
                raise ImageError(f"{name}:{line_number}: bad hex word {token!r}") from None
            address += 1
    image = bytearray(8 * (max(words) + 1) if words else 0)
    for index, word in words.items():
        image[8 * index:8 * index + 8] = (word & (1 << 64) - 1).to_bytes(8, "little")
    return bytes(image)


def image_to_hex(image: bytes) -> str:
    """$readmemh text of 64-bit little-endian words, word 0 at RAM_BASE."""
    padded = image + bytes(-len(image) % 8)
    return "".join(f"{int.from_bytes(padded[i:i + 8], 'little'):016x}\n" for i in range(0, len(padded), 8))
