"""What the core implements, as software sees it: the ISA string and the misa value the Verilog reports.

A lockstep run gives the reference interpreter this misa, so both machines agree on every CSR that shows the
ISA (misa itself, mstatus.FS, the alignment of mepc/sepc) instead of comparing an RV64IMA core with an RV64GC
interpreter. `qemu-system-riscv64 -cpu QEMU_CPU` is the same machine on QEMU (misa 0x8000_0000_0014_1101).
"""

ISA = "rv64ima_zicsr_zifencei"
EXTENSIONS = "AIMSU"  # misa letters: the base (I), M, A, and the supervisor and user modes
MISA = (2 << 62) | sum(1 << (ord(letter) - ord("A")) for letter in EXTENSIONS)  # 0x8000_0000_0014_1101
QEMU_CPU = "rv64,f=false,d=false,c=false,h=false"  # QEMU 7.2's rv64 without the extensions the core lacks
