"""Read raw articles from .txt files, HTML pages or JSONL files into Article records."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from align.errors import InputError
from align.records import Article, Progress
from align.stages.encoding import ENCODING_SAMPLE, controls, decode_text, is_mojibake

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
SUPPORTED = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
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


def _read(path: Path) -> str:
    """Decode a file and reject empty or binary-looking content."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read the file ({error.strerror})") from None
    return _check_text(decode_text(data, path), path)


def _check_text(text: str, path: str | Path) -> str:
    """Reject empty, binary-looking or double-decoded (mojibake) text."""
    if not text.strip():
        raise InputError(path, "empty file")
    sample = text[:ENCODING_SAMPLE]
    if controls(sample) > 0.01 * len(sample):
        if is_mojibake(sample):
            raise InputError(path, "mojibake: UTF-8 text that was decoded as Latin-1 and "
                                   "saved again ('Ã©' for 'é', 'Ø§Ù\x84' for 'ال'); "
                                   "decode it once more as UTF-8 and retry")
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
    yield from _article(path.stem, text, path, meta)


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


def _files(path: Path, on_error: ErrorHandler | None) -> list[Path]:
    """The supported files of ``path``; entries of a directory that are not read are
    reported to ``on_error`` (a broken or looping link raises without it)."""
    if not path.exists():
        raise InputError(path, _link_problem(path) if path.is_symlink()
                         else "no such file or directory")
    if path.is_file():
        if path.suffix.lower() not in SUPPORTED:
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
        elif entry.suffix.lower() not in SUPPORTED:
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


def _link_problem(link: Path) -> str:
    try:
        link.resolve(strict=True)
    except FileNotFoundError:
        return f"symbolic link to a missing file ({link.readlink()}), not read"
    except (OSError, RuntimeError):
        pass
    return "symbolic link loop, not read"


def _read_file(file: Path, on_error: ErrorHandler | None) -> list[Article]:
    suffix = file.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return list(_read_jsonl(file, on_error))
    if suffix in HTML_SUFFIXES:
        return list(_read_html(file))
    return list(_read_txt(file))


def read_articles(path: str | Path, on_error: ErrorHandler | None = None,
                  progress: Progress | None = None) -> list[Article]:
    """Read every article under ``path`` (a file, or the top level of a directory, sorted).

    A problem with one file (a broken or looping link among them), one JSONL line or a
    duplicate id raises InputError, or, when ``on_error`` is given, is passed to it and that
    input is skipped (the first of duplicate ids is kept). Subdirectories and files of
    other types in a directory are not read, and are passed to ``on_error`` when it is
    given; hidden files (``.name``) are ignored. A missing path or a directory without
    supported files always raises. A text over ``MAX_ARTICLE_CHARS`` characters is read as
    parts (``ID.part01``, …, with ``meta["part"]`` = ``"1/N"``). ``progress`` is called with
    ``("ingest", files read, files)``.
    """
    articles: list[Article] = []
    seen: dict[str, str] = {}
    files = _files(Path(path), on_error)
    for done, file in enumerate(files, start=1):
        try:
            found = _read_file(file, on_error)
        except InputError as error:
            if on_error is None:
                raise
            on_error(error)
            found = []
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
        if progress:
            progress("ingest", done, len(files))
    return articles
