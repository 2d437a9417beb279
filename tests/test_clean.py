"""Cleaning: seeds paragraph by paragraph, shape rules, repeats, languages, normalisation."""

from __future__ import annotations

import json
import time
import unicodedata
from pathlib import Path

import pytest

from align.records import Article
from align.stages.clean import (
    clean_article,
    clean_articles,
    comparison_key,
    furniture_lines,
    is_furniture,
    normalise_for_matching,
    repair_encoding,
    split_lines,
)
from align.stages.ingest import read_articles

LEAD_004 = (
    "Les Etats de l'OCS (Organisation de coopération de Shanghai) doivent renforcer la "
    "sécurité, achever le travail sur les modalités d'organisation des exercices "
    "antiterroristes et poursuivre la formation du réseau des structures antiterroristes, "
    "a déclaré jeudi à Bichkek Vladimir Poutine."
)
# Per seed: language, removed counts, and the exact lines that must go; all others stay.
SEEDS = {
    "000_0af1b1ec0e3f9fb2": ("fr", {}, []),
    "001_40ba571edd290cb5": (
        "ar", {"footer": 3, "navigation": 2, "title_suffix": 1},
        ["أخبار العالم", "يمكنك مشاركة هذه القصة على وسائل التواصل الاجتماعي:", "اترك تعليقاً",
         "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *",
         "زر الذهاب إلى الأعلى"],
    ),
    "002_2bf75eb65d455bd3": ("fr", {"navigation": 1}, ["UzA"]),
    "003_5166a26637d3ff90": ("fr", {"byline": 1}, ["Ajouté au 13/06/2010 par SHI Lei"]),
    "004_73ba37502c2163a9": (
        "fr", {"footer": 2, "foreign_language": 1, "navigation": 4},
        ["S'abonner", "Fil d’actu", "0",
         "Pour participer aux discussions, identifiez-vous ou créez-vous un compte",
         "loader", "Chat", "Заголовок открываемого материала"],
    ),
}


@pytest.fixture(scope="module")
def seed_results(seeds_dir: Path):
    articles = read_articles(seeds_dir)
    documents, rejected = clean_articles(articles)
    assert rejected == []
    return {a.id: a for a in articles}, {d.id: d for d in documents}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_paragraphs(seed_results, seed: str) -> None:
    articles, documents = seed_results
    lang, removed, dropped = SEEDS[seed]
    document = documents[seed]
    expected = [line for line in split_lines(articles[seed].text) if line not in dropped]
    if seed.startswith("001"):
        assert expected[0].endswith(" – RT World News")
        expected[0] = expected[0].removesuffix(" – RT World News")
    assert document.paragraphs == expected  # every body paragraph survives, in order
    assert (document.lang, document.removed) == (lang, removed)
    assert document.lang_confidence > 0.9


def test_seed_details(seed_results) -> None:
    _, documents = seed_results
    assert [len(d.paragraphs) for d in documents.values()] == [9, 10, 6, 8, 10]
    assert documents["000_0af1b1ec0e3f9fb2"].meta == {"date": "2024-09"}
    assert documents["000_0af1b1ec0e3f9fb2"].paragraphs[0].startswith("L’OCS et la CEI")
    assert documents["001_40ba571edd290cb5"].meta == {"site": "RT World News"}
    dateline = "BICHKEK, 16 août - RIA Novosti. "
    # The lead repeated after its dateline stays: repeats are removed after alignment.
    assert documents["004_73ba37502c2163a9"].paragraphs[1:3] == [LEAD_004, dateline + LEAD_004]


def _article(text: str, id_: str = "a", lang: str | None = None) -> Article:
    return Article(id=id_, text=text, source=f"{id_}.txt", lang=lang)


BODY_FR = [
    "Une conférence conjointe de la CEI et de l’OCS a débuté mercredi à Tachkent.",
    "Les deux pays ont décidé de partager leurs renseignements sur les groupes armés.",
    "Le ministère n’a fait aucun commentaire sur les mesures prises par l’organisation.",
]


