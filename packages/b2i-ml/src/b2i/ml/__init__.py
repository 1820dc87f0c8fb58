"""b2i.ml: autograd, neural-network layers, optimizers and data parsing, with an MLP and a small GPT.

Start with `b2i.ml.scalar` (autograd on single numbers), then `b2i.ml.autograd` (the same over b2i-tensor
arrays), `b2i.ml.nn` and `b2i.ml.optim`; `b2i.ml.data` reads files, `b2i.ml.tokenizer` and `b2i.ml.gpt` make
the language model, and `b2i-ml` (`b2i.ml.cli`) trains and samples from the command line.
"""

__version__ = "0.3.0"
