"""Read raw articles from .txt files, HTML pages, JSONL or WARC files into Article records."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from align.errors import InputError
from align.records import Article, Progress
from align.stages.encoding import (
    ENCODING_SAMPLE,
    controls,
    decode_text,
    is_mojibake,
    text_lines,
)
from align.stages.warc import WARC_SUFFIXES, SkipHandler, is_warc, read_warc

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
SUPPORTED = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES
# Longest article read as one: a long news article is under 50,000 characters, a novel about
# 1,000,000. A longer text is cut at paragraph breaks into parts read as separate articles,
# which bounds the cost and memory of the whole-text steps and lets progress be reported.
MAX_ARTICLE_CHARS = 2_000_000

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
_LANGUAGE_KEY = re.compile(r"^[a-z]{2,3}$")  # a JSONL field named by a language code
_FIELDS = ("id", "url", "lang", "date", "title", "author", "source")


def _read(path: Path) -> str:
    """Decode a file and reject empty or binary-looking content."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read the file ({error.strerror})") from None
    return _check_text(decode_text(data, path), path)


def _check_text(text: str, path: str | Path) -> str:
    """Reject empty or binary-looking text; mojibake (UTF-8 read as Latin-1, whose C1 controls
    look binary) passes, for cleaning to repair."""
    if not text.strip():
        raise InputError(path, "empty file")
    sample = text[:ENCODING_SAMPLE]
    if controls(sample) > 0.01 * len(sample) and not is_mojibake(sample):
        raise InputError(path, "binary file, not text (control characters)")
    return text


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Move header fields at the top of ``text`` (``date 2024-09``, ``url: …``) to a dict."""
    meta: dict[str, str] = {}
    lines = text_lines(text)
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
             lang: str | None = None) -> list[Article]:
    """The article, or its parts ``ID.part01``, … when it is over ``MAX_ARTICLE_CHARS``."""
    header, body = split_header(text)
    meta = {**header, **meta}
    lang = lang or meta.pop("lang", None)
    if not body.strip():
        raise InputError(source, "no text after the header lines")
    parts = cut_text(body, MAX_ARTICLE_CHARS)
    if len(parts) == 1:
        return [Article(id=id_, text=body, source=str(source), lang=lang, meta=meta)]
    width = len(str(len(parts)))
    return [Article(id=f"{id_}.part{k:0{width}d}", text=part, source=str(source), lang=lang,
                    meta={**meta, "part": f"{k}/{len(parts)}"})
            for k, part in enumerate(parts, start=1)]


def cut_text(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut after a blank line where one
    is near enough (in the last half of a part), else after a line, else at a space."""
    parts: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            at = window.rfind(separator)
            if at >= limit // 2:
                cut = at + len(separator)
                break
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:]
    return [*parts, text] if text.strip() or not parts else parts


def _read_txt(path: Path) -> Iterator[Article]:
    text = _read(path)
    yield from _article(path.stem, text, path, {})


def _read_html(path: Path) -> Iterator[Article]:
    yield from html_article(_read(path), path.stem, path, {})


def html_article(html: str, id_: str, source: Path, meta: dict[str, str]) -> list[Article]:
    """An HTML page's main text (trafilatura) as an article, with the page's metadata
    (published date, url, author, site name) under ``meta``'s own keys."""
    import trafilatura

    page = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                       include_tables=False)
    if page is None or not (page.text or "").strip():
        raise InputError(source, "no main text found in the HTML page")
    text = page.text
    if page.title and not text.lstrip().startswith(page.title.strip()):
        text = f"{page.title.strip()}\n\n{text}"
    found = {key: str(value) for key in ("date", "url", "author", "sitename")
             if (value := getattr(page, key, None))}
    return _article(id_, text, source, {**found, **meta})


def _read_jsonl(path: Path, on_error: ErrorHandler | None) -> Iterator[Article]:
    lines = _read(path).splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield from _jsonl_article(line, path, number)
        except InputError as error:
            if on_error is None:
                raise
            on_error(error)


