"""The guest program around one kernel: its C `main`, and the byte format the host and the guest exchange.

The kernel C is exactly what render_c gives the c device; `program_source` appends a `main` that reads the
kernel's buffers and arguments from stdin, calls `kernel`, and writes the output buffer to stdout.

stdin, all integers unsigned 64-bit little-endian:

    nbufs, nparams                 two counts
    size[0] .. size[nbufs-1]       each buffer's size in bytes (buffer 0 is the output)
    param[0] .. param[nparams-1]   the kernel's params (random keys, then sizes, strides and offsets)
    bytes of buffer 0, 1, ...      each buffer's raw little-endian elements, size[i] bytes each

stdout: the size[0] bytes of buffer 0 after the kernel ran. The output goes in as well as out because a
kernel may write only part of it (a pad or a concatenation fills its output piece by piece).
Exit status 0; 3 when stdin ends early, 4 when memory runs out.
"""

from __future__ import annotations

import struct

MAIN = r"""
/* ---- the driver: buffers in on stdin, buffer 0 out on stdout (b2i/tensor/b2i_program.py) ---- */
#include <unistd.h>
static void b2i_read_all(void *dst, uint64_t n) {
  char *p = (char *)dst;
  while (n > 0) {
    long got = read(0, p, n);
    if (got <= 0) exit(3);
    p += got;
    n -= (uint64_t)got;
  }
}
static void b2i_write_all(const void *src, uint64_t n) {
  const char *p = (const char *)src;
  while (n > 0) {
    long put = write(1, p, n);
    if (put <= 0) exit(5);
    p += put;
    n -= (uint64_t)put;
  }
}
static void *b2i_alloc(uint64_t n) {
  void *p = malloc(n + 16);
  if (!p) exit(4);
  return p;
}
int main(void) {
  uint64_t counts[2];
  b2i_read_all(counts, sizeof counts);
  uint64_t *sizes = (uint64_t *)b2i_alloc(8 * counts[0]);
  uint64_t *params = (uint64_t *)b2i_alloc(8 * counts[1]);
  void **bufs = (void **)b2i_alloc(sizeof(void *) * counts[0]);
  b2i_read_all(sizes, 8 * counts[0]);
  b2i_read_all(params, 8 * counts[1]);
  for (uint64_t i = 0; i < counts[0]; i++) {
    bufs[i] = b2i_alloc(sizes[i]);
    b2i_read_all(bufs[i], sizes[i]);
  }
  kernel(bufs, params);
  b2i_write_all(bufs[0], sizes[0]);
  return 0;
}
"""


# In front of the kernel: b2i-cc does not take the _Pragma operator, and the kernels' pragmas are only
# vectorization hints for the host's compiler (`omp simd`), so the program defines it away. The libm functions
# the kernels call (fma, fmaf, copysign, fmodf, ...) come from b2i-cc's libc, as on the c device from the host's.
HEAD = r"""#define _Pragma(text)
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
/* ---- the kernel, exactly as render_c gives it to the c device ---- */
"""


def program_source(kernel_source: str) -> str:
    """A whole C program: the rendered kernel (unchanged) between the shims and the driver `main`."""
    return HEAD + kernel_source + MAIN


def encode_input(buffers: list[bytes | bytearray], params: list[int]) -> bytes:
    """The driver's stdin for these buffers (output first) and params (each taken modulo 2**64)."""
    sizes = [len(b) for b in buffers]
    head = struct.pack(f"<{2 + len(sizes) + len(params)}Q", len(buffers), len(params), *sizes,
                       *[p & 0xFFFF_FFFF_FFFF_FFFF for p in params])
    return head + b"".join(bytes(b) for b in buffers)
