"""b2i.cc: A C compiler in Python (lark) with its libc, driving b2i-sim's assembler and linker."""

__version__ = "0.3.1"
