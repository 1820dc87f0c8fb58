"""Our autograd, layers and optimizers beside PyTorch's (an optional oracle: skipped when torch is absent)."""

import numpy as np
import pytest
from b2i.ml import functional as F
from b2i.ml import nn, optim
from b2i.ml.autograd import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch): PyTorch oracle skipped")
TF = torch.nn.functional
SETTINGS = settings(max_examples=10, deadline=None)
seeds = st.integers(0, 2**32 - 1)


def both(array):
    """The same float64 values as our tensor and as a torch leaf."""
    return Tensor(array.copy(), requires_grad=True), torch.tensor(array.copy(), requires_grad=True)


FUNCTIONS = {
    "softmax": (lambda x: F.softmax(x, -1), lambda x: torch.softmax(x, -1)),
    "log_softmax": (lambda x: F.log_softmax(x, 0), lambda x: torch.log_softmax(x, 0)),
    "gelu": (F.gelu, lambda x: TF.gelu(x, approximate="tanh")),
    "sigmoid": (lambda x: x.sigmoid(), torch.sigmoid),
    "layer_norm": (lambda x: F.layer_norm(x, None, None), lambda x: TF.layer_norm(x, x.shape[-1:])),
    "max": (lambda x: x.max(0), lambda x: x.max(0).values),
    "mean_var": (lambda x: x.var(-1) + x.mean(0).sum(), lambda x: x.var(-1, unbiased=False) + x.mean(0).sum()),
}


@SETTINGS
@given(st.sampled_from(sorted(FUNCTIONS)), st.integers(1, 5), st.integers(2, 6), seeds)
def test_functions_and_gradients(name, n, d, seed):
    ours, theirs = FUNCTIONS[name]
    rng = np.random.default_rng(seed)
    x, xt = both(rng.standard_normal((n, d)) * 3)
    w = rng.standard_normal(ours(x).shape)
    y, yt = ours(x), theirs(xt)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    (y * Tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)


@SETTINGS
@given(st.integers(1, 6), st.integers(2, 7), seeds)
def test_cross_entropy(n, c, seed):
    rng = np.random.default_rng(seed)
    x, xt = both(rng.standard_normal((n, c)) * 4)
    labels = rng.integers(0, c, n)
    loss, loss_t = F.cross_entropy(x, labels), TF.cross_entropy(xt, torch.tensor(labels))
    np.testing.assert_allclose(loss.item(), loss_t.item(), rtol=1e-12)
    loss.backward()
    loss_t.backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-14)


@SETTINGS
@given(st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple), st.data(), seeds)
def test_reversed_slices_match_torch_flip(shape, data, seed):
    """x[::-1] on some axes (then a positive-step slice, which torch has) against torch.flip and its gradient."""
    axes = sorted(data.draw(st.sets(st.integers(0, len(shape) - 1), min_size=1)))
    step = data.draw(st.integers(1, 3))
    rng = np.random.default_rng(seed)
    x, xt = both(rng.standard_normal(shape))
    y = x[tuple(slice(None, None, -1) if a in axes else slice(None) for a in range(len(shape)))][..., ::step]
    yt = torch.flip(xt, axes)[..., ::step]
    np.testing.assert_array_equal(y.numpy(), yt.detach().numpy())
    w = rng.standard_normal(y.shape)
    (y * Tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())


@SETTINGS
@given(st.integers(1, 2), st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(0, 2), st.data(), seeds)
def test_conv2d_and_max_pool2d_match_torch(groups, k, stride, dilation, padding, data, seed):
    """Values and gradients (input, weight, bias) against torch.nn.functional.conv2d and max_pool2d."""
    rng = np.random.default_rng(seed)
    c_in, c_out = groups * data.draw(st.integers(1, 2)), groups * data.draw(st.integers(1, 2))
    least = max(1, dilation * (k - 1) + 1 - 2 * padding)
    shape = (data.draw(st.integers(1, 2)), c_in, data.draw(st.integers(least, least + 4)),
             data.draw(st.integers(least, least + 4)))
    nn.manual_seed(seed)
    conv = nn.Conv2d(c_in, c_out, k, stride, padding, dilation, groups, dtype="float64")
    (x, xt), (w, wt), (b, bt) = both(rng.standard_normal(shape)), both(conv.weight.numpy()), both(conv.bias.numpy())
    conv.weight, conv.bias = w, b
    y, yt = conv(x), TF.conv2d(xt, wt, bt, stride, padding, dilation, groups)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng.standard_normal(y.shape)
    (y * Tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    for mine, theirs in ((x, xt), (w, wt), (b, bt)):
        np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy(), rtol=1e-9, atol=1e-11)

    padding = min(padding, k // 2)  # torch's limit for pooling
    least = max(1, dilation * (k - 1) + 1 - 2 * padding)
    (x, xt) = both(rng.standard_normal((*shape[:2], max(shape[2], least), max(shape[3], least))))
    y, yt = nn.MaxPool2d(k, stride, padding, dilation)(x), TF.max_pool2d(xt, k, stride, padding, dilation)
    np.testing.assert_array_equal(y.numpy(), yt.detach().numpy())
    if np.isneginf(y.numpy()).any():  # a dilated window that meets only padding: torch's gradient is arbitrary
        return
    g = rng.standard_normal(y.shape)
    (y * Tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)


def copy_into(torch_module, ours):
    """Gives a torch module our module's parameters (same names and layout)."""
    with torch.no_grad():
        for name, p in torch_module.named_parameters():
            target = ours
            for part in name.split("."):
                target = getattr(target, part)
            p.copy_(torch.tensor(target.numpy()))


@SETTINGS
@given(seeds)
def test_layers_and_parameter_gradients(seed):
    rng = np.random.default_rng(seed)
    nn.manual_seed(seed)
    cases = [
        (nn.Linear(5, 3, dtype="float64"), torch.nn.Linear(5, 3).double(), (4, 5)),
        (nn.Conv2d(2, 3, 3, padding=1, dtype="float64"), torch.nn.Conv2d(2, 3, 3, padding=1).double(), (2, 2, 5, 5)),
        (nn.LayerNorm(6, dtype="float64"), torch.nn.LayerNorm(6).double(), (3, 6)),
        (nn.BatchNorm1d(4, dtype="float64"), torch.nn.BatchNorm1d(4).double(), (6, 4)),
    ]
    for ours, theirs, shape in cases:
        copy_into(theirs, ours)
        x = rng.standard_normal(shape)
        y, yt = ours(Tensor(x)), theirs(torch.tensor(x))
        np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=1e-9, atol=1e-12)
        w = rng.standard_normal(y.shape)
        (y * Tensor(w)).sum().backward()
        (yt * torch.tensor(w)).sum().backward()
        for name, p in theirs.named_parameters():
            mine = dict(ours.named_parameters())[name]
            np.testing.assert_allclose(mine.grad.numpy(), p.grad.numpy(), rtol=1e-8, atol=1e-11, err_msg=name)


