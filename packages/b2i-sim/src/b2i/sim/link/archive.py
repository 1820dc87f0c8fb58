"""Reading `ar` archives (GNU format): members by name, and the symbol index that says which member
defines what, so the linker parses only the members it pulls in."""

import struct
from dataclasses import dataclass

from b2i.sim.errors import LinkError

MAGIC = b"!<arch>\n"


@dataclass
class Member:
    name: str
    offset: int  # of its header in the archive, the key the symbol index uses
    data: bytes


def is_archive(data: bytes) -> bool:
    return data.startswith(MAGIC)


def read_archive(data: bytes, path: str) -> tuple[list[Member], dict[str, list[int]]]:
    """The object members, and the symbol index: name -> offsets of the members defining it (empty if the
    archive has no index; then the caller reads every member's symbols)."""
    members, index, long_names, pos = [], {}, b"", len(MAGIC)
    while pos + 60 <= len(data):
        header = data[pos:pos + 60]
        if header[58:60] != b"`\n":
            raise LinkError(f"{path}: malformed archive member header at {pos}")
        name = header[:16].decode("latin-1").rstrip()
        try:
            size = int(header[48:58].decode().strip())
        except ValueError:
            raise LinkError(f"{path}: malformed archive member size at {pos}") from None
        body = data[pos + 60:pos + 60 + size]
        if name in ("/", "/SYM64/"):
            index = symbol_index(body, 8 if name == "/SYM64/" else 4)
        elif name == "//":
            long_names = body
        else:
            if name.startswith("/") and name[1:].isdigit():
                start = int(name[1:])
                name = long_names[start:long_names.index(b"\n", start)].decode("latin-1")
            members.append(Member(name.rstrip("/"), pos, body))
        pos += 60 + size + (size & 1)
    return members, index


def symbol_index(body: bytes, width: int) -> dict[str, list[int]]:
    fmt = ">I" if width == 4 else ">Q"
    (count,) = struct.unpack_from(fmt, body, 0)
    offsets = [struct.unpack_from(fmt, body, width * (1 + i))[0] for i in range(count)]
    names = body[width * (1 + count):].split(b"\0")
    index: dict[str, list[int]] = {}
    for name, offset in zip(names, offsets, strict=False):
        index.setdefault(name.decode("latin-1"), []).append(offset)
    return index
