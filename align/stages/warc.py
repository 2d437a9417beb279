"""Read articles from WARC files (``.warc``, ``.warc.gz``), as crawlers write them.

Records are streamed with warcio, one at a time. An HTML response (or resource) becomes an
article: main text by trafilatura as for an .html file, with the target URI, the HTTP
``Date``, the crawl date, the published date the page states and the charset used. Every
other record is skipped and counted by reason: ``request``, ``metadata``, ``warcinfo`` and
``revisit`` records, redirects, HTTP errors, non-HTML payloads, pages without main text.

A damaged record (bad header, broken compression, truncated payload) is reported with the
file and the byte offset where it starts; reading resumes at the next record found after it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

from align.errors import InputError
from align.records import Article
from align.stages.encoding import decode_text

WARC_SUFFIXES = (".warc", ".warc.gz")
ARTICLE_RECORDS = ("response", "resource")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_SCAN_CHUNK = 1 << 20
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)

SkipHandler = Callable[[str], None]
ErrorHandler = Callable[[InputError], None]
HtmlToArticle = Callable[[str, str, Path, dict[str, str]], list[Article]]


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def read_warc(
    path: Path,
    to_article: HtmlToArticle,
    on_skip: SkipHandler | None = None,
    on_error: ErrorHandler | None = None,
) -> Iterator[Article]:
    """The articles of one WARC file, in file order.

    ``to_article(html, id, path, meta)`` turns a page into articles (ingest's HTML
    reader). Skipped records are passed to ``on_skip`` by reason; a damaged record or page
    raises InputError, or, with ``on_error``, is passed to it and reading goes on.
    """
    from warcio.archiveiterator import ArchiveIterator

    size = path.stat().st_size
    try:
        stream = path.open("rb")
    except OSError as error:
        raise InputError(path, f"cannot read the file ({error.strerror})") from None
    with stream:
        start = 0
        while start < size:
            stream.seek(start)
            records = ArchiveIterator(stream, check_digests=False)
            end = start
            try:
                for record in records:
                    offset = records.offset  # absolute: the iterator starts at stream.tell()
                    if record.format != "warc":  # warcio also parses legacy ARC lines
                        raise ValueError("not a WARC record header")
                    result = _record(record, path, offset, to_article)
                    records.read_to_end(record)
                    end = records.get_record_offset() + records.get_record_length()
                    if _truncated(record):
                        _report(_damaged(path, offset, "truncated record (payload shorter "
                                                       "than its Content-Length)"), on_error)
                    elif isinstance(result, InputError):
                        _report(result, on_error)
                    elif isinstance(result, list):
                        yield from result
                    elif on_skip is not None:
                        on_skip(result)
            except InputError:
                raise
            except Exception as error:  # warcio raises several kinds on damaged input
                end = _after_blank(stream, end)
                _report(_damaged(path, end, _describe(error)), on_error)
            else:
                if end >= size or _rest_is_blank(stream, end):
                    break
                end = _after_blank(stream, end)
                _report(_damaged(path, end, "truncated or unreadable data"), on_error)
            start = _next_record(stream, end + 1, size)


def _report(error: InputError, on_error: ErrorHandler | None) -> None:
    if on_error is None:
        raise error
    on_error(error)


def _damaged(path: Path, offset: int, problem: str) -> InputError:
    return InputError(path, f"record at byte {offset}: {problem}; reading resumes at the "
                            f"next record")


def _describe(error: Exception) -> str:
    text = re.sub(r"[^\x20-\x7e]+", "?", " ".join(str(error).split()))
    text = text[:60] + "…" if len(text) > 60 else text
    return f"unreadable record ({type(error).__name__}: {text})" if text else \
        f"unreadable record ({type(error).__name__})"


def _rest_is_blank(stream: IO[bytes], offset: int) -> bool:
    stream.seek(offset)
    return not stream.read(_SCAN_CHUNK).strip()


def _after_blank(stream: IO[bytes], offset: int) -> int:
    """The offset of the first byte that is not a line break or space from ``offset``
    (an uncompressed record's length leaves out the blank lines that end it)."""
    stream.seek(offset)
    head = stream.read(64)
    return offset + len(head) - len(head.lstrip())


def _truncated(record: Any) -> bool:
    """True when the file ended before the record's declared Content-Length."""
    return getattr(record.raw_stream, "limit", 0) > 0


def _next_record(stream: IO[bytes], start: int, size: int) -> int:
    """Byte offset of the next record start (a gzip member or a WARC header) from ``start``."""
    stream.seek(start)
    position = start
    tail = b""
    while position < size:
        chunk = stream.read(_SCAN_CHUNK)
        if not chunk:
            break
        data = tail + chunk
        base = position - len(tail)
        found = [i for i in (data.find(_GZIP_MAGIC), data.find(b"\n" + _WARC_MAGIC)) if i >= 0]
        if found:
            hit = min(found)
            return base + hit + (1 if data[hit:hit + 1] == b"\n" else 0)
        tail = data[-8:]
        position += len(chunk)
    return size


def _record(record: Any, path: Path, offset: int,
            to_article: HtmlToArticle) -> list[Article] | InputError | str:
    """The page's articles, the reason the record is skipped, or the problem of a damaged
    record."""
    kind = record.rec_type
    if not kind:
        return _damaged(path, offset, "no WARC-Type header")
    if kind not in ARTICLE_RECORDS:
        return f"{kind}_record"
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    content_type = ""
    meta: dict[str, str] = {}
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        if status.startswith("3"):
            return "redirect"
        if not status.startswith("2"):
            return "http_error"
        content_type = record.http_headers.get_header("Content-Type") or ""
        if http_date := _iso_date(record.http_headers.get_header("Date")):
            meta["http_date"] = http_date
    elif kind == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    payload = record.content_stream().read()
    if not payload.strip():
        return "empty_payload"
    if not _is_html(content_type, payload):
        return "not_html"
    html, charset = _decode(payload, content_type, path, offset)
    if url:
        meta["url"] = url
    if crawl_date := record.rec_headers.get_header("WARC-Date"):
        meta["crawl_date"] = crawl_date
    meta["charset"] = charset
    meta["warc_offset"] = str(offset)
    try:
        return to_article(html, url or f"{path.name}@{offset}", path, meta)
    except InputError:
        return "no_main_text"


def _is_html(content_type: str, payload: bytes) -> bool:
    mime = content_type.split(";")[0].strip().lower()
    if mime:
        return mime in ("text/html", "application/xhtml+xml")
    return bool(_HTML_START.match(payload[:1024]))


def _decode(payload: bytes, content_type: str, path: Path, offset: int) -> tuple[str, str]:
    """The page's text and the charset used: declared (HTTP header, then <meta>) or detected."""
    declared = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    names = [declared.group(1)] if declared else []
    names += [m.decode("ascii", "ignore") for m in _META_CHARSET.findall(payload[:4096])]
    for name in names:
        try:
            encoding = codecs.lookup(name).name
            return payload.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        text = decode_text(payload, f"{path} (record at byte {offset})")
    except InputError:
        return payload.decode("utf-8", "replace"), "utf-8 (with replacements)"
    for encoding in ("utf-8", "cp1256", "cp1252"):
        if payload.decode(encoding, "replace") == text:
            return text, encoding
    return text, "detected"


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return None
