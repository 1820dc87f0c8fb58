"""Device "b2i": kernels compiled by b2i-cc and run on b2i-sim, checked against numpy like the other devices.

The simulator is slow and every new kernel structure is a b2i-cc compile (cached on disk), so shapes are tiny
and examples few; the properties are the ones test_elementwise, test_reduce_matmul and test_fusion check on
"numpy" and "c", and each also asserts that "b2i" runs as many kernels as "c" (the same schedule).
"""

import b2i.tensor as bt
import numpy as np
import pytest
from b2i.tensor import Tensor
from b2i.tensor.b2i_program import encode_input, program_source
from b2i.tensor.device import get_backend
from b2i.tensor.render_c import render
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tensor_cases import DTYPES, check, elements, viewed

FEW = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALL_SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)


def on_both(make) -> Tensor:
    """make(device) on "c" and on "b2i": the b2i result, after checking both ran the same number of kernels."""
    counts = []
    results = []
    for device in ("c", "b2i"):
        t = make(device)
        with bt.counting() as c:
            t.realize()
        counts.append(c.kernels)
        results.append(t)
    assert counts[0] == counts[1], f"c ran {counts[0]} kernels, b2i {counts[1]}"
    return results[1]


@FEW
@given(st.sampled_from(["float32", "int8", "uint16", "int32", "int64", "uint64"]), st.data())
def test_elementwise_chain_with_broadcast_and_views(dtype, data):
    shape = data.draw(SMALL_SHAPES)
    a, view = data.draw(viewed(dtype, shape, small=True))
    row = data.draw(hnp.arrays(np.dtype(dtype), shape[-1:], elements=elements(dtype, small=True)))
    x = view(a)
    ref = np.maximum(x * 3 - row, row) + (x * row)

    def make(device):
        t, r = view(Tensor(a, device=device)), Tensor(row, device=device)
        return bt.maximum(t * 3 - r, r) + t * r

    out = on_both(make)
    assert get_backend("b2i").stats.runs > 0
    check(out, ref)


@FEW
@given(st.sampled_from(["sum", "max", "min", "mean", "argmax"]),
       st.sampled_from(["float32", "uint8", "int16", "int32", "uint32", "float64"]), st.data())
def test_a_reduction(op, dtype, data):
    shape = data.draw(SMALL_SHAPES)
    a, view = data.draw(viewed(dtype, shape))
    x = view(a)
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    ref = getattr(np, op)(x, axis=axis)
    out = on_both(lambda device: getattr(view(Tensor(a, device=device)), op)(axis=axis))
    check(out, ref, scale=float(np.abs(x.astype(np.float64)).sum()) + 1)


@FEW
@given(st.sampled_from(["float32", "float64", "int64"]), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5),
       st.data())
def test_a_small_matmul(dtype, m, k, n, data):
    a = data.draw(hnp.arrays(np.dtype(dtype), (m, k), elements=elements(dtype)))
    b, view = data.draw(viewed(dtype, (k, n)))
    ref = a @ view(b)
    out = on_both(lambda device: Tensor(a, device=device) @ view(Tensor(b, device=device)))
    check(out, ref, scale=float((np.abs(a.astype(np.float64)) @ np.abs(view(b).astype(np.float64))).max()) + 1)


@FEW
@given(st.sampled_from(DTYPES), st.sampled_from(DTYPES), st.data())
def test_a_cast(src, dst, data):
    a, view = data.draw(viewed(src, data.draw(SMALL_SHAPES), small=True))
    # float -> unsigned of a negative: undefined in C (integers wrap, as in numpy)
    assume(not (src.startswith("float") and np.dtype(dst).kind == "u" and (view(a) < 0).any()))
    check(on_both(lambda device: view(Tensor(a, device=device)).astype(dst)), view(a).astype(dst))


COMPARE = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal, "eq": np.equal,
           "ne": np.not_equal}


@FEW
@given(st.sampled_from(sorted(COMPARE)), st.sampled_from(["int8", "int32", "uint64", "float32", "float64"]), st.data())
def test_comparisons_and_where(op, dtype, data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=2, max_side=3))
    a, va = data.draw(viewed(dtype, shapes.input_shapes[0], small=True))
    b, vb = data.draw(viewed(dtype, shapes.input_shapes[1], small=True))
    cond = COMPARE[op](va(a), vb(b))
    method = {"lt": "__lt__", "le": "__le__", "gt": "__gt__", "ge": "__ge__", "eq": "__eq__", "ne": "__ne__"}[op]

    def make(device):
        x, y = va(Tensor(a, device=device)), vb(Tensor(b, device=device))
        return bt.where(getattr(x, method)(y), x - y, y * 2)

    check(on_both(make), np.where(cond, va(a) - vb(b), vb(b) * 2))


