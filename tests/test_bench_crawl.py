"""Crawl benchmark data: the seed WARC and the NTREX briefs, on data the tests write."""

from __future__ import annotations

import json
from collections import Counter

from conftest import write_ntrex as write_ntrex_folder
from test_bench import NTREX_AR, NTREX_FR

from align.bench.crawl_data import brief_collection, given_pair_lines, seed_warc
from align.stages.ingest import read_articles
from align.stages.urls import url_evidence


def write_ntrex(path):
    ids = ["doc-a"] * 6 + ["doc-b"] * 6
    return write_ntrex_folder(path, NTREX_FR * 2, NTREX_AR * 2, ids, fr_ca=NTREX_FR * 2)


def test_seed_warc_holds_the_seeds_among_records_to_skip(seeds_dir, tmp_path) -> None:
    path = seed_warc(seeds_dir, tmp_path / "seeds.warc.gz")
    skipped: Counter[str] = Counter()
    articles = read_articles(path, on_skip=lambda reason: skipped.update([reason]))
    assert len(articles) == 5
    assert articles[0].meta["url"].startswith("https://francais.rt.com/")
    assert articles[1].meta["url"].startswith("https://arabic.rt.com/")
    assert "Tachkent" in articles[0].text
    assert skipped == {"request_record": 9, "warcinfo_record": 1, "redirect": 1,
                       "http_error": 1, "not_html": 2}


def test_briefs_share_ids_with_their_translation_only(tmp_path) -> None:
    briefs = brief_collection(write_ntrex(tmp_path))
    assert [fr.story for fr, _, _ in briefs] == ["doc-a", "doc-b"]
    for fr, ar, other in briefs:
        assert fr.text.count("\n\n") == 1 and other.text != fr.text
        true = url_evidence({"url": fr.url, "date": fr.date}, {"url": ar.url, "date": ar.date})
        false = url_evidence({"url": other.url}, {"url": ar.url})
        assert true["shared_id"] == 1.0 and true["date_proximity"] == 1.0
        assert false["shared_id"] == 0.0 and false["url_match"] == 0.0
    assert briefs[0][0].url.endswith(briefs[0][1].url.rsplit("/", 1)[1])  # UN News shape


def test_given_pair_lines(tmp_path) -> None:
    [line] = given_pair_lines(write_ntrex(tmp_path), first=1, count=5)
    record = json.loads(line)
    assert record["id"] == "doc-b" and record["fr"].count("\n\n") == 1
    assert record["ar_url"].endswith("/ar/story/doc-b")
