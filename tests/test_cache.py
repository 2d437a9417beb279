"""The work directory's disk caches: values found again by key, written as work goes."""

from __future__ import annotations

import pytest

import align.engine.cache as cache_module
from align.engine.cache import CacheWriter, DiskCache


def test_values_are_found_by_key(tmp_path) -> None:
    cache = DiskCache(tmp_path / "cache")
    cache.put_many({"a": b"1", "b": b"2"})
    cache.put_many({"c": b"3"})
    assert cache.get_many(["c", "a", "z"]) == {"a": b"1", "c": b"3"}
    assert cache.get_many([]) == {}


def test_a_writer_writes_after_so_many_values(tmp_path) -> None:
    cache = DiskCache(tmp_path / "cache")
    writer = CacheWriter(cache, rows=2, seconds=3600)
    writer.put("a", b"1")
    assert cache.get_many(["a"]) == {}
    writer.put("b", b"2")
    assert cache.get_many(["a", "b"]) == {"a": b"1", "b": b"2"}


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    now = [100.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: now[0])
    return now


def test_a_writer_writes_after_so_many_seconds(tmp_path, clock) -> None:
    """A task killed after a long computation keeps what it computed before."""
    cache = DiskCache(tmp_path / "cache")
    writer = CacheWriter(cache, rows=1000, seconds=10)
    writer.put("a", b"1")
    clock[0] += 9
    writer.put("b", b"2")
    assert cache.get_many(["a", "b"]) == {}
    clock[0] += 1
    writer.put("c", b"3")
    assert cache.get_many(["a", "b", "c"]) == {"a": b"1", "b": b"2", "c": b"3"}
    writer.put("d", b"4")
    assert len(list((tmp_path / "cache").glob("*.parquet"))) == 1


def test_a_long_task_writes_less_often(tmp_path, clock) -> None:
    cache = DiskCache(tmp_path / "cache")
    writer = CacheWriter(cache, rows=1000, seconds=2, share=0.1)
    clock[0] += 100
    writer.put("a", b"1")  # the first write: 100 s since the last
    clock[0] += 5
    writer.put("b", b"2")  # 5 s is less than a tenth of the 105 s so far
    assert cache.get_many(["a", "b"]) == {"a": b"1"}
    clock[0] += 7  # 12 s since the last write, more than a tenth of 112 s
    writer.put("c", b"3")
    assert cache.get_many(["b", "c"]) == {"b": b"2", "c": b"3"}


def test_a_closed_writer_has_written_everything(tmp_path) -> None:
    cache = DiskCache(tmp_path / "cache")
    with CacheWriter(cache) as writer:
        writer.put("a", b"1")
    with CacheWriter(cache):
        pass  # nothing new: no file
    assert cache.get_many(["a"]) == {"a": b"1"}
    assert len(list((tmp_path / "cache").glob("*.parquet"))) == 1
