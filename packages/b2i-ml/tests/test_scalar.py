"""The scalar engine: gradients of random expressions against central finite differences."""

import math
import random

from b2i.ml.scalar import MLP, Value
from hypothesis import given, settings
from hypothesis import strategies as st

UNARY = ["exp", "log", "tanh", "relu", "neg", "square", "recip"]
BINARY = ["+", "-", "*", "/"]


def build(program: list[tuple], inputs: list):
    """Evaluates a random straight-line program on Values or plain floats (the same code for both)."""
    regs = list(inputs)
    for step in program:
        if step[0] == "u":
            _, op, a = step
            x = regs[a % len(regs)]
            if op == "exp":
                y = (x * 0.3).exp() if isinstance(x, Value) else math.exp(x * 0.3)
            elif op == "log":
                y = (x * x + 1.0).log() if isinstance(x, Value) else math.log(x * x + 1.0)
            elif op == "tanh":
                y = x.tanh() if isinstance(x, Value) else math.tanh(x)
            elif op == "relu":
                y = x.relu() if isinstance(x, Value) else max(x, 0.0)
            elif op == "neg":
                y = -x
            elif op == "square":
                y = x**2
            else:
                y = 1.0 / (x * x + 0.5)
        else:
            _, op, a, b = step
            x, z = regs[a % len(regs)], regs[b % len(regs)]
            if op == "+":
                y = x + z
            elif op == "-":
                y = x - z
            elif op == "*":
                y = x * z
            else:
                y = x / (z * z + 1.0)
        regs.append(y)
    return regs[-1]


steps = st.one_of(
    st.tuples(st.just("u"), st.sampled_from(UNARY), st.integers(0, 50)),
    st.tuples(st.just("b"), st.sampled_from(BINARY), st.integers(0, 50), st.integers(0, 50)),
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=4),
    st.lists(steps, min_size=1, max_size=12),
)
def test_gradients_match_finite_differences(xs, program):
    values = [Value(x) for x in xs]
    out = build(program, values)
    if not isinstance(out, Value):
        return
    out.backward()
    for i, x in enumerate(xs):
        h = 1e-6
        up = build(program, [*xs[:i], x + h, *xs[i + 1 :]])
        down = build(program, [*xs[:i], x - h, *xs[i + 1 :]])
        numeric = (float(up) - float(down)) / (2 * h)
        if any(abs(v.data) < 1e-4 for v in _relu_inputs(out)):
            return  # a relu kink within h of an input makes the finite difference meaningless
        assert math.isclose(values[i].grad, numeric, rel_tol=1e-4, abs_tol=1e-5), (i, values[i].grad, numeric)


def _relu_inputs(out: Value) -> list[Value]:
    found, stack, seen = [], [out], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.op == "relu":
            found.append(node._parents[0])
        stack.extend(node._parents)
    return found


def test_leaf_gradients_accumulate_across_backward_calls():
    x = Value(3.0)
    (x * x).backward()
    (x * x).backward()
    assert x.grad == 12.0


def test_mlp_learns_xor_like_targets():
    rng = random.Random(1)
    xs = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(16)]
    ys = [1.0 if a * b > 0 else -1.0 for a, b in xs]
    model = MLP(2, [8, 1], seed=3)

    def loss_now():
        return sum(((model(x)[0] - y) ** 2 for x, y in zip(xs, ys, strict=True)), Value(0.0)) / len(xs)

    first = loss_now().data
    for _ in range(60):
        model.zero_grad()
        loss = loss_now()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.3 * p.grad
    assert loss_now().data < 0.5 * first
