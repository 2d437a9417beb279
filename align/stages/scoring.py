"""Quality signals for aligned segments and one combined score; decisions are made later.

Signals stored in ``Segment.scores`` (all in [0, 1]):

* ``bt_chrf``, ``bt_bleu``: chrF and BLEU (sacrebleu, sentence level, divided by 100) of the
  back-translation of the target side into the source language against the source text.
  With a reverse translator, ``bt_chrf_rev`` and ``bt_bleu_rev`` compare the translation of
  the source side with the target text.
* ``length_ratio``: shorter over longer side, in characters of the stripped texts
  (1.0 for equal lengths, 0.0 when a side is empty). French→Arabic translations typically
  give 0.6–0.9, since Arabic script is more compact.
* ``lang_<code>`` per side (e.g. ``lang_fr``, ``lang_ar``): how sure language
  identification is that the side is in its expected language (``language_confidence``).
* ``score``: the combined score (see ``combined_score``).

``MTSignal`` offers the back-translation chrF to the sentence aligner as a bead similarity.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np

from align.fold import fold_arabic
from align.models.translate import Translator
from align.records import Progress, Segment

# Logistic models of the combined score, one per set of available primary signals:
# score = sigmoid(bias + sum(weight * feature)) over the features of ``model_features``.
# Fitted (the "fitted_weights" that `align bench scoring --data NTREX_DIR` prints) on the dev
# half of NTREX-128 documents: true fr/ar sentence pairs against, in equal total weight, three
# kinds of wrong pairs of the same sentences: the most similar non-translation (nearest USE-m3
# neighbour), an adjacent sentence of the same document and a random sentence. `similarity` is
# the cosine of USE-m3 embeddings, `bt_chrf` uses the fra-CA references as back-translation
# and `length_penalty` is |log| of the character length ratio.
SCORE_MODELS: dict[frozenset[str], dict[str, float]] = {
    frozenset({"similarity", "bt_chrf"}): {
        "bias": -8.34, "similarity": 7.84, "bt_chrf": 14.74, "length_penalty": -1.52},
    frozenset({"similarity"}): {"bias": -6.26, "similarity": 15.50, "length_penalty": -2.29},
    frozenset({"bt_chrf"}): {"bias": -6.87, "bt_chrf": 20.85, "length_penalty": -1.45},
}
# Shortest length ratio the length penalty counts (an empty side gives this ratio).
MIN_LENGTH_RATIO = 0.01
# Median back-translation chrF (0–1) of random and of true sentence pairs on the same data:
# MTSignal maps them to 0 and 1.
CHRF_UNRELATED = 0.173
CHRF_TRANSLATION = 0.546
PROGRESS_EVERY = 100  # segments between progress calls


def length_ratio(src: str, tgt: str) -> float:
    """Character length of the shorter stripped side over the longer one, in [0, 1]; Arabic
    vowel marks are not counted."""
    a, b = len(fold_arabic(src).strip()), len(fold_arabic(tgt).strip())
    return min(a, b) / max(a, b) if max(a, b) else 0.0


def chrf(hypothesis: str, reference: str) -> float:
    """Sentence chrF (sacrebleu defaults: character 6-grams, beta 2) scaled to [0, 1]."""
    return _metrics()[0].sentence_score(hypothesis, [reference]).score / 100


def bleu(hypothesis: str, reference: str) -> float:
    """Sentence BLEU (sacrebleu, effective order, exp smoothing) scaled to [0, 1]."""
    return _metrics()[1].sentence_score(hypothesis, [reference]).score / 100


@lru_cache(maxsize=1)
def _metrics() -> tuple[Any, Any]:
    from sacrebleu.metrics import BLEU, CHRF

    return CHRF(), BLEU(effective_order=True)


def language_confidence(text: str, expected: str, languages: Sequence[str]) -> float:
    """How sure language identification is that ``text`` is in ``expected``, in [0, 1].

    The identifier's confidence when it picks ``expected`` among all languages; one minus
    its confidence when it picks another one (a confident other language gives about 0);
    for a text too short to identify, the confidence among ``languages`` only.
    """
    from align.stages.language import UNDETERMINED, identify

    lang, confidence = identify(text)
    if lang == UNDETERMINED:
        lang, confidence = identify(text, languages)
        return confidence if lang == expected else 0.0
    return confidence if lang == expected else 1.0 - confidence


def model_features(scores: Mapping[str, float]) -> dict[str, float]:
    """The combined score's inputs present in ``scores``.

    ``similarity`` and ``bt_chrf`` as they are; ``length_penalty`` = ``-log(length_ratio)``
    (0 for equal lengths, growing as the sides' lengths diverge), from ``length_ratio``.
    Missing or NaN signals are left out.
    """
    features = {name: scores[name] for name in ("similarity", "bt_chrf")
                if _is_number(scores.get(name))}
    ratio = scores.get("length_ratio")
    if _is_number(ratio):
        features["length_penalty"] = -math.log(max(ratio, MIN_LENGTH_RATIO))
    return features


def combined_score(scores: Mapping[str, float]) -> float | None:
    """The combined score in [0, 1] from ``similarity``, ``bt_chrf`` and ``length_ratio``.

    A logistic model (``SCORE_MODELS``) chosen by which of ``similarity`` and ``bt_chrf`` are
    present: about the probability that the pair is a translation rather than a wrong pairing
    (a related sentence or a random one), at even odds. The length term is left out when
    ``length_ratio`` is absent. ``None`` without similarity or bt_chrf. Language is left to
    the filters: the calibration data holds no negatives that differ in it.
    """
    features = model_features(scores)
    present = frozenset(features) & {"similarity", "bt_chrf"}
    if not present:
        return None
    model = SCORE_MODELS[present]
    logit = model["bias"] + sum(model[name] * value for name, value in features.items())
    return 1 / (1 + math.exp(-logit))


def _is_number(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def score_names(
    languages: Sequence[str], back_translation: bool = False, reverse: bool = False
) -> list[str]:
    """The score columns ``score_segments`` writes, in order, for these options."""
    src_lang, tgt_lang = languages
    names = ["length_ratio", f"lang_{src_lang}", f"lang_{tgt_lang}"]
    names += ["bt_chrf", "bt_bleu"] if back_translation else []
    names += ["bt_chrf_rev", "bt_bleu_rev"] if reverse else []
    return [*names, "score"]


def score_segments(
    segments: Sequence[Segment],
    translator: Translator | None = None,
    reverse_translator: Translator | None = None,
    languages: Sequence[str] = ("fr", "ar"),
    progress: Progress | None = None,
) -> list[Segment]:
    """Copies of ``segments`` with every signal and the combined score in ``scores``.

    ``translator`` translates target texts into the source language (``languages[1]`` →
    ``languages[0]``, e.g. ``opus-mt-ar-fr``); ``reverse_translator`` the other way. Without
    them the back-translation signals are left out. Existing scores are kept unless
    recomputed. ``progress`` is called with ``("score", segments scored, segments)``.
    """
    src_lang, tgt_lang = languages
    bt = translator.translate([s.tgt for s in segments]) if translator else None
    rev = reverse_translator.translate([s.src for s in segments]) if reverse_translator else None
    scored = []
    for i, segment in enumerate(segments):
        scores = dict(segment.scores)
        scores["length_ratio"] = length_ratio(segment.src, segment.tgt)
        scores[f"lang_{src_lang}"] = language_confidence(segment.src, src_lang, languages)
        scores[f"lang_{tgt_lang}"] = language_confidence(segment.tgt, tgt_lang, languages)
        if bt is not None:
            scores["bt_chrf"] = chrf(bt[i], segment.src)
            scores["bt_bleu"] = bleu(bt[i], segment.src)
        if rev is not None:
            scores["bt_chrf_rev"] = chrf(rev[i], segment.tgt)
            scores["bt_bleu_rev"] = bleu(rev[i], segment.tgt)
        combined = combined_score({**scores, "similarity": segment.similarity})
        if combined is not None:
            scores["score"] = combined
        scored.append(replace(segment, scores={k: round(v, 4) for k, v in scores.items()}))
        if progress and (i % PROGRESS_EVERY == PROGRESS_EVERY - 1 or i == len(segments) - 1):
            progress("score", i + 1, len(segments))
    return scored


class MTSignal:
    """Bead similarity for the aligner from back-translation chrF (Bleualign's idea).

    Target sentences are translated into the source language once; a target run's
    back-translation is the join of its sentences' translations. The chrF of a run pair is
    rescaled so that unrelated sentences give about 0 and translations about 1
    (``CHRF_UNRELATED``, ``CHRF_TRANSLATION``). Character n-grams of each run are extracted
    once and pair scores memoised, so scoring many candidate beads stays cheap.
    """

    def __init__(self, src: Sequence[str], tgt: Sequence[str], translator: Translator) -> None:
        self.src = list(src)
        self.back = translator.translate(list(tgt)) if tgt else []
        self._ngrams: dict[tuple[bool, int, int], list[Counter[str]]] = {}
        self._memo: dict[tuple[int, int, int, int], float] = {}

    def similarity(
        self, a: int, b: int, src_starts: np.ndarray, tgt_starts: np.ndarray
    ) -> np.ndarray:
        """Rescaled chrF of source runs ``[s, s+a)`` against back-translated ``[t, t+b)``."""
        out = np.empty(len(src_starts), dtype=np.float64)
        for k, (s, t) in enumerate(zip(src_starts.tolist(), tgt_starts.tolist(), strict=True)):
            key = (a, s, b, t)
            if key not in self._memo:
                value = _chrf_of_ngrams(self._run(False, t, b), self._run(True, s, a))
                self._memo[key] = (value - CHRF_UNRELATED) / (CHRF_TRANSLATION - CHRF_UNRELATED)
            out[k] = self._memo[key]
        return out

    def _run(self, source: bool, start: int, size: int) -> list[Counter[str]]:
        key = (source, start, size)
        if key not in self._ngrams:
            from sacrebleu.metrics.helpers import extract_all_char_ngrams

            sentences = self.src if source else self.back
            text = " ".join(sentences[start : start + size])
            metric = _metrics()[0]
            self._ngrams[key] = extract_all_char_ngrams(text, metric.char_order, metric.whitespace)
        return self._ngrams[key]


def _chrf_of_ngrams(hypothesis: list[Counter[str]], reference: list[Counter[str]]) -> float:
    """``chrf`` from n-gram counts extracted beforehand (same result, no re-extraction)."""
    stats: list[int] = []
    for hyp, ref in zip(hypothesis, reference, strict=True):
        matches = sum(min(count, ref[gram]) for gram, count in hyp.items() if gram in ref)
        stats += [sum(hyp.values()), sum(ref.values()), matches]
    return _metrics()[0]._compute_f_score(stats) / 100
