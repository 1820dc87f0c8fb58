"""Layers against direct numpy computations of their definitions, and their gradients by finite differences."""

import numpy as np
import pytest
from b2i.ml import nn
from b2i.ml.autograd import Tensor, no_grad
from b2i.ml.gradcheck import check_gradients
from hypothesis import given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=8, deadline=None)
seeds = st.integers(0, 2**32 - 1)


def conv_reference(x, w, b, stride=1, padding=0, dilation=1, groups=1):
    """The textbook loop: out[n, o, i, j] = b[o] + sum over c, di, dj of
    w[o, c, di, dj] * xpad[n, g*C/G + c, i*stride + di*dilation, j*stride + dj*dilation], g = o's group."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, c, h, wd = x.shape
    o, cg, k, _ = w.shape
    span = dilation * (k - 1) + 1
    ho, wo = (h - span) // stride + 1, (wd - span) // stride + 1
    out = np.zeros((n, o, ho, wo))
    for oc in range(o):
        g = oc // (o // groups)
        for i in range(ho):
            for j in range(wo):
                patch = x[:, g * cg : (g + 1) * cg, i * stride : i * stride + span : dilation,
                          j * stride : j * stride + span : dilation]
                out[:, oc, i, j] = np.einsum("ncij,cij->n", patch, w[oc]) + b[oc]
    return out


@st.composite
def conv_configs(draw):
    """A small convolution: channels divisible by groups, input big enough for the dilated kernel."""
    groups = draw(st.integers(1, 2))
    k, stride, dilation, padding = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2)),
                                    draw(st.integers(0, 2)))
    least = max(1, dilation * (k - 1) + 1 - 2 * padding)
    size = (draw(st.integers(least, least + 3)), draw(st.integers(least, least + 3)))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    return dict(n=draw(st.integers(1, 2)), c_in=c_in, c_out=c_out, k=k, stride=stride, padding=padding,
                dilation=dilation, groups=groups, size=size)


@SETTINGS
@given(conv_configs(), seeds)
def test_conv2d(config, seed):
    nn.manual_seed(seed)
    options = {name: config[name] for name in ("stride", "padding", "dilation", "groups")}
    conv = nn.Conv2d(config["c_in"], config["c_out"], config["k"], **options, dtype="float64")
    x = np.random.default_rng(seed).standard_normal((config["n"], config["c_in"], *config["size"]))
    w, b = conv.weight.numpy(), conv.bias.numpy()
    np.testing.assert_allclose(conv(Tensor(x)).numpy(), conv_reference(x, w, b, **options), rtol=1e-10, atol=1e-12)

    def run(x, w, b):
        conv.weight, conv.bias = w, b
        return conv(x)

    check_gradients(run, x, w, b)


def maxpool_reference(x, k, stride, padding, dilation):
    """The maximum over each window of x padded with -inf."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)), constant_values=-np.inf)
    span = dilation * (k - 1) + 1
    ho, wo = (x.shape[2] - span) // stride + 1, (x.shape[3] - span) // stride + 1
    out = np.empty((*x.shape[:2], ho, wo))
    for i in range(ho):
        for j in range(wo):
            window = x[:, :, i * stride : i * stride + span : dilation, j * stride : j * stride + span : dilation]
            out[:, :, i, j] = window.max(axis=(2, 3))
    return out


@SETTINGS
@given(st.integers(1, 3), st.one_of(st.none(), st.integers(1, 3)), st.integers(0, 1), st.integers(1, 2),
       st.integers(5, 7), seeds)
