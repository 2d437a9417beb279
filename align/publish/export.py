"""Export one split of a dataset directory to TMX 1.4, Moses, TSV or JSONL.

Text is written as stored, in Unicode NFC; Arabic stays as it is (no reshaping, no
direction marks removed). Line-based formats (Moses, TSV) replace tabs and line breaks
inside a segment by spaces; TMX drops the few control characters XML cannot hold.
Every file is written to a temporary file next to it and renamed into place, with the
permissions the umask gives a new file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from align import __version__
from align.errors import ConfigError, InputError
from align.publish.files import check_writable, file_mode

FORMATS = ("tmx", "moses", "tsv", "jsonl")
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

Row = dict[str, Any]


@dataclass(frozen=True)
class ExportResult:
    """The files written and the number of segments in each."""

    paths: tuple[Path, ...]
    segments: int


@dataclass(frozen=True)
class Columns:
    """How a split's columns map to the export: languages (source first) and score columns."""

    languages: tuple[str, str]
    scores: tuple[str, ...]
    urls: bool = False  # ``<lang>_url`` columns present (datasets built before them lack them)


def export_dataset(
    directory: str | Path, fmt: str, out: str | Path, split: str = "train"
) -> ExportResult:
    """Write ``split`` of a dataset directory as ``fmt``; Moses writes ``OUT.<lang>`` files."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    shards = _split_shards(Path(directory), split)
    columns = _columns(shards[0])
    out = Path(out)
    targets = [Path(f"{out}.{lang}") for lang in columns.languages] if fmt == "moses" else [out]
    for target in targets:
        check_writable(target)
        if target.is_dir():
            raise InputError(target, "is a directory; give a file name")
    writer = WRITERS[fmt]
    count = 0
    with _atomic_files(targets) as handles:
        if writer.head:
            for handle, text in zip(handles, writer.head(columns), strict=True):
                handle.write(text)
        for row in _rows(shards):
            for handle, text in zip(handles, writer.row(row, columns), strict=True):
                handle.write(text)
            count += 1
        handles[0].write(writer.tail)
    return ExportResult(tuple(targets), count)


def _split_shards(directory: Path, split: str) -> list[Path]:
    if not directory.is_dir():
        raise InputError(directory, "no such dataset directory")
    shards = sorted((directory / "data").glob(f"{split}-*.parquet"))
    if not shards:
        found = sorted({p.name.split("-")[0] for p in (directory / "data").glob("*.parquet")})
        if not found:
            raise InputError(directory, "holds no data/*.parquet shards")
        raise InputError(directory, f"has no split {split!r} (splits: {', '.join(found)})")
    return shards


def _columns(shard: Path) -> Columns:
    """Languages from the ``<lang>_doc`` columns; scores are the floating-point columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(shard)
    languages = tuple(name[: -len("_doc")] for name in schema.names if name.endswith("_doc"))
    if len(languages) != 2 or "translation" not in schema.names:
        raise InputError(shard, "needs a 'translation' column and two '<lang>_doc' columns")
    scores = tuple(f.name for f in schema if pa.types.is_floating(f.type))
    urls = all(f"{lang}_url" in schema.names for lang in languages)
    return Columns(languages, scores, urls)  # type: ignore[arg-type]


def _rows(shards: Sequence[Path]) -> Iterator[Row]:
    import pyarrow.parquet as pq

    for shard in shards:
        for batch in pq.ParquetFile(shard).iter_batches(batch_size=1024):
            yield from batch.to_pylist()


@contextmanager
def _atomic_files(targets: Sequence[Path]) -> Iterator[list[IO[str]]]:
    """Temporary files beside ``targets``, renamed over them only if the block succeeds."""
    handles: list[IO[str]] = []
    mode = file_mode()
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            handles.append(tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", newline="\n", dir=target.parent,
                prefix=f".{target.name}.", suffix=".tmp", delete=False))
        yield handles
        for handle, target in zip(handles, targets, strict=True):
            handle.close()
            os.chmod(handle.name, mode)
            os.replace(handle.name, target)
    finally:
        for handle in handles:
            handle.close()
            if os.path.exists(handle.name):
                os.unlink(handle.name)


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _one_line(value: str) -> str:
    return _BREAKS.sub(" ", _nfc(value))


