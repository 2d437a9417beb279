"""The dataset card: README.md with Hub metadata (YAML) and sections computed from the data.

``align.publish.stats`` summarises the segments of every split; ``render_card`` turns a
:class:`CardInfo` into the card text. The YAML is produced and read back by
``huggingface_hub``'s ``DatasetCardData``/``DatasetCard``, never written by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align.errors import ConfigError
from align.publish.stats import QUANTILES, CorpusStats, ordered_splits
from align.recipe import Recipe, Source
from align.wording import counted

SIZE_CATEGORIES = ((10**3, "n<1K"), (10**4, "1K<n<10K"), (10**5, "10K<n<100K"),
                   (10**6, "100K<n<1M"), (10**7, "1M<n<10M"), (10**8, "10M<n<100M"),
                   (10**9, "100M<n<1B"), (10**10, "1B<n<10B"), (10**11, "10B<n<100B"),
                   (10**12, "100B<n<1T"))


def config_name(languages: Sequence[str]) -> str:
    """The dataset config name, e.g. ``ar-fr`` (language codes sorted)."""
    return "-".join(sorted(languages))


@dataclass(frozen=True)
class CardInfo:
    """Everything the card says: corpus facts (as in a recipe) plus what the build measured."""

    name: str
    pretty_name: str
    description: str
    license: str
    languages: tuple[str, str]  # source language first, as in the alignment column
    stats: CorpusStats
    signature: Mapping[str, Any]  # how the build was made (versions, models, thresholds)
    filter_counts: Mapping[str, int] = field(default_factory=dict)  # segments each filter removed
    stage_counts: Mapping[str, int] = field(default_factory=dict)  # counts per pipeline stage
    dates: Mapping[str, Any] = field(default_factory=dict)  # first/last publication date
    example: Mapping[str, Any] | None = None  # one dataset row, as stored
    sources: tuple[Source, ...] = ()
    license_name: str = ""
    license_link: str = ""
    license_note: str = ""
    citation: str = ""
    repo_id: str = ""
    seed: int | None = None

    @classmethod
    def from_recipe(
        cls,
        recipe: Recipe,
        stats: CorpusStats,
        signature: Mapping[str, Any],
        filter_counts: Mapping[str, int] | None = None,
        stage_counts: Mapping[str, int] | None = None,
        example: Mapping[str, Any] | None = None,
        dates: Mapping[str, Any] | None = None,
    ) -> CardInfo:
        """The corpus facts of ``recipe`` plus what the build measured."""
        return cls(
            name=recipe.name, pretty_name=recipe.pretty_name, description=recipe.description,
            license=recipe.license, languages=recipe.languages, stats=stats, signature=signature,
            filter_counts=filter_counts or {}, stage_counts=stage_counts or {}, example=example,
            dates=dates or {},
            sources=recipe.sources, license_name=recipe.license_name,
            license_link=recipe.license_link, license_note=recipe.license_note,
            citation=recipe.citation, repo_id=recipe.hub_repo_id, seed=recipe.seed,
        )


def card_metadata(info: CardInfo) -> Any:
    """The card's YAML metadata as a ``huggingface_hub.DatasetCardData``."""
    from huggingface_hub import DatasetCardData

    size = next((label for bound, label in SIZE_CATEGORIES if info.stats.rows < bound), "n>1T")
    # Only splits with rows are configs; a build with none keeps ``train`` so that
    # ``load_dataset`` says no data file was found instead of reading the build report.
    splits = [s for s in ordered_splits(info.stats.split_sizes) if info.stats.split_sizes[s]]
    return DatasetCardData(
        pretty_name=info.pretty_name,
        language=sorted(info.languages),
        license=info.license,
        license_name=info.license_name or None,
        license_link=info.license_link or None,
        annotations_creators=["machine-generated"],
        language_creators=["found"],
        multilinguality=["translation"],
        size_categories=[size],
        source_datasets=["original"],
        task_categories=["translation"],
        tags=["parallel-corpus", "sentence-alignment", "news"],
        configs=[{
            "config_name": config_name(info.languages),
            "default": True,
            "data_files": [{"split": s, "path": f"data/{s}-*"} for s in splits or ["train"]],
        }],
    )


