"""b2i.ml: Autograd, neural-network layers, optimizers and data parsing, with an MLP and a small GPT."""

__version__ = "0.1.0"
