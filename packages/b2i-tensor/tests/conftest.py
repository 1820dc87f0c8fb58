"""Fixtures for b2i-tensor's tests; tensor_cases.py (next to this file) holds the shared hypothesis strategies."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from tensor_cases import DEVICES  # noqa: E402


@pytest.fixture(params=DEVICES)
def device(request):
    return request.param
