"""Content-addressed caches on disk: sentence vectors by text hash, aligned pairs by the
hash of everything that decides them.

A cache is a folder of Parquet files of ``(key, value)`` rows. Each task that computes
new values adds one file (written atomically), so tasks on several machines never write
the same file; a lookup reads only the rows whose key it asks for. A later build — after
a crash, or with more articles — finds every value an earlier one computed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds

from align.engine.shards import digest, write_rows
from align.models.embed import CachedEmbedder, Embedder

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


def cache_folder(root: Path, kind: str, name: str) -> Path:
    """``root/kind/<name as a safe folder name>``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "default"
    return root / kind / safe


def text_key(text: str) -> str:
    return digest(text)


def embed_with_cache(
    texts: Sequence[str], embedder: Embedder, cache: DiskCache, stored: dict[str, np.ndarray]
) -> int:
    """Fill ``stored`` (text → vector) for ``texts``: from ``stored``, then the disk cache,
    then the embedder; new vectors go to the disk cache. Returns how many were embedded."""
    missing = [t for t in dict.fromkeys(texts) if t not in stored]
    found = cache.get_many(text_key(t) for t in missing)
    for text in missing:
        if (data := found.get(text_key(text))) is not None:
            stored[text] = np.frombuffer(data, dtype=np.float32)
    new = [t for t in missing if t not in stored]
    if new:
        vectors = embedder.encode(new)
        for text, vector in zip(new, vectors, strict=True):
            stored[text] = np.asarray(vector, dtype=np.float32)
        cache.put_many({text_key(t): stored[t].tobytes() for t in new})
    return len(new)


def preloaded(embedder: Embedder, vectors: Mapping[str, np.ndarray]) -> CachedEmbedder:
    """An embedder that answers ``vectors``' texts from memory and embeds the others."""
    cached = CachedEmbedder(embedder)
    cached._cache.update(vectors)
    return cached
