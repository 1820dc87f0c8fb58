"""The schedule memo (schedule.realize) and the render memo (render_c.render) against numpy and fresh work.

A memo hit must be indistinguishable from a miss: the same values as numpy, the same kernel counts, the same
C source. The keys must tell apart graphs that Python's == confuses (1, 1.0, True; 0.0, -0.0).
"""

import b2i.tensor as bt
import numpy as np
from b2i.tensor import Tensor, render_c, schedule
from b2i.tensor.dtype import bool_, float32, float64, int32
from b2i.tensor.kernel import Alu, Const, Kernel, Load
from b2i.tensor.view import View
from hypothesis import given, settings
from hypothesis import strategies as st
from tensor_cases import arrays, check, shapes

CONSTANTS = [1, 1.0, True, 0.0, -0.0, 2, -3, 0.5]
BINARY = ["add", "sub", "mul", "max", "min"]

# ---- a random graph as a recipe, applied alike to a Tensor and to a numpy array --------------------------

step = st.one_of(
    st.tuples(st.just("const"), st.sampled_from(BINARY), st.sampled_from(CONSTANTS)),
    st.tuples(st.just("self"), st.sampled_from(BINARY)),  # x op x: a shared node
    st.tuples(st.just("T")),
    st.tuples(st.just("neg")),
    st.tuples(st.just("bcast"), st.integers(1, 3)),  # a new leading axis of stride 0
    st.tuples(st.just("sum"), st.booleans()),  # over the last axis, or everything
    st.tuples(st.just("mean")),  # a reduction with an epilogue (the division)
    st.tuples(st.just("center")),  # x - max(x): two reductions' worth of scheduling decisions
)


def binary(op: str, a, b):
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if isinstance(a, Tensor):
        return bt.maximum(a, b) if op == "max" else bt.minimum(a, b)
    return np.maximum(a, b) if op == "max" else np.minimum(a, b)


def apply(recipe, x):
    """The recipe's graph over x, a Tensor or a numpy array (numpy 2 semantics: Python scalars are weak)."""
    for s in recipe:
        if s[0] == "const":
            x = binary(s[1], x, s[2])
        elif s[0] == "self":
            x = binary(s[1], x, x)
        elif s[0] == "T":
            x = x.T
        elif s[0] == "neg":
            x = -x
        elif s[0] == "bcast":
            x = x.reshape((1, *x.shape))
            wide = (s[1], *x.shape[1:])
            x = x.broadcast_to(wide) if isinstance(x, Tensor) else np.broadcast_to(x, wide)
        elif s[0] == "sum":
            axis = -1 if s[1] and x.ndim else None
            x = x.sum(axis=axis)
        elif s[0] == "mean":
            x = x.mean(axis=-1 if x.ndim else None)
        elif s[0] == "center":
            x = x - x.max(axis=-1 if x.ndim else None, keepdims=True)
    return x


VIEWS = ["plain", "transposed", "broadcast", "strided"]


def view_input(kind: str, shape: tuple[int, ...]):
    """(shape of the base array, the view applied to it): the view is part of the graph's structure."""
    if kind == "transposed" and shape:
        return tuple(reversed(shape)), lambda t: t.T
    if kind == "broadcast" and shape:
        return shape[1:], lambda t: (t.broadcast_to(shape) if isinstance(t, Tensor) else np.broadcast_to(t, shape))
    if kind == "strided" and shape:
        return (*shape[:-1], shape[-1] * 2), lambda t: t[..., ::2]
    return shape, lambda t: t


@st.composite
def structures(draw):
    """One graph structure: input dtype, shape, view and recipe (data is drawn separately, per run)."""
    dtype = draw(st.sampled_from(["int32", "float32", "float64"]))
    shape = draw(shapes)
    kind = draw(st.sampled_from(VIEWS))
    recipe = draw(st.lists(step, min_size=1, max_size=5))
    return dtype, shape, kind, recipe


def run(device: str, dtype: str, shape, kind: str, recipe, base: np.ndarray):
    """Build the graph on `base`, realize it counting kernels, compare with numpy; returns (key, counts)."""
    _, make = view_input(kind, shape)
    ours = apply(recipe, make(Tensor(base, device=device)))
    ref = apply(recipe, make(base))
    graph = schedule._shape_of([ours.node]) if not ours.node.realized else None
    hit = graph is not None and graph[0] in schedule._plans
    with bt.counting() as c:
        ours.realize()
    check(ours, ref)
    return graph, hit, (c.kernels, c.bytes_moved, c.realizes)


@settings(max_examples=40, deadline=None)
@given(st.lists(structures(), min_size=1, max_size=3), st.sampled_from(["numpy", "c"]), st.data())
def test_a_memo_hit_gives_numpys_values_and_the_same_kernel_counts(variants, device, data):
    # Several structures in a row (differing in constants, shapes and views), each built twice with new data:
    # the second build replays the first's schedule, and must still match numpy and count the same kernels.
    for dtype, shape, kind, recipe in variants:
        base_shape, _ = view_input(kind, shape)
        first = run(device, dtype, shape, kind, recipe, data.draw(arrays(dtype, base_shape, small=True)))
        second = run(device, dtype, shape, kind, recipe, data.draw(arrays(dtype, base_shape, small=True)))
        if first[0] is not None:  # memoizable: the second run was a hit, with the first run's counts
            assert second[0][0] == first[0][0]
            assert second[1]
            assert second[2] == first[2]


