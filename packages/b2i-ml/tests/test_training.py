"""End-to-end learning: the MLP reads digits, a tiny GPT memorizes a short text, the CLI trains and samples."""

import csv
import os

import numpy as np
import pytest
from b2i.ml import checkpoint, cli, datasets, gpt, mlp, nn
from b2i.ml.data import read_png, write_idx
from b2i.ml.tokenizer import Tokenizer


def test_mlp_learns_a_digits_subset():
    images, labels = datasets.load_digits()
    assert images.shape == (1797, 64) and sorted(set(labels.tolist())) == list(range(10))
    train_x, train_y, test_x, test_y = mlp.split(images[:600], labels[:600], 0.25, seed=0)
    nn.manual_seed(0)
    model = mlp.MLP(64, 64, 10)
    before = mlp.accuracy(model, test_x, test_y)
    history = mlp.train(model, train_x, train_y, test_x, test_y, epochs=6, log=lambda line: None)
    assert np.mean(history.losses[-10:]) < 0.5 * np.mean(history.losses[:10])
    assert history.test_accuracy > 0.85 > before


def test_tiny_gpt_overfits_a_short_text():
    text = "to be or not to be, that is the question. " * 8
    tokenizer = Tokenizer.train(text, 280)
    tokens = np.array(tokenizer.encode(text))
    nn.manual_seed(0)
    model = gpt.GPT(gpt.GPTConfig(tokenizer.vocab_size, block_size=8, dim=16, heads=2, layers=1))
    history = gpt.train(model, tokens, steps=80, batch_size=4, lr=2e-2, warmup=5, log=lambda line: None)
    assert np.mean(history.losses[-10:]) < 0.5
    assert history.losses[0] > 4.0
    out = gpt.sample(model, tokenizer, "to be or", max_new=12, temperature=0.5, top_k=3)
    assert out.startswith("to be or not to be")


def test_gpt_checkpoint_round_trip_and_generate(tmp_path, capsys):
    text = "abc abd abe " * 30
    tokenizer = Tokenizer.train(text, 260)
    nn.manual_seed(1)
    model = gpt.GPT(gpt.GPTConfig(tokenizer.vocab_size, block_size=8, dim=16, heads=2, layers=1))
    path = tmp_path / "m.safetensors"
    checkpoint.save(path, model.state_dict(), gpt.metadata(model, tokenizer))
    loaded, tok = cli.load_gpt(str(path))
    ids = np.array([tokenizer.encode("abc abd")])
    np.testing.assert_array_equal(loaded(ids).numpy(), model(ids).numpy())
    assert tok.merges == tokenizer.merges
    assert cli.main(["generate", "--checkpoint", str(path), "--prompt", "abc", "--tokens", "5", "--top-k", "3"]) == 0
    assert capsys.readouterr().out.startswith("abc")


def test_right_padding_does_not_change_earlier_logits():
    """sample() pads every window to the block size; causal attention must keep the padding invisible."""
    nn.manual_seed(2)
    model = gpt.GPT(gpt.GPTConfig(300, block_size=8, dim=16, heads=2, layers=2))
    ids = np.random.default_rng(0).integers(0, 300, (1, 5))
    padded = np.concatenate([ids, np.zeros((1, 3), np.int64)], axis=1)
    np.testing.assert_allclose(model(padded).numpy()[:, :5], model(ids).numpy(), rtol=1e-5, atol=1e-6)


def test_checkpoint_layout_and_errors(tmp_path):
    path = tmp_path / "t.safetensors"
    tensors = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([1, 2], dtype=np.int64)}
    checkpoint.save(path, tensors, {"k": "v"})
    data = path.read_bytes()
    n = int.from_bytes(data[:8], "little")
    assert (8 + n) % 8 == 0 and data[8:9] == b"{"
    got, meta = checkpoint.load(path)
    assert meta == {"k": "v"} and all(np.array_equal(got[k], tensors[k]) for k in tensors)
    safetensors = pytest.importorskip("safetensors.numpy", reason="safetensors not installed: layout oracle skipped")
    np.testing.assert_array_equal(safetensors.load_file(str(path))["a"], tensors["a"])


