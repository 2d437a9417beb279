"""Content-addressed caches on disk: sentence vectors by text hash, aligned pairs by the
hash of everything that decides them.

A cache is a folder of Parquet files of ``(key, value)`` rows. Each task that computes
new values adds one file (written atomically), so tasks on several machines never write
the same file; a lookup reads only the rows whose key it asks for. A later build — after
a crash, or with more articles — finds every value an earlier one computed.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.dataset as ds

from align.engine.shards import digest, write_rows

_SCHEMA = pa.schema([("key", pa.string()), ("value", pa.binary())])


class DiskCache:
    """Values by key in a folder of Parquet files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        wanted = sorted(set(keys))
        files = sorted(str(p) for p in self.folder.glob("*.parquet") if not p.name.startswith("."))
        if not wanted or not files:
            return {}
        dataset = ds.dataset(files, schema=_SCHEMA, format="parquet")
        table = dataset.to_table(filter=ds.field("key").isin(wanted))
        return dict(zip(table.column("key").to_pylist(), table.column("value").to_pylist(),
                        strict=True))

    def put_many(self, values: Mapping[str, bytes]) -> None:
        if values:
            rows = [{"key": key, "value": value} for key, value in values.items()]
            write_rows(self.folder / f"{uuid.uuid4().hex}.parquet", rows, _SCHEMA)


class CacheWriter:
    """New values for a ``DiskCache``, written a file at a time: when ``rows`` values are
    waiting; when ``seconds``, and a ``share`` of the time since the writer was opened,
    have passed since the last write; and when the writer is closed. A task that is killed
    loses at most that much of its work, and a long task writes a few dozen files."""

    def __init__(self, cache: DiskCache, rows: int = 2000, seconds: float = 2.0,
                 share: float = 0.1) -> None:
        self.cache, self.rows, self.seconds, self.share = cache, rows, seconds, share
        self._waiting: dict[str, bytes] = {}
        self._opened = self._written = time.monotonic()

    def put(self, key: str, value: bytes) -> None:
        self._waiting[key] = value
        now = time.monotonic()
        since = now - self._written
        if (len(self._waiting) >= self.rows
                or since >= max(self.seconds, self.share * (now - self._opened))):
            self.flush()

    def flush(self) -> None:
        self.cache.put_many(self._waiting)
        self._waiting = {}
        self._written = time.monotonic()

    def __enter__(self) -> CacheWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.flush()


def cache_folder(root: Path, kind: str, name: str) -> Path:
    """``root/kind/<name as a safe folder name>``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "default"
    return root / kind / safe


def text_key(text: str) -> str:
    return digest(text)
