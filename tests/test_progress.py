"""Every long stage reports progress; a huge text is read as parts of bounded size."""

from __future__ import annotations

from pathlib import Path

import pytest

from align.engine.build import build
from align.stages import ingest
from align.stages.ingest import cut_text, read_articles

PARAGRAPHS = [
    "Une conférence conjointe de la CEI et de l’OCS a débuté mercredi à Tachkent.",
    "Les autorités de 20 États membres participent à cet événement de deux jours.",
    "Le premier jour, les participants ont discuté de la lutte contre l’extrémisme.",
]


@pytest.mark.parametrize(
    ("text", "limit", "parts"),
    [
        ("\n\n".join(PARAGRAPHS), 1000, ["\n\n".join(PARAGRAPHS)]),
        ("\n\n".join(PARAGRAPHS), 160,
         [PARAGRAPHS[0] + "\n\n" + PARAGRAPHS[1] + "\n\n", PARAGRAPHS[2]]),
        ("\n\n".join(PARAGRAPHS), 100, [p + "\n\n" for p in PARAGRAPHS[:2]] + [PARAGRAPHS[2]]),
        ("\n".join(PARAGRAPHS), 100, [p + "\n" for p in PARAGRAPHS[:2]] + [PARAGRAPHS[2]]),
        ("مؤتمر مشترك حول مكافحة الإرهاب", 12, ["مؤتمر مشترك ", "حول مكافحة ", "الإرهاب"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
    ],
)
def test_cut_text(text: str, limit: int, parts: list[str]) -> None:
    assert cut_text(text, limit) == parts
    assert "".join(parts) == text


def test_huge_text_is_read_in_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_ARTICLE_CHARS", 160)
    path = tmp_path / "long.txt"
    path.write_text("date 2024-09\n\n" + "\n\n".join(PARAGRAPHS), encoding="utf-8")
    first, second = read_articles(path)
    assert (first.id, first.meta, first.text) == (
        "long.part1", {"date": "2024-09", "part": "1/2"},
        PARAGRAPHS[0] + "\n\n" + PARAGRAPHS[1] + "\n\n")
    assert (second.id, second.meta, second.text) == (
        "long.part2", {"date": "2024-09", "part": "2/2"}, PARAGRAPHS[2])


def test_every_stage_reports_progress(seeds_dir: Path, embedder, tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    build(seeds_dir, tmp_path / "out", embedder=embedder, tasks=2,
          progress=lambda stage, done, total: calls.append((stage, done, total)))
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == ["read", "ids", "count", "clean", "embed", "pair", "align", "filter",
                      "write"]
    last = {stage: (done, total) for stage, done, total in calls}
    assert last == {**{stage: (2, 2) for stage in stages}, "pair": (1, 1), "write": (1, 1)}
    for stage in stages:
        done = [d for s, d, _ in calls if s == stage]
        assert done == sorted(done)
