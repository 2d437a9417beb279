"""Filters: each rejection names its reason; counts per reason; digits across scripts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from align.records import Provenance, Segment
from align.stages.clean import normalise_digits
from align.stages.filters import (
    DuplicateFilter,
    FilterConfig,
    apply_filters,
    language_filter,
    length_ratio_filter,
    number_filter,
    numbers,
    score_filter,
)

FR = "Les autorités de 20 États membres de la CEI et de l’OCS participent à cet événement."
AR = "وتشارك في الحدث سلطات تمثل 20 دولة عضو في رابطة الدول المستقلة ومنظمة شنغهاي للتعاون."
GOOD = {"score": 0.97, "length_ratio": 0.93, "lang_fr": 1.0, "lang_ar": 0.9}


def seg(src: str = FR, tgt: str = AR, **scores: float) -> Segment:
    return Segment("s", src, tgt, "fr1", "ar1", (0,), (0,), "1-1", 0.6, {**GOOD, **scores})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٢٠ دولة و١٩٤٥", "20 دولة و1945"),
        ("۱۴۰۳ هجری", "1403 هجری"),
        ("en 2024", "en 2024"),
    ],
)
def test_normalise_digits(text: str, expected: str) -> None:
    assert normalise_digits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plus de 300 000 personnes vivent là-bas", {300000}),
        ("هناك أكثر من 300 ألف نسمة يعيشون هناك", {300000}),
        ("أكثر من ٥ آلاف إجراء", {5000}),
        ("un taux de 3,5 % en 2024", {2024}),  # 3 and 5 are under 10
        ("١٠٬٠٠٠ دولار عام ٢٠٢٤", {10000, 2024}),
        ("À 07h55, la femme de 44 ans", {55, 44}),
        ("Il a trois enfants.", set()),
    ],
)
def test_numbers(text: str, expected: set[int]) -> None:
    assert numbers(text) == expected


@pytest.mark.parametrize(
    ("src", "tgt", "keep"),
    [
        (FR, AR, True),
        (FR, AR.replace("20", "٢٠"), True),  # Arabic-Indic digits
        ("Plus de 820 000 personnes sont concernées.", "يتأثر أكثر من 820 ألف شخص.", True),
        (FR, AR.replace("20", "25"), False),
        ("La congrégation quitta les lieux dans les années 30.",
         "غادر جمهور الميثوديين في ثلاثينيات القرن العشرين.", True),  # one side in words
        ("En 2018, 40 000 cas, dont 12 000 graves.", "في 2018، 40 ألف حالة، منها 9 آلاف.", True),
        ("En 2018, 40 000 cas, dont 12 000 graves.", "في 2017، 40 ألف حالة، منها 9 آلاف.", False),
    ],
)
def test_number_filter(src: str, tgt: str, keep: bool) -> None:
    expected = (True, "") if keep else (False, "number_mismatch")
    assert number_filter(seg(src, tgt), FilterConfig()) == expected
    assert number_filter(seg(src, tgt), FilterConfig(min_number_overlap=None)) == (True, "")


@pytest.mark.parametrize(
    ("check", "scores", "reason"),
    [
        (score_filter, {"score": 0.08}, "low_score"),
        (length_ratio_filter, {"length_ratio": 0.25}, "length_ratio"),
        (language_filter, {"lang_ar": 0.02}, "wrong_language"),
        (language_filter, {"lang_fr": 0.1}, "wrong_language"),
    ],
)
def test_threshold_filters(check, scores: dict[str, float], reason: str) -> None:
    assert check(seg(), FilterConfig()) == (True, "")
    assert check(seg(**scores), FilterConfig()) == (False, reason)
    off = FilterConfig(min_score=None, min_length_ratio=None, min_language_confidence=None)
    assert check(seg(**scores), off) == (True, "")


def test_absent_scores_keep() -> None:
    unscored = Segment("s", FR, AR, "fr1", "ar1", (0,), (0,), "1-1", 0.6)
    for check in (score_filter, length_ratio_filter, language_filter):
        assert check(unscored, FilterConfig()) == (True, "")


def test_duplicates_are_folded() -> None:
    check = DuplicateFilter(FilterConfig())
    assert check(seg()) == (True, "")
    assert check(seg(FR.upper(), "  " + AR)) == (False, "duplicate_pair")
    assert check(seg(FR, "ترجمة أخرى")) == (False, "duplicate_source")
    assert check(seg("Autre phrase.", AR)) == (True, "")  # same target, other source
    lenient = DuplicateFilter(FilterConfig(duplicate_sources=False))
    lenient(seg())
    assert lenient(seg(FR, "ترجمة أخرى")) == (True, "")


def provenance(version: str) -> Provenance:
    return Provenance(f"fr-{version}", f"ar-{version}", f"https://fr.example/{version}", "")


@pytest.mark.parametrize(
    ("src", "tgt"),
    [
        (FR, AR),
        ("les autorités de 20 états membres de la CEI et de l'OCS participent à cet événement",
         AR),  # case, apostrophe, final punctuation
        (FR, "وتشارك في الحدث سلطات تمثل ٢٠ دولة عضو في رابطة الدول المستقلة "
             "ومنظمة شنغهاي للتعاون"),  # Arabic-Indic digits, no final stop
        (FR.replace(" de la ", "  de la "), "وتشـارك في الحدث سلطاتٌ تمثل 20 دولة عضو في رابطة "
         "الدول المستقلة ومنظمة شنغهاي للتعاون."),  # spacing, tatweel, a vowel mark
    ],
)
def test_near_duplicates_collapse_into_one_row_naming_both_versions(src: str, tgt: str) -> None:
    first = replace(seg(), found_in=(provenance("v1"),))
    again = replace(seg(src, tgt), found_in=(provenance("v2"),))
    kept, rejected, counts = apply_filters([first, again, replace(first)])
    assert [s.found_in for s in kept] == [(provenance("v1"), provenance("v2"))]
    assert (kept[0].src, kept[0].tgt) == (FR, AR)
    assert counts == {"duplicate_pair": 2}


def test_other_numbers_are_not_a_duplicate() -> None:
    other = seg(FR.replace("20", "21"), AR.replace("20", "21"))
    kept, _, counts = apply_filters([seg(), other])
    assert len(kept) == 2 and counts == {}


def test_apply_filters_counts_and_order() -> None:
    segments = [
        seg(),
        seg(),  # duplicate pair
        seg("Le sommet s’ouvre mardi.", "تفتتح القمة يوم الثلاثاء.", score=0.05),
        seg("Le sommet s’ouvre mardi.", "تفتتح القمة يوم الثلاثاء.", score=0.05, lang_ar=0.0),
        seg(FR, AR.replace("20", "30")),
        seg("Une autre phrase bien traduite.", "جملة أخرى مترجمة جيدا."),
    ]
    kept, rejected, counts = apply_filters(segments)
    assert kept == [segments[0], segments[5]]
    assert [reason for _, reason in rejected] == [
        "duplicate_pair", "low_score", "wrong_language", "number_mismatch"
    ]
    assert rejected[0][0] is segments[1]
    assert counts == {"duplicate_pair": 1, "low_score": 1, "wrong_language": 1,
                      "number_mismatch": 1}


def test_low_quality_first_occurrence_does_not_block_a_good_one() -> None:
    kept, rejected, counts = apply_filters([seg(score=0.05), seg()])
    assert len(kept) == 1 and kept[0].scores["score"] == 0.97
    assert counts == {"low_score": 1}


def test_apply_filters_empty() -> None:
    assert apply_filters([]) == ([], [], {})