@settings(max_examples=15, deadline=None)
@given(st.permutations([1, 1.0, True]), st.sampled_from(["int32", "uint8", "float32", "float64"]),
       st.sampled_from(["numpy", "c"]), st.data())
def test_constants_equal_in_python_do_not_share_a_schedule(order, dtype, device, data):
    base = data.draw(arrays(dtype, data.draw(shapes), small=True))
    x = Tensor(base, device=device)
    for c in order * 2:  # each constant twice: a miss, then a hit after the others' runs
        with np.errstate(over="ignore"):  # uint8 wraps around on both sides
            cases = ((x + c, base + c), (x * c - c, base * c - c), (bt.maximum(x, c), np.maximum(base, c)))
        for ours, ref in cases:
            check(ours, ref)  # values and numpy's result dtype


@settings(max_examples=15, deadline=None)
@given(st.permutations([0.0, -0.0]), st.sampled_from(["float32", "float64"]), st.sampled_from(["numpy", "c"]),
       st.data())
def test_signed_zero_constants_do_not_share_a_schedule(order, dtype, device, data):
    shape = data.draw(shapes)
    base = data.draw(arrays(dtype, shape)) - np.asarray(5, dtype)  # all negative
    x = Tensor(base, device=device)
    for c in order * 2:
        for ours, ref in ((x * c, base * c), ((x * c).T * 1.0, (base * c).T * 1.0),
                          (x.pad(1, c), np.pad(base, 1, constant_values=c)),
                          (bt.where(x < 0, c, x), np.where(base < 0, c, base).astype(dtype))):
            check(ours, ref)
            got = ours.numpy()
            assert np.array_equal(np.signbit(got), np.signbit(ref)), (c, got, ref)


@settings(max_examples=15, deadline=None)
@given(st.permutations(["sum", "max", "min"]), st.sampled_from(["numpy", "c"]), st.data())
def test_the_creation_order_of_reductions_is_part_of_the_key(order, device, data):
    # The newest fitting reduction takes the epilogue: graphs equal but for the order their reductions were
    # made in schedule differently, and a replay of the other's schedule would read the wrong accumulator.
    base = data.draw(arrays("float64", (3, 4)))
    x = Tensor(base, device=device)
    for _ in range(2):
        for names in (order, order[::-1]):
            ours = {n: getattr(x, n)(axis=1, keepdims=True) for n in names}
            refs = {n: getattr(base, n)(axis=1, keepdims=True) for n in names}
            ref = refs["sum"] * 2 + refs["max"] - np.exp(refs["min"])
            check(ours["sum"] * 2 + ours["max"] - ours["min"].exp(), ref)


# ---- the render memo against a fresh render ------------------------------------------------------------

def rendered_both_ways(kernel: Kernel, name: str = "kernel"):
    memo = render_c.render(kernel, name)
    fresh = render_c._render(kernel, name)
    assert memo[0] == fresh[0]
    assert list(memo[1]) == list(fresh[1])


@settings(max_examples=40, deadline=None)
@given(st.lists(structures(), min_size=1, max_size=3), st.data())
def test_a_memoized_render_equals_a_fresh_one_for_scheduled_kernels(variants, data):
    # Each structure scheduled twice with new data: the second's kernels hit the render memo (by structure,
    # then by Kernel object); every rendering must equal one made from scratch.
    for dtype, shape, kind, recipe in variants:
        base_shape, make = view_input(kind, shape)
        for _ in range(2):
            base = data.draw(arrays(dtype, base_shape, small=True))
            ours = apply(recipe, make(Tensor(base, device="c")))
            if ours.node.realized:
                continue
            scheduler = schedule.Scheduler()
            scheduler.schedule(ours.node)
            for item in scheduler.items:
                rendered_both_ways(item.kernel)
                rendered_both_ways(item.kernel)  # now from the by-Kernel memo
                rendered_both_ways(item.kernel, "other_name")


@settings(max_examples=40, deadline=None)
@given(st.permutations(CONSTANTS + [float("inf"), float("-inf"), float("nan")]),
       st.sampled_from([float32, float64, int32, bool_]), st.data())
def test_a_memoized_render_tells_constants_apart(values, dtype, data):
    # Kernels identical but for a constant that == confuses: each must render as if it were the first.
    shape = data.draw(shapes)
    view = View.contiguous(shape) if data.draw(st.booleans()) else View(shape, (0,) * len(shape), 0)
    op = data.draw(st.sampled_from(["add", "mul", "max"]))
    for v in values:
        if not dtype.is_float and (v != v or v in (float("inf"), float("-inf"))):
            continue
        k = Kernel("elementwise", shape, View.contiguous(shape), (dtype, dtype),
                   Alu(op, (Load(1, view, dtype), Const(v, dtype)), dtype))
        rendered_both_ways(k)