def test_cue_words_alone_do_not_remove_sentences() -> None:
    footer = ["Partager", "Vous pouvez partager cet article.", "Commentaires (3)", "Haut de page"]
    document = clean_article(_article("\n".join(BODY_FR + footer)), ("fr", "ar"))
    assert document is not None
    assert document.paragraphs == BODY_FR
    assert document.removed == {"footer": 4}


@pytest.mark.parametrize(
    ("extra", "lang", "body"),
    [
        ("The ministers agreed to meet again next week in Geneva to discuss security.", "fr",
         BODY_FR),
        ("Les participants ont souligné la nécessité de mesures communes contre le terrorisme.",
         "ar", ["وشدد المشاركون على الحاجة إلى تطوير التدابير المشتركة لمكافحة الإرهاب الدولي.",
                "وسيناقش الحضور الخميس التعاون في مجال مكافحة تمويل الإرهاب."]),
        ("Заголовок открываемого материала", "fr", BODY_FR),
    ],
)
def test_third_language_lines(extra: str, lang: str, body: list[str]) -> None:
    document = clean_article(_article("\n".join([body[0], extra, *body[1:]])), ("fr", "ar"))
    assert document is not None
    assert (document.lang, document.paragraphs) == (lang, body)
    assert document.removed == {"foreign_language": 1}


TITLE = "Le sommet de l’OCS s’ouvre à Tachkent"


@pytest.mark.parametrize(
    ("title", "kept", "site"),
    [
        (f"{TITLE} – France 24", TITLE, "France 24"),
        (f"{TITLE} | Le Courrier", TITLE, "Le Courrier"),
        ("Le sommet de l’OCS s’ouvre – la Russie appelle au calme", None, None),
        ("Sécurité régionale – Vladimir Poutine", None, None),
    ],
)
def test_title_suffix(title: str, kept: str | None, site: str | None) -> None:
    document = clean_article(_article("\n".join([title, *BODY_FR])), ["fr"])
    assert document is not None
    assert document.paragraphs[0] == (kept or title)
    assert document.meta.get("site") == site


MENU_FR = "Accueil > Monde > Asie centrale"
PROMO_FR = "Retrouvez toute l’actualité internationale sur notre site et nos applications."
SHARED_FR = "Le sommet annuel de l’OCS se tiendra à Astana au mois de juillet prochain."
MENU_AR = "الرئيسية > أخبار العالم"
SHARED_AR = "وسيعقد المؤتمر المقبل في أستانا في شهر يوليو من العام المقبل."


@pytest.mark.parametrize(
    ("line", "documents", "site_documents", "furniture"),
    [
        # short lines that are not sentences, on two pages or more: menus, buttons, tags
        (MENU_FR, 2, 6, True),
        ("Partager sur Facebook", 2, 5, True),
        (MENU_AR, 2, 40, True),
        ("شارك على فيسبوك", 3, 120, True),
        (MENU_FR, 1, 6, False),
        ("Partager sur Facebook", 3, 2280, False),  # a title in 3 overlapping versions
        # full sentences: only on a large share of the site's pages
        (PROMO_FR, 5, 6, True),
        ("لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *", 30, 60, True),
        (SHARED_FR, 3, 6, False),  # an updated version of the story, not furniture
        (SHARED_FR, 3, 570, False),
        (SHARED_AR, 7, 2280, False),  # republished wire copy
        (SHARED_AR, 4, 4, False),  # four versions of one story: too few pages to tell
    ],
)
def test_is_furniture(line: str, documents: int, site_documents: int, furniture: bool) -> None:
    assert is_furniture(line, documents, site_documents) is furniture


