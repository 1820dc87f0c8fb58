"""The digits MLP: a two-layer network trained with Adam and cross-entropy, with progress lines as it learns."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from b2i.ml import functional as F
from b2i.ml import nn, optim
from b2i.ml.autograd import Tensor, no_grad
from b2i.ml.data.loader import DataLoader
from b2i.ml.progress import bar

PROGRESS_EVERY = 200  # steps between progress lines inside an epoch, when an epoch has many steps


class MLP(nn.Module):
    """Linear -> ReLU -> Linear: enough to read digits."""

    def __init__(self, n_in: int, hidden: int, n_out: int, device: str | None = None) -> None:
        self.fc1 = nn.Linear(n_in, hidden, device=device)
        self.fc2 = nn.Linear(hidden, n_out, device=device)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.fc1(x).relu())


@dataclass
class History:
    """The loss of every step, the final test accuracy and the training time."""

    losses: list[float] = field(default_factory=list)
    test_accuracy: float = 0.0
    seconds: float = 0.0


def split(images: np.ndarray, labels: np.ndarray, test_fraction: float, seed: int):
    """A seeded shuffle, then the last test_fraction of it held out for testing."""
    order = np.random.default_rng(seed).permutation(len(images))
    cut = len(images) - int(round(len(images) * test_fraction))
    return images[order[:cut]], labels[order[:cut]], images[order[cut:]], labels[order[cut:]]


def accuracy(model: nn.Module, images: np.ndarray, labels: np.ndarray, batch_size: int = 1000) -> float:
    model.eval()
    correct = 0
    with no_grad():
        for start in range(0, len(images), batch_size):
            logits = model(Tensor(images[start : start + batch_size])).numpy()
            correct += int((logits.argmax(1) == labels[start : start + batch_size]).sum())
    model.train()
    return correct / max(1, len(images))


def train(
    model: nn.Module,
    train_x: np.ndarray,
    train_y: np.ndarray,
    test_x: np.ndarray,
    test_y: np.ndarray,
    epochs: int = 10,
    batch_size: int = 32,
    lr: float = 1e-2,
    seed: int = 0,
    log=print,
) -> History:
    """Adam with a cosine schedule over all steps; prints one line per epoch (and progress inside long ones)."""
    opt = optim.Adam(model.parameters(), lr=lr)
    loader = DataLoader(train_x, train_y, batch_size=batch_size, shuffle=True, seed=seed)
    total = epochs * len(loader)
    history = History()
    start = time.perf_counter()
    step = 0
    for epoch in range(epochs):
        t0, seen, correct, losses = time.perf_counter(), 0, 0, []
        for x, y in loader:
            opt.lr = optim.cosine(step, total, lr, lr * 0.05)
            logits = model(Tensor(x))
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step(loss, logits)
            value = loss.item()
            losses.append(value)
            correct += int((logits.numpy().argmax(1) == y).sum())
            seen += len(y)
            step += 1
            done = step - epoch * len(loader)
            if len(loader) >= 4 * PROGRESS_EVERY and done % PROGRESS_EVERY == 0:  # long epochs (MNIST) report inside
                log(f"  epoch {epoch + 1} {bar(done, len(loader))}  step {done}/{len(loader)}  "
                    f"loss {np.mean(losses[-PROGRESS_EVERY:]):.4f}  train acc {correct / seen:6.2%}  "
                    f"{seen / max(time.perf_counter() - t0, 1e-9):,.0f} examples/s")
        history.losses += losses
        rate = seen / max(time.perf_counter() - t0, 1e-9)
        test = accuracy(model, test_x, test_y)
        log(f"epoch {epoch + 1}/{epochs} {bar(epoch + 1, epochs)}  loss {np.mean(losses):.4f}  "
            f"train acc {correct / seen:6.2%}  "
            f"test acc {test:6.2%}  {rate:,.0f} examples/s")
        history.test_accuracy = test
    history.seconds = time.perf_counter() - start
    return history
