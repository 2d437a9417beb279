"""Test-set decontamination: excluded sentences are found whatever their spacing,
punctuation, case, digits or Arabic marks, in text files and dataset directories."""

from __future__ import annotations

import pytest

from align.errors import InputError
from align.publish.dataset import write_dataset_dir
from align.records import Segment
from align.stages.decontaminate import Exclusion, excluded_sentences
from align.stages.filters import FilterConfig, apply_filters

FR_TEST = "Jeudi, les participants discuteront de la lutte contre le financement du terrorisme."
AR_TEST = "وسيناقش الحضور، الخميس، التعاون في مجال مكافحة تمويل الإرهاب."
FR_OTHER = "Les participants ont souligné la nécessité de développer des mesures communes."
AR_OTHER = "وشدد المشاركون كذلك على الحاجة إلى تطوير إضافي للتدابير المشتركة."
GOOD = {"score": 0.97, "length_ratio": 0.93, "lang_fr": 1.0, "lang_ar": 0.9}


def seg(src: str, tgt: str, alignment: str = "1-1") -> Segment:
    return Segment("s", src, tgt, "fr1", "ar1", (0,), (0,), alignment, 0.6, dict(GOOD))


@pytest.fixture()
def test_set(tmp_path):
    path = tmp_path / "test.txt"
    path.write_text(f"\ufeff{FR_TEST}\n\n{AR_TEST}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "segment",
    [
        seg(FR_TEST, AR_OTHER),
        seg("Jeudi ,  les participants discuteront de la lutte contre le financement du "
            "terrorisme !", AR_OTHER),  # spacing and final punctuation changed
        seg("jeudi les participants discuteront de la lutte contre le financement du terrorisme",
            AR_OTHER),
        seg(FR_OTHER, "وسيناقش الحضور الخميس التعاون في مجال مكافحة تمويـل الإرهاب"),  # tatweel
        seg(FR_OTHER + " " + FR_TEST, AR_OTHER, "2-1"),  # one sentence of a 2-1 segment
        seg(FR_OTHER, AR_OTHER + " " + AR_TEST, "1-2"),
    ],
)
def test_excluded_sentences_are_removed(test_set, segment: Segment) -> None:
    kept, rejected, counts = apply_filters([segment], FilterConfig(exclude=(str(test_set),)))
    assert kept == [] and counts == {"test_overlap": 1}
    assert rejected[0][1] == "test_overlap"


def test_other_sentences_stay(test_set) -> None:
    exclusion = Exclusion.load([test_set])
    assert len(exclusion.keys) == 2
    assert exclusion.reason(seg(FR_OTHER, AR_OTHER)) == ""
    assert not exclusion.matches("Jeudi, les participants discuteront.")  # a part is not enough


def test_dataset_directory_is_an_excluded_set(tmp_path) -> None:
    held_out = write_dataset_dir(tmp_path / "test-set", {"test": [seg(FR_TEST, AR_TEST)]},
                                 ("fr", "ar"), "card", {"splits": {"test": 1}})
    assert sorted(excluded_sentences(held_out)) == sorted([FR_TEST, AR_TEST])
    kept, _, counts = apply_filters([seg(FR_OTHER, AR_TEST), seg(FR_OTHER, AR_OTHER)],
                                    FilterConfig(exclude=(str(held_out),)))
    assert [s.src for s in kept] == [FR_OTHER] and counts == {"test_overlap": 1}


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: (d / "latin1.txt").write_bytes(b"Jeudi \xe9t\xe9\n") and d / "latin1.txt",
         "not UTF-8"),
        (lambda d: (d / "empty").mkdir() or d / "empty", "without parquet shards"),
    ],
)
def test_bad_excluded_sets_are_named(tmp_path, make, problem: str) -> None:
    path = make(tmp_path)
    with pytest.raises(InputError) as error:
        Exclusion.load([path])
    assert problem in str(error.value) and path.name in str(error.value)