def _jsonl_article(line: str, path: Path, number: int) -> list[Article]:
    """One article (``{"id", "text", …}``) or a given pair (``{"id", "fr", "ar", …}``)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(path, f"line {number}: invalid JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise InputError(path, f"line {number}: expected a JSON object")
    sides = [key for key, value in record.items()
             if _LANGUAGE_KEY.match(key) and key not in _FIELDS and isinstance(value, str)]
    if "text" not in record and len(sides) >= 2:
        return _pair_articles(record, sides, path, number)
    for field in ("id", "text"):
        if field not in record:
            raise InputError(path, f"line {number}: missing field {field!r} (or two language "
                                   f"fields such as 'fr' and 'ar' for a given pair)")
    meta = {key: str(value) for key, value in record.items()
            if key not in ("id", "text", "lang") and isinstance(value, (str, int, float))}
    lang = record.get("lang") if isinstance(record.get("lang"), str) else None
    text = _jsonl_text(record["text"], "text", path, number)
    return _article(_jsonl_id(record, path, number), text, path, meta, lang or None)


def _pair_articles(record: dict[str, object], sides: list[str], path: Path,
                   number: int) -> list[Article]:
    """Both sides of a given pair: the line's id for each, ``meta["pair"]`` linking them;
    ``<lang>_url`` and ``<lang>_date`` go to their side, other scalar fields to both."""
    id_ = _jsonl_id(record, path, number)
    prefixed = tuple(f"{lang}_" for lang in sides)
    shared = {key: str(value) for key, value in record.items()
              if key != "id" and key not in sides and not key.startswith(prefixed)
              and isinstance(value, (str, int, float))}
    articles = []
    for lang in sides:
        own = {key[len(lang) + 1:]: str(value) for key, value in record.items()
               if key.startswith(f"{lang}_") and isinstance(value, (str, int, float))}
        text = _jsonl_text(record[lang], lang, path, number)
        articles += _article(id_, text, path, {**shared, **own, "pair": id_}, lang)
    return articles


def _jsonl_id(record: dict[str, object], path: Path, number: int) -> str:
    if "id" not in record:
        raise InputError(path, f"line {number}: missing field 'id'")
    id_ = str(record["id"]).strip()
    if not id_:
        raise InputError(path, f"line {number}: field 'id' is empty")
    return id_


def _jsonl_text(value: object, name: str, path: Path, number: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, f"line {number}: field {name!r} must be a non-empty string")
    return value


def _files(path: Path, on_error: ErrorHandler | None) -> list[Path]:
    """The supported files of ``path``; entries of a directory that are not read are
    reported to ``on_error`` (a broken or looping link raises without it)."""
    if not path.exists():
        raise InputError(path, _link_problem(path) if path.is_symlink()
                         else "no such file or directory")
    if path.is_file():
        if not _supported(path):
            raise InputError(path, f"unsupported file type (expected {', '.join(SUPPORTED)})")
        return [path]
    files: list[Path] = []
    skipped: list[InputError] = []
    for entry in sorted(p for p in path.iterdir() if not p.name.startswith(".")):
        if entry.is_symlink() and not entry.exists():
            if on_error is None:
                raise InputError(entry, _link_problem(entry))
            skipped.append(InputError(entry, _link_problem(entry)))
        elif entry.is_dir():
            skipped.append(InputError(entry, "subdirectory, not read (only the top level of "
                                             "a directory is read; give it as an input)"))
        elif not _supported(entry):
            skipped.append(InputError(entry, f"unsupported file type, not read (expected "
                                             f"{', '.join(SUPPORTED)})"))
        else:
            files.append(entry)
    if not files:
        raise InputError(path, f"no supported files ({', '.join(SUPPORTED)}) in the directory")
    for problem in skipped:
        if on_error is not None:
            on_error(problem)
    return files


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED or is_warc(path)


def _link_problem(link: Path) -> str:
    try:
        link.resolve(strict=True)
    except FileNotFoundError:
        return f"symbolic link to a missing file ({link.readlink()}), not read"
    except (OSError, RuntimeError):
        pass
    return "symbolic link loop, not read"


def _read_file(file: Path, on_error: ErrorHandler | None,
               on_skip: SkipHandler | None) -> list[Article]:
    suffix = file.suffix.lower()
    if is_warc(file):
        return list(read_warc(file, html_article, on_skip, on_error))
    if suffix in JSONL_SUFFIXES:
        return list(_read_jsonl(file, on_error))
    if suffix in HTML_SUFFIXES:
        return list(_read_html(file))
    return list(_read_txt(file))


def read_articles(path: str | Path, on_error: ErrorHandler | None = None,
                  progress: Progress | None = None,
                  on_skip: SkipHandler | None = None) -> list[Article]:
    """Read every article under ``path`` (a file, or the top level of a directory, sorted).

    A problem with one file (a broken or looping link among them), one JSONL line or a
    duplicate id raises InputError, or, when ``on_error`` is given, is passed to it and that
    input is skipped (the first of duplicate ids is kept). Subdirectories and files of
    other types in a directory are not read, and are passed to ``on_error`` when it is
    given; hidden files (``.name``) are ignored. A missing path or a directory without
    supported files always raises. A text over ``MAX_ARTICLE_CHARS`` characters is read as
    parts (``ID.part01``, …, with ``meta["part"]`` = ``"1/N"``). ``progress`` is called with
    ``("ingest", files read, files)``. WARC records that are not articles (requests,
    redirects, non-HTML payloads…) are passed to ``on_skip`` by reason.
    """
    articles: list[Article] = []
    seen: dict[tuple[str, str], str] = {}  # (id, language) → file: a pair's sides share an id
    files = _files(Path(path), on_error)
    for done, file in enumerate(files, start=1):
        try:
            found = _read_file(file, on_error, on_skip)
        except InputError as error:
            if on_error is None:
                raise
            on_error(error)
            found = []
        for article in found:
            key = (article.id, article.lang or "")
            if key in seen:
                error = InputError(file, f"duplicate article id {article.id!r} (first in "
                                         f"{seen[key]})")
                if on_error is None:
                    raise error
                on_error(error)
                continue
            seen[key] = article.source
            articles.append(article)
        if progress:
            progress("ingest", done, len(files))
    return articles
