"""The dataset card: Hub metadata read back by huggingface_hub, sections computed from the data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SAMPLE_CONFIGS, SAMPLE_SEGMENTS
from huggingface_hub import DatasetCard

from align.publish.card import CardInfo, render_card
from align.publish.stats import CorpusStats, corpus_stats
from align.recipe import load_recipe
from align.records import Segment

ROOT = Path(__file__).resolve().parent.parent


def segments() -> dict[str, list[Segment]]:
    return {
        split: [
            Segment(f"{split}-{i}", fr, ar, fd, ad, fs, as_, kind, sim, {"bt_chrf": 40 + 50 * sim})
            for i, (fd, ad, fs, as_, kind, sim, fr, ar) in enumerate(rows)
        ]
        for split, rows in SAMPLE_SEGMENTS.items()
    }


def info(**changes) -> CardInfo:
    stats = corpus_stats(segments(), ("fr", "ar"))
    card = CardInfo(
        name="sample",
        pretty_name="Échantillon RT français–arabe",
        license="other",
        description="Trois segments alignés d’un article de RT.",
        languages=("fr", "ar"),
        stats=stats,
        license_name="publishers-copyright",
        seed=13,
        signature={
            "align": "0.1.0",
            "config": {"embedder": "use-m3", "pairing": {"threshold": 0.55}},
        },
        filter_counts={"min_similarity": 1},
        stage_counts={"documents": 5, "document_pairs": 2},
        example={
            "id": "train-0",
            "translation": {"ar": "زر الذهاب", "fr": "Bonjour"},
            "alignment": "1-1",
        },
    )
    return replace(card, **changes)


def test_stats_from_segments():
    stats = corpus_stats(segments(), ("fr", "ar"))
    assert stats.split_sizes == {"train": 2, "test": 1, "rejected": 1}
    assert stats.pairs_per_split == {"train": 1, "test": 1, "rejected": 1}
    assert stats.documents == {"fr": 2, "ar": 2}
    assert stats.document_pairs == 2
    assert stats.alignment_types == {"1-1": 2, "2-1": 1}
    assert stats.words == {"fr": 52, "ar": 45}
    similarity = stats.scores["similarity"]
    assert (
        similarity.count,
        similarity.quantiles["min"],
        similarity.quantiles["median"],
        similarity.quantiles["max"],
    ) == (3, 0.71, 0.78, 0.83)  # rejected 0.12 left out
    assert stats.scores["bt_chrf"].quantiles["median"] == pytest.approx(79.0)


def test_metadata_reads_back_through_huggingface_hub():
    data = DatasetCard(render_card(info())).data
    assert data.language == ["ar", "fr"]
    assert data.license == "other" and data.license_name == "publishers-copyright"
    assert data.task_categories == ["translation"]
    assert data.multilinguality == ["translation"]
    assert data.size_categories == ["n<1K"]
    assert data.source_datasets == ["original"]
    assert data.pretty_name == "Échantillon RT français–arabe"
    assert data.configs == SAMPLE_CONFIGS


@pytest.mark.parametrize(
    "rows, category",
    [
        (999, "n<1K"),
        (1_000, "1K<n<10K"),
        (250_000, "100K<n<1M"),
        (12_000_000, "10M<n<100M"),
    ],
)
def test_size_category(rows, category):
    stats = CorpusStats(
        {"train": rows}, {"train": 1}, {"fr": 1, "ar": 1}, 1, {}, {"fr": 0, "ar": 0}, {}
    )
    assert DatasetCard(render_card(info(stats=stats))).data.size_categories == [category]


def test_sections_carry_numbers_from_the_data():
    text = render_card(info())
    for heading in (
        "## Dataset summary",
        "## How it was built",
        "## Statistics",
        "## Dataset structure",
        "## Limitations",
        "## Licensing and sources",
    ):
        assert text.count(heading) == 1
    assert "3 aligned fr–ar segments from 2 document pairs (52 fr and 45 ar words)" in text
    assert "| config.pairing.threshold | 0.55 |" in text
    assert "| config.embedder | use-m3 |" in text
    assert "| 2-1 | 1 |" in text
    assert "| similarity | 3 | 0.7733 | 0.71 |" in text
    assert "| min_similarity | 1 |" in text
    assert "| rejected | 1 | 1 |" in text
    assert "(seed 13)" in text
    assert '"ar": "زر الذهاب"' in text  # Arabic written as is, not \\u escapes
    assert "With 3 segments it is a sample" in text


def test_table_cells_are_escaped():
    text = render_card(info(signature={"aligner": "vecalign|dp"}))
    assert "| aligner | vecalign\\|dp |" in text


def test_card_from_the_seeds_recipe_credits_the_sources():
    recipe = load_recipe(ROOT / "corpora" / "seeds.toml")
    card = CardInfo.from_recipe(
        recipe,
        corpus_stats(segments(), recipe.languages),
        {"align": "0.1.0"},
        filter_counts={"min_similarity": 1},
    )
    text = render_card(card)
    assert "- **RT (RT World News)**: French and Arabic versions" in text
    assert "- **RIA Novosti**:" in text
    assert "remain the copyright of their publishers" in text
    assert DatasetCard(text).data.pretty_name == recipe.pretty_name
    assert 'load_dataset("path/to/seeds-fr-ar", "ar-fr")' in text


def test_datasets_loads_a_directory_through_the_card_configs(sample_dataset, tmp_path):
    from datasets import load_dataset

    loaded = load_dataset(str(sample_dataset), cache_dir=str(tmp_path / "cache"))
    assert {name: len(split) for name, split in loaded.items()} == {
        "train": 2,
        "test": 1,
        "rejected": 1,
    }
    assert loaded["test"][0]["translation"]["fr"].startswith("Jeudi, les participants")
