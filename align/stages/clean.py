"""Turn raw articles into clean documents: main-text paragraphs in one identified language.

Each line is a paragraph. A paragraph is dropped, with its reason counted in
``Document.removed``, when it is

* ``cross_document``: a line repeated across documents of the collection (menus, footers);
* ``duplicate``: an exact repeat, or contained in a neighbouring paragraph, of another one
  (the longer one is kept: a lead repeated after its dateline);
* ``foreign_language``: confidently in a language other than the document's;
* ``footer``: a share / comment / subscribe / login line: it holds a cue word of
  ``CUES`` and does not end as a sentence (the cues are one signal, never enough alone);
* ``byline``: a short line with a date and no sentence punctuation ("Ajouté le … par …");
* ``navigation``: no letters, at most three words without sentence punctuation, a short
  ALL-CAPS line, or a line after the last body paragraph that is not itself body-like
  (agency tags, "back to top" buttons); ``footer`` again when such a line holds a cue.

Body-like means a sentence of five words or more, a line of fifteen words or more, or,
for a line holding a cue word, a sentence of twelve words or more.

A title's site-name suffix ("… – Site News") is cut and kept in ``meta["site"]``.
The kept paragraphs are NFC of the original text; matching uses
:func:`normalise_for_matching`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from align.fold import fold_arabic
from align.records import Article, Document, Progress
from align.stages.language import UNDETERMINED, identify, line_language, script_profile

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
FOREIGN_CONFIDENCE = 0.7  # no French or Arabic line of NTREX-128 is misread at 0.5
NEIGHBOURS = 2  # containment duplicates are searched this many paragraphs away
MIN_CONTAINED = 40  # characters: shorter paragraphs are not tested for containment


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
    return [line for raw in text.splitlines() if (line := _SPACES.sub(" ", raw).strip())]


def _foreign(text: str, lang: str, script: str) -> bool:
    """Whether a line is mostly in another script than the document's, or is confidently
    identified as another language."""
    line_script, share, letters = script_profile(text)
    if letters >= 3 and share >= 0.5 and line_script not in ("other", script):
        return True
    other, confidence = line_language(text)
    return other not in (lang, UNDETERMINED) and confidence >= FOREIGN_CONFIDENCE


def _reason(p: _Paragraph, lang: str, script: str, seen: set[str],
            boilerplate: frozenset[str]) -> str | None:
    """Why a paragraph is dropped on its own merits, or None."""
    if not any(c.isalpha() for c in p.key):
        return "navigation"
    if p.key in boilerplate:
        return "cross_document"
    if p.key in seen:
        return "duplicate"
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


def _drop_contained(kept: list[_Paragraph]) -> list[_Paragraph]:
    """Drop paragraphs whose text is inside a longer neighbouring paragraph."""
    out = []
    for i, p in enumerate(kept):
        near = kept[max(0, i - NEIGHBOURS): i] + kept[i + 1: i + 1 + NEIGHBOURS]
        if not (len(p.key) >= MIN_CONTAINED
                and any(len(q.key) > len(p.key) and p.key in q.key for q in near)):
            out.append(p)
    return out


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
           boilerplate: frozenset[str]) -> Document | str:
    """The cleaned document, or the reason the article is rejected."""
    lines = split_lines(article.text)
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
    seen: set[str] = set()
    kept: list[_Paragraph] = []
    for line in lines:
        p = _paragraph(line)
        reason = _reason(p, lang, script, seen, boilerplate)
        seen.add(p.key)
        if reason:
            removed[reason] += 1
        else:
            kept.append(p)
    body = [i for i, p in enumerate(kept) if p.body]
    last_body = body[-1] if body else len(kept) - 1
    for p in kept[last_body + 1:]:
        removed["footer" if p.cue else "navigation"] += 1
    kept = kept[: last_body + 1]
    deduplicated = _drop_contained(kept)
    removed["duplicate"] += len(kept) - len(deduplicated)
    paragraphs = [p.text for p in deduplicated]
    if not paragraphs:
        return "empty after cleaning"
    meta = dict(article.meta)
    if not deduplicated[0].final:
        paragraphs[0], site = _strip_site(paragraphs[0])
        if site:
            meta["site"] = site
            removed["title_suffix"] += 1
    return Document(id=article.id, lang=lang, paragraphs=paragraphs, source=article.source,
                    lang_confidence=round(confidence, 4), meta=meta,
                    removed={k: v for k, v in sorted(removed.items()) if v})


def clean_article(article: Article, languages: Sequence[str],
                  boilerplate: frozenset[str] = frozenset()) -> Document | None:
    """Clean one article; None when it is empty or not in one of ``languages``."""
    result = _clean(article, languages, boilerplate)
    return result if isinstance(result, Document) else None


def repeated_lines(articles: Iterable[Article], short_words: int = 8,
                   done: Callable[[int], None] | None = None) -> frozenset[str]:
    """Matching keys of lines found in several documents: two for short non-sentence
    lines (site furniture), three for any line. ``done(i)`` follows the articles read."""
    documents: Counter[str] = Counter()
    shapes: dict[str, _Paragraph] = {}
    for i, article in enumerate(articles, start=1):
        paragraphs = [_paragraph(line) for line in split_lines(article.text)]
        for p in paragraphs:
            shapes.setdefault(p.key, p)
        documents.update({p.key for p in paragraphs})
        if done:
            done(i)
    return frozenset(
        key for key, n in documents.items()
        if n >= 3 or (n >= 2 and not shapes[key].final and shapes[key].words < short_words)
    )


def clean_articles(
    articles: Sequence[Article], languages: Sequence[str] = ("fr", "ar"),
    progress: Progress | None = None,
) -> tuple[list[Document], list[tuple[Article, str]]]:
    """Clean a collection: cross-document boilerplate, exact duplicate articles, languages.

    Returns the documents and the rejected articles with the reason. ``progress`` is
    called with ``("clean", steps done, steps)``: two steps per article, one reading its
    lines for repeats across documents, one cleaning it.
    """
    rejected: list[tuple[Article, str]] = []
    unique: list[Article] = []
    first: dict[str, str] = {}
    for article in articles:
        key = _key(article.text)
        if key in first:
            rejected.append((article, f"duplicate of article {first[key]}"))
        else:
            first[key] = article.id
            unique.append(article)
    steps = 2 * len(unique)
    boilerplate = repeated_lines(
        unique, done=(lambda i: progress("clean", i, steps)) if progress else None
    )
    documents: list[Document] = []
    for i, article in enumerate(unique, start=1):
        result = _clean(article, languages, boilerplate)
        if isinstance(result, Document):
            documents.append(result)
        else:
            rejected.append((article, result))
        if progress:
            progress("clean", len(unique) + i, steps)
    return documents, rejected
