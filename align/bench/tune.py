"""Choosing aligner settings on development data only, by leave-one-set-out cross-validation.

Five development sets, none of them a test set:

* ``textberg-dev``: the Text+Berg de–fr dev document;
* ``ntrex-project``: NTREX documents 1–40 damaged by ``align.bench.ntrex.damage``;
* ``ntrex-news``, ``ntrex-literary`` and ``ntrex-free``: the same documents damaged by the
  news, literary and free-translation profiles of ``align.bench.profiles``.

Each setting is scored on each set by strict F1 plus half lax F1. The setting chosen for a
set is the best on the other four; its score on the held-out set is reported beside the
score of the setting that is best on all five (tuned). Embeddings are cached in a file so a
grid of settings embeds every text once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from align.aligner.sentences import AlignConfig, align_sentences
from align.bench.common import run_system
from align.bench.evaluate import Scores
from align.bench.ntrex import damaged_documents
from align.bench.profiles import FREE, LITERARY, NEWS
from align.bench.textberg import load_textberg
from align.errors import InputError
from align.models.embed import CachedEmbedder, load_embedder
from align.records import Alignment

Documents = list[tuple[str, list[str], list[str], list[Alignment]]]


def dev_sets(textberg: Path, ntrex: Path) -> dict[str, Documents]:
    """The five development sets (no test document among them)."""
    return {
        "textberg-dev": load_textberg(textberg, ("dev",)),
        "ntrex-project": damaged_documents(ntrex, split="dev"),
        "ntrex-news": damaged_documents(ntrex, split="dev", profile=NEWS),
        "ntrex-literary": damaged_documents(ntrex, split="dev", profile=LITERARY),
        "ntrex-free": damaged_documents(ntrex, split="dev", profile=FREE),
    }


def objective(scores: Scores) -> float:
    """What settings are chosen by: strict F1 plus half lax F1."""
    return scores.f1_strict + 0.5 * scores.f1_lax


def grid(base: AlignConfig, values: Mapping[str, Sequence[object]]) -> list[AlignConfig]:
    """Every combination of the given field values over ``base``."""
    names = list(values)
    return [
        replace(base, **dict(zip(names, combo, strict=True)))
        for combo in itertools.product(*(values[n] for n in names))
    ]


@dataclass(frozen=True)
class Trial:
    """Scores of one setting on every development set."""

    config: AlignConfig
    scores: dict[str, Scores]


def load_cache(path: Path | None) -> dict[str, np.ndarray]:
    """Vectors saved by ``save_cache`` (none if ``path`` is None or missing)."""
    if path is None or not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as saved:
            return dict(zip(saved["texts"].tolist(), saved["vectors"], strict=True))
    except (OSError, ValueError, KeyError) as error:
        message = f"not an embedding cache written by this command ({error})"
        raise InputError(path, message) from None


def save_cache(path: Path | None, embedder: CachedEmbedder) -> None:
    """Write every vector ``embedder`` knows to ``path`` (.npz), atomically."""
    if path is None:
        return
    known = embedder.known()
    if not known:
        return
    partial = path.with_name(path.name + ".partial.npz")
    texts, vectors = np.array(list(known), dtype=str), np.stack(list(known.values()))
    np.savez_compressed(partial, texts=texts, vectors=vectors)
    partial.replace(path)


def default_grid() -> list[AlignConfig]:
    """The settings compared: the signal scoring with fixed deletion costs (the earlier
    defaults at 0.3) and with evidence-based ones (``skip_slope``), and the margin scoring
    (Bertalign's at ``skip_penalty`` 0.1, no slope) with and without evidence-based skips
    and merge checks."""
    fixed = AlignConfig(skip_slope=0.0)
    margin = AlignConfig(scoring="margin", skip_slope=0.0, skip_quantile=0.5)
    return [
        *grid(fixed, {"deletion_penalty": [0.2, 0.3, 0.4]}),
        *grid(
            fixed,
            {
                "deletion_penalty": [0.3, 0.4, 0.5],
                "skip_slope": [0.5, 1.0],
                "skip_quantile": [0.1, 0.25],
            },
        ),
        *grid(
            margin,
            {
                "skip_penalty": [0.05, 0.1],
                "skip_slope": [0.0, 1.0],
                "margin_coverage_weight": [0.0, 0.5],
                "margin_edge_weight": [0.0, 0.5],
            },
        ),
    ]


def run_trials(
    sets: Mapping[str, Documents],
    configs: Iterable[AlignConfig],
    embedder_name: str = "use-m3",
    cache: Path | None = None,
) -> list[Trial]:
    """Align every development set under every setting (embeddings cached in ``cache``)."""
    embedder = CachedEmbedder(load_embedder(embedder_name, cached=False), load_cache(cache))
    trials = []
    for config in configs:
        scores = {
            name: run_system(
                name, lambda s, t, c=config: align_sentences(s, t, embedder, c), documents
            ).overall
            for name, documents in sets.items()
        }
        trials.append(Trial(config, scores))
        save_cache(cache, embedder)
    return trials


def describe(config: AlignConfig, base: AlignConfig | None = None) -> str:
    """The fields of ``config`` that differ from ``base`` (the defaults), or "defaults"."""
    base = base or AlignConfig()
    changed = [
        f"{name}={value}"
        for name, value in vars(config).items()
        if getattr(base, name) != value
    ]
    return " ".join(changed) or "defaults"


def tuning_report(trials: Sequence[Trial]) -> str:
    """Every setting's strict F1 per set, then the cross-validation: per held-out set, the
    objective of the setting chosen on the other sets beside that of the overall choice."""
    names = list(trials[0].scores)
    lines = ["strict F1 per set (" + ", ".join(names) + "), objective sum, setting"]
    for trial in trials:
        f1 = " ".join(f"{trial.scores[n].f1_strict:.3f}" for n in names)
        total = sum(objective(s) for s in trial.scores.values())
        lines.append(f"  {f1}  {total:.3f}  {describe(trial.config)}")
    lines.append("held-out set: held-out objective / tuned objective, setting chosen without it")
    for held, (held_out, tuned, config) in cross_validate(trials).items():
        lines.append(f"  {held:<15} {held_out:.3f} / {tuned:.3f}  {describe(config)}")
    return "\n".join(lines)


def cross_validate(trials: Sequence[Trial]) -> dict[str, tuple[float, float, AlignConfig]]:
    """Per set: (held-out objective of the setting best on the other sets, objective of the
    setting best on all sets, the held-out choice)."""
    names = list(trials[0].scores)
    overall = max(trials, key=lambda t: sum(objective(s) for s in t.scores.values()))
    out = {}
    for held in names:
        chosen = max(
            trials, key=lambda t: sum(objective(t.scores[n]) for n in names if n != held)
        )
        out[held] = (
            objective(chosen.scores[held]),
            objective(overall.scores[held]),
            chosen.config,
        )
    return out
