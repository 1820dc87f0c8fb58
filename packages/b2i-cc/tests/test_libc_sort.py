"""qsort and bsearch: arrays of any element size, built by b2i-cc and run under qemu-riscv64, against Python's
sorted (stable, as glibc's merge sort is) and against the same program linked with glibc.

One C program per test reads its arrays from stdin, so hypothesis varies the data without recompiling. An element
is `size` raw bytes; its key is the first one or two (little endian), so equal keys are common and the order
of equal elements (stability) shows in the rest of the bytes."""

import random
from importlib import resources

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

SIZES = [1, 2, 3, 4, 8, 12, 16, 24, 32, 33, 40, 64]

# Each case on stdin: size n offset mode probes, n*size hex bytes, then the probe keys. The comparison returns
# any int: mode 0 the sign, 1 the sign times a large odd number, 2 INT_MIN/INT_MAX, 3 the keys' difference.
SORT_PROGRAM = r"""#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static unsigned long storage[8192];
static unsigned long key_bytes;
static int mode;
static unsigned key_of(const void *p) {
    unsigned k = 0;
    memcpy(&k, p, key_bytes);
    return k;
}
static int compare(const void *a, const void *b) {
    unsigned x = key_of(a), y = key_of(b);
    int sign = (x > y) - (x < y);
    if (mode == 0) return sign;
    if (mode == 1) return sign * 1000003;
    if (mode == 2) return sign > 0 ? INT_MAX : sign < 0 ? INT_MIN : 0;
    return (int)x - (int)y;
}
int main(void) {
    unsigned long size, n, offset, probes;
    while (scanf("%lu %lu %lu %d %lu", &size, &n, &offset, &mode, &probes) == 5) {
        key_bytes = size < 2 ? size : 2;
        unsigned char *base = (unsigned char *)storage + offset;
        for (unsigned long i = 0; i < n * size; i++) {
            unsigned byte;
            scanf("%2x", &byte);
            base[i] = (unsigned char)byte;
        }
        SORT(base, n, size, compare);
        for (unsigned long i = 0; i < n * size; i++) printf("%02x%s", base[i], (i + 1) % size ? "" : " ");
        printf("\n");
        for (unsigned long i = 0; i < probes; i++) {
            unsigned key;
            unsigned char probe[64] = {0};
            scanf("%u", &key);
            memcpy(probe, &key, key_bytes);
            unsigned char *found = bsearch(probe, base, n, size, compare);
            if (found) printf("%u@%ld ", key_of(found), (long)(found - base) % (long)size);
            else printf("- ");
        }
        printf("\n");
    }
    return 0;
}
"""


@st.composite
def sort_case(draw, min_bytes=0):
    """An array of random elements: size, count, how far base is from 8-byte alignment, comparison mode, and
    keys from a small range (many ties) or a wide one; probes are keys to look up afterwards. The bytes come
    from a seeded generator (an array can be larger than hypothesis's own buffer)."""
    size = draw(st.sampled_from(SIZES))
    top = draw(st.sampled_from([1, 5, (1 << (8 * min(size, 2))) - 1]))
    least = min_bytes // size + 1 if size <= 32 else max(0, (min_bytes - size) // 16 + 1)
    n = draw(st.integers(least, least + 200))
    rng = random.Random(draw(st.integers(0, 2**32)))
    elements = []
    for _ in range(n):
        head = rng.randint(0, top).to_bytes(2, "little")[: min(size, 2)]
        elements.append(head + rng.randbytes(size - len(head)))
    probes = draw(st.lists(st.integers(0, top), max_size=8))
    return size, elements, draw(st.integers(0, 7)), draw(st.integers(0, 3)), probes


def key(element: bytes) -> int:
    return int.from_bytes(element[:2], "little")


def stdin_for(cases) -> bytes:
    lines = []
    for size, elements, offset, mode, probes in cases:
        lines.append(f"{size} {len(elements)} {offset} {mode} {len(probes)}")
        lines.append(b"".join(elements).hex())
        lines.append(" ".join(map(str, probes)))
    return ("\n".join(lines) + "\n").encode()


def parse(output: bytes, cases):
    """[(sorted elements, bsearch answers)] from the program's two lines per case."""
    lines = output.decode().splitlines()
    assert len(lines) == 2 * len(cases)
    return [(lines[2 * i].split(), lines[2 * i + 1].split()) for i in range(len(cases))]


