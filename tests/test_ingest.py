"""Reading articles: seeds, encodings, headers, HTML, JSONL and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.errors import InputError
from align.records import Article
from align.stages.clean import clean_articles
from align.stages.ingest import decode_text, read_articles, split_header

FRENCH = "L’événement a été organisé à Tachkent, en Ouzbékistan. À 6 heures, « Évidemment » !"
ARABIC = "انطلق اليوم الأربعاء مؤتمر مشترك لكومنولث الدول المستقلة ومنظمة شانغهاي للتعاون."


def test_seeds(seeds_dir: Path) -> None:
    articles = read_articles(seeds_dir)
    assert [a.id for a in articles] == [
        "000_0af1b1ec0e3f9fb2", "001_40ba571edd290cb5", "002_2bf75eb65d455bd3",
        "003_5166a26637d3ff90", "004_73ba37502c2163a9",
    ]
    first = articles[0]
    assert first.meta == {"date": "2024-09"}
    assert first.text.startswith("L’OCS et la CEI cherchent à maximiser leur coopération")
    assert "date" not in first.text.splitlines()[0]
    assert articles[1].text.startswith("أخبار العالم")
    assert all(a.meta == {} for a in articles[1:])
    assert articles[2].source.endswith("002_2bf75eb65d455bd3.txt")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (FRENCH, "utf-8"),
        (FRENCH, "utf-8-sig"),
        (FRENCH, "utf-16"),
        (ARABIC, "utf-16"),
        (FRENCH, "utf-32"),
        (ARABIC, "utf-8-sig"),
        (ARABIC, "cp1256"),
        ("وقال د. محمد إن الاجتماع كان ناجحا", "cp1256"),
        # a letter before the Arabic comma (0xA1 in cp1256) forms a valid UTF-8 pair
        ("وتم تنظيم هذا الحدث، وفقا لبيان صحفي، في طشقند.", "cp1256"),
        (FRENCH.replace("’", "'").replace("«", '"').replace("»", '"'), "latin-1"),
        (FRENCH, "cp1252"),
        ("À Paris, l'État a réagi.", "cp1252"),
        ("Ça va.", "cp1252"),
        (FRENCH, "utf-16-le"),  # no byte-order mark
        (FRENCH, "utf-16-be"),
        (ARABIC, "utf-16-le"),
        (ARABIC, "utf-16-be"),
    ],
)
def test_encodings(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    [article] = read_articles(path)
    assert article.text == text
    assert article.id == "article"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty file"),
        (b"  \n\n\t \n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f abc def", "binary file"),
        ("Le président a été élu.".encode() + b"\xff\xfe" + b"Fin.", "undecodable"),
        (bytes(range(0x80, 0x100)) * 4, "undecodable"),
        (b"\xff\xfeA\x00\x00\xd8", "undecodable utf-16"),
    ],
)
def test_bad_text_files(tmp_path: Path, data: bytes, problem: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=problem) as info:
        read_articles(path)
    assert info.value.path == str(path)


def _mojibake(text: str) -> bytes:
    """UTF-8 text read as Latin-1 and saved again as UTF-8."""
    return text.encode("utf-8").decode("latin-1").encode("utf-8")


@pytest.mark.parametrize("text", [
    f"{FRENCH}\nLe Centre antiterroriste de la CEI a co-organisé la réunion.",
    f"{ARABIC}\nوتم تنظيم هذا الحدث بشكل مشترك من قبل جهاز أمن الدولة في أوزبكستان.",
])
def test_mojibake_is_read_and_repaired_by_cleaning(tmp_path: Path, text: str) -> None:
    """UTF-8 read as Latin-1 and saved again holds C1 controls ("م" becomes "Ù\x85", a line
    break for str.splitlines): it is read, not rejected, and cleaning restores every line."""
    path = tmp_path / "article.txt"
    path.write_bytes(_mojibake(text))
    (article,) = read_articles(path)
    (document,), rejected = clean_articles([article], ("fr", "ar"))
    (expected,), _ = clean_articles([Article("article", text, "article.txt")], ("fr", "ar"))
    assert not rejected
    assert document.paragraphs == expected.paragraphs
    assert document.repaired == {"mojibake": len(expected.paragraphs)}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x08\x06\x00\x00\x00",
         "binary file, not text (NUL bytes, and not UTF-16 text)"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xdf\xa4\xd2lZ\x01\x00\x00",
         "binary file, not text (NUL bytes, and not UTF-16 text)"),
        (bytes([1, 2, 3, 0xE9, 0xFF, 5, 6, 7, 8, 14, 15, 0x9D]) * 8,
         "binary file, not text (control bytes)"),
        (bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17]) * 8 + b" abc",
         "binary file, not text (control characters)"),
    ],
)
def test_encoding_problems_are_named(tmp_path: Path, data: bytes, problem: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_articles(path)
    assert info.value.problem.startswith(problem)
    assert "byte-order mark" not in info.value.problem


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda d: d / "missing", "no such file or directory"),
        (lambda d: d, "no supported files"),
        (lambda d: _write(d / "notes.csv", "a,b"), "unsupported file type"),
    ],
)
def test_bad_paths(tmp_path: Path, make, problem: str) -> None:
    (tmp_path / "readme.md").write_text("# not an article")
    with pytest.raises(InputError, match=problem):
        read_articles(make(tmp_path))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _jsonl(path: Path, lines: list[str]) -> Path:
    return _write(path, "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"id": "b", "text": "Texte"', "line 2: invalid JSON"),
        ('["b", "Texte"]', "line 2: expected a JSON object"),
        ('{"text": "Le sommet a commencé."}', "line 2: missing field 'id'"),
        ('{"id": "b"}', "line 2: missing field 'text'"),
        ('{"id": "b", "text": "  "}', "line 2: field 'text' must be a non-empty string"),
        ('{"id": "a", "text": "Un autre texte."}', "duplicate article id 'a'"),
    ],
)
def test_bad_jsonl_lines(tmp_path: Path, line: str, problem: str) -> None:
    good = json.dumps({"id": "a", "text": "Le sommet de l’OCS s’est ouvert mercredi."})
    path = _jsonl(tmp_path / "articles.jsonl", [good, line])
    with pytest.raises(InputError, match=problem):
        read_articles(path)
    skipped: list[InputError] = []
    articles = read_articles(path, on_error=skipped.append)
    assert [a.id for a in articles] == ["a"]
    assert [problem in e.problem for e in skipped] == [True]


def test_jsonl_fields(tmp_path: Path) -> None:
    records = [
        {"id": 7, "text": "وتشارك في الحدث سلطات تمثل 20 دولة.", "lang": "ar",
         "url": "https://example.org/ar/7", "date": "2024-09-25"},
        {"id": "fr-7", "text": "Les autorités de 20 États y participent.", "extra": [1, 2]},
    ]
    path = _jsonl(tmp_path / "a.jsonl", ["", *(json.dumps(r, ensure_ascii=False) for r in records)])
    first, second = read_articles(path)
    assert (first.id, first.lang, first.text) == ("7", "ar", "وتشارك في الحدث سلطات تمثل 20 دولة.")
    assert first.meta == {"url": "https://example.org/ar/7", "date": "2024-09-25"}
    assert (second.id, second.lang, second.meta) == ("fr-7", None, {})


def test_directory_skips_bad_files(tmp_path: Path) -> None:
    _write(tmp_path / "b_good.txt", "Le sommet s’est ouvert mercredi à Tachkent.")
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "c_binary.txt").write_bytes(b"\x00\x01\x02")
    _jsonl(tmp_path / "d.jsonl", ['{"id": "b_good", "text": "Doublon."}',
                                  '{"id": "d1", "text": "Texte valide."}'])
    (tmp_path / "subdir").mkdir()
    _write(tmp_path / "subdir" / "nested.txt", "Ignoré : seul le premier niveau est lu.")
    _write(tmp_path / "notes.md", "# Notes")
    _write(tmp_path / ".hidden.txt", "Fichier caché.")
    (tmp_path / "e_loop.txt").symlink_to(tmp_path / "e_loop.txt")
    (tmp_path / "f_gone.txt").symlink_to(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="e_loop.txt: symbolic link loop"):
        read_articles(tmp_path)
    problems: list[InputError] = []
    articles = read_articles(tmp_path, on_error=problems.append)
    assert [a.id for a in articles] == ["b_good", "d1"]
    assert [(Path(e.path).name, e.problem.split(" (")[0]) for e in problems] == [
        ("e_loop.txt", "symbolic link loop, not read"),
        ("f_gone.txt", "symbolic link to a missing file"),
        ("notes.md", "unsupported file type, not read"),
        ("subdir", "subdirectory, not read"),
        ("a_empty.txt", "empty file"),
        ("c_binary.txt", "binary file, not text"),
        ("d.jsonl", "duplicate article id 'b_good'"),
    ]


@pytest.mark.parametrize(
    ("text", "meta", "body"),
    [
        (" date 2024-09 L’OCS et la CEI cherchent\n\nSuite.", {"date": "2024-09"},
         "L’OCS et la CEI cherchent\n\nSuite."),
        ("Date: 12 mars 2024\nURL: https://ex.org/a\nAuthor: SHI Lei\n\nTitre\nCorps.",
         {"date": "12 mars 2024", "url": "https://ex.org/a", "author": "SHI Lei"}, "Titre\nCorps."),
        ("title: Le sommet de l’OCS\ndate 25/09/2024\nTexte.",
         {"title": "Le sommet de l’OCS", "date": "25/09/2024"}, "Texte."),
        ("url https://ex.org/ar/1 رابطة الدول المستقلة", {"url": "https://ex.org/ar/1"},
         "رابطة الدول المستقلة"),
        ("Date limite des inscriptions : lundi.", {}, "Date limite des inscriptions : lundi."),
        ("Le titre\ndate: 2024-09\nTexte.", {}, "Le titre\ndate: 2024-09\nTexte."),
    ],
)
def test_split_header(text: str, meta: dict[str, str], body: str) -> None:
    assert split_header(text) == (meta, body)


def test_lang_header_sets_article_lang(tmp_path: Path) -> None:
    [article] = read_articles(_write(tmp_path / "x.txt", "lang: ar\nاختتم المؤتمر."))
    assert (article.lang, article.meta, article.text) == ("ar", {}, "اختتم المؤتمر.")
    with pytest.raises(InputError, match="no text after the header"):
        read_articles(_write(tmp_path / "x.txt", "date: 2024-09\n\n"))


HTML = """<html><head><meta charset="utf-8"><title>Sommet – Info</title></head><body>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/monde">Monde</a></li></ul></nav>
<article><h1>Le sommet de l’OCS s’ouvre à Tachkent</h1>
<p>Une conférence conjointe de la Communauté des États indépendants (CEI) et de l’Organisation
de coopération de Shanghai (OCS) a débuté mercredi à Tachkent, en Ouzbékistan.</p>
<p>L’événement a été organisé conjointement par le Service de sécurité d’État d’Ouzbékistan,
selon un communiqué de presse publié mercredi soir.</p>
<p>Les participants ont également souligné la nécessité de développer davantage de mesures
communes visant à lutter contre le terrorisme international.</p></article>
<footer><a href="/share">Partager sur Facebook</a></footer></body></html>"""


def test_html_main_text(tmp_path: Path) -> None:
    [article] = read_articles(_write(tmp_path / "sommet.html", HTML))
    lines = [line for line in article.text.splitlines() if line.strip()]
    assert lines[0] == "Le sommet de l’OCS s’ouvre à Tachkent"
    assert lines[1].startswith("Une conférence conjointe de la Communauté des États")
    assert lines[-1].endswith("contre le terrorisme international.")
    assert "Accueil" not in article.text and "Partager" not in article.text
    assert article.id == "sommet"


def test_html_without_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "vide.htm", "<html><body><div><img src='a.png'></div></body></html>")
    with pytest.raises(InputError, match="no main text found"):
        read_articles(path)


def test_decode_prefers_utf8() -> None:
    assert decode_text("Ã©té".encode(), "x") == "Ã©té"


def test_pair_lists_what_was_not_read(tmp_path: Path) -> None:
    import subprocess
    import sys

    _write(tmp_path / "fr.txt", "Le sommet de l’OCS s’est ouvert mercredi à Tachkent, en "
                                "Ouzbékistan, pour deux jours de travaux.")
    _jsonl(tmp_path / "more.jsonl", [json.dumps({
        "id": "x1", "lang": "xx", "text": "La conférence réunit vingt États membres."})])
    (tmp_path / "archive").mkdir()
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    result = subprocess.run([sys.executable, "-m", "align", "pair", str(tmp_path), "--json"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rejected = {Path(r["id"]).name: r["reason"] for r in json.loads(result.stdout)["rejected"]}
    assert rejected == {
        "archive": "subdirectory, not read (only the top level of a directory is read; give "
                   "it as an input)",
        "loop.txt": "symbolic link loop, not read",
        "x1": "declared language 'xx' not in fr, ar",
    }
