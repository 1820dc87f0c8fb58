"""The b2i-ml demo: a short MLP training on the UCI handwritten digits, then its test accuracy."""

from __future__ import annotations

import argparse

from b2i.ml import backend as B
from b2i.ml import datasets, mlp, nn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="b2i.ml.demo", description=__doc__)
    parser.add_argument("--device", default="numpy", help="b2i-tensor device (numpy or c)")
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args(argv or [])
    B.set_default_device(args.device)
    images, labels = datasets.load_digits()
    train_x, train_y, test_x, test_y = mlp.split(images, labels, 0.2, seed=0)
    print(f"b2i-ml: an MLP learns to read {len(images)} handwritten digits (UCI, 8x8 pixels) on device {args.device}")
    nn.manual_seed(0)
    model = mlp.MLP(64, 128, 10)
    history = mlp.train(model, train_x, train_y, test_x, test_y, epochs=args.epochs)
    print(f"test accuracy: {history.test_accuracy:.2%} on {len(test_x)} digits it never saw "
          f"({history.seconds:.1f} s)")
    return 0 if history.test_accuracy > 0.9 else 1
