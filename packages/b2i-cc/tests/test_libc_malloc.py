"""malloc, calloc, realloc and free: random sequences of calls on 16 slots, built by b2i-cc and run under
qemu-riscv64. Each block is filled with its own byte; after every call every live block must still hold its bytes
(no two blocks overlap, realloc keeps the old contents, calloc's memory is zero). Sizes no object can have
(over PTRDIFF_MAX, or n * size overflowing) give NULL and ENOMEM, as glibc's do; the same program on glibc
prints the same."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROGRAM = r"""#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static unsigned char *block[16];
static unsigned long length[16];
static int holds(int i, int byte) {
    for (unsigned long k = 0; k < length[i]; k++)
        if (block[i][k] != byte) return 0;
    return 1;
}
int main(void) {
    char op;
    int slot;
    unsigned long n, size;
    while (scanf(" %c %d %lu %lu", &op, &slot, &n, &size) == 4) {
        unsigned char *p = 0;
        unsigned long keep = length[slot] < n ? length[slot] : n;
        errno = 0;
        if (op == 'm') p = malloc(n);
        if (op == 'c') p = calloc(n, size);
        if (op == 'r') p = realloc(block[slot], n);
        if (op == 'f') free(block[slot]);
        int ok = 1;
        if (op == 'c' && p) {
            length[slot] = n * size;
            block[slot] = p;
            ok = holds(slot, 0);
        } else if (op == 'r' && p) {
            for (unsigned long k = 0; k < keep; k++) ok &= p[k] == (unsigned char)(slot * 37 + 1);
        }
        if (op == 'f' || p || (op == 'r' && n == 0)) { /* realloc(p, 0) frees p */
            block[slot] = p;
            length[slot] = p ? (op == 'c' ? n * size : n) : 0;
            memset(p, slot * 37 + 1, length[slot]);
        }
        for (int i = 0; i < 16; i++) ok &= holds(i, (unsigned char)(i * 37 + 1));
        printf("%c %d %d %d\n", op, p != 0, errno == ENOMEM, ok);
    }
    return 0;
}
"""

HUGE = st.one_of(st.integers(2**63, 2**64 - 1), st.integers(2**64 - 64, 2**64 - 1))


@st.composite
def calls(draw):
    """(op, slot, n, size): blocks up to 3000 bytes (reallocs that grow and shrink, free of an empty slot, which
    is free(NULL)), and now and then a size no object can have."""
    out = []
    for _ in range(draw(st.integers(1, 60))):
        op = draw(st.sampled_from("mmcrrf"))
        slot = draw(st.integers(0, 15))
        n = draw(st.one_of(st.just(0), st.integers(1, 3000), HUGE)) if op != "f" else 0
        size = draw(st.one_of(st.integers(0, 8), HUGE)) if op == "c" else 0
        out.append((op, slot, n, size))
    return out


def expected(ops) -> list[str]:
    """What the program prints: whether a block came back, ENOMEM, and 1 for "all blocks intact"."""
    live = set()
    lines = []
    for op, slot, n, size in ops:
        fails = (n * size if op == "c" else n) >= 2**63
        frees = op == "f" or (op == "r" and n == 0 and slot in live)  # realloc(p, 0) frees p, as in glibc
        got = not (fails or frees)
        if got:
            live.add(slot)
        elif frees:
            live.discard(slot)
        lines.append(f"{op} {int(got)} {int(fails)} 1")
    return lines


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(calls())
def test_blocks_keep_their_bytes_and_huge_sizes_fail(builder, ops):
    # the slot's previous block is dropped (leaked) by a new malloc or calloc, as a program might
    stdin = "".join(f"{op} {slot} {n} {size}\n" for op, slot, n, size in ops).encode()
    ours = builder.run_riscv(builder.ours_full(PROGRAM, "malloc.c"), stdin=stdin)
    glibc = builder.run_host(builder.host(PROGRAM), stdin=stdin)
    assert ours.returncode == glibc.returncode == 0
    assert ours.stdout.decode().splitlines() == expected(ops)
    assert ours.stdout == glibc.stdout
