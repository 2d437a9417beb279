"""URL and date evidence: language-stripped keys on French and Arabic news sites' shapes."""

from __future__ import annotations

import pytest

from align.stages.urls import (
    article_ids,
    blocking_keys,
    date_proximity,
    parse_date,
    shared_id,
    site,
    url_evidence,
    url_key,
    url_match,
)

# (French URL, Arabic URL, same language-stripped key, shared article id or slug)
SITES = [
    # UN News: language in the first path segment, same id
    ("https://news.un.org/fr/story/2024/01/1145678", "https://news.un.org/ar/story/2024/01/1145678",
     True, True),
    # France 24: language segment, same dated id, slugs in each language
    ("https://www.france24.com/fr/afrique/20240105-gaza-les-pourparlers-reprennent",
     "https://www.france24.com/ar/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/"
     "20240105-%D8%BA%D8%B2%D8%A9", False, False),
    # Euronews: language subdomain (fr., arabic.), same date and English slug
    ("https://fr.euronews.com/2024/01/05/gaza-talks-resume", "https://arabic.euronews.com/2024/01/05/gaza-talks-resume",
     True, True),
    # RT: separate sites per language (francais., arabic.), unrelated ids
    ("https://francais.rt.com/international/112233-ocs-cei", "https://arabic.rt.com/world/1588101-tashkent",
     False, False),
    # Xinhua: language-name subdomains, shared numeric id in the file name
    ("http://french.news.cn/20240105/c8d1e2f3a4b5/c.html", "http://arabic.news.cn/20240105/c8d1e2f3a4b5/c.html",
     True, True),
    # Anadolu: /fr/ and /ar/ sections in each language, shared numeric id
    ("https://www.aa.com.tr/fr/monde/gaza-les-pourparlers/3104567", "https://www.aa.com.tr/ar/%D8%A7%D9%84%D8%AF%D9%88%D9%84/3104567",
     False, True),
    # Query-string language, as many CMSs do
    ("https://www.mapexpress.ma/article.php?id=88123&lang=fr", "https://www.mapexpress.ma/article.php?id=88123&lang=ar",
     True, True),
    # File-name suffix
    ("https://www.un.org/press/2024/sc15550.fr.html", "https://www.un.org/press/2024/sc15550.ar.html",
     True, True),
    ("https://www.un.org/press/2024/sc15550-fr.html", "https://www.un.org/press/2024/sc15550-ar.html",
     True, True),
    # Hespress: Arabic on the bare domain, French on fr.: different articles
    ("https://fr.hespress.com/345678-le-maroc-et-la-france.html", "https://www.hespress.com/1298765.html",
     False, False),
    # Same site, different articles of the same day
    ("https://news.un.org/fr/story/2024/01/1145678", "https://news.un.org/ar/story/2024/01/1145699",
     False, False),
    # Different sites never share evidence
    ("https://www.lemonde.fr/international/article/2024/01/05/gaza_6209999_3210.html",
     "https://www.aljazeera.net/news/2024/1/5/gaza-6209999", False, False),
]


@pytest.mark.parametrize(("fr", "ar", "same_key", "same_id"), SITES)
def test_url_evidence_on_news_sites(fr: str, ar: str, same_key: bool, same_id: bool) -> None:
    assert url_match(fr, ar) == float(same_key)
    assert (shared_id(fr, ar) == 1.0) == same_id
    assert bool(blocking_keys(fr, ("fr",)) & blocking_keys(ar, ("ar",))) == (same_key or same_id)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://news.un.org/fr/story/2024/01/1145678", "news.un.org/story/2024/01/1145678"),
        ("https://arabic.euronews.com/2024/01/05/gaza?lang=ar", "euronews.com/2024/01/05/gaza"),
        ("https://www.example.com/fr-fr/news/index.html", "example.com/news"),
        ("https://www.example.com/news/item.php?lang=fr&id=5", "example.com/news/item.php?id=5"),
        ("HTTPS://FR.Example.com/Article-FR.html", "example.com/article.html"),
        ("example.com/ar/x", "example.com/x"),
        ("", ""),
    ],
)
def test_url_key(url: str, key: str) -> None:
    assert url_key(url) == key


def test_site_and_ids() -> None:
    assert site("https://francais.rt.com/international/1") == "rt.com"
    assert article_ids("https://news.un.org/fr/story/2024/01/1145678") == {"1145678"}
    assert article_ids("https://x.com/fr/2024/01/05/no-id-here") == set()
    assert article_ids("https://x.com/v/c8d1e2f3a4b5") == {"c8d1e2f3a4b5"}


def test_slugs_count_when_ids_differ() -> None:
    a = "https://fr.euronews.com/2024/01/05/gaza-talks-resume-in-cairo"
    b = "https://arabic.euronews.com/2024/01/06/gaza-talks-resume"
    assert shared_id(a, b) == pytest.approx(3 / 4)  # "in" is too short to count
    assert shared_id("https://a.com/story/1234", "https://a.com/story/5678") == 0.0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2024-09-03", "2024-09-03T18:00:00Z", 1.0),
        ("2024-09-03", "2024-09-10", 0.0),
        ("2024-09-03", "2024-09-04", pytest.approx(6 / 7)),
        ("2024-09", "2024-09-03", 0.0),  # no day: no evidence
        (None, "2024-09-03", 0.0),
    ],
)
def test_date_proximity(a, b, expected) -> None:
    assert date_proximity(a, b) == expected


def test_parse_date_rejects_impossible_dates() -> None:
    assert parse_date("2024-02-30") is None
    assert str(parse_date("published 2024-02-03 10:00")) == "2024-02-03"


def test_no_url_is_no_evidence() -> None:
    assert url_evidence({}, {"url": "https://news.un.org/ar/story/1"}) == {
        "url_match": 0.0, "shared_id": 0.0, "date_proximity": 0.0}
