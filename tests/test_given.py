"""Pairs the user already knows: JSONL lines with both sides, a pairs file, the check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.engine.pipeline import BuildConfig, build_corpus
from align.errors import InputError
from align.stages.given import read_pairs_file
from align.stages.ingest import read_articles

STORY_FR = ("Une conférence conjointe de la CEI et de l’OCS sur la lutte contre le terrorisme a "
            "débuté mercredi à Tachkent, en Ouzbékistan. Jeudi, les participants discuteront de "
            "la lutte contre le financement du terrorisme.")
STORY_AR = ("انطلق اليوم الأربعاء مؤتمر مشترك لكومنولث الدول المستقلة ومنظمة شانغهاي للتعاون حول "
            "مكافحة الإرهاب في طشقند بأوزبكستان. وسيناقش الحضور، الخميس، التعاون في مجال "
            "مكافحة تمويل الإرهاب.")
OTHER_FR = ("Le prix du blé a augmenté de 12 % sur les marchés européens cette semaine. Les "
            "agriculteurs craignent une mauvaise récolte après un printemps très sec.")
OTHER_AR = ("فاز المنتخب الوطني لكرة القدم على منافسه بثلاثة أهداف مقابل هدف واحد. وسجل "
            "المهاجم هدفين في الشوط الثاني أمام جمهور غفير.")
FR_URL = "https://news.un.org/fr/story/2024/09/1150001"
AR_URL = "https://news.un.org/ar/story/2024/09/1150001"


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                    encoding="utf-8")
    return path


def test_a_jsonl_line_with_both_sides_gives_two_linked_articles(tmp_path) -> None:
    path = write_jsonl(tmp_path / "pairs.jsonl", [
        {"id": "story-1", "fr": STORY_FR, "ar": STORY_AR, "fr_url": FR_URL, "ar_url": AR_URL,
         "date": "2024-09-04"},
    ])
    french, arabic = read_articles(path)
    assert (french.id, french.lang, arabic.id, arabic.lang) == ("story-1", "fr", "story-1", "ar")
    assert french.meta == {"url": FR_URL, "date": "2024-09-04", "pair": "story-1"}
    assert arabic.meta["url"] == AR_URL
    assert arabic.text == STORY_AR


def test_jsonl_pair_line_problems_name_the_line(tmp_path) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", [{"fr": STORY_FR, "ar": STORY_AR}])
    with pytest.raises(InputError, match=r"bad\.jsonl: line 1: missing field 'id'"):
        read_articles(path)
    path = write_jsonl(tmp_path / "bad.jsonl", [{"id": "x", "fr": STORY_FR, "ar": ""}])
    with pytest.raises(InputError, match=r"line 1: field 'ar' must be a non-empty string"):
        read_articles(path)


def test_given_pairs_skip_pairing_and_unrelated_ones_are_reported(tmp_path, embedder) -> None:
    path = write_jsonl(tmp_path / "pairs.jsonl", [
        {"id": "story-1", "fr": STORY_FR, "ar": STORY_AR, "fr_url": FR_URL, "ar_url": AR_URL},
        {"id": "mixed-up", "fr": OTHER_FR, "ar": OTHER_AR},
    ])
    result = build_corpus(path, BuildConfig(), embedder)
    [aligned] = result.pairs
    assert aligned.pair.given and aligned.pair.src.id == aligned.pair.tgt.id == "story-1"
    assert {(s.src_url, s.tgt_url) for s in aligned.segments} == {(FR_URL, AR_URL)}
    [(unrelated, reason)] = result.unrelated
    assert unrelated.pair.src.id == "mixed-up"
    assert reason.startswith("given pair looks unrelated")
    assert result.segments == aligned.segments  # nothing of the unrelated pair is published


def test_pairs_file_forces_pairs_by_id_or_url(tmp_path, embedder) -> None:
    (tmp_path / "in").mkdir()
    write_jsonl(tmp_path / "in" / "articles.jsonl", [
        {"id": "a", "lang": "fr", "text": STORY_FR, "url": FR_URL},
        {"id": "b", "lang": "fr", "text": OTHER_FR},
        {"id": "c", "lang": "ar", "text": STORY_AR, "url": AR_URL},
        {"id": "d", "lang": "ar", "text": OTHER_AR},
    ])
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"# French\tArabic\n{FR_URL}\tc\n", encoding="utf-8")
    result = build_corpus(tmp_path / "in", BuildConfig(pairs_file=str(pairs)), embedder)
    [aligned] = result.pairs
    assert (aligned.pair.src.id, aligned.pair.tgt.id, aligned.pair.given) == ("a", "c", True)
    assert aligned.pair.evidence["url_match"] == 1.0


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a\n", r"line 1: expected a source and a target id or URL separated by a tab"),
        ("a\tb\tc\n", r"line 1: expected"),
        ("\n# comment\nx\t\n", r"line 3: expected"),
    ],
)
def test_pairs_file_format_errors(tmp_path, text: str, problem: str) -> None:
    path = tmp_path / "pairs.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        read_pairs_file(path)


def test_pairs_file_naming_an_unknown_document(tmp_path, embedder) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "a", "lang": "fr", "text": STORY_FR}, {"id": "c", "lang": "ar", "text": STORY_AR},
    ])
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("a\tnope\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"pairs\.tsv: line 1: no document with id or URL 'nope'"):
        build_corpus(path, BuildConfig(pairs_file=str(pairs)), embedder)
