"""The first stages of a sharded build: read → ids → count → clean.

Task ``r`` of ``n`` reads every ``n``-th input file. Collection-wide decisions (duplicate
article ids, the furniture lines of each site) are made per hash bucket: reading tasks
write each key to the bucket its hash names, one task per bucket decides, and cleaning
tasks load only the (small) sets of decisions.

Every record carries its place in the input (``order``: file index and position), so
"the first" of duplicates is the same whatever the number of tasks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from align import __version__
from align.engine.cache import CacheWriter, DiskCache
from align.engine.shards import (
    bucket_of,
    digest,
    document_row,
    dumps,
    key_hash,
    loads,
    read_rows,
    shard_name,
    shard_paths,
    write_rows,
)
from align.errors import InputError
from align.records import Article
from align.stages.clean import clean_or_reason, is_furniture, line_keys, site_of
from align.stages.ingest import read_articles

ORDER_BITS = 32  # order = file index << ORDER_BITS | position in the file


@dataclass(frozen=True)
class InputFile:
    """One input file and the collection (``input``: index among the build's inputs) it is
    part of."""

    path: str
    input: int


def read_stage(files: list[InputFile], folder: Path, rank: int, tasks: int) -> None:
    """Read this task's files; write the articles, their keys per bucket, read errors and
    the WARC records skipped, by reason."""
    articles: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    skipped: Counter[str] = Counter()
    ids: dict[int, list[dict[str, Any]]] = defaultdict(list)
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)

    def count(reason: str) -> None:
        skipped[reason] += 1

    for index in range(rank, len(files), tasks):
        file = files[index]

        def skip(error: InputError, index: int = index) -> None:
            order = (index << ORDER_BITS) | len(errors)
            errors.append({"order": order, "item": error.path, "reason": error.problem})

        for position, article in enumerate(read_articles(file.path, on_error=skip,
                                                         on_skip=count)):
            order = (index << ORDER_BITS) | position
            site = site_of(article)
            articles.append({
                "order": order, "id": article.id, "text": article.text, "site": site,
                "source": article.source, "lang": article.lang, "meta": dumps(article.meta),
            })
            id_key = f"{file.input}\x1f{article.id}\x1f{article.lang or ''}"
            ids[bucket_of(id_key, tasks)].append({"order": order, "key": id_key,
                                                  "id": article.id, "source": article.source})
            for key, line in line_keys(article.text).items():
                line_key = key_hash(key)
                lines[line_key % tasks].append(
                    {"order": order, "site": site, "line": line_key, "text": line}
                )
    write_rows(folder / shard_name("articles", rank), articles)
    write_rows(folder / shard_name("errors", rank), errors)
    write_rows(folder / shard_name("skipped", rank),
               [{"reason": reason, "count": n} for reason, n in skipped.items()])
    for bucket in range(tasks):
        write_rows(folder / shard_name("ids", bucket, rank), ids[bucket])
        write_rows(folder / shard_name("lines", bucket, rank), lines[bucket])


def ids_stage(read: Path, folder: Path, bucket: int) -> None:
    """Reject later articles that reuse an article id of the same collection."""
    first: dict[str, dict[str, Any]] = {}
    rejected = []
    rows = sorted(read_rows(shard_paths(read, f"ids-{bucket:05d}-*.parquet")),
                  key=lambda row: row["order"])
    for row in rows:
        key = row["key"]
        if key in first:
            reason = f"duplicate article id {row['id']!r} (first in {first[key]['source']})"
            rejected.append({"order": row["order"], "item": row["source"], "reason": reason})
        else:
            first[key] = row
    write_rows(folder / shard_name("rejected", bucket), rejected)


def count_stage(read: Path, ids: Path, folder: Path, bucket: int, tasks: int) -> None:
    """Decide which lines whose hash falls in ``bucket`` are furniture of their site; tell
    each cleaning task which furniture lines its articles hold."""
    dropped = {row["order"] for row in read_rows(shard_paths(ids, "rejected-*.parquet"))}
    pages: Counter[str] = Counter()
    for row in read_rows(shard_paths(read, "articles-*.parquet")):
        if row["order"] not in dropped:
            pages[row["site"]] += 1
    lines = shard_paths(read, f"lines-{bucket:05d}-*.parquet")
    documents: Counter[tuple[str, int]] = Counter()
    shape: dict[int, tuple[int, str]] = {}
    for row in read_rows(lines):
        if row["order"] in dropped:
            continue
        documents[row["site"], row["line"]] += 1
        if row["line"] not in shape or row["order"] < shape[row["line"]][0]:
            shape[row["line"]] = (row["order"], row["text"])
    furniture = {(site, line) for (site, line), n in documents.items()
                 if is_furniture(shape[line][1], n, pages[site])}
    write_rows(folder / shard_name("furniture", bucket),
               [{"site": site, "line": line} for site, line in furniture])
    hits: list[list[dict[str, int]]] = [[] for _ in range(tasks)]
    for row in read_rows(lines):
        if row["order"] not in dropped and (row["site"], row["line"]) in furniture:
            hits[reader_of(row["order"], tasks)].append({"order": row["order"],
                                                         "line": row["line"]})
    for rank, rank_hits in enumerate(hits):
        write_rows(folder / shard_name("hits", rank, bucket), rank_hits,
                   pa.schema([("order", pa.int64()), ("line", pa.int64())]))


def reader_of(order: int, tasks: int) -> int:
    """The task that read (and cleans) the article at ``order``."""
    return (order >> ORDER_BITS) % tasks


class HashedKeys(Container[str]):
    """A set of line keys held as 63-bit hashes."""

    def __init__(self, hashes: set[int]) -> None:
        self.hashes = hashes

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key_hash(key) in self.hashes


def clean_stage(
    read: Path, ids: Path, count: Path, folder: Path, languages: tuple[str, str],
    cache: DiskCache, rank: int,
) -> None:
    """Clean this task's articles given the furniture lines of their sites. An article
    cleaned by an earlier build, with the same text, settings and furniture lines among its
    own, comes from the cache."""
    dropped = {row["order"] for row in read_rows(shard_paths(ids, "rejected-*.parquet"))}
    furniture: dict[str, set[int]] = defaultdict(set)
    for row in read_rows(shard_paths(count, "furniture-*.parquet")):
        furniture[row["site"]].add(row["line"])
    hits: dict[int, list[int]] = defaultdict(list)
    for row in read_rows(shard_paths(count, f"hits-{rank:05d}-*.parquet")):
        hits[row["order"]].append(row["line"])
    rows = [row for row in read_rows([read / shard_name("articles", rank)])
            if row["order"] not in dropped]
    keys = [digest(__version__, dumps(languages), row["id"], row["text"], row["source"],
                   row["lang"] or "", row["meta"], dumps(sorted(hits[row["order"]])))
            for row in rows]
    found = cache.get_many(keys)
    documents, failures = [], []
    with CacheWriter(cache) as new:
        for row, key in zip(rows, keys, strict=True):
            if key in found:
                result = loads(found[key])
            else:
                article = Article(id=row["id"], text=row["text"], source=row["source"],
                                  lang=row["lang"], meta=loads(row["meta"]))
                cleaned = clean_or_reason(article, languages,
                                          HashedKeys(furniture[row["site"]]))
                result = cleaned if isinstance(cleaned, str) else document_row(cleaned)
                new.put(key, dumps(result).encode())
            if isinstance(result, str):
                failures.append({"order": row["order"], "item": row["id"], "reason": result})
            else:
                documents.append({"order": row["order"], **result})
    write_rows(folder / shard_name("documents", rank), documents)
    write_rows(folder / shard_name("rejected", rank), failures)
