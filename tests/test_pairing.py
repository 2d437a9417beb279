"""Document pairing: translations are paired, topical neighbours are not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.records import Document, DocumentPair
from align.stages.clean import clean_articles
from align.stages.coverage import matched_coverage, sentence_coverage, sentence_coverages
from align.stages.ingest import read_articles
from align.stages.pairing import (
    PairingConfig,
    accept_pair,
    margins,
    pair_documents,
    pair_embedded,
    pair_score,
    standing,
)
from align.stages.rescoring import (
    length_agreement,
    number_overlap,
    numbers_in,
    score_candidates,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Les autorités de 20 États membres, le 16 août 2024.", {"20", "16", "2024"}),
        ("تمثل ٢٠ دولة عضو في عام ۲۰۲۴", {"20", "2024"}),
        ("Un taux de 3,5 % puis 1.250 personnes.", {"3.5", "1.250"}),
        ("Aucun chiffre ici.", set()),
    ],
)
def test_numbers_in_normalises_digits(text: str, expected: set[str]) -> None:
    assert numbers_in(text) == expected


def test_number_overlap_is_jaccard_with_neutral_default() -> None:
    assert number_overlap("20 États en 2024", "٢٠ دولة في 2024") == 1.0
    assert number_overlap("20 États", "30 دولة") == 0.0
    assert number_overlap("sans chiffres", "بدون أرقام") == 0.5


def test_length_agreement_uses_the_expected_ratio() -> None:
    assert length_agreement("a" * 100, "b" * 80, char_ratio=0.8) == pytest.approx(1.0)
    assert length_agreement("a" * 100, "b" * 40, char_ratio=0.8) == pytest.approx(0.5)
    assert length_agreement("", "b", char_ratio=0.8) == 0.0


def test_sentence_coverage_is_mean_best_match_both_ways() -> None:
    eye = np.eye(3, dtype=np.float32)
    assert sentence_coverage(eye, eye) == pytest.approx(1.0)
    assert sentence_coverage(eye[:1], eye) == pytest.approx((1.0 + 1 / 3) / 2)
    assert sentence_coverage(eye[:0], eye) == 0.0


def test_seeds_pair_the_story_and_leave_related_articles_unpaired(seeds_dir, embedder) -> None:
    documents, _ = clean_articles(read_articles(seeds_dir), ("fr", "ar"))
    french = [d for d in documents if d.lang == "fr"]
    arabic = [d for d in documents if d.lang == "ar"]
    pairs, unpaired = pair_documents(french, arabic, embedder)
    assert [(p.src.id[:3], p.tgt.id[:3]) for p in pairs] == [("000", "001")]
    assert pairs[0].number_overlap == 1.0  # "20" is the only number of both
    assert sorted(u.document.id[:3] for u in unpaired) == ["002", "003", "004"]
    for u in unpaired:
        assert u.best_match == arabic[0].id
        assert u.best_score < PairingConfig().threshold < pairs[0].score
        assert "scored" in u.reason


def test_one_language_collection_pairs_nothing(embedder) -> None:
    french = [Document("a", "fr", ["Le chat dort sur le canapé."])]
    pairs, unpaired = pair_documents(french, [], embedder)
    assert pairs == []
    assert [(u.document.id, u.reason) for u in unpaired] == [
        ("a", "no target-language document in the collection")
    ]


def test_pairs_are_one_to_one(embedder) -> None:
    story_fr = ["Le président a visité l'usine de Lyon lundi.", "Il a annoncé 300 emplois."]
    story_ar = ["زار الرئيس مصنع ليون يوم الاثنين.", "وأعلن عن 300 وظيفة."]
    other_fr = ["La pluie tombe sur Paris depuis trois jours.", "Les rivières montent."]
    french = [Document("fr1", "fr", story_fr), Document("fr2", "fr", other_fr)]
    arabic = [Document("ar1", "ar", story_ar), Document("ar2", "ar", story_ar)]
    pairs, unpaired = pair_documents(french, arabic, embedder)
    assert [(p.src.id, p.tgt.id) for p in pairs] == [("fr1", "ar1")]
    left = {u.document.id: u.reason for u in unpaired}
    assert set(left) == {"fr2", "ar2"}
    assert "was paired with a better match" in left["ar2"]


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    src_size=st.integers(0, 6),
    sizes=st.lists(st.integers(0, 6), min_size=1, max_size=5),
)
def test_sentence_coverages_equal_one_pair_at_a_time(seed, src_size, sizes) -> None:
    rng = np.random.default_rng(seed)
    src = rng.standard_normal((src_size, 8)).astype(np.float32)
    others = [rng.standard_normal((n, 8)).astype(np.float32) for n in sizes]
    expected = [sentence_coverage(src, other) for other in others]
    coverages = sentence_coverages(src, others)
    assert coverages.mean.tolist() == pytest.approx(expected, abs=1e-5)
    for other, best in zip(others, coverages.target_best, strict=True):
        assert len(best) == len(other)


PARAGRAPHS_FR = [
    "Une conférence conjointe de la CEI et de l’OCS a débuté mercredi à Tachkent.",
    "Les autorités de 20 États membres participent à cet événement de deux jours.",
    "Les participants ont souligné la nécessité de mesures communes contre le terrorisme.",
    "Jeudi, ils discuteront de la lutte contre le financement du terrorisme.",
]
PARAGRAPHS_AR = [
    "انطلق يوم الأربعاء في طشقند مؤتمر مشترك لرابطة الدول المستقلة ومنظمة شنغهاي للتعاون.",
    "وتشارك في الحدث الذي يستمر يومين سلطات تمثل 20 دولة عضو.",
    "وشدد المشاركون على الحاجة إلى تدابير مشتركة لمكافحة الإرهاب.",
    "وسيناقشون الخميس مكافحة تمويل الإرهاب.",
]


def candidate(src: Document, tgt: Document, score: float) -> DocumentPair:
    return DocumentPair(src, tgt, score, score, 0.5, 1.0)


def test_margin_is_the_lead_over_each_documents_best_other_candidate() -> None:
    story = Document("fr-v1", "fr", PARAGRAPHS_FR[:3])
    update = Document("fr-v2", "fr", PARAGRAPHS_FR)  # the story with one paragraph more
    copy = Document("fr-copy", "fr", PARAGRAPHS_FR[:3])  # published twice
    arabic = Document("ar-v1", "ar", PARAGRAPHS_AR[:3])
    pairs = [candidate(story, arabic, 0.66), candidate(update, arabic, 0.6),
             candidate(copy, arabic, 0.66)]
    assert margins(pairs) == pytest.approx([0.06, -0.06, 0.06])  # a copy is no rival
    assert margins(pairs[1:2]) == pytest.approx([0.6])  # alone: its score


@pytest.mark.parametrize(
    ("score", "lead", "sentences", "accepted"),
    [
        (0.62, 0.0, (3, 3), True),  # over the threshold, as good as any rival
        (0.62, -0.05, (9, 9), False),  # over the threshold, but a rival scores more
        (0.46, 0.09, (9, 8), True),  # a loose translation, plainly its documents' best
        (0.46, 0.09, (2, 3), False),  # a brief: coverage of 2 sentences is too noisy
        (0.46, 0.02, (9, 8), False),  # a close rival: same story, another report
        (0.40, 0.20, (12, 12), False),  # too little in common, however far ahead
    ],
)
def test_acceptance_by_score_lead_and_length(
    score: float, lead: float, sentences: tuple[int, int], accepted: bool
) -> None:
    french = Document("fr", "fr", PARAGRAPHS_FR)
    arabic = Document("ar", "ar", PARAGRAPHS_AR)
    pair = DocumentPair(french, arabic, score, score, 0.5, 1.0, sentences=sentences)
    assert accept_pair(pair, lead, PairingConfig()) is accepted


def test_two_versions_pair_with_their_own_translations(embedder) -> None:
    french = [Document("fr-v1", "fr", PARAGRAPHS_FR[:3]), Document("fr-v2", "fr", PARAGRAPHS_FR)]
    arabic = [Document("ar-v1", "ar", PARAGRAPHS_AR[:3])]
    pairs, unpaired = pair_documents(french, arabic, embedder)
    assert [(p.src.id, p.tgt.id) for p in pairs] == [("fr-v1", "ar-v1")]
    assert [u.document.id for u in unpaired] == ["fr-v2"]
    both = [Document("ar-v1", "ar", PARAGRAPHS_AR[:3]), Document("ar-v2", "ar", PARAGRAPHS_AR)]
    pairs, _ = pair_documents(french, both, embedder)
    assert [(p.src.id, p.tgt.id) for p in pairs] == [("fr-v1", "ar-v1"), ("fr-v2", "ar-v2")]


STORY_FR = [
    "Le gouvernement a présenté mardi son projet de budget pour l'année prochaine.",
    "Le texte prévoit une hausse de 4 % des dépenses consacrées à l'éducation.",
    "Les syndicats d'enseignants ont salué un premier pas, jugé toutefois insuffisant.",
    "L'opposition dénonce un budget qui creuse encore le déficit public.",
    "Le Parlement doit examiner le projet à partir du mois prochain.",
    "Le ministre des Finances a promis de réduire le déficit d'ici deux ans.",
]
STORY_AR = [
    "قدمت الحكومة يوم الثلاثاء مشروع ميزانيتها للعام المقبل.",
    "وينص المشروع على زيادة بنسبة 4 في المئة في النفقات المخصصة للتعليم.",
    "ورحبت نقابات المعلمين بما اعتبرته خطوة أولى، لكنها غير كافية.",
    "وتندد المعارضة بميزانية تزيد من تفاقم العجز العام.",
    "ومن المقرر أن يناقش البرلمان المشروع اعتبارا من الشهر المقبل.",
    "ووعد وزير المالية بخفض العجز في غضون عامين.",
]


def test_shortfall_is_what_a_rival_candidate_covers_better() -> None:
    """The Arabic version without the budget's first sentence covers a third of the French
    article less well than the full translation does: a shortfall of (1/3 + 0) / 2. It
    lowers the standing the candidates are compared by, not the score the threshold reads."""
    french = [Document("fr", "fr", STORY_FR[:3])]
    arabic = [Document("ar-full", "ar", STORY_AR[:3]), Document("ar-cut", "ar", STORY_AR[1:3])]
    eye = np.eye(3, dtype=np.float32)
    candidates = np.array([[0, 0], [0, 1]])
    config = PairingConfig()
    full, cut = score_candidates(candidates, french, arabic, [eye], [eye, eye[1:]], config)
    assert full.evidence["coverage_shortfall"] == pytest.approx(0.0)
    assert cut.evidence["coverage_shortfall"] == pytest.approx(1 / 6)
    assert cut.similarity == pytest.approx((2 / 3 + 1) / 2)  # coverage itself is unchanged
    alone = pair_score(french[0], arabic[1], eye, eye[1:], config)  # no rival: no shortfall
    assert alone.evidence["coverage_shortfall"] == 0.0
    assert cut.score == pytest.approx(alone.score)
    assert standing(cut, config) == pytest.approx(cut.score - config.shortfall_weight / 6)
    assert standing(full, config) == pytest.approx(full.score)


def test_overlapping_versions_pair_with_their_own_translations(embedder) -> None:
    """Two versions of a story sharing four of their five paragraphs, each published in both
    languages: each pairs with its own translation, not with the other's."""
    french = [Document("fr-early", "fr", STORY_FR[:5]), Document("fr-late", "fr", STORY_FR[1:])]
    arabic = [Document("ar-early", "ar", STORY_AR[:5]), Document("ar-late", "ar", STORY_AR[1:])]
    pairs, unpaired = pair_documents(french, arabic, embedder)
    assert [(p.src.id, p.tgt.id) for p in pairs] == [("fr-early", "ar-early"),
                                                     ("fr-late", "ar-late")]
    assert unpaired == []
    for pair in pairs:
        assert pair.evidence["coverage_shortfall"] == pytest.approx(0.0, abs=0.01)


