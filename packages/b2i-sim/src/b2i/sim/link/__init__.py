"""The static linker `b2i-ld`: ELF64 objects and `ar` archives to an ELF64 executable.

`link(inputs)` lays a Linux user program out as GNU ld does (text at 0x10000); `text_base` (-Ttext) or a
linker `script` (a small subset of GNU's) place it elsewhere, e.g. bare metal at 0x80000000.
"""

import os

from b2i.sim.errors import LinkError
from b2i.sim.link.linker import link_inputs
from b2i.sim.link.script import default_script, parse_script


def link(inputs: list[str | bytes], *, entry: str = "_start", text_base: int | None = None,
         script: str | None = None) -> bytes:
    """Link object files or archives (paths, or object bytes) into a static executable's bytes.

    Raises `b2i.sim.errors.LinkError` for undefined or duplicate symbols, relocations out of range and
    bad inputs."""
    named = []
    for i, item in enumerate(inputs):
        if isinstance(item, bytes | bytearray):
            named.append((f"<input {i}>", bytes(item)))
        else:
            try:
                with open(item, "rb") as f:
                    named.append((os.fspath(item), f.read()))
            except OSError as e:
                raise LinkError(f"cannot read {item}: {e.strerror}") from None
    layout = parse_script(script) if script is not None else default_script(text_base)
    if script is not None and text_base is not None:
        raise LinkError("give either a linker script or a text base, not both")
    explicit_entry = entry if entry != "_start" else None
    return link_inputs(named, layout, explicit_entry or layout.entry or "_start",
                       headers_loaded=script is None and text_base is None)


__all__ = ["link", "LinkError"]
