"""Reading `ar` archives (GNU format): the members' names and bytes."""

from b2i.sim.errors import LinkError

MAGIC = b"!<arch>\n"


def is_archive(data: bytes) -> bool:
    return data.startswith(MAGIC)


def archive_members(data: bytes, path: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of each object member; the symbol index ("/") and long-name table ("//") are read,
    not returned."""
    members, long_names, pos = [], b"", len(MAGIC)
    while pos + 60 <= len(data):
        header = data[pos:pos + 60]
        if header[58:60] != b"`\n":
            raise LinkError(f"{path}: malformed archive member header at {pos}")
        name = header[:16].decode("latin-1").rstrip()
        size = int(header[48:58].decode().strip())
        body = data[pos + 60:pos + 60 + size]
        pos += 60 + size + (size & 1)
        if name in ("/", "/SYM64/"):
            continue
        if name == "//":
            long_names = body
            continue
        if name.startswith("/") and name[1:].isdigit():
            start = int(name[1:])
            name = long_names[start:long_names.index(b"\n", start)].decode("latin-1")
        members.append((name.rstrip("/"), body))
    return members