def test_maxpool(k, stride, padding, dilation, size, seed):
    padding = min(padding, k // 2)
    x = np.random.default_rng(seed).standard_normal((2, 2, size, size + 1))
    pool = nn.MaxPool2d(k, stride, padding, dilation)
    out = pool(Tensor(x)).numpy()
    np.testing.assert_array_equal(out, maxpool_reference(x, k, stride or k, padding, dilation))
    check_gradients(pool, x)


def test_conv_and_pool_reject_bad_arguments():
    with pytest.raises(ValueError, match="groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="stride"):
        nn.Conv2d(2, 2, 3, stride=0)
    with pytest.raises(ValueError, match="half the kernel"):
        nn.MaxPool2d(2, padding=2)
    with pytest.raises(ValueError, match="smaller than the dilated kernel"):
        nn.Conv2d(1, 1, 3, dilation=3)(Tensor(np.zeros((1, 1, 4, 4))))


@SETTINGS
@given(st.integers(2, 6), st.integers(1, 4), seeds)
def test_batchnorm_train_and_eval(n, d, seed):
    x = np.random.default_rng(seed).standard_normal((n, d)) * 3 + 1
    bn = nn.BatchNorm1d(d, dtype="float64")
    out = bn(Tensor(x)).numpy()
    np.testing.assert_allclose(out, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.1 * x.mean(0))
    np.testing.assert_allclose(bn.running_var.numpy(), 0.9 + 0.1 * x.var(0, ddof=1))
    bn.eval()
    running_var = 0.9 + 0.1 * x.var(0, ddof=1)
    np.testing.assert_allclose(bn(Tensor(x)).numpy(), (x - 0.1 * x.mean(0)) / np.sqrt(running_var + 1e-5))
    bn.train()

    def run(x, w, b):
        bn.weight, bn.bias = w, b
        return bn(x)

    check_gradients(run, x, np.ones(d), np.zeros(d))


def test_linear_embedding_layernorm_against_numpy():
    rng = np.random.default_rng(0)
    lin = nn.Linear(5, 3, dtype="float64")
    x = rng.standard_normal((2, 4, 5))
    np.testing.assert_allclose(lin(Tensor(x)).numpy(), x @ lin.weight.numpy().T + lin.bias.numpy())
    emb = nn.Embedding(7, 4)
    ids = np.array([[1, 6, 1]])
    np.testing.assert_array_equal(emb(ids).numpy(), emb.weight.numpy()[ids])
    ln = nn.LayerNorm(5, dtype="float64")
    expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(ln(Tensor(x)).numpy(), expected, rtol=1e-10)


def test_causal_attention_against_numpy_and_causality():
    rng = np.random.default_rng(1)
    nn.manual_seed(1)
    attn = nn.CausalSelfAttention(8, 2, dtype="float64")
    x = rng.standard_normal((2, 5, 8))
    out = attn(Tensor(x)).numpy()
    qkv = x @ attn.qkv.weight.numpy().T + attn.qkv.bias.numpy()
    q, k, v = (qkv[..., i * 8 : (i + 1) * 8].reshape(2, 5, 2, 4).transpose(0, 2, 1, 3) for i in range(3))
    scores = q @ k.transpose(0, 1, 3, 2) / 2.0
    scores = np.where(np.tril(np.ones((5, 5), bool)), scores, -np.inf)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    y = (weights @ v).transpose(0, 2, 1, 3).reshape(2, 5, 8)
    np.testing.assert_allclose(out, y @ attn.proj.weight.numpy().T + attn.proj.bias.numpy(), rtol=1e-9, atol=1e-12)
    changed = x.copy()
    changed[:, 3:] += 1.0  # the future must not change the past
    np.testing.assert_allclose(attn(Tensor(changed)).numpy()[:, :3], out[:, :3], rtol=1e-12)


def test_transformer_block_gradients():
    nn.manual_seed(2)
    block = nn.TransformerBlock(4, 2, dtype="float64")
    x = np.random.default_rng(2).standard_normal((1, 3, 4))
    check_gradients(block, x)
    params = block.parameters()
    x_t = Tensor(x)
    block(x_t).sum().backward()
    assert all(p.grad is not None for p in params)


def test_dropout_train_and_eval():
    nn.manual_seed(3)
    drop = nn.Dropout(0.5)
    x = Tensor(np.ones((200, 50)))
    kept = drop(x).numpy()
    assert set(np.unique(kept)) <= {0.0, 2.0} and 0.4 < (kept > 0).mean() < 0.6
    drop.eval()
    np.testing.assert_array_equal(drop(x).numpy(), x.numpy())


def test_module_parameters_state_dict_and_modes():
    nn.manual_seed(4)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Dropout(0.2), nn.Linear(4, 2))
    names = [name for name, _ in model.named_parameters()]
    assert names == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                     "layers.4.weight", "layers.4.bias"]
    state = model.state_dict()
    assert "layers.1.running_mean" in state and "layers.1.running_var" in state
    nn.manual_seed(5)
    other = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Dropout(0.2), nn.Linear(4, 2))
    other.load_state_dict(state)
    model.eval(), other.eval()
    assert not model.layers[3].training
    x = Tensor(np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32))
    with no_grad():
        np.testing.assert_array_equal(model(x).numpy(), other(x).numpy())
    state["layers.0.weight"] = np.zeros((2, 2))
    with pytest.raises(ValueError, match="layers.0.weight"):
        other.load_state_dict(state)
    with pytest.raises(KeyError, match="missing"):
        other.load_state_dict({})
