"""WARC input: pages become articles, other records are counted, damage is reported."""

from __future__ import annotations

from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from align.engine.pipeline import BuildConfig, build_corpus
from align.errors import InputError
from align.stages.ingest import read_articles

FRENCH = ("<p>Une conférence conjointe de la CEI et de l’OCS sur la lutte contre le terrorisme "
          "a débuté mercredi à Tachkent, en Ouzbékistan.</p><p>Les participants discuteront "
          "jeudi de la lutte contre le financement du terrorisme et de la coopération.</p>")
ARABIC = ("<p>انطلق اليوم الأربعاء مؤتمر مشترك لكومنولث الدول المستقلة ومنظمة شانغهاي للتعاون "
          "حول مكافحة الإرهاب في طشقند بأوزبكستان.</p><p>وسيناقش الحضور، الخميس، التعاون في "
          "مجال مكافحة تمويل الإرهاب والتعاون بين الأجهزة.</p>")
DATE = "Wed, 04 Sep 2024 08:30:00 GMT"


def page(title: str, body: str, published: str = "") -> str:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (f"<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>")


def http(status: str, content_type: str | None) -> StatusAndHeaders:
    headers = [("Date", DATE)] + ([("Content-Type", content_type)] if content_type else [])
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


def write_warc(path: Path, records: list[tuple], gzip: bool = True) -> Path:
    """Records as (type, url, payload bytes, HTTP status or None, content type)."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        for kind, url, payload, status, content_type in records:
            if kind == "warcinfo":
                writer.write_record(writer.create_warcinfo_record(path.name, {"software": "t"}))
                continue
            if kind == "request":
                headers = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "x")],
                                           is_http_request=True)
                writer.write_record(writer.create_warc_record(url, "request",
                                                              http_headers=headers))
                continue
            headers = http(status, content_type) if status else None
            extra = {} if headers else {"warc_content_type": content_type}
            writer.write_record(writer.create_warc_record(
                url, kind, payload=BytesIO(payload), http_headers=headers, **extra))
    return path


FR_URL = "https://francais.rt.com/international/112233-tachkent-conference"
AR_URL = "https://arabic.rt.com/world/1588101-tashkent"
PAGES = [
    ("warcinfo", "", b"", None, None),
    ("request", FR_URL, b"", None, None),
    ("response", FR_URL, page("Conférence de Tachkent", FRENCH, "2024-09-04").encode(),
     "200 OK", "text/html; charset=utf-8"),
    ("response", AR_URL, page("مؤتمر طشقند", ARABIC).encode("cp1256"), "200 OK",
     "text/html; charset=windows-1256"),
    ("response", "https://francais.rt.com/", b"", "301 Moved Permanently", None),
    ("response", "https://francais.rt.com/missing", b"<html>absent</html>", "404 Not Found",
     "text/html"),
    ("response", "https://francais.rt.com/site.css", b"body {}", "200 OK", "text/css"),
    ("response", "https://francais.rt.com/a.pdf", b"%PDF-1.4", "200 OK", "application/pdf"),
    ("metadata", FR_URL, b"outlinks: none", None, "application/warc-fields"),
]


FR_URL2 = "https://francais.rt.com/international/112240-ouzbekistan"
AGAIN = [("response", FR_URL2, *PAGES[2][2:])]


def read(path: Path) -> tuple[list, Counter, list[str]]:
    skipped: Counter[str] = Counter()
    errors: list[str] = []
    articles = read_articles(path, on_error=lambda e: errors.append(str(e)),
                             on_skip=lambda reason: skipped.update([reason]))
    return articles, skipped, errors


@pytest.mark.parametrize("gzip", [True, False])
def test_pages_become_articles_and_other_records_are_counted(tmp_path, gzip) -> None:
    name = "crawl.warc.gz" if gzip else "crawl.warc"
    articles, skipped, errors = read(write_warc(tmp_path / name, PAGES, gzip))
    assert errors == []
    assert [a.id for a in articles] == [FR_URL, AR_URL]
    french, arabic = articles
    assert french.text.startswith("Conférence de Tachkent")
    assert "financement du terrorisme" in french.text
    assert french.meta["url"] == FR_URL
    assert french.meta["date"] == "2024-09-04"  # stated by the page
    assert french.meta["http_date"] == "2024-09-04"
    assert french.meta["charset"] == "utf-8"
    assert arabic.meta["charset"] == "cp1256"  # declared in the HTTP header
    assert "مكافحة الإرهاب في طشقند" in arabic.text
    assert skipped == {"warcinfo_record": 1, "request_record": 1, "redirect": 1,
                       "http_error": 1, "not_html": 2, "metadata_record": 1}


def test_charset_is_detected_when_not_declared(tmp_path) -> None:
    records = [("response", AR_URL, page("مؤتمر طشقند", ARABIC).encode("cp1256"), "200 OK",
                "text/html")]
    [article], _, _ = read(write_warc(tmp_path / "a.warc.gz", records))
    assert article.meta["charset"] == "cp1256"
    assert "طشقند" in article.text


def test_resource_record_without_http_headers(tmp_path) -> None:
    records = [("resource", FR_URL, page("Conférence", FRENCH).encode(), None, "text/html")]
    [article], _, _ = read(write_warc(tmp_path / "r.warc", records, gzip=False))
    assert article.meta["url"] == FR_URL


def test_truncated_gzip_warc_reports_the_offset_and_keeps_the_rest(tmp_path) -> None:
    path = write_warc(tmp_path / "t.warc.gz", PAGES[2:4] + AGAIN)
    data = path.read_bytes()
    path.write_bytes(data[:-40])
    articles, _, errors = read(path)
    assert [a.id for a in articles] == [FR_URL, AR_URL]
    [error] = errors
    assert error.startswith(f"{path}: record at byte ") and "truncated" in error


def test_truncated_uncompressed_warc(tmp_path) -> None:
    path = write_warc(tmp_path / "t.warc", PAGES[2:4], gzip=False)
    path.write_bytes(path.read_bytes()[:-200])
    articles, _, errors = read(path)
    assert [a.id for a in articles] == [FR_URL]
    [error] = errors
    assert "truncated record" in error and "record at byte" in error


@pytest.mark.parametrize("gzip", [True, False])
def test_damaged_record_is_reported_and_the_next_is_read(tmp_path, gzip) -> None:
    name = "d.warc.gz" if gzip else "d.warc"
    path = write_warc(tmp_path / name, PAGES[2:4] + AGAIN, gzip)
    data = path.read_bytes()
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        single = [records.get_record_offset() for _ in records][1]
    # overwrite the start of the second record: its header (or gzip member) is unreadable
    path.write_bytes(data[:single] + b"XXXXXXXXXXXX" + data[single + 12:])
    articles, _, errors = read(path)
    assert [a.id for a in articles] == [FR_URL, FR_URL2]
    [error] = errors
    assert error.startswith(f"{path}: record at byte {single}:")


def test_damaged_warc_raises_without_a_handler(tmp_path) -> None:
    path = write_warc(tmp_path / "x.warc.gz", PAGES[2:3])
    path.write_bytes(b"not a warc file at all\n" * 3)
    with pytest.raises(InputError, match=r"x\.warc\.gz: record at byte 0"):
        read_articles(path)


def test_build_counts_skipped_records_and_keeps_urls(tmp_path, embedder) -> None:
    path = write_warc(tmp_path / "crawl.warc.gz", PAGES)
    result = build_corpus(path, BuildConfig(), embedder)
    assert result.skipped_records == {"http_error": 1, "metadata_record": 1, "not_html": 2,
                                      "redirect": 1, "request_record": 1, "warcinfo_record": 1}
    [pair] = result.pairs
    assert (pair.pair.src.id, pair.pair.tgt.id) == (FR_URL, AR_URL)
    assert result.segments
    assert all((s.src_url, s.tgt_url) == (FR_URL, AR_URL) for s in result.segments)
