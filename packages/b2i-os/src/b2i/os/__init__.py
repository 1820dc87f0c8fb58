"""b2i.os: the b2i operating system: kernel, FAT file system and user programs in C, built by b2i-cc."""

__version__ = "0.1.0"
