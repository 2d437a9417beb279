"""Sentence splitting for French and Arabic paragraphs.

spaCy's rule-based ``sentencizer`` on a blank multilingual pipeline proposes the
boundaries (at ``. ! ? ؟ …``; never at the Arabic comma ``،``), then a repair pass:

* an opening quote or bracket that the sentencizer left at the end of a sentence
  (``Il a dit. « Nous …``) moves to the next one;
* no split before a lower-case letter (``« Quoi ? » a-t-il dit``, ``… puis``), after a
  title or other abbreviation (``M.``, ``Mme``, ``Dr.``, ``av.``, ``p. ex.``) or after an
  initial (``J. Dupont``, Arabic ``د.``), nor before a piece without letters or digits.

The semicolons ``;`` and ``؛`` do not end sentences: Arabic ``؛`` joins clauses like the
French ``;``. Sentences never cross paragraphs. A sentence longer than
``MAX_SENTENCE_CHARS`` (text without punctuation) is cut, in linear time, at the last
semicolon, colon, comma or space inside each window of that size, so that the cost of
aligning it stays bounded.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any

from align.records import Sentence

MAX_SENTENCE_CHARS = 1000
# Abbreviations followed by "." that do not end a sentence before a capitalised word;
# other languages use all of them. Single-letter initials (J., Arabic د.) never end one.
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "fr": frozenset(
        "M MM Mme Mmes Mlle Mlles Me Mgr Dr Drs Pr Prof St Ste Sts Gén Gal Col Cdt Lt Sgt "
        "Vve cf Cf p ex pp vol no nº art chap fig env av apr éd coll op cit ibid janv févr fév "
        "avr juil sept oct nov déc tél Tél Cie".split()
    ),
    "en": frozenset(
        "Mr Mrs Ms Dr Prof St Jr Sr Gen Col Lt Sgt Rev Hon Inc Ltd Corp Co cf vol no pp p "
        "fig Jan Feb Mar Apr Aug Sept Oct Nov Dec".split()
    ),
}
_ALL_ABBREVIATIONS = frozenset().union(*ABBREVIATIONS.values())
CONTEXT = 200  # characters around a proposed boundary that the repair rules look at
EXTRA_PUNCT = ("…", "...")
OPENERS = "«“„‘([{\"'"
_BREAKS = (";؛:", ",،", " \u00a0\u202f")  # preferred cut points of an overlong sentence


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    """A blank multilingual spaCy pipeline with a sentencizer (built once per process)."""
    # thinc, under spaCy, imports torch when it is installed only to offer it to models;
    # the rule-based sentencizer needs none of it, and importing torch takes seconds.
    hide_torch = "torch" not in sys.modules
    if hide_torch:
        sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy
        from spacy.pipeline.sentencizer import Sentencizer
    finally:
        if hide_torch:
            del sys.modules["torch"]

    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer",
                 config={"punct_chars": list(Sentencizer.default_punct_chars) + list(EXTRA_PUNCT)})
    return nlp


def _proposed(text: str) -> list[int]:
    """Character offsets where the sentencizer starts a new sentence (0 excluded)."""
    nlp = _pipeline()
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    return [s.start_char for s in nlp(text).sents][1:]


def _move_openers(text: str, start: int, boundary: int) -> int:
    """Move a boundary back before opening quotes left at the end of the previous sentence."""
    prev = text[start:boundary].rstrip()
    i = len(prev)
    while i > 0 and prev[i - 1] in OPENERS:
        i -= 1
    if i < len(prev) and i > 0 and prev[i - 1].isspace():
        return start + i
    return boundary


def _first_letter(text: str) -> str:
    stripped = text.lstrip(" \u00a0\u202f" + OPENERS + "-–—")
    return stripped[:1]


def _joins(prev: str, nxt: str, abbreviations: frozenset[str]) -> bool:
    """Whether a proposed boundary between ``prev`` and the following ``nxt`` is false."""
    if not any(c.isalnum() for c in nxt):
        return True
    first = _first_letter(nxt)
    if first.islower():
        return True
    prev = prev.rstrip()
    if not prev.endswith(".") or prev.endswith(".."):
        return False
    word = prev[:-1].rsplit(maxsplit=1)[-1].lstrip(OPENERS) if prev[:-1].strip() else ""
    initial = len(word) == 1 and word.isalpha() and not word.islower()
    return word in abbreviations or initial


def _cut_long(text: str, start: int, end: int, limit: int) -> list[int]:
    """Cut points splitting ``text[start:end]`` into pieces of at most ``limit`` characters."""
    cuts = []
    while end - start > limit:
        hi = start + limit
        lo = start + limit // 2
        cut = -1
        for chars in _BREAKS:
            cut = max(text.rfind(c, lo, hi) for c in chars)
            if cut >= 0:
                cut += 1
                break
        if cut < 0:
            cut = hi
        cuts.append(cut)
        start = cut
    return cuts


def _spans(text: str, lang: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of one paragraph."""
    abbreviations = ABBREVIATIONS.get(lang, _ALL_ABBREVIATIONS)
    bounds: list[int] = []
    start = 0
    for proposed in _proposed(text):
        boundary = _move_openers(text, max(start, proposed - CONTEXT), proposed)
        if boundary <= start:
            continue
        prev = text[max(start, boundary - CONTEXT):boundary]
        if _joins(prev, text[boundary:boundary + CONTEXT], abbreviations):
            continue
        bounds.append(boundary)
        start = boundary
    edges = [0, *bounds, len(text)]
    spans = []
    for a, b in pairwise(edges):
        cuts = _cut_long(text, a, b, limit)
        pieces = [a, *cuts, b]
        spans.extend(pairwise(pieces))
    return spans


def split_paragraphs(paragraphs: Sequence[str], lang: str,
                     max_chars: int = MAX_SENTENCE_CHARS) -> list[Sentence]:
    """Sentences of each paragraph, tagged with the paragraph's index (``lang``: fr, ar…)."""
    sentences = []
    for index, paragraph in enumerate(paragraphs):
        for a, b in _spans(paragraph, lang, max_chars):
            sentence = paragraph[a:b].strip()
            if sentence:
                sentences.append(Sentence(sentence, index))
    return sentences


def split_document(text: str, lang: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[Sentence]:
    """Sentences of a text whose non-empty lines are paragraphs (as in ``Document.text``)."""
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return split_paragraphs(paragraphs, lang, max_chars)
