"""Arabic vowel marks and Persian letter forms are folded for embedding and matching only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from align.engine.build import build
from align.fold import fold_arabic
from align.stages.clean import normalise_for_matching
from align.stages.filters import FilterConfig, apply_filters
from align.stages.scoring import length_ratio

PLAIN = ("انطلق اليوم الأربعاء مؤتمر مشترك لكومنولث الدول المستقلة ومنظمة شانغهاي للتعاون "
         "حول مكافحة الإرهاب والتطرف في طشقند بأوزبكستان.")
VOCALISED = ("اِنْطَلَقَ الْيَوْمَ الْأَرْبِعَاءَ مُؤْتَمَرٌ مُشْتَرَكٌ لِكُومَنْوِلْثِ الدُّوَلِ "
             "الْمُسْتَقِلَّةِ وَمُنَظَّمَةِ شَانْغَهَايْ لِلتَّعَاوُنِ حَوْلَ مُكَافَحَةِ الْإِرْهَابِ "
             "وَالتَّطَرُّفِ فِي طَشْقَنْدَ بِأُوزْبَكِسْتَانَ.")
FRENCH = ("Une conférence conjointe de la Communauté des États indépendants (CEI) et de "
          "l’Organisation de coopération de Shanghai (OCS) sur la lutte contre le terrorisme "
          "et l’extrémisme a débuté mercredi à Tachkent, en Ouzbékistan.")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        (VOCALISED, PLAIN),
        ("بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ", "بسم الله الرحمن الرحيم"),  # superscript alef
        ("وفقًا لبيان صحفي، وتشارك أيضًا", "وفقا لبيان صحفي، وتشارك أيضا"),  # tanwin
        ("ذَٰلِكَ ٱلْكِتَٰبُ لَا رَيْبَۛ فِيهِۛ", "ذلك ٱلكتب لا ريب فيه"),  # Quranic marks
        ("مـــؤتـمـر", "مؤتمر"),  # tatweel
        ("کشور ایران", "كشور ايران"),  # Persian keheh and Farsi yeh
        ("پاکستان کی حکومت نے کہا", "پاكستان كي حكومت ني كها"),  # Urdu yeh barree, heh goal
        ("ﻣﺆﺗﻤﺮ", "مؤتمر"),  # presentation forms
        ("ا\u0654ن", "أن"),  # alef + combining hamza keeps its hamza
        (FRENCH, FRENCH),
        ("Le 5ᵉ sommet, l’ONU", "Le 5ᵉ sommet, l’ONU"),
    ],
)
def test_fold_arabic(text: str, folded: str) -> None:
    assert fold_arabic(text) == folded


def test_matching_key_and_length_ignore_vowel_marks() -> None:
    assert normalise_for_matching(VOCALISED, "ar") == normalise_for_matching(PLAIN, "ar")
    assert len(VOCALISED) > 1.6 * len(PLAIN)
    assert length_ratio(FRENCH, VOCALISED) == length_ratio(FRENCH, PLAIN)


def test_vocalised_and_persian_spellings_embed_as_the_plain_one(embedder) -> None:
    persian = PLAIN.replace("ي", "ی").replace("ك", "ک")
    french, plain, vocalised, persian_vector = embedder.encode([FRENCH, PLAIN, VOCALISED, persian])
    assert plain @ vocalised == pytest.approx(1.0, abs=1e-5)
    assert plain @ persian_vector == pytest.approx(1.0, abs=1e-5)
    assert french @ vocalised > 0.5


def test_vocalised_duplicates_are_duplicates() -> None:
    from align.records import Segment

    segments = [Segment(id=str(i), src=FRENCH, tgt=tgt, src_doc="fr", tgt_doc="ar",
                        src_sentences=(i,), tgt_sentences=(i,), alignment="1-1",
                        similarity=0.8) for i, tgt in enumerate([PLAIN, VOCALISED])]
    kept, rejected, counts = apply_filters(segments, FilterConfig(min_score=None))
    assert [s.tgt for s in kept] == [PLAIN]
    assert counts == {"duplicate_pair": 1}


def test_fully_vocalised_article_aligns_and_keeps_its_marks(seeds_dir: Path, embedder,
                                                           tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(seeds_dir / "000_0af1b1ec0e3f9fb2.txt", articles)
    arabic = (seeds_dir / "001_40ba571edd290cb5.txt").read_text(encoding="utf-8")
    assert PLAIN in arabic
    (articles / "001.txt").write_text(arabic.replace(PLAIN, VOCALISED), encoding="utf-8")
    report = build(articles, tmp_path / "out", embedder=embedder, keep_rejected=True)
    assert report["counts"]["document_pairs"] == 1
    data = tmp_path / "out" / "data"
    assert not list(data.glob("rejected-*"))  # nothing filtered, low_score included
    rows = [r for shard in data.glob("train-*.parquet") for r in pq.read_table(shard).to_pylist()]
    [row] = [r for r in rows if "طَشْقَنْدَ" in r["translation"]["ar"]]
    assert row["translation"] == {"fr": FRENCH, "ar": VOCALISED}  # published with its marks
    assert row["similarity"] > 0.5