def _xml(value: str) -> str:
    return _NOT_XML.sub("", _nfc(value))


def _number(value: float | None) -> str:
    """The shortest decimal that reads back as the stored float32 ('' when missing)."""
    import numpy as np

    if value is None:
        return ""
    return np.format_float_positional(np.float32(value), unique=True, trim="-")


def _scores(row: Row, columns: Columns) -> dict[str, float | None]:
    return {name: None if row[name] is None else float(_number(row[name]))
            for name in columns.scores}


def _tmx_head(columns: Columns) -> list[str]:
    header = ET.Element("header", {
        "creationtool": "align", "creationtoolversion": __version__, "datatype": "plaintext",
        "segtype": "sentence", "adminlang": "en", "srclang": columns.languages[0],
        "o-tmf": "align",
    })
    return ['<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n  '
            + ET.tostring(header, encoding="unicode") + "\n  <body>\n"]


def _tmx_row(row: Row, columns: Columns) -> list[str]:
    src, tgt = columns.languages
    tu = ET.Element("tu", {"tuid": _xml(row["id"])})
    props = {"alignment": row["alignment"], f"{src}_doc": row[f"{src}_doc"],
             f"{tgt}_doc": row[f"{tgt}_doc"]}
    props.update({k: _number(v) for k, v in _scores(row, columns).items() if v is not None})
    for name, value in props.items():
        ET.SubElement(tu, "prop", {"type": f"x-{name}"}).text = _xml(value)
    for lang in (src, tgt):
        tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
        if columns.urls and row[f"{lang}_url"]:
            ET.SubElement(tuv, "prop", {"type": "x-url"}).text = _xml(row[f"{lang}_url"])
        ET.SubElement(tuv, "seg").text = _xml(row["translation"][lang])
    return ["    " + ET.tostring(tu, encoding="unicode") + "\n"]


def _moses_row(row: Row, columns: Columns) -> list[str]:
    return [_one_line(row["translation"][lang]) + "\n" for lang in columns.languages]


def _tsv_head(columns: Columns) -> list[str]:
    src, tgt = columns.languages
    urls = [f"{src}_url", f"{tgt}_url"] if columns.urls else []
    return ["\t".join(["id", src, tgt, "alignment", *columns.scores, f"{src}_doc", f"{tgt}_doc",
                       *urls]) + "\n"]


def _tsv_row(row: Row, columns: Columns) -> list[str]:
    src, tgt = columns.languages
    fields = [row["id"], row["translation"][src], row["translation"][tgt], row["alignment"],
              *(_number(row[name]) for name in columns.scores), row[f"{src}_doc"],
              row[f"{tgt}_doc"]]
    if columns.urls:
        fields += [row[f"{src}_url"], row[f"{tgt}_url"]]
    return ["\t".join(_one_line(field) for field in fields) + "\n"]


def _jsonl_row(row: Row, columns: Columns) -> list[str]:
    texts = {lang: _nfc(text) for lang, text in row["translation"].items()}
    record = {**row, "translation": texts, **_scores(row, columns)}
    return [json.dumps(record, ensure_ascii=False) + "\n"]


@dataclass(frozen=True)
class Writer:
    """One format: text before the rows, for each row, and after, one string per output file."""

    row: Callable[[Row, Columns], list[str]]
    head: Callable[[Columns], list[str]] | None = None
    tail: str = ""


WRITERS: dict[str, Writer] = {
    "tmx": Writer(_tmx_row, _tmx_head, "  </body>\n</tmx>\n"),
    "moses": Writer(_moses_row),
    "tsv": Writer(_tsv_row, _tsv_head),
    "jsonl": Writer(_jsonl_row),
}
