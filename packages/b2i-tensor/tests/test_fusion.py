"""Fusion: what becomes one kernel. Counted with b2i.tensor.counting() on every backend."""

import b2i.tensor as bt
import numpy as np
import pytest
from b2i.tensor import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st
from tensor_cases import check


def kernels(t: Tensor) -> int:
    with bt.counting() as c:
        t.realize()
    return c.kernels


@settings(max_examples=20)
@given(st.integers(1, 30), st.sampled_from(["numpy", "c"]))
def test_a_chain_of_elementwise_ops_is_one_kernel(n, device):
    a = np.linspace(-1, 1, 12).reshape(3, 4)
    x = Tensor(a, device=device)
    y = Tensor(a[0], device=device)  # broadcast input
    t, ref = x, a
    for i in range(n):
        t = (t * 0.5 + y).tanh() if i % 2 else t.T.T - y * 2
        ref = np.tanh(ref * 0.5 + a[0]) if i % 2 else ref - a[0] * 2
    assert kernels(t) == 1
    check(t, ref)


def test_shared_subexpressions_are_computed_once_per_kernel():
    # x doubles in size as an expression tree every step; as a DAG it stays small
    x = Tensor(np.ones(4), device="c")
    for _ in range(40):
        x = x * 0.5 + x * 0.5
    assert kernels(x) == 1
    check(x, np.ones(4))


@pytest.mark.parametrize("device", ["numpy", "c"])
def test_softmax_is_at_most_three_kernels(device):
    a = np.random.default_rng(0).standard_normal((5, 7))
    x = Tensor(a, device=device)
    e = (x - x.max(axis=1, keepdims=True)).exp()
    sm = e / e.sum(axis=1, keepdims=True)
    assert kernels(sm) <= 3
    ref = np.exp(a - a.max(axis=1, keepdims=True))
    check(sm, ref / ref.sum(axis=1, keepdims=True))


@pytest.mark.parametrize("device", ["numpy", "c"])
def test_a_reduction_fuses_with_its_elementwise_input(device):
    a = np.arange(12.0).reshape(3, 4)
    x = Tensor(a, device=device)
    s = ((x * 2 + 1).exp() * x.T.T).sum(axis=0)
    assert kernels(s) == 1
    check(s, (np.exp(a * 2 + 1) * a).sum(axis=0))
    m = (x - 1).mean()  # the division by n runs in the sum's kernel, after the sum (an epilogue)
    assert kernels(m) == 1
    check(m, (a - 1).mean())
    s = x.std(axis=1)  # the mean, then the sum of squares with its division and sqrt
    assert kernels(s) == 2
    check(s, a.std(axis=1))


@pytest.mark.parametrize("device", ["numpy", "c"])
def test_epilogues_see_the_reduced_value_only_where_it_is_theirs(device):
    a = np.arange(12.0).reshape(3, 4)
    x = Tensor(a, device=device)
    r = x.sum(axis=1, keepdims=True)
    assert kernels(r.sqrt() + x.max(axis=1, keepdims=True)) == 2  # two reductions: one keeps its kernel
    assert kernels(r.T.reshape(3, 1) * 2 + x[:, :1]) == 1  # a reshape of r is still r, element by element
    y = x.sum(axis=0)
    check((y.flip(0) * 1.0), a.sum(axis=0)[::-1])  # read in another order: not an epilogue, still right
    check(((x * x).max(axis=0) - x[0]) / 2, ((a * a).max(axis=0) - a[0]) / 2)


@pytest.mark.parametrize("device", ["numpy", "c"])
def test_matmul_is_its_own_kernel_and_realized_nodes_are_reused(device):
    a = np.arange(6.0).reshape(2, 3)
    x = Tensor(a, device=device)
    y = (x * 2) @ (x.T + 1)
    assert kernels(y) == 3  # x*2, x.T+1, matmul
    assert kernels(y) == 0  # realized: nothing left to do
    z = y + 1
    assert kernels(z) == 1
    check(z, (a * 2) @ (a.T + 1) + 1)


def test_the_c_backend_caches_kernels():
    x = Tensor(np.arange(5.0), device="c")
    (x * 3 + 2).realize()
    with bt.counting() as c:
        (x * 3 + 2).realize()
    assert c.kernels == 1 and c.compiled == 0 and c.cache_hits == 1
    assert c.bytes_moved == 5 * 8 * 2  # read x, write the result


@pytest.mark.parametrize("device", ["numpy", "c"])
def test_very_long_chains_are_split_not_crashed(device):
    x = Tensor(np.arange(6.0), device=device)
    t, ref = x, np.arange(6.0)
    for _ in range(2000):
        t = t * 1.001 - 0.0005
        ref = ref * 1.001 - 0.0005
    assert 2 <= kernels(t) <= 40
    check(t, ref)


@pytest.mark.parametrize("device", ["numpy", "c"])
def test_logsumexp_is_two_kernels(device):
    a = np.random.default_rng(1).standard_normal((4, 6))
    x = Tensor(a, device=device)
    m = x.max(axis=1, keepdims=True)
    lse = (x - m).exp().sum(axis=1, keepdims=True).log() + m
    assert kernels(lse) == 2  # the max; the sum of exps with log(.) + max as its epilogue
    ref = np.log(np.exp(a - a.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)) + a.max(axis=1, keepdims=True)
    check(lse, ref)


@pytest.mark.parametrize("device", ["numpy", "c"])
def test_reductions_read_back_through_views_that_do_not_compose(device):
    a = np.arange(24.0).reshape(4, 6)
    x = Tensor(a, device=device)
    s, r = x.sum(axis=1, keepdims=True), a.sum(axis=1, keepdims=True)
    check((s.reshape(2, 2).T + 1).reshape(4, 1) * 2, (r.reshape(2, 2).T + 1).reshape(4, 1) * 2)
    check((s.T * 3).reshape(2, 2).T.reshape(4) - 1, (r.T * 3).reshape(2, 2).T.reshape(4) - 1)
    m, mr = x.max(axis=0), a.max(axis=0)
    check((m.reshape(2, 3).T.reshape(6) + m) / 2, (mr.reshape(2, 3).T.reshape(6) + mr) / 2)


POSTS = [
    lambda v: v * 2 + 1,
    lambda v: abs(v) ** 0.5,
    lambda v: v.reshape(-1) - v.reshape(-1)[::-1],
    lambda v: v.T * v.T,
    lambda v: (v - 1) / (abs(v) + 1),
]


@settings(max_examples=30)
@given(st.sampled_from(["sum", "max", "min", "mean"]), st.lists(st.integers(0, len(POSTS) - 1), min_size=1,
                                                                   max_size=3), st.data())
def test_random_work_after_reductions_matches_numpy(op, posts, data):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    axis = data.draw(st.integers(0, len(shape) - 1))
    keepdims = data.draw(st.booleans())
    a = np.linspace(-3, 5, int(np.prod(shape))).reshape(shape)
    for device in ("numpy", "c"):
        t, r = getattr(Tensor(a, device=device), op)(axis=axis, keepdims=keepdims), getattr(a, op)(axis=axis,
                                                                                                  keepdims=keepdims)
        for p in posts:
            t, r = POSTS[p](t), POSTS[p](r)
        check(t, r)