def test_causal_attention_matches_scaled_dot_product_attention():
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((2, 3, 5, 4)) for _ in range(3))
    (qo, qt), (ko, kt), (vo, vt) = both(q), both(k), both(v)
    y = F.attention(qo, ko, vo, causal=True)
    yt = TF.scaled_dot_product_attention(qt, kt, vt, is_causal=True)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=1e-9, atol=1e-12)
    w = rng.standard_normal(y.shape)
    (y * Tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    for mine, theirs in ((qo, qt), (ko, kt), (vo, vt)):
        np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy(), rtol=1e-8, atol=1e-11)


OPTIMIZERS = {
    "sgd": (lambda p: optim.SGD(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    "momentum": (lambda p: optim.SGD(p, lr=0.1, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    "adam": (lambda p: optim.Adam(p, lr=0.01, weight_decay=0.1),
             lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1)),
    "adamw": (lambda p: optim.AdamW(p, lr=0.01, weight_decay=0.1),
              lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)),
}


@SETTINGS
@given(st.sampled_from(sorted(OPTIMIZERS)), st.lists(st.sampled_from(["float32", "float64"]), min_size=1, max_size=4),
       seeds)
def test_optimizer_steps_match(name, dtypes, seed):
    """Several parameters (two dtypes: two flat groups); each step a random subset has gradients (the others
    keep their state, as in torch), and once a parameter's data is replaced from outside (load_state_dict)."""
    rng = np.random.default_rng(seed)
    pairs = []
    for dtype in dtypes:
        start = rng.standard_normal(tuple(rng.integers(1, 4, rng.integers(1, 3)))).astype(dtype)
        pairs.append((Tensor(start.copy(), requires_grad=True), torch.tensor(start.copy(), requires_grad=True)))
    ours, theirs = [p for p, _ in pairs], [t for _, t in pairs]
    opt, opt_t = OPTIMIZERS[name][0](ours), OPTIMIZERS[name][1](theirs)
    for step in range(6):
        for p, t in pairs:
            if step == 0 or rng.random() < 0.7:
                g = rng.standard_normal(p.shape).astype(p.dtype)
                p.grad, t.grad = Tensor(g.copy()), torch.tensor(g.copy())
            else:
                p.grad = t.grad = None
        if step == 3:
            new = rng.standard_normal(ours[0].shape).astype(ours[0].dtype)
            ours[0].data = Tensor(new.copy()).data
            with torch.no_grad():
                theirs[0].copy_(torch.tensor(new))
        opt.step()
        opt_t.step()
    for p, t in pairs:
        tol = 1e-10 if p.dtype == "float64" else 1e-5
        np.testing.assert_allclose(p.numpy(), t.detach().numpy(), rtol=tol, atol=tol)


def test_clip_grad_norm_matches():
    rng = np.random.default_rng(2)
    grads = [rng.standard_normal((3,)), rng.standard_normal((2, 2))]
    ours = [Tensor(np.zeros_like(g), requires_grad=True) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, pt, g in zip(ours, theirs, grads, strict=True):
        p.grad, pt.grad = Tensor(g.copy()), torch.tensor(g.copy())
    norm = optim.clip_grad_norm(ours, 0.5)
    norm_t = torch.nn.utils.clip_grad_norm_(theirs, 0.5)
    assert norm == pytest.approx(norm_t.item())
    for p, pt in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(p.grad.numpy(), pt.grad.numpy(), rtol=1e-6)
