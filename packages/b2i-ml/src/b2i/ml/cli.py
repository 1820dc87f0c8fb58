"""`b2i-ml`: train the digits MLP or the small GPT, and sample text from a GPT checkpoint.

A mistake in the user's data or options ends with one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
from b2i.ml import __version__, checkpoint, nn
from b2i.ml import backend as B
from b2i.ml.data.errors import DataError
from b2i.ml.data.text import read_text


class UsageError(Exception):
    """A bad option value, reported as one line."""


def _out_path(folder: str, name: str) -> str:
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, name)


def train_mlp(args: argparse.Namespace) -> int:
    from b2i.ml import datasets, mlp, plot

    if args.data and os.path.isfile(args.data):
        images, labels = datasets.load_csv_images(args.data)
        train_x, train_y, test_x, test_y = mlp.split(images, labels, 0.2, args.seed)
        name, hidden = f"{args.data} (CSV)", args.hidden or 128
        epochs, lr = args.epochs or 10, args.lr or 1e-2
    elif args.data:
        data = datasets.load_mnist(args.data)
        train_x, train_y, test_x, test_y = (data[k] for k in ("train_images", "train_labels", "test_images",
                                                               "test_labels"))
        name, hidden = "MNIST", args.hidden or 256
        epochs, lr = args.epochs or 8, args.lr or 2e-3
    else:
        images, labels = datasets.load_digits()
        train_x, train_y, test_x, test_y = mlp.split(images, labels, 0.2, args.seed)
        name, hidden = "UCI digits (8x8)", args.hidden or 128
        epochs, lr = args.epochs or 10, args.lr or 1e-2
    classes = int(max(train_y.max(), test_y.max())) + 1
    print(f"{name}: {len(train_x)} training and {len(test_x)} test images of {train_x.shape[1]} pixels; "
          f"MLP {train_x.shape[1]}-{hidden}-{classes} on device {B.default_device()}", flush=True)
    nn.manual_seed(args.seed)
    model = mlp.MLP(train_x.shape[1], hidden, classes)
    history = mlp.train(model, train_x, train_y, test_x, test_y, epochs=epochs, batch_size=args.batch_size,
                        lr=lr, seed=args.seed, log=lambda line: print(line, flush=True))
    weights = _out_path(args.out, "mlp.safetensors")
    config = {"n_in": int(train_x.shape[1]), "hidden": hidden, "n_out": classes}
    checkpoint.save(weights, model.state_dict(), {"format": "b2i-mlp-1", "config": json.dumps(config)})
    curve = _out_path(args.out, "mlp-loss.png")
    plot.loss_curve(curve, history.losses)
    print(f"test accuracy {history.test_accuracy:.2%} after {history.seconds:.1f} s; wrote {weights} and {curve}")
    return 0


def train_gpt(args: argparse.Namespace) -> int:
    from b2i.ml import datasets, gpt, plot
    from b2i.ml.tokenizer import Tokenizer

    text = read_text(args.text) if args.text else datasets.default_corpus()
    source = args.text or "CPython's pydoc_data.topics (the Python language reference)"
    if len(text) < 10:
        raise DataError(args.text, "", "the text is too short to train on")
    t0 = time.perf_counter()
    tokenizer = Tokenizer.train(text[: args.tokenizer_chars], args.vocab_size)
    tokens = np.array(tokenizer.encode(text), dtype=np.int64)
    print(f"text: {source}, {len(text):,} characters -> {len(tokens):,} tokens "
          f"(BPE vocabulary {tokenizer.vocab_size}, trained in {time.perf_counter() - t0:.1f} s)", flush=True)
    if len(tokens) < args.block_size + 2:
        raise DataError(args.text, "", f"{len(tokens)} tokens; training needs more than the block size "
                        f"{args.block_size} + 1")
    config = gpt.GPTConfig(tokenizer.vocab_size, args.block_size, args.dim, args.heads, args.layers)
    if config.dim % config.heads:
        raise UsageError(f"--dim {config.dim} is not a multiple of --heads {config.heads}")
    nn.manual_seed(args.seed)
    model = gpt.GPT(config)
    print(f"GPT: {config.layers} layers, {config.heads} heads, dim {config.dim}, block {config.block_size}, "
          f"{model.num_parameters():,} parameters, device {B.default_device()}", flush=True)
    cut = len(tokens) * 9 // 10
    if len(tokens) - cut > args.block_size + 1:
        train_tokens, held_out, where = tokens[:cut], tokens[cut:], "the held-out last 10% of the text"
    else:  # too short to hold anything out
        train_tokens, held_out, where = tokens, tokens, "the training text"
    history = gpt.train(model, train_tokens, steps=args.steps, batch_size=args.batch_size, lr=args.lr,
                        seed=args.seed, log=lambda line: print(line, flush=True))
    print(f"loss on {where}: {gpt.evaluate_loss(model, held_out):.4f}", flush=True)
    weights = _out_path(args.out, "gpt.safetensors")
    checkpoint.save(weights, model.state_dict(), gpt.metadata(model, tokenizer))
    curve = _out_path(args.out, "gpt-loss.png")
    plot.loss_curve(curve, history.losses)
    print("sample:", gpt.sample(model, tokenizer, "The ", 40, 0.8, 20, args.seed).replace("\n", " "))
    print(f"{history.tokens_per_second:,.0f} tokens/s; wrote {weights} and {curve}")
    return 0


def load_gpt(path: str):
    from b2i.ml import gpt
    from b2i.ml.tokenizer import Tokenizer

    tensors, meta = checkpoint.load(path)
    if meta.get("format") != "b2i-gpt-1":
        raise DataError(path, "byte 8", f"not a b2i GPT checkpoint (format {meta.get('format')!r})")
    try:
        config = gpt.GPTConfig(**json.loads(meta["config"]))
        tokenizer = Tokenizer.from_json(meta["tokenizer"])
    except (KeyError, TypeError, ValueError) as error:
        raise DataError(path, "byte 8", f"bad model metadata: {error}") from None
    model = gpt.GPT(config)
    try:
        model.load_state_dict(tensors)
    except (KeyError, ValueError) as error:
        raise DataError(path, "byte 8", str(error)) from None
    return model, tokenizer


def generate(args: argparse.Namespace) -> int:
    from b2i.ml import gpt

    if args.temperature <= 0:
        raise UsageError("--temperature must be positive")
    if args.top_k is not None and args.top_k < 1:
        raise UsageError("--top-k must be at least 1")
    model, tokenizer = load_gpt(args.checkpoint)
    print(gpt.sample(model, tokenizer, args.prompt, args.tokens, args.temperature, args.top_k, args.seed))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="b2i-ml", description="Train and sample b2i models.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command")

    train = commands.add_parser("train", help="train a model").add_subparsers(dest="model", required=True)
    mlp = train.add_parser("mlp", help="an MLP on handwritten digits (UCI 8x8 digits, or MNIST with --data)")
    mlp.add_argument("--data", metavar="DIR|FILE", help="folder with MNIST's four IDX files (gzipped or not), or a "
                     "CSV file: one image per row, pixel columns then the label")
    mlp.add_argument("--epochs", type=int, help="passes over the training set (10 for digits, 8 for MNIST)")
    mlp.add_argument("--hidden", type=int, help="hidden units (128 for digits, 256 for MNIST)")
    mlp.add_argument("--batch-size", type=int, default=32)
    mlp.add_argument("--lr", type=float, help="Adam's peak learning rate (1e-2 for digits, 2e-3 for MNIST)")
    mlp.set_defaults(run=train_mlp)

    gpt = train.add_parser("gpt", help="a small GPT on a text file (default: Python's own reference text)")
    gpt.add_argument("--text", metavar="FILE", help="UTF-8 text to learn (default: CPython's pydoc_data.topics)")
    gpt.add_argument("--steps", type=int, default=300)
    gpt.add_argument("--batch-size", type=int, default=16)
    gpt.add_argument("--lr", type=float, default=6e-3)
    gpt.add_argument("--vocab-size", type=int, default=512)
    gpt.add_argument("--tokenizer-chars", type=int, default=100_000, help="characters the BPE trains on")
    gpt.add_argument("--block-size", type=int, default=64)
    gpt.add_argument("--dim", type=int, default=64)
    gpt.add_argument("--heads", type=int, default=4)
    gpt.add_argument("--layers", type=int, default=2)
    gpt.set_defaults(run=train_gpt)
    for sub in (mlp, gpt):
        sub.add_argument("--device", default="c", help="b2i-tensor device: c (default) or numpy")
        sub.add_argument("--seed", type=int, default=0)
        sub.add_argument("--out", default=".", metavar="DIR", help="where the checkpoint and loss curve go")

    gen = commands.add_parser("generate", help="continue a prompt with a trained GPT checkpoint")
    gen.add_argument("--checkpoint", required=True, metavar="FILE")
    gen.add_argument("--prompt", default="")
    gen.add_argument("--tokens", type=int, default=200, help="how many tokens to add")
    gen.add_argument("--temperature", type=float, default=0.8)
    gen.add_argument("--top-k", type=int, default=40)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--device", default="numpy", help="b2i-tensor device: numpy (default) or c")
    gen.set_defaults(run=generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """`b2i-ml`: train and sample b2i models."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error("choose a command: train mlp, train gpt or generate")
    try:
        for name in ("epochs", "batch_size", "steps", "tokens", "hidden", "vocab_size", "block_size", "dim",
                     "heads", "layers"):
            value = getattr(args, name, None)
            if value is not None and value < 1:
                raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
        try:
            B.set_default_device(args.device)
        except Exception as error:  # b2i-tensor's own message says why the device cannot be used
            raise UsageError(f"device {args.device!r}: {error}") from None
        return args.run(args)
    except DataError as error:
        print(error, file=sys.stderr)
    except UsageError as error:
        print(f"b2i-ml: error: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("b2i-ml: interrupted", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
