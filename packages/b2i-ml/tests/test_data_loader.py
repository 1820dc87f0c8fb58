"""The DataLoader: every example once per epoch, aligned arrays, reproducible shuffles."""

import numpy as np
from b2i.ml.data import DataLoader
from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 50), st.integers(1, 12), st.booleans(), st.booleans(), st.integers(0, 1000))
def test_batches_cover_the_data(n, batch_size, shuffle, drop_last, seed):
    x = np.arange(n) * 10
    y = np.arange(n)
    loader = DataLoader(x, y, batch_size=batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last)
    batches = list(loader)
    assert len(batches) == len(loader)
    seen = np.concatenate([b[1] for b in batches]) if batches else np.array([], int)
    for bx, by in batches:
        np.testing.assert_array_equal(bx, by * 10)
        assert len(by) == batch_size or (not drop_last and by is batches[-1][1])
    if drop_last:
        assert len(seen) == n - n % batch_size and len(set(seen.tolist())) == len(seen)
    else:
        assert sorted(seen.tolist()) == list(range(n))
    if not shuffle:
        assert seen.tolist() == sorted(seen.tolist())


def test_same_seed_same_batches_and_epochs_differ():
    a = DataLoader(np.arange(100), batch_size=10, shuffle=True, seed=7)
    b = DataLoader(np.arange(100), batch_size=10, shuffle=True, seed=7)
    first_a, first_b = [x.tolist() for (x,) in a], [x.tolist() for (x,) in b]
    assert first_a == first_b
    assert [x.tolist() for (x,) in a] != first_a
