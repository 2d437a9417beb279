"""Read raw articles from .txt files, HTML pages or JSONL files into Article records."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from align.errors import InputError
from align.records import Article

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
SUPPORTED = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
ENCODING_SAMPLE = 100_000  # characters scored to choose a legacy encoding

ErrorHandler = Callable[[InputError], None]

# Header fields recognised at the top of a text file. "key: value" takes the whole line;
# without a colon only a value of the expected shape is taken and the rest of the line is
# text (scrapers often glue "date 2024-09" to the title).
_DATE = r"\d{4}(?:-\d{1,2}){0,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
_HEADER_KEYS = "date|url|title|author|source|lang"
_HEADER_COLON = re.compile(rf"^\s*({_HEADER_KEYS})\s*:\s*(\S.*?)\s*$", re.IGNORECASE)
_HEADER_BARE = re.compile(
    rf"^\s*(?:(date)\s+({_DATE})|(url)\s+(https?://\S+))(?:\s+|$)", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]+")


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f"


def _plausibility(text: str) -> float:
    """Score a decoding: letters in words of one consistent script minus garbled words.

    A word is Arabic when all its letters are, Latin when at most half of its letters (or
    one) are non-ASCII; anything else is what a wrong code page produces ("ÇáÚÇáã").
    """
    arabic = latin = garbled = 0
    for word in _WORD.findall(text):
        n = len(word)
        n_arabic = sum(map(_is_arabic, word))
        non_ascii = n - sum(c.isascii() for c in word)
        if n_arabic == n:
            arabic += n
        elif n_arabic == 0 and non_ascii <= max(1, n // 2):
            latin += n
        else:
            garbled += n
    return max(arabic, latin) + min(arabic, latin) / 2 - 2 * garbled


def decode_text(data: bytes, path: str | Path) -> str:
    """Decode UTF-8 (BOM or not), UTF-16/32 with a BOM, or legacy cp1256 / cp1252 text."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    ):  # fmt: skip
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise InputError(path, f"undecodable {encoding} text ({error.reason} at "
                                       f"byte {error.start})") from None
    if b"\x00" in data:
        raise InputError(path, "binary file, not text (contains NUL bytes; UTF-16 text "
                               "needs a byte-order mark)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_error = error
    # Mostly valid UTF-8 with a few bad bytes is damaged UTF-8; legacy code pages only form
    # valid UTF-8 sequences by chance (in cp1256, a letter before the Arabic comma 0xA1).
    replaced = data.decode("utf-8", "replace")
    valid = sum(ord(c) > 127 for c in replaced) - replaced.count("\ufffd")
    if valid > replaced.count("\ufffd"):
        raise InputError(path, f"undecodable text: UTF-8 mixed with invalid bytes (first at "
                               f"byte {utf8_error.start})")
    candidates = [data.decode("cp1256")]
    try:
        candidates.append(data.decode("cp1252"))
    except UnicodeDecodeError:
        candidates.append(data.decode("latin-1"))
    scores = [_plausibility(text[:ENCODING_SAMPLE]) for text in candidates]
    best = max(range(2), key=lambda i: (scores[i], i))  # ties go to cp1252
    if scores[best] <= 0:
        raise InputError(path, "undecodable text: neither UTF-8 nor recognisable "
                               "Arabic (cp1256) or Latin (cp1252) text")
    return candidates[best]


def _read(path: Path) -> str:
    """Decode a file and reject empty or binary-looking content."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read the file ({error.strerror})") from None
    return _check_text(decode_text(data, path), path)


def _check_text(text: str, path: str | Path) -> str:
    """Reject empty or binary-looking text."""
    if not text.strip():
        raise InputError(path, "empty file")
    sample = text[:ENCODING_SAMPLE]
    controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f\v")
                   or 0x7F <= ord(c) < 0xA0)
    if controls > 0.01 * len(sample):
        raise InputError(path, "binary file, not text (control characters)")
    return text


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Move header fields at the top of ``text`` (``date 2024-09``, ``url: …``) to a dict."""
    meta: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        colon = _HEADER_COLON.match(line)
        if colon:
            meta.setdefault(colon.group(1).lower(), colon.group(2))
            i += 1
            continue
        bare = _HEADER_BARE.match(line)
        if bare:
            key = (bare.group(1) or bare.group(3)).lower()
            meta.setdefault(key, bare.group(2) or bare.group(4))
            lines[i] = line[bare.end():]
            if not lines[i].strip():
                i += 1
                continue
        break
    return meta, "\n".join(lines[i:])


def _article(id_: str, text: str, source: Path, meta: dict[str, str],
             lang: str | None = None) -> Article:
    header, body = split_header(text)
    meta = {**header, **meta}
    lang = lang or meta.pop("lang", None)
    if not body.strip():
        raise InputError(source, "no text after the header lines")
    return Article(id=id_, text=body, source=str(source), lang=lang, meta=meta)


def _read_txt(path: Path) -> Iterator[Article]:
    text = _read(path)
    yield _article(path.stem, text, path, {})


def _read_html(path: Path) -> Iterator[Article]:
    import trafilatura

    html = _read(path)
    page = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                       include_tables=False)
    if page is None or not (page.text or "").strip():
        raise InputError(path, "no main text found in the HTML page")
    text = page.text
    if page.title and not text.lstrip().startswith(page.title.strip()):
        text = f"{page.title.strip()}\n\n{text}"
    meta = {key: str(value) for key in ("date", "url", "author", "sitename")
            if (value := getattr(page, key, None))}
    yield _article(path.stem, text, path, meta)