def test_a_version_missing_a_paragraph_is_not_paired_with_the_full_translation(embedder) -> None:
    """The French update adds a paragraph; its Arabic translation is missing from the
    collection, and the shorter Arabic version goes to its own French original."""
    french = [Document("fr-v1", "fr", STORY_FR[:5]), Document("fr-v2", "fr", STORY_FR)]
    arabic = [Document("ar-v1", "ar", STORY_AR[:5])]
    pairs, unpaired = pair_documents(french, arabic, embedder)
    assert [(p.src.id, p.tgt.id) for p in pairs] == [("fr-v1", "ar-v1")]
    assert [u.document.id for u in unpaired] == ["fr-v2"]


@pytest.mark.parametrize(
    ("src", "tgt", "coverage", "matched"),
    [
        ([0, 1, 2], [0, 1, 2], 1.0, 1.0),  # a translation: every sentence its own match
        ([0, 1, 1], [0, 1], 1.0, (2 / 3 + 1) / 2),  # one sentence said twice, matched once
        ([0], [0, 1, 2], (1 + 1 / 3) / 2, (1 + 1 / 3) / 2),  # nothing matched twice
    ],
)
def test_matched_coverage_counts_each_sentence_once(
    src: list[int], tgt: list[int], coverage: float, matched: float
) -> None:
    eye = np.eye(3, dtype=np.float32)
    assert sentence_coverage(eye[src], eye[tgt]) == pytest.approx(coverage)
    assert matched_coverage(eye[src], eye[tgt]) == pytest.approx(matched)
    assert matched_coverage(eye[:0], eye) == 0.0


