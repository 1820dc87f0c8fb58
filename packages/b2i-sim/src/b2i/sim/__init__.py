"""b2i.sim: The machine in Python: ISA table, assembler, linker, disassembler, ELF tools and simulator."""

__version__ = "0.2.0"
