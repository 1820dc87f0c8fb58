"""b2i.tensor: numpy-like tensors with lazy graphs lowered to C kernels."""

__version__ = "0.1.0"
