"""Neural-network layers: a `Module` base class that finds parameters, and the layers an MLP, a small CNN and
a GPT need. Every layer is a few lines over `b2i.ml.functional` and the autograd `Tensor`.
"""

from b2i.ml.nn.attention import CausalSelfAttention, TransformerBlock
from b2i.ml.nn.conv import Conv2d, MaxPool2d
from b2i.ml.nn.layers import (
    GELU,
    BatchNorm1d,
    Dropout,
    Embedding,
    LayerNorm,
    Linear,
    ReLU,
    Sequential,
    Tanh,
)
from b2i.ml.nn.module import Module, manual_seed

__all__ = [
    "GELU",
    "BatchNorm1d",
    "CausalSelfAttention",
    "Conv2d",
    "Dropout",
    "Embedding",
    "LayerNorm",
    "Linear",
    "MaxPool2d",
    "Module",
    "ReLU",
    "Sequential",
    "Tanh",
    "TransformerBlock",
    "manual_seed",
]
