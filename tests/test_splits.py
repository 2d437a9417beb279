"""Splits are drawn by document pair, deterministically, with the sizes the recipe asks for."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from align.errors import ConfigError
from align.recipe import SplitSizes
from align.records import Segment
from align.stages.splits import assign_splits, split_counts

RT_PAIRS = [f"rt-fr-{i:03d}|rt-ar-{i:03d}" for i in range(20)]


def test_same_seed_same_splits_whatever_the_order():
    shuffled = RT_PAIRS[:]
    random.Random(1).shuffle(shuffled)
    assert assign_splits(shuffled, SplitSizes(), seed=13) == assign_splits(
        RT_PAIRS, SplitSizes(), 13
    )


def test_draw_is_pinned_for_a_seed():
    drawn = assign_splits(RT_PAIRS, SplitSizes(), seed=13)
    held_out = sorted((split, pair) for pair, split in drawn.items() if split != "train")
    assert held_out == [
        ("test", "rt-fr-010|rt-ar-010"),
        ("test", "rt-fr-013|rt-ar-013"),
        ("validation", "rt-fr-014|rt-ar-014"),
        ("validation", "rt-fr-017|rt-ar-017"),
    ]


def test_another_seed_draws_other_pairs():
    first = {p for p, s in assign_splits(RT_PAIRS, SplitSizes(), 13).items() if s == "test"}
    second = {p for p, s in assign_splits(RT_PAIRS, SplitSizes(), 14).items() if s == "test"}
    assert first != second


@pytest.mark.parametrize(
    "total, sizes, expected",
    [
        (20, SplitSizes(0.1, 0.1), {"test": 2, "validation": 2, "train": 16}),
        (10, SplitSizes(3, 1), {"test": 3, "validation": 1, "train": 6}),
        (5, SplitSizes(0.1, 0.1), {"test": 1, "validation": 1, "train": 3}),  # 0.5 rounds up
        (1, SplitSizes(0.1, 0.1), {"test": 0, "validation": 0, "train": 1}),  # a single RT story
        (2, SplitSizes(0.5, 0.4), {"test": 1, "validation": 0, "train": 1}),  # train keeps one
        (0, SplitSizes(0.1, 0.1), {"test": 0, "validation": 0, "train": 0}),
    ],
)
def test_split_counts(total, sizes, expected):
    assert split_counts(total, sizes) == expected


def test_counts_that_leave_no_train_are_an_error():
    with pytest.raises(
        ConfigError, match="ask for 3 test and 2 validation document pairs but the corpus has 5"
    ):
        split_counts(5, SplitSizes(3, 2))


def test_duplicate_pair_ids_are_an_error():
    with pytest.raises(ConfigError, match="unique"):
        assign_splits(["fr1|ar1", "fr1|ar1"], SplitSizes(), 0)


def test_segments_of_one_article_never_straddle_splits():
    segments = [
        Segment(f"{fr}-{k}", "Bonjour.", "مرحبا.", fr, ar, (k,), (k,), "1-1", 0.8)
        for fr, ar in (p.split("|") for p in RT_PAIRS)
        for k in range(3)
    ]
    drawn = assign_splits(RT_PAIRS, SplitSizes(0.2, 0.2), seed=7)
    split_of_doc: dict[str, set[str]] = {}
    for s in segments:
        split = drawn[f"{s.src_doc}|{s.tgt_doc}"]
        split_of_doc.setdefault(s.src_doc, set()).add(split)
        split_of_doc.setdefault(s.tgt_doc, set()).add(split)
    assert all(len(splits) == 1 for splits in split_of_doc.values())
    assert Counter(drawn.values()) == {"train": 12, "test": 4, "validation": 4}


@given(
    st.sets(st.text(min_size=1, max_size=8), max_size=60),
    st.floats(0, 0.45),
    st.floats(0, 0.45),
    st.integers(0, 2**32),
)
def test_sizes_are_exact_and_train_is_never_emptied(ids, test, validation, seed):
    pairs = sorted(ids)
    drawn = assign_splits(pairs, SplitSizes(test, validation), seed)
    counts = Counter(drawn.values())
    expected = split_counts(len(pairs), SplitSizes(test, validation))
    assert {k: counts.get(k, 0) for k in expected} == expected
    assert set(drawn) == set(pairs)
    assert not pairs or counts["train"] >= 1
