"""Arabic words run together by a scraper are split again before pairing and alignment."""

from __future__ import annotations

import pytest

from align.records import Article, Document
from align.stages.clean import clean_article
from align.stages.pairing import score_pair
from align.stages.spacing import GLUED_LETTERS, _join_clitics, default_segmenter, restore_spaces

# One Arabic brief with its spaces, and the French it translates.
ARABIC = [
    "أعلنت وزارة الصحة يوم الثلاثاء عن حملة تطعيم جديدة ضد الحصبة في المدارس الابتدائية.",
    "وتهدف الحملة إلى حماية أكثر من مليوني طفل قبل نهاية العام الدراسي.",
]
FRENCH = [
    "Le ministère de la Santé a annoncé mardi une nouvelle campagne de vaccination contre la "
    "rougeole dans les écoles primaires.",
    "La campagne vise à protéger plus de deux millions d'enfants avant la fin de l'année "
    "scolaire.",
]
# The same story told otherwise, as a distractor.
FRENCH_OTHER = [
    "Les médecins s'inquiètent d'une hausse des cas de rougeole chez les adolescents.",
    "Plusieurs foyers ont été signalés dans le nord du pays depuis le début de l'année.",
]


def glued(text: str) -> str:
    """``text`` with the spaces between its Arabic words lost."""
    return text.replace(" ", "")


def boundaries(words: list[str]) -> set[int]:
    ends, at = set(), 0
    for word in words[:-1]:
        at += len(word)
        ends.add(at)
    return ends


def test_glued_words_are_split_and_nothing_is_lost() -> None:
    line = glued(ARABIC[0])
    restored = restore_spaces(line)
    assert restored.replace(" ", "") == line
    found, gold = boundaries(restored.split()), boundaries(ARABIC[0].split())
    assert len(found & gold) >= 0.8 * len(gold)  # most word boundaries come back
    assert len(found - gold) <= 0.2 * len(found)
    assert {"وزارة", "الصحة", "الثلاثاء", "جديدة", "المدارس"} <= set(restored.split())


@pytest.mark.parametrize(
    "line",
    [
        ARABIC[1],  # spaces kept: nothing to repair
        "وبالاستراتيجيات والمستشفيات",  # long words, each under the threshold
        "Le ministère a annoncé mardi une campagne de vaccination contre la rougeole.",
        "مرحبا" * 3,  # 15 letters run together: left alone
    ],
)
def test_text_with_its_spaces_is_left_alone(line: str) -> None:
    assert restore_spaces(line) == line


def test_the_threshold_counts_letters_not_diacritics() -> None:
    run = "كَتَبَ" * 6  # 18 letters, 18 diacritics
    assert len(run) >= GLUED_LETTERS and restore_spaces(run) == run


def test_proclitics_join_the_next_word_and_stray_letters_the_word_before() -> None:
    assert _join_clitics(["جعل", "ت", "ال", "دورة", "و", "لل", "طلاب"]) == [
        "جعلت", "الدورة", "وللطلاب",
    ]
    assert _join_clitics(["ال"]) == ["ال"]


def test_segmenter_covers_unknown_characters() -> None:
    words = default_segmenter().words("أعلنت☃الوزارة")
    assert "".join(words) == "أعلنت☃الوزارة"


def test_cleaning_counts_lines_with_glued_words() -> None:
    text = "\n".join([glued(ARABIC[0]), ARABIC[1]])
    document = clean_article(Article("ar/1", text, "ar/1.txt"), ("fr", "ar"))
    assert document is not None and document.lang == "ar"
    assert document.repaired == {"missing_spaces": 1}
    assert "وزارة الصحة" in document.paragraphs[0]


def test_a_brief_that_lost_its_spaces_scores_as_a_translation_again(embedder) -> None:
    french = Document("fr/brief", "fr", FRENCH)
    broken = Document("ar/brief", "ar", [glued(p) for p in ARABIC])
    repaired = clean_article(Article("ar/brief", "\n".join(broken.paragraphs), "ar.txt", "ar"),
                             ("fr", "ar"))
    assert repaired is not None and repaired.repaired == {"missing_spaces": 2}
    before = score_pair(french, broken, embedder).score
    after = score_pair(french, repaired, embedder).score
    assert after > before + 0.1  # measured: 0.58 -> 0.72
    other = score_pair(Document("fr/other", "fr", FRENCH_OTHER), repaired, embedder).score
    assert after > other + 0.3
