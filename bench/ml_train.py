"""b2i-ml training speed on the c backend beside the same models in PyTorch CPU (when torch is installed).

Rows: seconds per epoch of the digits MLP (64-128-10, batch 32, Adam; 1438 training images) and training
tokens per second of the default GPT (2 layers, 4 heads, dim 64, block 64, vocab 512, batch 16, AdamW).
Each is the best of a few rounds taken in turns with PyTorch's, after an untimed one that compiles our kernels.
Both sides run the same loop: the MLP's as `mlp.train` (cosine learning rate; loss and correct predictions read
every step for the progress bar), the GPT's as `gpt.train` (AdamW, gradient clipping at 1.0).
The ratio is how many times slower we are (ours / torch for seconds, torch / ours for throughput).
Times are CPU seconds of this process (time.process_time), not wall time: on a shared 2-core machine the wall
clock mostly measures the neighbours. Both sides run one thread (torch.set_num_threads(1)).
"""

import time

import numpy as np
from b2i.ml import backend as B
from b2i.ml import datasets, gpt, mlp, nn, optim

try:
    import torch
except ImportError:
    torch = None

GPT_STEPS = 6  # steps in one timed GPT round
GPT_TOKENS = GPT_STEPS * 16 * gpt.GPTConfig().block_size  # tokens in one round (batch 16)
ROUNDS = 5  # the best of this many timed rounds (an MLP epoch, GPT_STEPS GPT steps) on each side


CLOCK = time.process_time  # CPU seconds of this process: a shared machine's other work does not count


def timed(function, *args, **kwargs) -> float:
    start = CLOCK()
    function(*args, **kwargs)
    return CLOCK() - start


def ours_mlp_epochs(train_x, train_y, test_x, test_y):
    """A function that trains our MLP for one more epoch and returns its seconds (the first call compiles)."""
    nn.manual_seed(0)
    model = mlp.MLP(64, 128, 10)
    return lambda: timed(mlp.train, model, train_x, train_y, test_x[:1], test_y[:1], epochs=1, log=lambda line: None)


def torch_mlp_epochs(train_x, train_y, test_x, test_y):
    """The same for the same model in PyTorch, with the same loop as mlp.train: a cosine learning rate, and the
    loss and the count of correct predictions read back every step (for the progress bar)."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    x, y = torch.tensor(train_x), torch.tensor(train_y)
    steps = -(-len(x) // 32)

    def epoch():
        start = CLOCK()
        order = torch.randperm(len(x))
        losses, correct = [], 0
        for step, i in enumerate(range(0, len(x), 32)):
            opt.param_groups[0]["lr"] = optim.cosine(step, steps, 1e-2, 1e-2 * 0.05)
            index = order[i : i + 32]
            logits = model(x[index])
            loss = torch.nn.functional.cross_entropy(logits, y[index])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            correct += int((logits.argmax(1) == y[index]).sum())
        with torch.no_grad():
            model(torch.tensor(test_x[:1])).argmax(1)
        return CLOCK() - start

    return epoch


def best_rounds(*rounds) -> list[float]:
    """The fastest of ROUNDS timed rounds of each (seconds), taken in turns so that a busy moment on a shared
    machine hits both sides; each runs once untimed first (our kernels compile, PyTorch warms up)."""
    for one in rounds:
        one()
    best = [float("inf")] * len(rounds)
    for _ in range(ROUNDS):
        for i, one in enumerate(rounds):
            best[i] = min(best[i], one())
    return best


def ours_gpt_steps(tokens: np.ndarray):
    """A function that trains our GPT for GPT_STEPS steps and returns the seconds."""
    nn.manual_seed(0)
    model = gpt.GPT(gpt.GPTConfig())
    return lambda: timed(gpt.train, model, tokens, steps=GPT_STEPS, warmup=1, log=lambda line: None, log_every=10**9)


class TorchGPT(torch.nn.Module if torch else object):
    """The same architecture in PyTorch: learned positions, pre-LN blocks, GELU MLP, tied embeddings."""

    def __init__(self, c: gpt.GPTConfig):
        super().__init__()
        self.wte = torch.nn.Embedding(c.vocab_size, c.dim)
        self.wpe = torch.nn.Embedding(c.block_size, c.dim)
        layer = lambda: torch.nn.TransformerEncoderLayer(  # noqa: E731
            c.dim, c.heads, 4 * c.dim, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
        self.blocks = torch.nn.ModuleList(layer() for _ in range(c.layers))
        self.ln_f = torch.nn.LayerNorm(c.dim)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(t))
        mask = torch.nn.Transformer.generate_square_subsequent_mask(t)
        for block in self.blocks:
            x = block(x, src_mask=mask, is_causal=True)
        return self.ln_f(x) @ self.wte.weight.T


def torch_gpt_steps(tokens: np.ndarray):
    """The same for the same model in PyTorch."""
    torch.manual_seed(0)
    config = gpt.GPTConfig()
    model = TorchGPT(config)
    opt = torch.optim.AdamW(model.parameters(), lr=6e-3, weight_decay=0.01)
    rng = np.random.default_rng(0)

    def step(number):
        opt.param_groups[0]["lr"] = optim.warmup_cosine(number, GPT_STEPS, 6e-3, 1, 6e-4)  # as gpt.train
        x, y = gpt.batches(tokens, 16, config.block_size, rng)
        logits = model(torch.tensor(x))
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, config.vocab_size), torch.tensor(y).reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()  # read back every step, as gpt.train does

    def steps():
        start = CLOCK()
        for number in range(GPT_STEPS):
            step(number)
        return CLOCK() - start

    return steps


def main() -> None:
    B.set_default_device("c")
    images, labels = datasets.load_digits()
    train_x, train_y, test_x, test_y = mlp.split(images, labels, 0.2, 0)
    tokens = np.random.default_rng(0).integers(0, 512, 20_000)
    print(f"{'b2i-ml training, c backend':<40} {'b2i':>12} {'torch CPU':>12} {'ratio':>8}")
    if torch is None:
        ours_mlp, ours_gpt = best_rounds(ours_mlp_epochs(train_x, train_y, test_x, test_y), ours_gpt_steps(tokens))
        print(f"{'MLP epoch (s), digits':<40} {ours_mlp:>12.3f} {'-':>12} {'-':>8}")
        print(f"{'GPT training tokens/s':<40} {GPT_TOKENS / ours_gpt:>12,.0f} {'-':>12} {'-':>8}")
        print("torch not installed")
        return
    torch.set_num_threads(1)
    ours_mlp, theirs_mlp = best_rounds(ours_mlp_epochs(train_x, train_y, test_x, test_y),
                                       torch_mlp_epochs(train_x, train_y, test_x, test_y))
    ours_gpt, theirs_gpt = best_rounds(ours_gpt_steps(tokens), torch_gpt_steps(tokens))
    print(f"{'MLP epoch (s), digits':<40} {ours_mlp:>12.3f} {theirs_mlp:>12.3f} {ours_mlp / theirs_mlp:>7.2f}x")
    print(f"{'GPT training tokens/s':<40} {GPT_TOKENS / ours_gpt:>12,.0f} {GPT_TOKENS / theirs_gpt:>12,.0f} "
          f"{ours_gpt / theirs_gpt:>7.2f}x")
    print("ratio: how many times slower b2i is than torch, in CPU time (torch limited to 1 thread; b2i kernels are "
          "1 thread)")


if __name__ == "__main__":
    main()
