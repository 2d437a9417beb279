"""Fold Arabic-script text to bare Arabic letters, for embedding and matching only.

Vowel marks change what an embedder sees: a fully vocalised sentence ("تَعَاوُنٌ") is
tokenised into pieces the model rarely met in training and its vector drifts away from
its translation's. Folding removes the marks and maps Persian and Urdu letter forms to
the Arabic letters they stand for. Published text is never folded.
"""

from __future__ import annotations

import re
import unicodedata

# Harakat, tanwin, shadda, sukun and the other combining marks (U+064B–U+065F), the
# superscript alef (U+0670), honorific signs (U+0610–U+061A), Quranic annotation marks
# (U+06D6–U+06ED, U+08D3–U+08FF minus the letter U+08E2) and tatweel (U+0640).
_MARKS = [*range(0x0610, 0x061B), 0x0640, *range(0x064B, 0x0660), 0x0670,
          *range(0x06D6, 0x06EE), *range(0x08D3, 0x08E2), *range(0x08E3, 0x0900)]
# Persian and Urdu letter forms → Arabic: keheh ک, Farsi yeh ی, heh goal ہ, heh
# doachashmee ھ, heh with yeh ۀ, teh marbuta goal ۃ, yeh barree ے.
_VARIANTS = {"\u06a9": "\u0643", "\u06cc": "\u064a", "\u06c1": "\u0647", "\u06be": "\u0647",
             "\u06c0": "\u0647", "\u06c3": "\u0629", "\u06d2": "\u064a"}
_TABLE = {**dict.fromkeys(_MARKS), **{ord(k): v for k, v in _VARIANTS.items()}}
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")
_TO_FOLD = re.compile("[\u0610-\u061a\u0640\u064b-\u065f\u0670\u06a9\u06be\u06c0\u06c1\u06c3"
                      "\u06cc\u06d2\u06d6-\u06ed\u08d3-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def fold_arabic(text: str) -> str:
    """``text`` without Arabic vowel and Quranic marks or tatweel, with Persian/Urdu letter
    forms and presentation forms as Arabic letters; other scripts are left as they are.

    >>> fold_arabic("بِسْمِ اللَّهِ الرَّحْمَٰنِ")
    'بسم الله الرحمن'
    """
    if not _TO_FOLD.search(text):
        return text
    # Compose first, so that alef + combining hamza (U+0654) becomes أ and keeps its hamza.
    text = unicodedata.normalize("NFC", text)
    text = _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.translate(_TABLE)