def render_card(info: CardInfo) -> str:
    """The full README.md: YAML front matter then the sections; checked by reading it back."""
    from huggingface_hub import DatasetCard

    data = card_metadata(info)
    sections = (_summary, _building, _statistics, _structure, _limitations, _licensing)
    body = "\n\n".join(section(info) for section in sections)
    text = f"---\n{data.to_yaml()}\n---\n\n# {info.pretty_name}\n\n{body}\n"
    if DatasetCard(text).data.to_dict() != data.to_dict():
        raise ConfigError("the dataset card metadata does not read back as written")
    return text


def _cell(value: Any) -> str:
    if isinstance(value, float):
        value = f"{value:.4g}"
    elif isinstance(value, (list, tuple)):
        value = ", ".join(map(str, value))
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, Mapping):
        return [item for key, sub in value.items() for item in _flatten(sub, f"{prefix}{key}.")]
    return [(prefix.rstrip("."), value)]


def _summary(info: CardInfo) -> str:
    src, tgt = info.languages
    s = info.stats
    repo = info.repo_id or f"path/to/{info.name}"
    return (
        f"## Dataset summary\n\n{info.description}\n\n"
        f"{counted(s.rows - s.split_sizes.get('rejected', 0), f'aligned {src}–{tgt} segment')} "
        f"from {counted(s.document_pairs, 'document pair')} ({s.words[src]} {src} and "
        f"{s.words[tgt]} {tgt} words), in config `{config_name(info.languages)}`.\n\n"
        f"```python\nfrom datasets import load_dataset\n\n"
        f"dataset = load_dataset(\"{repo}\", \"{config_name(info.languages)}\")\n```"
    )


def _building(info: CardInfo) -> str:
    version = info.signature.get("align")
    src, tgt = info.languages
    stages = (
        "1. **Ingest**: raw articles (text, HTML or JSONL) are read with their metadata.\n"
        "2. **Clean**: markup and boilerplate are stripped from each article.\n"
        f"3. **Language identification**: each article is kept as {src} or {tgt}, or dropped.\n"
        "4. **Document pairing**: articles are paired across languages by multilingual "
        "sentence-embedding similarity, number overlap and length agreement.\n"
        "5. **Sentence splitting** of both documents of each pair.\n"
        "6. **Sentence alignment**: dynamic programming over embedding similarity finds beads "
        "of one or more sentences a side (1-1, 1-2, 2-1...); sentences without a counterpart "
        "are left out.\n"
        "7. **Scoring** of every segment (the score columns below).\n"
        "8. **Filtering**: segments below the thresholds are counted and left out "
        "(kept in a `rejected` split when asked).\n"
        "9. **Splits** are drawn by document pair, so no article appears in two splits"
        + (f" (seed {info.seed})." if info.seed is not None else ".")
    )
    settings = _table(("setting", "value"), _flatten(info.signature))
    built = f"Built with align {version}. " if version else ""
    return (f"## How it was built\n\n{stages}\n\n{built}The signature below records every "
            f"version, model and threshold that decided the output:\n\n{settings}")


def _statistics(info: CardInfo) -> str:
    s = info.stats
    parts = ["## Statistics"]
    if info.stage_counts:
        parts.append(_table(("stage", "count"), list(info.stage_counts.items())))
    parts.append(_table(("split", "segments", "document pairs"),
                        [(n, s.split_sizes[n], s.pairs_per_split[n]) for n in s.split_sizes]))
    empty = [name for name, size in s.split_sizes.items() if not size]
    if empty and len(empty) == len(s.split_sizes):
        parts.append("This build found no segment, so no data file was written: "
                     "`align.publish.dataset.load_splits(DIR)` gives an empty `train` split with "
                     "every column, and `load_dataset` reports that no data file was found.")
    elif empty:
        parts.append("Splits with no rows are not written and not in the configs: "
                     + ", ".join(f"`{name}`" for name in empty) + ".")
    parts.append(_table(("documents", *s.documents),
                        [("with aligned segments", *s.documents.values())]))
    if s.domains:
        parts.append("Source web domains (documents with aligned segments):\n\n"
                     + _table(("domain", "documents"), list(s.domains.items())))
    if info.dates.get("dated"):
        d = info.dates
        parts.append(f"Publication dates of the paired {info.languages[0]} documents: "
                     f"{d['first']} to {d['last']} ({d['dated']} dated).")
    parts.append("Alignment types (source sentences–target sentences):\n\n"
                 + _table(("type", "segments"), list(s.alignment_types.items())))
    if s.scores:
        rows = [(name, d.count, d.mean, *d.quantiles.values()) for name, d in s.scores.items()]
        parts.append("Score distributions over kept segments:\n\n"
                     + _table(("score", "n", "mean", *(q for q, _ in QUANTILES)), rows))
    if info.filter_counts:
        kept = "in the `rejected` split" if s.split_sizes.get("rejected") else "not published"
        parts.append(f"Segments removed by each filter ({kept}):\n\n"
                     + _table(("filter", "removed"), list(info.filter_counts.items())))
        parts.extend(_filter_notes(info))
    else:
        parts.append("The filters removed no segment.")
    return "\n\n".join(parts)


