"""The GNU-syntax RISC-V assembler: `assemble(text)` gives the bytes of an ELF64 relocatable object.

Output equals GNU `as -march=rv64g -mno-relax` in section bytes and relocations (see docs/assembler.md).
"""

from b2i.sim.asm.assembler import Assembler


def assemble(text: str, filename: str = "<stdin>") -> bytes:
    """Assemble source text; raises `b2i.sim.errors.SourceError` ("file:line:col: error: ...")."""
    asm = Assembler(filename)
    asm.assemble_text(text)
    return asm.object_bytes()


__all__ = ["assemble", "Assembler"]
