"""URL and date evidence for document pairing, as bitextor and ParaCrawl use it.

A site's French and Arabic versions of an article usually differ in their URLs only by a
language marker (``/fr/`` and ``/ar/``, ``fr.`` and ``ar.``, ``francais.`` and ``arabic.``,
``?lang=fr``, ``-fr.html``) and share an article id. ``url_key`` removes the markers so the
two URLs give the same key; ``article_ids`` finds the ids and ``slug_words`` the words of
a slug; ``date_proximity`` compares publication dates. Each gives a pairing feature in
[0, 1]; a feature is 0 (no evidence) when a URL or date is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

# Markers of a language in a host label, a path segment or a query value.
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "fr": ("fr", "fra", "fre", "french", "francais", "français", "fr-fr", "fr_fr"),
    "ar": ("ar", "ara", "arb", "arabic", "arabe", "arab", "ar-ar", "ar_ar", "ar-sa", "ar-ae",
           "ar-eg", "ar-ma"),
    "en": ("en", "eng", "english", "en-us", "en-gb", "en_us", "en_gb"),
    "es": ("es", "spa", "spanish", "espanol", "español", "es-es"),
    "de": ("de", "deu", "ger", "german", "deutsch", "de-de"),
}
LANGUAGE_QUERY_KEYS = ("lang", "language", "hl", "locale", "lng", "l")
_GENERIC_HOST = ("www", "m", "amp", "mobile")
_ID = re.compile(r"(?<![0-9a-z])(\d{4,})(?![0-9a-z])|(?<![0-9a-z])([0-9a-z]{8,})(?![0-9a-z])")
_DATE_IN_PATH = re.compile(
    r"(?<!\d)(?:19|20)\d{2}[/-]?(?:0?[1-9]|1[0-2])(?:[/-]?(?:0?[1-9]|[12]\d|3[01]))?(?!\d)")
_SLUG_WORD = re.compile(r"[a-z]{3,}")
_SUFFIX = re.compile(r"[._-]([a-z]{2,3})(?=\.[a-z0-9]{2,5}$|$)")
_ISO_DATE = re.compile(r"((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})")


def language_markers(languages: Iterable[str]) -> set[str]:
    """Every marker of the given languages (their codes and names)."""
    markers: set[str] = set()
    for lang in languages:
        markers.add(lang.lower())
        markers.update(LANGUAGE_NAMES.get(lang.lower(), ()))
    return markers


def _strip_host(host: str, markers: set[str]) -> str:
    labels = host.lower().split(".")
    while len(labels) > 2 and (labels[0] in markers or labels[0] in _GENERIC_HOST):
        labels.pop(0)
    return ".".join(labels)


def _strip_segment(segment: str, markers: set[str]) -> str:
    """A path segment without a language suffix (``article-ar.html`` → ``article.html``)."""
    match = _SUFFIX.search(segment)
    if match and match.group(1) in markers:
        return segment[: match.start()] + segment[match.end():]
    return segment


def url_key(url: str, languages: Sequence[str] = ("fr", "ar")) -> str:
    """The URL with its language markers removed: the same for a page's translations.

    >>> url_key("https://news.un.org/fr/story/2024/01/1145678")
    'news.un.org/story/2024/01/1145678'
    >>> url_key("https://arabic.euronews.com/2024/01/05/gaza-talks?lang=ar")
    'euronews.com/2024/01/05/gaza-talks'
    """
    if not url:
        return ""
    parts = urlsplit(url.strip() if "//" in url else f"//{url.strip()}")
    markers = language_markers(languages)
    host = _strip_host(parts.hostname or "", markers)
    segments = [s for s in parts.path.lower().split("/") if s]
    segments = [_strip_segment(s, markers) for s in segments if s not in markers]
    if segments and segments[-1] in ("index.html", "index.htm", "index.php"):
        segments.pop()
    query = [(k, v) for k, v in parse_qsl(parts.query)
             if k.lower() not in LANGUAGE_QUERY_KEYS and v.lower() not in markers]
    key = "/".join([host, *segments])
    return f"{key}?{urlencode(sorted(query))}" if query else key


def site(url: str, languages: Sequence[str] = ("fr", "ar")) -> str:
    """The host without language or generic labels (``francais.rt.com`` → ``rt.com``)."""
    return url_key(url, languages).split("/", 1)[0].split("?", 1)[0]


def article_ids(url: str) -> set[str]:
    """Ids in a URL's path and query: runs of 4+ digits or 8+ letters and digits holding a
    digit, dates excluded (``/2024/01/05/`` is shared by every article of a day)."""
    if not url:
        return set()
    parts = urlsplit(url if "//" in url else f"//{url}")
    text = _DATE_IN_PATH.sub(" ", f"{parts.path} {parts.query}".lower())
    ids = set()
    for digits, token in _ID.findall(text):
        value = digits or token
        if digits or any(c.isdigit() for c in value):
            ids.add(value)
    return ids


def slug_words(url: str, languages: Sequence[str] = ("fr", "ar")) -> set[str]:
    """Words of three or more Latin letters in the last segment of the language-stripped
    path, the slug (section names such as ``/story/`` are shared by every article)."""
    path = url_key(url, languages).split("?", 1)[0].split("/")[1:]
    return set(_SLUG_WORD.findall(path[-1])) if path else set()


def url_match(src_url: str, tgt_url: str, languages: Sequence[str] = ("fr", "ar")) -> float:
    """1 when the two URLs differ only by language markers, else 0."""
    if not src_url or not tgt_url or src_url == tgt_url:
        return 0.0
    key = url_key(src_url, languages)
    return float("/" in key and key == url_key(tgt_url, languages))


def shared_id(src_url: str, tgt_url: str, languages: Sequence[str] = ("fr", "ar")) -> float:
    """Evidence the URLs name the same article on one site: 1 for a shared article id,
    else the Jaccard overlap of their slug words; 0 across sites or without URLs."""
    if not src_url or not tgt_url or site(src_url, languages) != site(tgt_url, languages):
        return 0.0
    if article_ids(src_url) & article_ids(tgt_url):
        return 1.0
    a, b = slug_words(src_url, languages), slug_words(tgt_url, languages)
    return len(a & b) / len(a | b) if a and b else 0.0


@lru_cache(maxsize=1 << 16)  # called for every candidate pair; dates repeat
def parse_date(value: str | None) -> date | None:
    """The date in an ISO-like string (``2024-09-03``, ``2024-09-03T10:00:00Z``), if any."""
    match = _ISO_DATE.search(value or "")
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def date_proximity(src_date: str | None, tgt_date: str | None, scale_days: float = 7.0) -> float:
    """1 for the same day, falling linearly to 0 at ``scale_days`` apart; 0 without dates."""
    a, b = parse_date(src_date), parse_date(tgt_date)
    if a is None or b is None:
        return 0.0
    return max(0.0, 1.0 - abs((a - b).days) / scale_days)


def url_evidence(
    src_meta: dict[str, str], tgt_meta: dict[str, str], languages: Sequence[str] = ("fr", "ar")
) -> dict[str, float]:
    """The URL and date features of a candidate pair, from the documents' metadata."""
    src_url, tgt_url = src_meta.get("url", ""), tgt_meta.get("url", "")
    return {
        "url_match": url_match(src_url, tgt_url, languages),
        "shared_id": shared_id(src_url, tgt_url, languages),
        "date_proximity": date_proximity(src_meta.get("date"), tgt_meta.get("date")),
    }


def blocking_keys(url: str, languages: Sequence[str] = ("fr", "ar")) -> set[str]:
    """Keys under which a page's translation is expected: its language-stripped URL and
    its site's article ids. Documents sharing a key are pairing candidates."""
    if not url:
        return set()
    keys = {f"url:{url_key(url, languages)}"}
    host = site(url, languages)
    keys.update(f"id:{host}:{value}" for value in article_ids(url))
    return keys
