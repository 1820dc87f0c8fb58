"""Type promotion: our result_type is numpy 2's, for the six dtypes and for weak Python scalars."""

import itertools

import b2i.tensor as bt
import numpy as np
import pytest
from tensor_cases import DTYPES


@pytest.mark.parametrize("a,b", list(itertools.product(DTYPES, DTYPES)))
def test_promotion_of_two_dtypes_is_numpys(a, b):
    assert bt.result_type(a, b).name == np.result_type(np.dtype(a), np.dtype(b)).name


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scalar", [True, 7, -3, 2.5])
def test_python_scalars_promote_weakly_like_numpy(dtype, scalar):
    if dtype == "uint8" and scalar == -3:
        with pytest.raises(OverflowError):
            bt.Tensor([1], dtype=dtype) + scalar
        with pytest.raises(OverflowError):
            np.ones(1, dtype=dtype) + scalar
        return
    assert bt.result_type(dtype, scalar).name == np.result_type(np.ones(1, dtype=dtype), scalar).name
    assert (bt.Tensor([1], dtype=dtype) * scalar).dtype.name == (np.ones(1, dtype=dtype) * scalar).dtype.name


def test_dtype_spellings():
    for name in DTYPES:
        assert bt.result_type(np.dtype(name)).name == name
        assert bt.Tensor(np.zeros(2, dtype=name)).dtype.name == name
    assert bt.Tensor([1.0], dtype=float).dtype is bt.float64
    assert bt.Tensor([1], dtype=np.int32).dtype is bt.int32
    with pytest.raises(TypeError, match="float16 is not supported"):
        bt.Tensor(np.zeros(2, dtype=np.float16))