@pytest.mark.parametrize("dtype", [d for d in DTYPES if np.dtype(d).kind in "iu"])
def test_integer_extremes_wrap_on_the_machine(dtype):
    """Every integer type at the ends of its range, through one fused kernel of wrapping arithmetic, division
    and remainder (by zero too), powers and a comparison, and through a sum (int64 or uint64, as numpy)."""
    info = np.iinfo(dtype)
    a = np.array([info.min, info.min + 1, 0, 1, 2, info.max - 1, info.max], dtype=dtype)
    b = np.array([3, 2, 0, 0, 7, 3, 5], dtype=dtype)
    with np.errstate(all="ignore"):
        ref = np.where(a < b, a * b + a // b, a % b - a**3)
    check(on_both(lambda device: (lambda x, y: bt.where(x < y, x * y + x // y, x % y - x**3))(
        Tensor(a, device=device), Tensor(b, device=device))), ref)
    check(on_both(lambda device: (Tensor(a, device=device) * Tensor(b, device=device)).sum()), (a * b).sum())


def test_wide_column_reductions():
    """Blocks of render_c.UNROLL_FROM columns or more fold several rows per pass (float sums in pairs first)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 19, 1030)).astype(np.float32)
    check(on_both(lambda device: Tensor(x, device=device).sum(axis=1)), x.sum(axis=1),
          scale=float(np.abs(x).sum(axis=1).max()))
    y = rng.integers(-(2**15), 2**15, (19, 1030), dtype=np.int16)
    check(on_both(lambda device: Tensor(y, device=device).max(axis=0)), y.max(axis=0))


def test_float_special_values_and_unary_functions():
    x = np.array([-1.5, 2.0, np.inf, -np.inf, np.nan, 0.0, -0.0, 30.0, -30.0], dtype=np.float32)
    t = Tensor(x, device="b2i")
    with np.errstate(all="ignore"):
        check(t.sqrt(), np.sqrt(x))
        check(t.exp(), np.exp(x))
        check(t.tanh(), np.tanh(x))
        check(t.sigmoid(), 1 / (1 + np.exp(-x)))
        check(t % 0.75, np.remainder(x, np.float32(0.75)))
        check(t // -0.5, np.floor_divide(x, np.float32(-0.5)))


def test_a_guest_failure_names_the_kernel():
    """A program that fails on the machine (here: its stdin cut short, so the guest exits with status 3)."""
    backend = get_backend("b2i")
    real = backend.run_program
    backend.run_program = lambda elf, argv, stdin: real(elf, argv, stdin=stdin[:-1])
    try:
        with pytest.raises(RuntimeError, match=r"kernel 'elementwise.*b2i machine.*exit status 3"):
            (Tensor(np.arange(3.0), device="b2i") * 2).realize()
    finally:
        backend.run_program = real


def test_the_program_runs_the_kernel_exactly_as_rendered():
    """The guest program holds render()'s kernel source unchanged, and its stdin format is the documented one."""
    t = Tensor(np.arange(4, dtype=np.int32), device="b2i") + 1
    from b2i.tensor.schedule import Scheduler

    scheduler = Scheduler()
    scheduler.schedule(t.node)
    (item,) = scheduler.items
    source, numbers = render(item.kernel)
    assert source in program_source(source)
    backend = get_backend("b2i")
    elf = backend.executable(program_source(source))
    data = np.arange(4, dtype=np.int32).tobytes()
    result = backend.run_program(elf, ["kernel"], stdin=encode_input([bytes(16), data], [*item.params, *numbers]))
    assert result.exit_code == 0
    np.testing.assert_array_equal(np.frombuffer(result.stdout, np.int32), np.arange(4) + 1)


def test_both_simulator_engines_give_the_same_answer():
    """The reference interpreter (b2i-sim's oracle) runs the same program the fast engine runs."""
    from b2i.sim import run_program as reference

    x = np.linspace(-2, 2, 10, dtype=np.float32)
    backend = get_backend("b2i")
    engine = backend.run_program
    try:
        backend.run_program = reference
        on_reference = (Tensor(x, device="b2i").tanh() * 3).numpy()
    finally:
        backend.run_program = engine
    on_default = (Tensor(x, device="b2i").tanh() * 3).numpy()
    np.testing.assert_array_equal(on_reference, on_default)
    check(Tensor(on_default), np.tanh(x) * 3)


def test_elf_cache_key_changes_with_any_toolchain_file(tmp_path):
    """A libc source edited without a version bump must not reuse the ELFs built with the old one."""
    import types

    from b2i.tensor.backend_b2i import toolchain_digest

    root = tmp_path / "fakecc"
    (root / "libc").mkdir(parents=True)
    (root / "__init__.py").write_text("__version__ = '1.0'\n")
    (root / "libc" / "math.c").write_text("double fabs(double x) { return x < 0 ? -x : x; }\n")
    package = types.SimpleNamespace(__file__=str(root / "__init__.py"))
    before = toolchain_digest(package)
    assert toolchain_digest(package) == before
    (root / "libc" / "math.c").write_text("double fabs(double x) { return __builtin_fabs(x); }\n")
    assert toolchain_digest(package) != before
    import b2i.cc
    import b2i.sim
    from b2i.tensor.backend_b2i import B2IBackend

    assert toolchain_digest(b2i.cc, b2i.sim) in B2IBackend().salt