def check_bsearch(answers, elements, probes):
    """Each probe is found (key and element boundary) exactly when its key is in the array."""
    assert len(answers) == len(probes)
    keys = {key(e) for e in elements}
    for probe, answer in zip(probes, answers, strict=True):
        assert answer == (f"{probe}@0" if probe in keys else "-"), probe


@SETTINGS
@given(st.lists(sort_case(), min_size=1, max_size=6))
def test_qsort_is_glibcs_stable_sort_and_bsearch_finds_keys(builder, cases):
    source = "#define SORT qsort\n" + SORT_PROGRAM
    stdin = stdin_for(cases)
    ours = builder.run_riscv(builder.ours_full(source, "sort.c"), stdin=stdin)
    glibc = builder.run_host(builder.host(source), stdin=stdin)
    assert ours.returncode == glibc.returncode == 0
    assert ours.stdout == glibc.stdout
    for (_, elements, _, _, probes), (result, answers) in zip(cases, parse(ours.stdout, cases), strict=True):
        assert result == [e.hex() for e in sorted(elements, key=key)]
        check_bsearch(answers, elements, probes)


# The library's own sort.c with a malloc that always fails, so qsort takes its in-place fallback (heapsort).
FALLBACK_PROGRAM = (
    "#include <stdlib.h>\n#define malloc(n) ((void *)0)\n#define qsort qsort_without_memory\n"
    '#define bsearch bsearch_copy\n#include "sort.c"\n#undef qsort\n#undef bsearch\n'
    "#define SORT qsort_without_memory\n" + SORT_PROGRAM
)


@SETTINGS
@given(st.lists(sort_case(min_bytes=1024), min_size=1, max_size=4))
def test_qsort_without_memory_sorts_in_place(builder, cases):
    """Arrays over the 1024 bytes qsort keeps on the stack, with no memory to merge through: heapsort is not
    stable, so the keys come out sorted and the elements are the same ones."""
    libc_src = str(resources.files("b2i.cc").joinpath("libc", "src"))
    exe = builder.ours_full(FALLBACK_PROGRAM, "fallback.c", flags=("-I", libc_src))
    ours = builder.run_riscv(exe, stdin=stdin_for(cases))
    assert ours.returncode == 0
    for (_, elements, _, _, probes), (result, answers) in zip(cases, parse(ours.stdout, cases), strict=True):
        assert [key(bytes.fromhex(e)) for e in result] == sorted(map(key, elements))
        assert sorted(result) == sorted(e.hex() for e in elements)
        check_bsearch(answers, elements, probes)


RECORD_PROGRAM = r"""#include <stdio.h>
#include <stdlib.h>
struct record {
    double weight;
    int id;
    char tag;
};
static struct record records[400];
static int by_weight(const void *a, const void *b) {
    double x = ((const struct record *)a)->weight, y = ((const struct record *)b)->weight;
    return (x > y) - (x < y);
}
int main(void) {
    int n = 0, w;
    while (n < 400 && scanf("%d", &w) == 1) {
        records[n].weight = w / 4.0;
        records[n].id = n;
        records[n].tag = (char)('a' + n % 26);
        n++;
    }
    qsort(records, n, sizeof records[0], by_weight);
    for (int i = 0; i < n; i++) printf("%g %d %c\n", records[i].weight, records[i].id, records[i].tag);
    return 0;
}
"""


@SETTINGS
@given(st.lists(st.integers(-40, 40), max_size=400))
def test_qsort_structs_by_a_double_field(builder, weights):
    """A C struct (24 bytes with padding) by its double: ties keep their input order, as in glibc."""
    stdin = " ".join(map(str, weights)).encode()
    ours = builder.run_riscv(builder.ours_full(RECORD_PROGRAM, "records.c"), stdin=stdin)
    glibc = builder.run_host(builder.host(RECORD_PROGRAM), stdin=stdin)
    assert ours.returncode == glibc.returncode == 0
    assert ours.stdout == glibc.stdout
    expected = sorted(range(len(weights)), key=lambda i: weights[i])
    assert [int(line.split()[1]) for line in ours.stdout.decode().splitlines()] == expected