def test_cli_reports_bad_checkpoint_in_one_line(tmp_path, capsys):
    path = tmp_path / "bad.safetensors"
    path.write_bytes((1000).to_bytes(8, "little") + b"{}")
    assert cli.main(["generate", "--checkpoint", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.safetensors:byte 0: error: header length 1000" in err


def test_cli_trains_mlp_on_mnist_style_idx_files(tmp_path, capsys):
    images, labels = datasets.load_digits()
    pixels = (images.reshape(-1, 8, 8) * 255).astype(np.uint8)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", pixels[:1400], compress=True)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels[:1400].astype(np.uint8), compress=True)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", pixels[1400:])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels[1400:].astype(np.uint8))
    args = ["train", "mlp", "--data", str(tmp_path), "--epochs", "4", "--lr", "1e-2", "--hidden", "64",
            "--device", "numpy", "--out", str(tmp_path / "out")]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "MNIST: 1400 training and 397 test images" in out and "examples/s" in out
    accuracy = float(out.rsplit("test accuracy ", 1)[1].split("%")[0])
    assert accuracy > 85
    curve = read_png(tmp_path / "out" / "mlp-loss.png")
    assert curve.shape == (200, 320, 3)


MNIST_DIR = os.environ.get("B2I_MNIST_DIR")


@pytest.mark.skipif(not MNIST_DIR, reason="the full MNIST is not shipped: set B2I_MNIST_DIR to a folder with its "
                    "four IDX files to run this (a minute or more)")
def test_full_mnist_reaches_97_5_percent(tmp_path, capsys):
    """The issue's claim, on the real data when a local copy is given: 60,000 + 10,000 images of 28x28."""
    data = datasets.load_mnist(MNIST_DIR)
    assert data["train_images"].shape == (60_000, 784) and data["test_images"].shape == (10_000, 784)
    assert np.bincount(data["test_labels"]).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert cli.main(["train", "mlp", "--data", MNIST_DIR, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert float(out.rsplit("test accuracy ", 1)[1].split("%")[0]) >= 97.5


def test_cli_trains_on_a_csv_written_by_the_csv_module(tmp_path, capsys):
    images, labels = datasets.load_digits()
    path = tmp_path / "digits.csv"
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([f"p{i}" for i in range(64)] + ["label"])
        writer.writerows([[int(v) for v in row * 16] + [int(label)] for row, label in zip(images, labels, strict=True)])
    assert cli.main(["train", "mlp", "--data", str(path), "--epochs", "3", "--device", "numpy",
                     "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert float(out.rsplit("test accuracy ", 1)[1].split("%")[0]) > 90
    with open(path, "a") as f:
        f.write("1,2,3\n")  # a ragged row at line 1799
    assert cli.main(["train", "mlp", "--data", str(path), "--device", "numpy"]) == 1
    assert capsys.readouterr().err == f"{path}:1799: error: row has 3 fields, expected 65\n"


def test_cli_bad_idx_is_one_line_exit_1(tmp_path, capsys):
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (tmp_path / name).write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x05ab")
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"\x12\x34\x08\x01")
    assert cli.main(["train", "mlp", "--data", str(tmp_path), "--device", "numpy"]) == 1
    err = capsys.readouterr().err
    assert err == f"{tmp_path / 'train-images-idx3-ubyte'}:byte 0: error: bad IDX magic 12340801 (expected 0000 " \
                  "then a type code 08-0e)\n"


def test_cli_trains_a_gpt_on_a_text_file_and_generates(tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_text("the cat sat on the mat. the dog sat on the log. " * 30)
    args = ["train", "gpt", "--text", str(text), "--device", "numpy", "--steps", "6", "--vocab-size", "270",
            "--block-size", "8", "--dim", "8", "--heads", "2", "--layers", "1", "--out", str(tmp_path)]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "step 6/6" in out and "tokens/s" in out and "loss on the held-out last 10% of the text" in out
    assert read_png(tmp_path / "gpt-loss.png").shape == (200, 320, 3)
    gen = ["generate", "--checkpoint", str(tmp_path / "gpt.safetensors"), "--prompt", "the cat", "--tokens", "4"]
    assert cli.main(gen) == 0
    assert capsys.readouterr().out.startswith("the cat")


def test_cli_bad_text_and_options(tmp_path, capsys):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"hello\nworld \xff\n")
    assert cli.main(["train", "gpt", "--text", str(path), "--device", "numpy"]) == 1
    assert capsys.readouterr().err == f"{path}:2: error: byte 12 is not UTF-8 (invalid start byte)\n"
    assert cli.main(["train", "mlp", "--epochs", "0"]) == 1
    assert capsys.readouterr().err == "b2i-ml: error: --epochs must be at least 1\n"


def test_demo_runs():
    from b2i.ml import demo

    assert demo.main(["--epochs", "3"]) == 0