def test_a_sentence_covered_by_a_neighbours_match_does_not_win_the_pair() -> None:
    """The French update opens with a sentence whose Arabic translation is loose (cosine
    0.55): it matches the first Arabic sentence as well as the second. The earlier Arabic
    version, without that sentence, then covers the French one as well as the full
    translation does, and being shorter it covers its own sentences better. Matched one
    sentence to one, the update's opening sentence is left without a match in the earlier
    version: 0.069 of its coverage is reused, and the full translation is paired."""
    french = [Document("fr-update", "fr", STORY_FR[:4])]
    arabic = [Document("ar-update", "ar", STORY_AR[:4]), Document("ar-early", "ar", STORY_AR[1:4])]
    eye = np.eye(8, dtype=np.float32)
    loose = (0.55 * eye[0] + 0.55 * eye[1] + np.sqrt(1 - 2 * 0.55**2) * eye[7])[None]
    french_vectors = [np.vstack([loose, eye[1:4]]).astype(np.float32)]
    arabic_vectors = [eye[:4], eye[1:4]]
    config = PairingConfig()
    scored = score_candidates(np.array([[0, 0], [0, 1]]), french, arabic, french_vectors,
                              arabic_vectors, config)
    update, early = scored
    assert early.similarity > update.similarity  # coverage alone prefers the earlier version
    assert early.evidence["coverage_reused"] == pytest.approx(
        (1 + 1 + 1 + 0.55) / 4 / 2 + 1 / 2 - (3 / 4 + 1) / 2, abs=1e-5)
    assert update.evidence["coverage_reused"] == pytest.approx(0.0, abs=1e-6)
    assert standing(update, config) > standing(early, config)
    pairs, unpaired = pair_embedded(french, arabic, french_vectors, arabic_vectors, config)
    assert [(p.src.id, p.tgt.id) for p in pairs] == [("fr-update", "ar-update")]
    assert [u.document.id for u in unpaired] == ["ar-early"]
    no_reuse = PairingConfig(reuse_weight=0.0)
    pairs, _ = pair_embedded(french, arabic, french_vectors, arabic_vectors, no_reuse)
    assert [(p.src.id, p.tgt.id) for p in pairs] == [("fr-update", "ar-early")]