def _read_jsonl(path: Path, on_error: ErrorHandler | None) -> Iterator[Article]:
    lines = _read(path).splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield _jsonl_article(line, path, number)
        except InputError as error:
            if on_error is None:
                raise
            on_error(error)


def _jsonl_article(line: str, path: Path, number: int) -> Article:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(path, f"line {number}: invalid JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise InputError(path, f"line {number}: expected a JSON object")
    for field in ("id", "text"):
        if field not in record:
            raise InputError(path, f"line {number}: missing field {field!r}")
    text = record["text"]
    if not isinstance(text, str) or not text.strip():
        raise InputError(path, f"line {number}: field 'text' must be a non-empty string")
    id_ = str(record["id"]).strip()
    if not id_:
        raise InputError(path, f"line {number}: field 'id' is empty")
    meta = {key: str(value) for key, value in record.items()
            if key not in ("id", "text", "lang") and isinstance(value, (str, int, float))}
    lang = record.get("lang") if isinstance(record.get("lang"), str) else None
    return _article(id_, text, path, meta, lang or None)


def _files(path: Path) -> list[Path]:
    if not path.exists():
        raise InputError(path, "no such file or directory")
    if path.is_file():
        if path.suffix.lower() not in SUPPORTED:
            raise InputError(path, f"unsupported file type (expected {', '.join(SUPPORTED)})")
        return [path]
    files = sorted(p for p in path.iterdir()
                   if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith("."))
    if not files:
        raise InputError(path, f"no supported files ({', '.join(SUPPORTED)}) in the directory")
    return files


def read_articles(path: str | Path, on_error: ErrorHandler | None = None) -> list[Article]:
    """Read every article under ``path`` (a file, or the top level of a directory, sorted).

    A problem with one file, one JSONL line or a duplicate id raises InputError, or, when
    ``on_error`` is given, is passed to it and that input is skipped (the first of
    duplicate ids is kept). A missing path or a directory without supported files
    always raises.
    """
    articles: list[Article] = []
    seen: dict[str, str] = {}
    for file in _files(Path(path)):
        suffix = file.suffix.lower()
        try:
            if suffix in JSONL_SUFFIXES:
                found = list(_read_jsonl(file, on_error))
            elif suffix in HTML_SUFFIXES:
                found = list(_read_html(file))
            else:
                found = list(_read_txt(file))
        except InputError as error:
            if on_error is None:
                raise
            on_error(error)
            continue
        for article in found:
            if article.id in seen:
                error = InputError(file, f"duplicate article id {article.id!r} (first in "
                                         f"{seen[article.id]})")
                if on_error is None:
                    raise error
                on_error(error)
                continue
            seen[article.id] = article.source
            articles.append(article)
    return articles
