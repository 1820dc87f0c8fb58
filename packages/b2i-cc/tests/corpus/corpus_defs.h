#pragma once
#define DEFS_VALUE 1234
#ifdef __riscv
#define __riscv_xlen_or_64 __riscv_xlen
#else
#define __riscv_xlen_or_64 64
#endif
