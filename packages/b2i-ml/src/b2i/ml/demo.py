"""The b2i-ml demo: a short MLP training on the UCI handwritten digits, then its test accuracy, then a few
digits read again by the same network on device "b2i": the whole tower, from C kernels to the simulated CPU."""

from __future__ import annotations

import argparse
import time

import b2i.tensor as bt
import numpy as np
from b2i.ml import backend as B
from b2i.ml import datasets, mlp, nn
from b2i.ml.autograd import Tensor, no_grad

TOWER_DIGITS = 8  # how many test digits the b2i machine reads (the simulator is slow)


def read_on_b2i(model: mlp.MLP, images: np.ndarray, host_device: str) -> bool:
    """The trained network's forward pass on device "b2i": its kernels compiled by b2i-cc and executed on the
    b2i-sim machine. True when its predictions equal the host device's (or when the device is unavailable)."""
    model.eval()
    with no_grad():
        host = model(Tensor(images)).numpy()
        try:
            from b2i.tensor.device import get_backend

            machine = get_backend("b2i")
        except (bt.DeviceUnavailable, ImportError) as e:
            print(f"b2i machine: skipped, device 'b2i' is unavailable ({e})")
            return True
        before = (machine.stats.runs, machine.stats.instructions, machine.stats.programs_built)
        start = time.perf_counter()
        model.to("b2i")
        try:
            with bt.counting() as counted:
                guest = model(Tensor(images, device="b2i")).numpy()
        finally:
            model.to(host_device)
    model.train()
    seconds = time.perf_counter() - start
    runs, insns, built = (now - was for now, was in zip((machine.stats.runs, machine.stats.instructions,
                                                         machine.stats.programs_built), before, strict=True))
    same = bool((guest.argmax(1) == host.argmax(1)).all())
    print(f"b2i machine: {len(images)} test digits through the trained MLP as {counted.kernels} kernels "
          f"({built} compiled by b2i-cc, {runs} programs run on b2i-sim, {machine.engine} engine), "
          f"{insns:,} guest instructions in {seconds:.1f} s")
    print(f"b2i machine: predictions {guest.argmax(1).tolist()} "
          f"{'equal' if same else 'DIFFER from'} device {host_device}'s "
          f"(largest logit difference {float(np.abs(guest - host).max()):.2g})")
    return same


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
    same = read_on_b2i(model, test_x[:TOWER_DIGITS], args.device)
    return 0 if history.test_accuracy > 0.9 and same else 1
