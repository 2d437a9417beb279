"""Language identification of documents and lines, with the short-text script fallback."""

from __future__ import annotations

import pytest

from align.errors import ConfigError
from align.stages.language import identify, line_language, script_of, script_profile, written_in


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Les participants ont également souligné la nécessité de développer davantage de "
         "mesures communes visant à lutter contre le terrorisme international.", "fr"),
        ("وشدد المشاركون كذلك على الحاجة إلى تطوير إضافي للتدابير المشتركة الرامية إلى "
         "مكافحة الإرهاب الدولي.", "ar"),
        ("Заголовок открываемого материала", "ru"),
        ("The ministers agreed to meet again next week in Geneva to discuss security.", "en"),
        ("Die Minister haben vereinbart, sich nächste Woche in Genf wieder zu treffen.", "de"),
    ],
)
def test_identify_unrestricted(text: str, lang: str) -> None:
    found, confidence = identify(text)
    assert found == lang
    assert 0.5 < confidence <= 1.0
    assert line_language(text)[0] == lang


@pytest.mark.parametrize(
    ("text", "languages", "expected"),
    [
        ("أخبار العالم", None, ("ar", 1.0)),  # short: the script decides
        ("اترك تعليقاً", ("fr", "ar"), ("ar", 1.0)),
        ("S'abonner", ("fr", "ar"), ("fr", 0.5)),  # the only Latin-script language in play
        ("Chat", None, ("und", 0.0)),
        ("loader", ("fr", "en"), ("und", 0.0)),
        ("0", ("fr", "ar"), ("und", 0.0)),
        ("", None, ("und", 0.0)),
        ("Ελληνικά", None, ("el", 1.0)),
    ],
)
def test_short_texts(text: str, languages: tuple[str, ...] | None,
                     expected: tuple[str, float]) -> None:
    assert identify(text, languages) == expected


def test_restriction_keeps_other_scripts() -> None:
    # Restricted to fr/ar, a Russian line stays Russian instead of being forced into French.
    russian = "Заголовок открываемого материала"
    assert identify(russian, ["fr", "ar"]) == identify(russian)
    assert identify(russian)[0] == "ru"
    assert identify("Заголовок", ["fr", "ar"]) == ("ru", 1.0)
    english = "The ministers agreed to meet again next week in Geneva."
    assert identify(english)[0] == "en"
    assert identify(english, ("fr", "ar"))[0] == "fr"
    assert identify(english, ("ar",))[0] == "en"


@pytest.mark.parametrize(
    ("lang", "script", "expected"),
    [("fr", "Latin", True), ("ar", "Arabic", True), ("fa", "Arabic", True),
     ("ar", "Latin", False), ("ru", "Cyrillic", True), ("en", "Cyrillic", False)],
)
def test_written_in(lang: str, script: str, expected: bool) -> None:
    assert written_in(lang, script) is expected


def test_seed_documents(seeds_dir) -> None:
    found = [identify(path.read_text(encoding="utf-8"), ("fr", "ar"))[0]
             for path in sorted(seeds_dir.glob("*.txt"))]
    assert found == ["fr", "ar", "fr", "fr", "fr"]


def test_unknown_language_code() -> None:
    with pytest.raises(ConfigError, match="unknown language code"):
        identify("Les participants ont souligné la nécessité de mesures communes.", ["fr", "xx"])


@pytest.mark.parametrize(
    ("char", "script"),
    [("é", "Latin"), ("ب", "Arabic"), ("ﻻ", "Arabic"), ("Ж", "Cyrillic"), ("中", "Han"),
     ("7", "other")],
)
def test_script_of(char: str, script: str) -> None:
    assert script_of(char) == script


def test_script_profile_mixed() -> None:
    script, share, letters = script_profile("Le sommet de l’OCS à Tachkent – قمة 2024")
    assert (script, letters) == ("Latin", 26)
    assert share == pytest.approx(23 / 26)


def test_latin_script_text_is_never_arabic() -> None:
    assert identify("mot " * 500, ["fr", "ar"])[0] == "fr"
    assert identify("mot " * 500)[0] != "ar"
    assert identify("زيارة " * 50, ["fr", "ar"])[0] == "ar"
