"""Test collections for crawled input, generated from NTREX-128 and the seed articles.

* ``brief_collection``: for each NTREX document a two-paragraph French brief, its Arabic
  translation, and a French distractor brief on the same story (the story's next lines, or
  for stories too short for that an independent Canadian-French translation of its end),
  each with a URL in one news site's patterns and a publication date. Even stories use UN
  News' shape (``/fr/story/YYYY/MM/ID`` and ``/ar/story/YYYY/MM/ID``: equal but for the
  language marker), odd ones France 24's (``/fr/monde/YYYYMMDD-ID-french-slug`` and
  ``/ar/<Arabic section>/YYYYMMDD-ID-<Arabic slug>``: only the id is shared). The
  distractor has its own id and is dated zero to two days later.
* ``seed_warc``: the seed pages as HTML responses in a WARC, among request records, a
  redirect, a 404, a stylesheet and a PDF.
* ``given_pair_lines``: NTREX documents as JSONL lines that carry both sides.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from align.bench.common import read_lines
from align.bench.ntrex import load_ntrex
from align.stages.ingest import split_header

SITE = "https://news.example.org"
FIRST_DAY = date(2019, 11, 1)
FRA_CA = "newstest2019-ref.fra-CA.txt"
SEED_URLS = {
    "000": "https://francais.rt.com/international/112233-ocs-cei-maximiser-cooperation",
    "001": "https://arabic.rt.com/world/1588101-" + quote("مؤتمر-طشقند"),
    "002": "https://francais.rt.com/international/112240-ouzbekistan-terrorisme",
    "003": "https://francais.rt.com/international/112251-tachkent-conference",
    "004": "https://francais.rt.com/international/112260-cei-securite",
}


@dataclass(frozen=True)
class Brief:
    """One generated article: id, language, text, URL, date, and the story it tells."""

    id: str
    lang: str
    text: str
    url: str
    date: str
    story: str

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "lang": self.lang, "text": self.text,
                           "url": self.url, "date": self.date}, ensure_ascii=False)


def _slug(title: str, lang: str) -> str:
    """A URL slug: the first words of the French title, or the Arabic section's own."""
    if lang != "fr":
        return quote("خبر")
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", folded)[:6])


def _brief(lines: list[str]) -> str:
    half = max(1, len(lines) // 2)
    return " ".join(lines[:half]) + "\n\n" + " ".join(lines[half:])


def brief_collection(data: Path, seed: int = 13) -> list[tuple[Brief, Brief, Brief]]:
    """(French brief, Arabic brief, French distractor) per NTREX document, in file order."""
    rng = random.Random(seed)
    documents = load_ntrex(data)
    canadian = read_lines(Path(data) / FRA_CA)
    start, found = 0, []
    for number, (doc_id, fr, ar) in enumerate(documents):
        other_fr = canadian[start:start + len(fr)][-4:]
        start += len(fr)
        day = FIRST_DAY + timedelta(days=number // 4)
        ids = rng.sample(range(1_000_000, 9_999_999), 2)
        late = day + timedelta(days=rng.randrange(3))

        def url(lang: str, when: date, article: int, number: int = number,
                title: str = fr[0]) -> str:
            if number % 2 == 0:
                return f"{SITE}/{lang}/story/{when:%Y/%m}/{article}"
            section = "monde" if lang == "fr" else quote("العالم")
            return f"{SITE}/{lang}/{section}/{when:%Y%m%d}-{article}-{_slug(title, lang)}"

        rest = fr[4:8] if len(fr) >= 6 else other_fr
        found.append((
            Brief(f"fr-{doc_id}", "fr", _brief(fr[:4]), url("fr", day, ids[0]),
                  day.isoformat(), doc_id),
            Brief(f"ar-{doc_id}", "ar", _brief(ar[:4]), url("ar", day, ids[0]),
                  day.isoformat(), doc_id),
            Brief(f"fr-{doc_id}-other", "fr", _brief(rest), url("fr", late, ids[1]),
                  late.isoformat(), doc_id),
        ))
    return found


def seed_warc(seeds: Path, out: Path, gzip: bool = True) -> Path:
    """Write the seed articles as HTML pages into a WARC, with records to be skipped."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def http(status: str, content_type: str | None, extra: list[tuple[str, str]] = ()
             ) -> StatusAndHeaders:
        headers = [("Date", "Tue, 03 Sep 2024 10:00:00 GMT"), *extra]
        if content_type:
            headers.append(("Content-Type", content_type))
        return StatusAndHeaders(status, headers, protocol="HTTP/1.1")

    with Path(out).open("wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(out.name, {"software": "align"}))

        def response(url: str, body: bytes, status: str, kind: str | None,
                     extra: list[tuple[str, str]] = ()) -> None:
            request = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "rt.com")],
                                       is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            writer.write_record(writer.create_warc_record(
                url, "response", payload=BytesIO(body), http_headers=http(status, kind, extra)))

        for path in sorted(Path(seeds).glob("*.txt")):
            url = SEED_URLS.get(path.name[:3], f"https://francais.rt.com/{path.stem}")
            response(url, _seed_page(path), "200 OK", "text/html; charset=utf-8")
        response("https://francais.rt.com/international", b"", "301 Moved Permanently", None,
                 [("Location", SEED_URLS["000"])])
        response("https://francais.rt.com/missing", b"<html>Not found</html>", "404 Not Found",
                 "text/html")
        response("https://francais.rt.com/static/site.css", b"body { margin: 0 }", "200 OK",
                 "text/css")
        response("https://francais.rt.com/media/report.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj",
                 "200 OK", "application/pdf")
    return out


def _seed_page(path: Path) -> bytes:
    """A seed article as the HTML page it was scraped from: title, paragraphs."""
    _, body = split_header(path.read_text(encoding="utf-8"))
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    paragraphs = "\n".join(f"<p>{escape(line)}</p>" for line in lines[1:])
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{escape(lines[0])}"
            f"</title></head><body><article><h1>{escape(lines[0])}</h1>\n{paragraphs}"
            f"</article></body></html>").encode()


def given_pair_lines(data: Path, first: int = 40, count: int = 30) -> list[str]:
    """NTREX documents ``first`` to ``first + count`` as JSONL lines with both sides,
    a paragraph per three lines, and UN-News-style URLs."""
    lines = []
    for doc_id, fr, ar in load_ntrex(data)[first:first + count]:
        record = {"id": doc_id, "fr": _paragraphs(fr), "ar": _paragraphs(ar),
                  "fr_url": f"{SITE}/fr/story/{doc_id}", "ar_url": f"{SITE}/ar/story/{doc_id}"}
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def _paragraphs(lines: list[str]) -> str:
    return "\n\n".join(" ".join(lines[i:i + 3]) for i in range(0, len(lines), 3))