def _filter_notes(info: CardInfo) -> list[str]:
    """What the duplicate and test-overlap counts mean."""
    notes = []
    collapsed = info.filter_counts.get("duplicate_pair", 0)
    if collapsed:
        notes.append(f"{collapsed} repeats of a segment pair (case, spacing, punctuation, digit "
                     "scripts and Arabic diacritics ignored) were collapsed into the row that "
                     "names, in `found_in`, every document pair it was found in.")
    if info.filter_counts.get("test_overlap"):
        excluded = info.signature.get("config", {}).get("filters", {}).get("exclude", [])
        names = ", ".join(f"`{Path(p).name}`" for p in excluded) or "the excluded sets"
        notes.append(f"`test_overlap`: segments holding a sentence of {names} were removed, "
                     "so the corpus can be evaluated on them.")
    return notes


_COLUMNS = {
    "id": "stable segment id (hash of the document ids and texts)",
    "translation": "the segment in both languages",
    "alignment": "bead type, source sentence count first (e.g. `1-2`)",
    "similarity": "cosine of the sentence embeddings of the two sides",
    "found_in": "every document pair (ids and URLs) the segment was found in",
    "bt_chrf": "chrF (0–1) of the back-translated target against the source",
    "bt_bleu": "BLEU (0–1) of the back-translated target against the source",
    "bt_chrf_rev": "chrF (0–1) of the translated source against the target",
    "bt_bleu_rev": "BLEU (0–1) of the translated source against the target",
    "length_ratio": "shorter over longer side, in characters",
    "score": "combined quality score in [0, 1], about the probability of a translation",
    "rejected_by": "the filter that rejected the segment (rejected split only)",
}


def _structure(info: CardInfo) -> str:
    src, tgt = info.languages
    described = dict(_COLUMNS)
    for lang in (src, tgt):
        described[f"{lang}_doc"] = f"id of the {lang} document"
        described[f"{lang}_url"] = f"URL of the {lang} document (empty when unknown)"
        described[f"{lang}_sentences"] = f"indices of the {lang} sentences in their document"
        described[f"lang_{lang}"] = f"language-identification confidence of the {lang} side"
    names = list(info.example) if info.example else list(described)
    rows = [(f"`{n}`", described.get(n, "score")) for n in names]
    text = "## Dataset structure\n\n" + _table(("column", "meaning"), rows)
    if info.example:
        example = json.dumps(dict(info.example), ensure_ascii=False, indent=2)
        text += f"\n\nAn example row:\n\n```json\n{example}\n```"
    return text


def _limitations(info: CardInfo) -> str:
    kept = info.stats.rows - info.stats.split_sizes.get("rejected", 0)
    small = (f"\n- With {counted(kept, 'segment')} it is a sample for testing and evaluation, "
             "far too small to train a translation system." if kept < 10_000 else "")
    return (
        "## Limitations\n\n"
        "- Documents and sentences are aligned automatically: some segments are loose "
        "paraphrases or partial translations even above the thresholds.\n"
        "- Embedding similarity rewards shared topic and named entities, so the scores do not "
        "guarantee adequacy.\n"
        "- News articles are often translated from a third language, so the direction of "
        "translation between the two sides is unknown.\n"
        "- The texts cover a narrow set of news topics and dates and carry their publishers' "
        "viewpoints." + small
    )


def _licensing(info: CardInfo) -> str:
    license_line = f"License: `{info.license}`" + (
        f" (`{info.license_name}`)" if info.license_name else "") + (
        f", terms: {info.license_link}" if info.license_link else "") + "."
    sources = "\n".join(
        f"- **{s.name}**" + (f" ({s.url})" if s.url else "") + (f": {s.note}" if s.note else "")
        for s in info.sources
    )
    text = f"## Licensing and sources\n\n{license_line}"
    if info.license_note:
        text += f"\n\n{info.license_note}"
    if sources:
        text += f"\n\nSources:\n\n{sources}"
    if info.citation:
        text += f"\n\n## Citation\n\n```bibtex\n{info.citation}\n```"
    return text
