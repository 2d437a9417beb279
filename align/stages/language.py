"""Language identification for documents and single lines.

Long texts are classified with py3langid (a naive Bayes model over byte n-grams that ships
with the package); very short texts, where n-gram statistics are unreliable, fall back to
the writing system: Arabic script means Arabic, Cyrillic means Russian, and so on. Latin
script alone names no language, so a short Latin line is ``"und"`` unless exactly one of
the languages in play is written in Latin script.
"""

from __future__ import annotations

import copy
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from align.errors import ConfigError

UNDETERMINED = "und"
MIN_LETTERS = 16  # below this many letters the script decides, not the n-gram model
SAMPLE_CHARS = 20_000  # identification looks at most at this many characters

# (first code point, last code point, script), sorted; letters outside these are "other".
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x3040, 0x30FF, "Kana"),
    (0x4E00, 0x9FFF, "Han"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
)
_RANGE_STARTS = [start for start, _, _ in _SCRIPT_RANGES]

# The language a script most likely means in news text.
SCRIPT_LANGUAGE: dict[str, str] = {
    "Arabic": "ar",
    "Cyrillic": "ru",
    "Greek": "el",
    "Hebrew": "he",
    "Armenian": "hy",
    "Georgian": "ka",
    "Devanagari": "hi",
    "Thai": "th",
    "Kana": "ja",
    "Han": "zh",
    "Hangul": "ko",
}
# The script of the model's languages not written in Latin script.
_LANGUAGE_SCRIPT: dict[str, str] = {
    **{lang: script for script, lang in SCRIPT_LANGUAGE.items()},
    **dict.fromkeys(("fa", "ur", "ps", "ug", "sdh", "ary", "arz"), "Arabic"),
    **dict.fromkeys(("uk", "bg", "be", "mk", "sr", "kk", "ky", "mn", "tg", "tt", "ba"),
                    "Cyrillic"),
    **dict.fromkeys(("mr", "ne", "sa"), "Devanagari"),
    **dict.fromkeys(("yue", "wuu"), "Han"),
}
# Regional labels of the model folded into their macrolanguage.
_MACROLANGUAGE = {"ary": "ar", "arz": "ar"}


def script_of(char: str) -> str:
    """The script of one character (``"other"`` outside the table)."""
    point = ord(char)
    i = bisect_right(_RANGE_STARTS, point) - 1
    if i >= 0 and point <= _SCRIPT_RANGES[i][1]:
        return _SCRIPT_RANGES[i][2]
    return "other"


def script_profile(text: str) -> tuple[str, float, int]:
    """Dominant script of the letters in ``text``, its share of them, and the letter count."""
    counts = Counter(script_of(c) for c in text[:SAMPLE_CHARS] if c.isalpha())
    total = sum(counts.values())
    if not total:
        return "other", 0.0, 0
    script, n = counts.most_common(1)[0]
    return script, n / total, total


@lru_cache(maxsize=1)
def _base_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def known_languages() -> frozenset[str]:
    """The language codes the identifier knows (regional labels folded, ``zxx`` left out)."""
    labels = _base_identifier().labels
    return frozenset(_MACROLANGUAGE.get(label, label) for label in labels) - {"zxx"}


@lru_cache(maxsize=16)
def _identifier(languages: frozenset[str] | None) -> Any:
    """A py3langid identifier restricted to ``languages`` (regional labels included)."""
    base = _base_identifier()
    if languages is None:
        return base
    labels = set(languages) | {v for v, m in _MACROLANGUAGE.items() if m in languages}
    restricted = copy.copy(base)
    known = set(base.labels)
    unknown = sorted(set(languages) - known)
    if unknown:
        raise ConfigError(f"unknown language code(s) {', '.join(unknown)} (py3langid knows "
                          f"ISO 639-1 codes such as fr, ar, en)")
    restricted.set_languages(sorted(labels & known))
    return restricted


def written_in(lang: str, script: str) -> bool:
    """Whether ``lang`` is written in ``script`` (languages outside the table in Latin)."""
    return _LANGUAGE_SCRIPT.get(lang, "Latin") == script


def _by_script(script: str, share: float, languages: Sequence[str] | None) -> tuple[str, float]:
    """Fallback for short texts: the script's language, or the only Latin language in play."""
    if script in SCRIPT_LANGUAGE:
        return SCRIPT_LANGUAGE[script], share
    if script == "Latin" and languages:
        latin = [lang for lang in languages if written_in(lang, "Latin")]
        if len(latin) == 1:
            return latin[0], 0.5 * share
    return UNDETERMINED, 0.0


def identify(text: str, languages: Sequence[str] | None = None) -> tuple[str, float]:
    """Language of ``text`` and a confidence in [0, 1], among ``languages`` when given.

    Only the languages written in the text's script are considered; a text in a script
    that none of ``languages`` uses (Russian among ``fr``/``ar``) is identified without the
    restriction rather than forced into one of them.
    """
    sample = unicodedata.normalize("NFC", text[:SAMPLE_CHARS])
    script, share, letters = script_profile(sample)
    if not letters:
        return UNDETERMINED, 0.0
    if languages:  # a Latin-script text is never Arabic, whatever the model says
        languages = [lang for lang in languages if written_in(lang, script)] or None
    if letters < MIN_LETTERS:
        return _by_script(script, share, languages)
    allowed = frozenset(languages) if languages else None
    totals: Counter[str] = Counter()
    for label, probability in _identifier(allowed).rank(sample):
        totals[_MACROLANGUAGE.get(label, label)] += float(probability)  # arz, ary count as ar
    ranked = totals.most_common()
    # the best language written in the text's script (the model sees letter n-grams only)
    lang, confidence = next((item for item in ranked if written_in(item[0], script)), ranked[0])
    return lang, min(confidence, 1.0)


def line_language(text: str) -> tuple[str, float]:
    """Unrestricted language of one line (detects a third-language line in an article)."""
    return identify(text, None)