def test_cross_document_furniture_and_rejections() -> None:
    bodies = [
        BODY_FR[0],
        "La RATS coordonne la lutte antiterroriste des pays membres.",
        "Le président russe a plaidé pour une coopération plus étroite.",
        "Les ministres se retrouveront en octobre pour un nouveau cycle de discussions.",
        "Le Kazakhstan accueillera des exercices antiterroristes conjoints à l’automne.",
    ]
    articles = [
        _article(f"{MENU_FR}\n{body}\n{SHARED_FR if i < 3 else body}\n{PROMO_FR}", f"fr{i}")
        for i, body in enumerate(bodies)
    ]
    articles += [
        _article(f"{MENU_AR}\nوشدد المشاركون على الحاجة إلى تطوير التدابير المشتركة.\n{SHARED_AR}",
                 "ar0"),
        _article(f"{MENU_AR}\nوسيناقش الحضور الخميس التعاون في مجال مكافحة تمويل الإرهاب.\n"
                 f"{SHARED_AR}", "ar1"),
        _article("Die Minister haben vereinbart, sich nächste Woche in Genf wieder zu "
                 "treffen, um über die Sicherheit zu sprechen.", "de"),
        _article("Partager\nCommentaires\n0\nS’abonner", "furniture"),
        _article("12 345\n2024", "digits"),
    ]
    documents, rejected = clean_articles(articles, ("fr", "ar"))
    by_id = {d.id: d for d in documents}
    assert by_id["fr0"].paragraphs == [BODY_FR[0], SHARED_FR]  # shared by 3 of 10: content
    assert by_id["fr0"].removed == {"cross_document": 2}  # the menu and the promotion (5 of 10)
    assert by_id["fr4"].paragraphs == [bodies[4], bodies[4]]  # a repeat inside stays
    assert by_id["ar1"].paragraphs[1] == SHARED_AR
    assert by_id["ar1"].removed == {"cross_document": 1}
    assert [(a.id, reason) for a, reason in rejected] == [
        ("de", "language de not in fr, ar"),
        ("furniture", "empty after cleaning"),
        ("digits", "no identifiable language"),
    ]


def test_furniture_is_counted_per_site() -> None:
    line = "Suivez toute l’actualité de la région avec notre lettre d’information quotidienne."
    articles = [
        Article(f"{site}{i}", f"{BODY_FR[i % 3]} {i}\n{line}", f"{site}{i}.txt",
                meta={"url": f"https://{site}.example/{i}"})
        for site, pages in (("a", 5), ("b", 20)) for i in range(pages)
    ]
    furniture = furniture_lines(articles)
    assert len(furniture["a.example"]) == len(furniture["b.example"]) == 1  # on every page
    few = [a for a in articles if a.id in {"a0", "a1", "b0", "b1", "b2"}]
    assert furniture_lines(few) == {"a.example": frozenset(), "b.example": frozenset()}


def test_repeats_inside_a_document_are_kept() -> None:
    line = "ووفقا للبيان الصحفي، فإن التوترات الجيوسياسية المتزايدة شكلت تحديات فريدة."
    variant = "ووفقًا للبيان الصحفي، فإن التوترات الجيوسيـاسية المتزايدة شكلت تحديات فريدة."
    other = "وشدد المشاركون كذلك على الحاجة إلى تطوير إضافي للتدابير المشتركة."
    document = clean_article(_article(f"{line}\n\n{other}\n\n{variant}\n\n{line}"), ("fr", "ar"))
    assert document is not None
    assert (document.paragraphs, document.removed) == ([line, other, variant, line], {})


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ("Une conférence a débuté mercredi à Tachkent, en OuzbÃ©kistan.",
         "Une conférence a débuté mercredi à Tachkent, en Ouzbékistan."),
        ("Lâ€™Ã©vÃ©nement a Ã©tÃ© organisÃ© Ã  Tachkent.",
         "L’événement a été organisé à Tachkent."),
        ("Ø§Ù†Ø·Ù„Ù‚ Ø§Ù„Ù…Ø¤ØªÙ…Ø± Ø¨Ø·Ø´Ù‚Ù†Ø¯.", "انطلق المؤتمر بطشقند."),
        ("L’OCS réunit « 20 États » à Tachkent.", "L’OCS réunit « 20 États » à Tachkent."),
        ("انطلق اليوم الأربعاء مؤتمر في طشقند.", "انطلق اليوم الأربعاء مؤتمر في طشقند."),
    ],
)
def test_mojibake_is_repaired(raw: str, repaired: str) -> None:
    assert repair_encoding(raw) == repaired


