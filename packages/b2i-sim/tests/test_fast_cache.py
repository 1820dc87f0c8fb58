"""The fast engine's disk cache of object code stays under its size limit: least recently used objects go first,
and the cache is measured at most once an hour (one stat per run otherwise)."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

native = pytest.importorskip("b2i.sim.fast.native")


def fill(folder, sizes_and_ages, now):
    paths = []
    for n, (size, age) in enumerate(sizes_and_ages):
        path = folder / f"{n % 256:02x}" / f"{n:064x}.o"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
        os.utime(path, (now - age, now - age))
        paths.append(path)
    return paths


@settings(max_examples=40)
@given(st.lists(st.tuples(st.integers(1, 5000), st.integers(0, 10**6)), max_size=30), st.integers(1000, 40000))
def test_prune_keeps_the_newest_under_the_limit(tmp_path_factory, objects, limit):
    folder = tmp_path_factory.mktemp("cache")
    now = 2_000_000_000.0
    paths = fill(folder, objects, now)
    total = sum(size for size, _ in objects)
    freed = native.prune_cache(folder, limit, now=now)
    kept = [p for p in paths if p.exists()]
    assert freed == total - sum(p.stat().st_size for p in kept)
    if total <= limit:
        assert freed == 0
    else:
        assert total - freed <= limit * 3 // 4
        # whatever was removed was written no later than anything kept
        gone = [now - age for (size, age), p in zip(objects, paths, strict=True) if not p.exists()]
        assert max(gone) <= min((p.stat().st_mtime for p in kept), default=float("inf"))
        # and no more than needed: putting back the last object removed would break the 3/4 mark
        order = sorted(range(len(paths)), key=lambda n: (now - objects[n][1], paths[n].name))
        last_gone = [n for n in order if not paths[n].exists()][-1]
        assert total - freed + objects[last_gone][0] > limit * 3 // 4


def test_prune_looks_at_most_once_an_hour(tmp_path):
    now = 2_000_000_000.0
    paths = fill(tmp_path, [(1000, 10), (1000, 20)], now)
    assert native.prune_cache(tmp_path, 10**6, now=now) == 0  # small enough; the marker is written
    assert native.prune_cache(tmp_path, 100, now=now + native.PRUNE_EVERY - 1) == 0  # too soon to look again
    assert all(p.exists() for p in paths)
    assert native.prune_cache(tmp_path, 100, now=now + native.PRUNE_EVERY) == 2000
    assert not any(p.exists() for p in paths)


def test_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("B2I_FAST_CACHE_MB", "3")
    assert native.cache_limit() == 3 << 20
    monkeypatch.delenv("B2I_FAST_CACHE_MB")
    assert native.cache_limit() == 512 << 20
