"""Turn raw articles into clean documents: main-text paragraphs in one identified language.

Each line is a paragraph. A paragraph is dropped, with its reason counted in
``Document.removed``, when it is

* ``cross_document``: site furniture repeated across the pages of one site
  (:func:`is_furniture`): a short line that is not a sentence, found on several pages, or
  any line found on a large share of the site's pages. A full sentence shared by a few
  articles (an updated version, republished wire copy) is content and stays;
* ``foreign_language``: confidently in a language other than the document's;
* ``footer``: a share / comment / subscribe / login line: it holds a cue word of
  ``CUES`` and does not end as a sentence (the cues are one signal, never enough alone);
* ``byline``: a short line with a date and no sentence punctuation ("Ajouté le … par …");
* ``navigation``: no letters, at most three words without sentence punctuation, a short
  ALL-CAPS line, or a line after the last body paragraph that is not itself body-like
  (agency tags, "back to top" buttons); ``footer`` again when such a line holds a cue.

Body-like means a sentence of five words or more, a line of fifteen words or more, or,
for a line holding a cue word, a sentence of twelve words or more.

A paragraph repeated inside one document is kept: its translation on the other side is
often worded differently, so dropping it on one side only would break the parallelism.
Repeats are removed after alignment, as duplicate segments (``align.stages.filters``).

A title's site-name suffix ("… – Site News") is cut and kept in ``meta["site"]``.
Mojibake (UTF-8 read as cp1252: "OuzbÃ©kistan") is repaired by ftfy, and Arabic words run
together by a scraper ("جعلتالدورةالتدريبية") are split again (:mod:`align.stages.spacing`);
both are counted in ``Document.repaired``, in lines. The kept paragraphs are NFC of the
original text; matching uses :func:`normalise_for_matching`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import ftfy

from align.fold import fold_arabic
from align.records import Article, Document, Progress
from align.stages.encoding import text_lines
from align.stages.language import UNDETERMINED, identify, line_language, script_profile
from align.stages.spacing import restore_spaces

# Cue words of page furniture, by language; matched on normalised, case-folded lines.
CUES: dict[str, tuple[str, ...]] = {
    "fr": ("partager", "partagez", "commentaire", "commentaires", "commenter", "s'abonner",
           "abonnez-vous", "newsletter", "inscrivez-vous", "identifiez-vous",
           "connectez-vous", "se connecter", "créer un compte", "lire aussi", "voir aussi",
           "publicité", "cookies", "tous droits réservés", "suivez-nous", "haut de page"),
    "en": ("share", "comment", "comments", "subscribe", "sign in", "sign up", "log in",
           "login", "read more", "read also", "advertisement", "all rights reserved",
           "follow us", "back to top"),
    # Arabic cues match inside words (clitics attach to them).
    "ar": ("مشاركة", "تعليق", "اشترك", "الاشتراك", "تسجيل الدخول", "البريد الالكتروني",
           "البريد الإلكتروني", "بريدك", "اقرأ أيضا", "إقرأ أيضا", "جميع الحقوق محفوظة",
           "تابعونا"),
}
_CUE = re.compile(
    "|".join([rf"(?<!\w){re.escape(w)}(?!\w)" for lang in ("fr", "en") for w in CUES[lang]]
             + [re.escape(w) for w in CUES["ar"]] + ["©"])
)
_FINAL_PUNCT = set(".!?؟…")
_CLOSERS = "\"'»”’)] \u00a0\u202f"
_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b")
_BYLINE_START = re.compile(r"^(?:par|by|بقلم)\s+\w", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"^(?P<title>.*\S)\s+(?P<sep>[–—|-])\s+(?P<site>[^–—|]+?)$")
_MEDIA_WORD = re.compile(r"(?i)\b(?:news|info|tv|press|actu\w*|journal|times|post|today|"
                         r"online|agen\w+|radio|\d+)\b|\.\w{2,3}\b")
_SPACES = re.compile(r"[ \t]+")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u00ad"))
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
# A UTF-8 lead byte then a continuation byte, both read as cp1252 or Latin-1.
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d"
                       "\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e"
                       "\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
FOREIGN_CONFIDENCE = 0.7  # no French or Arabic line of NTREX-128 is misread at 0.5
SHORT_LINE_WORDS = 8  # a line under this many words that is not a sentence is a short line
SHORT_LINE_SHARE = 0.02  # short lines on this share of a site's pages (and 2+) are furniture
FURNITURE_SHARE = 0.3  # any line on this share of a site's pages (and 5+) is furniture
MIN_FURNITURE_PAGES = 5


@lru_cache(maxsize=8)
def _moses(lang: str) -> Any:
    from sacremoses import MosesPunctNormalizer

    return MosesPunctNormalizer(lang=lang, pre_replace_unicode_punct=True,
                                post_remove_control_chars=True)


def normalise_digits(text: str) -> str:
    """Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits to ASCII."""
    return text.translate(_DIGITS)


def normalise_for_matching(text: str, lang: str) -> str:
    """A matching key for ``text``: NFKC, unified quotes and spaces, bare Arabic letters.

    NFKC maps Arabic presentation forms to base letters and no-break / narrow spaces to
    spaces; sacremoses unifies quotes, apostrophes, dashes and French punctuation
    spacing; Arabic is folded (:func:`align.fold.fold_arabic`: no tatweel, vowel or Quranic
    marks, Persian/Urdu letter forms as Arabic) and Arabic-Indic digits become ASCII. Never
    used for published text.
    """
    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE))
    text = _moses(lang).normalize(text)
    text = normalise_digits(fold_arabic(text))
    return " ".join(text.split())


def comparison_key(text: str) -> str:
    """A key that ignores case, spacing, punctuation, digit scripts, Arabic diacritics and
    tatweel: near-duplicate segments and excluded sentences are found with it."""
    folded = _PUNCTUATION.sub(" ", normalise_for_matching(text, "xx").casefold())
    return " ".join(folded.split())


def repair_encoding(text: str) -> str:
    """``text`` with mojibake undone (UTF-8 decoded as cp1252 or Latin-1), by ftfy.

    Only text holding what such a misreading produces (a UTF-8 lead byte read as "Ã", "Ø",
    "â"… before a continuation byte read as "©", "€", "™"…) is handed to ftfy.
    """
    return ftfy.fix_encoding(text) if _MOJIBAKE.search(text) else text


def _key(text: str) -> str:
    """Language-independent matching key used for repeats within and across documents."""
    return normalise_for_matching(text, "xx").casefold()


@dataclass(slots=True)
class _Paragraph:
    """One line of an article and the shape features the rules look at."""

    text: str
    key: str
    words: int
    final: bool  # ends as a sentence
    cue: bool

    @property
    def body(self) -> bool:
        """Looks like article text: a sentence (a long one when it holds a cue word) or a
        long line without cue words."""
        if self.cue:
            return self.final and self.words >= 12
        return (self.final and self.words >= 5) or self.words >= 15


def _paragraph(text: str) -> _Paragraph:
    key = _key(text)
    tail = text.rstrip(_CLOSERS)
    return _Paragraph(text=text, key=key, words=len(text.split()),
                      final=bool(tail) and tail[-1] in _FINAL_PUNCT, cue=bool(_CUE.search(key)))


def split_lines(text: str) -> list[str]:
    """Non-empty lines of ``text``, NFC, trimmed, with runs of spaces/tabs collapsed."""
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return [line for raw in text_lines(text) if (line := _SPACES.sub(" ", raw).strip())]


def repaired_lines(text: str) -> tuple[list[str], dict[str, int]]:
    """:func:`split_lines` of ``text`` with mojibake repaired and Arabic words run together
    split again (:mod:`align.stages.spacing`), and how many lines each repair changed."""
    lines = text_lines(text)
    decoded = [repair_encoding(line) for line in lines]
    spaced = [restore_spaces(line) for line in decoded]
    changed = {
        "mojibake": sum(a != b for a, b in zip(lines, decoded, strict=True)),
        "missing_spaces": sum(a != b for a, b in zip(decoded, spaced, strict=True)),
    }
    return split_lines("\n".join(spaced)), {k: n for k, n in changed.items() if n}


def _foreign(text: str, lang: str, script: str) -> bool:
    """Whether a line is mostly in another script than the document's, or is confidently
    identified as another language."""
    line_script, share, letters = script_profile(text)
    if letters >= 3 and share >= 0.5 and line_script not in ("other", script):
        return True
    other, confidence = line_language(text)
    return other not in (lang, UNDETERMINED) and confidence >= FOREIGN_CONFIDENCE


def _reason(p: _Paragraph, lang: str, script: str, boilerplate: Container[str]) -> str | None:
    """Why a paragraph is dropped on its own merits, or None."""
    if not any(c.isalpha() for c in p.key):
        return "navigation"
    if p.key in boilerplate:
        return "cross_document"
    if _foreign(p.text, lang, script):
        return "foreign_language"
    if p.cue and not p.final:
        return "footer"
    if not p.final and p.words <= 12 and (_DATE.search(p.text) or
                                          (p.words <= 6 and _BYLINE_START.match(p.text))):
        return "byline"
    if not p.final and (p.words <= 3 or (p.words <= 4 and p.text.upper() == p.text)):
        return "navigation"
    return None


def _strip_site(title: str) -> tuple[str, str | None]:
    """Cut a site-name suffix ("… – RT World News") from a title."""
    match = _TITLE_SUFFIX.match(title) if len(title) <= 300 else None
    if not match:
        return title, None
    site, sep = match["site"], match["sep"]
    words = site.split()
    title_script = script_profile(match["title"])[0]
    foreign_script = script_profile(site)[0] not in (title_script, "other")
    named = all(w[0].isupper() or w[0].isdigit() for w in words) and bool(_MEDIA_WORD.search(site))
    if len(words) <= 4 and site[-1] not in _FINAL_PUNCT and (sep == "|" or foreign_script or named):
        return match["title"], site
    return title, None


def _document_language(text: str, languages: Sequence[str], hint: str | None) -> tuple[str, float]:
    """Language among ``languages`` and confidence, or the language found outside them."""
    found, confidence = identify(text)
    if found in languages:
        return found, confidence
    if found == UNDETERMINED and hint in languages:
        return hint, 0.5
    if found != UNDETERMINED and confidence >= 0.5:
        return found, confidence
    restricted, restricted_confidence = identify(text, languages)
    return restricted, restricted_confidence * (1.0 - confidence)


def _clean(article: Article, languages: Sequence[str],
           boilerplate: Container[str]) -> Document | str:
    """The cleaned document, or the reason the article is rejected."""
    lines, repaired = repaired_lines(article.text)
    if not lines:
        return "empty after cleaning"
    if article.lang and article.lang not in languages:
        return f"declared language {article.lang!r} not in {', '.join(languages)}"
    text = "\n".join(lines)
    lang, confidence = _document_language(text, languages, article.lang)
    if lang == UNDETERMINED:
        return "no identifiable language"
    if lang not in languages:
        return f"language {lang} not in {', '.join(languages)}"
    script = script_profile(text)[0]
    removed: Counter[str] = Counter()
    kept: list[_Paragraph] = []
    for line in lines:
        p = _paragraph(line)
        reason = _reason(p, lang, script, boilerplate)
        if reason:
            removed[reason] += 1
        else:
            kept.append(p)
    body = [i for i, p in enumerate(kept) if p.body]
    last_body = body[-1] if body else len(kept) - 1
    for p in kept[last_body + 1:]:
        removed["footer" if p.cue else "navigation"] += 1
    kept = kept[: last_body + 1]
    paragraphs = [p.text for p in kept]
    if not paragraphs:
        return "empty after cleaning"
    meta = dict(article.meta)
    if not kept[0].final:
        paragraphs[0], site = _strip_site(paragraphs[0])
        if site:
            meta["site"] = site
            removed["title_suffix"] += 1
    return Document(id=article.id, lang=lang, paragraphs=paragraphs, source=article.source,
                    lang_confidence=round(confidence, 4), meta=meta,
                    removed={k: v for k, v in sorted(removed.items()) if v},
                    repaired=repaired)


def clean_article(article: Article, languages: Sequence[str],
                  boilerplate: frozenset[str] = frozenset()) -> Document | None:
    """Clean one article; None when it is empty or not in one of ``languages``."""
    result = _clean(article, languages, boilerplate)
    return result if isinstance(result, Document) else None


def is_furniture(line: str, documents: int, site_documents: int) -> bool:
    """Whether ``line``, found on ``documents`` of a site's ``site_documents`` pages, is site
    furniture: a short line that is not a sentence, on two pages or more (and at least
    ``SHORT_LINE_SHARE`` of them), or any line on at least ``FURNITURE_SHARE`` of the pages
    (and ``MIN_FURNITURE_PAGES`` or more).

    A pure function of counts, so the counts can come from anywhere (hash buckets of a
    distributed build). "Partager sur Facebook" on 2 of 5 pages is furniture; a full
    sentence of a story on 3 of 570 pages (an updated version, wire copy) is not.
    """
    if documents < 2:  # the fast answer for most lines
        return False
    p = _paragraph(line)
    if not p.final and p.words < SHORT_LINE_WORDS:
        return documents >= max(2, SHORT_LINE_SHARE * site_documents)
    return documents >= max(MIN_FURNITURE_PAGES, FURNITURE_SHARE * site_documents)


def site_of(article: Article) -> str:
    """The site an article comes from: the host of its URL, or "" (one site) without one."""
    url = article.meta.get("url", "")
    return (urlsplit(url).hostname or "") if url else ""


def clean_or_reason(article: Article, languages: Sequence[str],
                    furniture: Container[str] = frozenset()) -> Document | str:
    """Clean one article given its site's furniture line keys; the document, or the reason
    the article is rejected."""
    return _clean(article, languages, furniture)


def line_keys(text: str) -> dict[str, str]:
    """The matching key of each line of ``text``, with the line it first comes from."""
    keys: dict[str, str] = {}
    for line in repaired_lines(text)[0]:
        keys.setdefault(_key(line), line)
    return keys


def furniture_lines(articles: Iterable[Article], done: Callable[[int], None] | None = None
                    ) -> dict[str, frozenset[str]]:
    """Matching keys of the furniture lines of each site (see :func:`is_furniture`).
    ``done(i)`` follows the articles read."""
    documents: dict[str, Counter[str]] = {}
    pages: Counter[str] = Counter()
    shapes: dict[str, str] = {}
    for i, article in enumerate(articles, start=1):
        site = site_of(article)
        pages[site] += 1
        keys = set()
        for line in repaired_lines(article.text)[0]:
            key = _key(line)
            shapes.setdefault(key, line)
            keys.add(key)
        documents.setdefault(site, Counter()).update(keys)
        if done:
            done(i)
    return {
        site: frozenset(k for k, n in counts.items() if is_furniture(shapes[k], n, pages[site]))
        for site, counts in documents.items()
    }


def clean_articles(
    articles: Sequence[Article], languages: Sequence[str] = ("fr", "ar"),
    progress: Progress | None = None,
) -> tuple[list[Document], list[tuple[Article, str]]]:
    """Clean a collection: site furniture, page furniture, languages.

    Articles published twice are both kept: their segments collapse into one row naming
    both after alignment. Returns the documents and the rejected articles with the reason.
    ``progress`` is called with ``("clean", steps done, steps)``: two steps per article, one
    reading its lines for repeats across documents, one cleaning it.
    """
    rejected: list[tuple[Article, str]] = []
    steps = 2 * len(articles)
    furniture = furniture_lines(
        articles, done=(lambda i: progress("clean", i, steps)) if progress else None
    )
    documents: list[Document] = []
    for i, article in enumerate(articles, start=1):
        result = _clean(article, languages, furniture[site_of(article)])
        if isinstance(result, Document):
            documents.append(result)
        else:
            rejected.append((article, result))
        if progress:
            progress("clean", len(articles) + i, steps)
    return documents, rejected