def test_mojibake_is_counted_per_document() -> None:
    damaged = "Une conférence a débuté à Tachkent, en Ouzbékistan.".encode().decode("cp1252")
    document = clean_article(_article(f"{damaged}\n{BODY_FR[1]}\n{BODY_FR[2]}"), ("fr", "ar"))
    assert document is not None
    assert document.paragraphs[0].endswith("en Ouzbékistan.")
    assert "Ã" not in document.text
    assert document.repaired == {"mojibake": 1}


@pytest.mark.parametrize(
    ("a", "same", "different"),
    [
        ("Le sommet s’ouvre à Tachkent.", "le sommet s'ouvre à  Tachkent", "Le sommet s’ouvre."),
        ("« 20 États membres » participent !", "20 états membres participent",
         "21 États membres participent."),
        ("ووفقًا للبيان الصحفي، فإن التوترات", "ووفقا للبيان الصحفي فإن التوتـرات",
         "ووفقا للبيان الصحفي فإن الأزمات"),
        ("تشارك ٢٠ دولة عضو.", "تشارك 20 دولة عضو", "تشارك ٢١ دولة عضو."),
    ],
)
def test_comparison_key(a: str, same: str, different: str) -> None:
    assert comparison_key(a) == comparison_key(same)
    assert comparison_key(a) != comparison_key(different)


def test_paragraphs_stay_faithful() -> None:
    decomposed = unicodedata.normalize("NFD", "Le président a déclaré\u202f: « Nous partons. »")
    document = clean_article(_article(f"  {decomposed}  \n{BODY_FR[0]}"), ["fr"])
    assert document is not None
    assert document.paragraphs[0] == "Le président a déclaré\u202f: « Nous partons. »"


def test_huge_document_without_punctuation_is_linear() -> None:
    words = ["coopération", "sécurité", "régionale", "terrorisme", "Tachkent", "sommet"]
    text = " ".join(words[i % len(words)] for i in range(30_000))
    assert len(text) > 200_000
    start = time.perf_counter()
    document = clean_article(_article(text), ("fr", "ar"))
    assert time.perf_counter() - start < 3.0
    assert document is not None
    assert document.paragraphs == [text]


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("l’OCS et « la CEI »", "fr", "l'OCS et \" la CEI \""),
        ("3,5\u202f% des voix", "fr", "3,5% des voix"),
        ("Il a dit\u00a0: oui", "fr", "Il a dit: oui"),
        ("مـــرحبا", "ar", "مرحبا"),
        ("ﻻ ﺑﺴﻢ", "ar", "لا بسم"),
        ("وفقًا لبيان صحفي", "ar", "وفقا لبيان صحفي"),
        ("عام ٢٠٢٤", "ar", "عام 2024"),
        ("“التطرف المتزايد”، وفقًا", "ar", "\"التطرف المتزايد\"، وفقا"),
    ],
)
def test_normalise_for_matching(text: str, lang: str, key: str) -> None:
    assert normalise_for_matching(text, lang) == key


def test_declared_language_outside_the_build_is_reported(tmp_path: Path) -> None:
    from align.engine.pipeline import collect_documents

    french = "Le sommet de l’OCS s’est ouvert mercredi à Tachkent, en Ouzbékistan, pour deux jours."
    arabic = "انطلق اليوم الأربعاء مؤتمر مشترك لكومنولث الدول المستقلة ومنظمة شانغهاي للتعاون."
    records = [{"id": "fr1", "text": french, "lang": "fr"},
               {"id": "xx1", "text": french.replace("mercredi", "jeudi"), "lang": "xx"},
               {"id": "ar1", "text": arabic}]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records),
                    encoding="utf-8")
    documents, rejected = collect_documents(path, ("fr", "ar"))
    assert [(d.id, d.lang) for d in documents] == [("fr1", "fr"), ("ar1", "ar")]
    assert rejected == [("xx1", "declared language 'xx' not in fr, ar")]
