"""The same forward and backward pass on b2i-tensor's c device (kernels built by the host C compiler) and on its
numpy reference device must agree."""

import os

import numpy as np
from b2i.ml import backend as B
from b2i.ml import functional as F
from b2i.ml import nn
from b2i.ml.autograd import Tensor


def gradients(device: str) -> dict[str, np.ndarray]:
    previous = B.default_device()
    B.set_default_device(device)
    try:
        nn.manual_seed(0)
        model = nn.Sequential(nn.Linear(6, 8), nn.GELU(), nn.LayerNorm(8), nn.Linear(8, 4))
        x = np.random.default_rng(0).standard_normal((5, 6)).astype(np.float32)
        loss = F.cross_entropy(model(Tensor(x)), np.array([0, 1, 2, 3, 1]))
        loss.backward()
        assert all(p.device == device for p in model.parameters())
        out = {"loss": loss.numpy(), **{name: p.grad.numpy() for name, p in model.named_parameters()}}
        # strided, padded, grouped convolution; overlapping max pooling (-inf padding); a reversed slice
        conv = nn.Sequential(nn.Conv2d(2, 4, 3, stride=2, padding=1, groups=2), nn.ReLU(),
                             nn.MaxPool2d(2, stride=1, padding=1))
        head = nn.Linear(64, 3)  # 4 channels of 4x4 after the pooling
        images = np.random.default_rng(1).standard_normal((2, 2, 5, 6)).astype(np.float32)
        features = conv(Tensor(images)).flatten(1)[:, ::-1]
        loss = F.cross_entropy(head(features), np.array([2, 0]))
        loss.backward()
        out["conv loss"] = loss.numpy()
        out.update({f"conv {name}": p.grad.numpy() for name, p in conv.named_parameters()})
        return out
    finally:
        B.set_default_device(previous)


def test_c_device_matches_numpy_device(oracle):
    oracle(os.environ.get("CC", "cc"))  # the c device needs the host C compiler
    on_c, on_numpy = gradients("c"), gradients("numpy")
    assert on_c.keys() == on_numpy.keys()
    for name in on_c:
        np.testing.assert_allclose(on_c[name], on_numpy[name], rtol=1e-4, atol=1e-6, err_msg=name)


def test_optimizer_state_follows_a_model_moved_between_devices(oracle):
    """Adam on the numpy device, then Module.to("c") mid-training: the same values as staying on numpy."""
    oracle(os.environ.get("CC", "cc"))
    from b2i.ml import optim

    def train(move: bool) -> np.ndarray:
        nn.manual_seed(0)
        model = nn.Linear(4, 3, device="numpy")
        opt = optim.Adam(model.parameters(), lr=0.1)
        x = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
        for step in range(4):
            if move and step == 2:
                model.to("c")
            device = "c" if move and step >= 2 else "numpy"
            loss = F.cross_entropy(model(Tensor(x, device=device)), np.array([0, 1, 2, 0, 1, 2]))
            opt.zero_grad()
            loss.backward()
            opt.step(loss)
        return model.weight.numpy()

    np.testing.assert_allclose(train(True), train(False), rtol=1e-5, atol=1e-6)
