"""memcpy, memmove, memset, strlen and strcmp (word at a time inside, byte at a time at the edges) at every
alignment and length: a program built by b2i-cc runs a list of calls on one buffer under qemu-riscv64; after each
call the return value and the whole buffer must equal a bytearray model in Python and the same program on glibc.
strcmp compares two places after a memmove made their first n bytes equal (often ending in a 0, so equal strings),
so long equal prefixes are common."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SIZE = 600  # the buffer; its last byte stays 0, so strlen always stops inside it

PROGRAM = r"""#include <stdint.h>
#include <stdio.h>
#include <string.h>
static union {
    uint64_t align;
    unsigned char bytes[SIZE];
} area;
int main(void) {
    unsigned char *b = area.bytes;
    for (int i = 0; i < SIZE - 1; i++) b[i] = (unsigned char)(i * 7 + 3);
    char op;
    unsigned long dst, src, n;
    int c;
    while (scanf(" %c %lu %lu %lu %d", &op, &dst, &src, &n, &c) == 5) {
        long r = -1;
        if (op == 'c') r = (unsigned char *)memcpy(b + dst, b + src, n) - b;
        if (op == 'm') r = (unsigned char *)memmove(b + dst, b + src, n) - b;
        if (op == 's') r = (unsigned char *)memset(b + dst, c, n) - b;
        if (op == 'l') r = (long)strlen((char *)b + src);
        if (op == 'k') {
            if (n > 0 && c % 2 == 0) b[src + n - 1] = 0; /* then the two strings are equal */
            memmove(b + dst, b + src, n);
            int order = strcmp((char *)b + dst, (char *)b + src);
            r = (order > 0) - (order < 0);
        }
        printf("%ld ", r);
        for (int i = 0; i < SIZE; i++) printf("%02x", b[i]);
        printf("\n");
    }
    return 0;
}
""".replace("SIZE", str(SIZE))

lengths = st.one_of(st.integers(0, 40), st.integers(0, SIZE - 1))


@st.composite
def call(draw):
    """One call with its pointers inside the buffer (never touching the last byte); memcpy's ranges apart."""
    op = draw(st.sampled_from("cmslk"))
    n = draw(lengths)
    dst = draw(st.integers(0, SIZE - 1 - n))
    src = draw(st.integers(0, SIZE - 1 - n))
    if op == "c" and abs(dst - src) < n:  # memcpy of overlapping ranges is undefined: move one range away
        src = dst + n if dst + 2 * n <= SIZE - 1 else dst - n
        if src < 0:
            n, src = 0, dst
    if op == "k" and draw(st.booleans()) and dst + (src - dst) % 8 <= SIZE - 1 - n:
        dst += (src - dst) % 8  # equally aligned: strcmp's word loop
    return op, dst, src, n, draw(st.integers(-300, 300))


def model(calls) -> list[str]:
    b = bytearray((i * 7 + 3) % 256 for i in range(SIZE - 1)) + b"\0"
    lines = []
    for op, dst, src, n, c in calls:
        r = dst
        if op == "k" and n > 0 and c % 2 == 0:
            b[src + n - 1] = 0
        if op in "cmk":
            b[dst : dst + n] = b[src : src + n]
        elif op == "s":
            b[dst : dst + n] = bytes([c % 256]) * n
        if op == "l":
            r = b.index(0, src) - src
        if op == "k":
            x, y = b[dst : b.index(0, dst)], b[src : b.index(0, src)]
            r = (x > y) - (x < y)
        lines.append(f"{r} {b.hex()}")
    return lines


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(call(), min_size=1, max_size=40))
def test_memcpy_memmove_memset_strlen(builder, calls):
    stdin = "".join(" ".join(map(str, c)) + "\n" for c in calls).encode()
    ours = builder.run_riscv(builder.ours_full(PROGRAM, "string.c"), stdin=stdin)
    glibc = builder.run_host(builder.host(PROGRAM), stdin=stdin)
    assert ours.returncode == glibc.returncode == 0
    assert ours.stdout == glibc.stdout
    for (op, dst, src, n, c), got, want in zip(calls, ours.stdout.decode().splitlines(), model(calls), strict=True):
        assert got == want, (op, dst, src, n, c)
