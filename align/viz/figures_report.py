"""A built dataset at a glance: PNG figures and an ``index.html`` page that shows them.

The page holds the build counts, the filter counts, the alignment types, the score
distributions and, for each document pair, a heatmap of the similarity between its
kept segments with the alignment drawn over it. The dataset stores segments, not
every sentence, so each heatmap cell compares the two segments that the sentences
belong to; sentences that were deleted or filtered out have no row or column.
"""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from align.errors import InputError
from align.models.embed import Embedder, load_embedder
from align.publish.dataset import load_splits, read_report
from align.publish.files import check_writable, make_staging_dir, swap_in
from align.records import Alignment

INDEX_FILE = "index.html"
REJECTED_SPLIT = "rejected"  # the segments the filters removed, written on request


def pair_heatmap_inputs(
    rows: Sequence[Mapping[str, Any]], languages: Sequence[str], embedder: Embedder
) -> tuple[np.ndarray, list[Alignment], list[str], list[str]]:
    """Matrix, alignments and labels of one document pair, from its dataset rows.

    Rows and columns are the pair's kept sentences in document order; a cell holds the
    cosine similarity of the segments its two sentences belong to.
    """
    src, tgt = languages
    rows = sorted(rows, key=lambda row: (row[f"{src}_sentences"], row[f"{tgt}_sentences"]))
    sides = []
    for lang in (src, tgt):
        owner = {i: n for n, row in enumerate(rows) for i in row[f"{lang}_sentences"]}
        order = sorted(owner)
        first = {min(row[f"{lang}_sentences"]): row["translation"][lang] for row in rows}
        labels = [f"{i} {first[i]}" if i in first else str(i) for i in order]
        sides.append(({i: p for p, i in enumerate(order)}, [owner[i] for i in order], labels))
    (src_pos, src_owner, src_labels), (tgt_pos, tgt_owner, tgt_labels) = sides
    vectors = [embedder.encode([row["translation"][lang] for row in rows]) for lang in (src, tgt)]
    segment_similarity = vectors[0] @ vectors[1].T
    matrix = segment_similarity[np.ix_(src_owner, tgt_owner)]
    alignments = [
        Alignment(
            tuple(src_pos[i] for i in row[f"{src}_sentences"]),
            tuple(tgt_pos[i] for i in row[f"{tgt}_sentences"]),
            float(row["similarity"]),
        )
        for row in rows
    ]
    return matrix, alignments, src_labels, tgt_labels


@dataclass(slots=True)
class Panel:
    """One figure of the page: its file name, heading, figure and any HTML shown below it."""

    file: str
    title: str
    figure: Any
    html: str = ""


def write_report(
    dataset_dir: str | Path,
    out_dir: str | Path | None = None,
    embedder: Embedder | None = None,
    max_pairs: int = 20,
    dpi: int = 100,
) -> Path:
    """Write the figures and ``index.html`` of a dataset directory; returns the page's path.

    Figures show the kept segments (every split but ``rejected``).
    ``out_dir`` defaults to ``<dataset_dir>/report``. At most ``max_pairs`` pair heatmaps
    are drawn (0: none, and no embedder is loaded). The directory is written next to its
    destination and swapped into place.
    """
    from datasets import concatenate_datasets

    from align.viz import plot

    dataset_dir = Path(dataset_dir)
    out = Path(out_dir) if out_dir is not None else dataset_dir / "report"
    report = read_report(dataset_dir)
    check_report_dir(out)
    languages = report["signature"]["config"]["languages"]
    splits = load_splits(dataset_dir)
    table = concatenate_datasets([splits[name] for name in splits if name != REJECTED_SPLIT])
    panels = []
    try:
        panels.append(Panel("scores.png", "Score distributions", plot.score_histograms(table)))
    except ValueError:
        pass  # no score column has values
    if report.get("alignment_types"):
        types = plot.alignment_types_bar(report["alignment_types"])
        panels.append(Panel("types.png", "Alignment types", types))
    if "filters" in report:
        funnel = plot.filter_funnel(report["filters"], report["counts"]["segments"])
        panels.append(Panel("filters.png", "Filter funnel", funnel))
    pairs = report.get("pairs", [])[:max_pairs]
    if pairs:
        embedder = embedder or load_embedder(report["signature"]["config"]["embedder"])
        panels += _pair_panels(table, pairs, languages, embedder)
    return _write_dir(out, panels, render_index(dataset_dir.name, report, panels), dpi) / INDEX_FILE


def _pair_panels(
    table: Iterable[Mapping[str, Any]],
    pairs: Sequence[Mapping[str, Any]],
    languages: Sequence[str],
    embedder: Embedder,
) -> list[Panel]:
    """A heatmap and the segments side by side for each document pair that kept segments."""
    from align.viz.plot import similarity_heatmap

    src, tgt = languages
    rows_by_pair: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in table:
        rows_by_pair.setdefault((row[f"{src}_doc"], row[f"{tgt}_doc"]), []).append(row)
    panels = []
    for number, pair in enumerate(pairs, 1):
        rows = rows_by_pair.get((pair[src], pair[tgt]))
        if rows:
            title = f"{pair[src]} ↔ {pair[tgt]}"
            matrix, beads, src_labels, tgt_labels = pair_heatmap_inputs(rows, languages, embedder)
            figure = similarity_heatmap(matrix, beads, src_labels, tgt_labels, title=title)
            ordered = sorted(rows, key=lambda r: (r[f"{src}_sentences"], r[f"{tgt}_sentences"]))
            segments = side_by_side_html(
                [(r["alignment"], r["similarity"], r["translation"][src], r["translation"][tgt])
                 for r in ordered],
                languages,
            )
            panels.append(Panel(f"pair-{number:03d}.png", title, figure, segments))
    return panels


def side_by_side_html(
    rows: Iterable[tuple[str, float | None, str, str]], languages: Sequence[str] = ("fr", "ar")
) -> str:
    """An HTML table of aligned segments: type, score and both texts, each cell in its
    language's direction (``dir="rtl"`` for Arabic). Rows are ``(type, score, src, tgt)``;
    a deletion has an empty side and is greyed.
    """
    from align.viz.plot import alignment_category
    from align.viz.show import RTL_LANGUAGES

    head = "".join(f"<th>{html.escape(h)}</th>" for h in ("#", "type", "score", *languages))
    body = []
    for number, (kind, score, *texts) in enumerate(rows):
        shade = {"merge": "#fff3e0", "deletion": "#fde8e8"}.get(alignment_category(kind), "")
        cells = [f"<td>{number}</td><td>{html.escape(kind)}</td>",
                 f"<td>{'' if score is None else f'{score:.3f}'}</td>"]
        for lang, text in zip(languages, texts, strict=True):
            direction = "rtl" if lang in RTL_LANGUAGES else "ltr"
            cells.append(f'<td lang="{lang}" dir="{direction}" style="text-align:start">'
                         f"{html.escape(text)}</td>")
        style = f' style="background:{shade}"' if shade else ""
        body.append(f"<tr{style}>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        if value is None:
            return "<td></td>"
        if isinstance(value, float):
            return f"<td class=num>{value:.4g}</td>"
        return f"<td{' class=num' if isinstance(value, int) else ''}>{html.escape(str(value))}</td>"

    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(f"<tr>{''.join(cell(v) for v in row)}</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render_index(name: str, report: Mapping[str, Any], panels: Sequence[Panel]) -> str:
    """The HTML page: counts, splits, filters and pair tables, then every figure."""
    sections = [
        ("Counts", _table(["stage", "count"], report.get("counts", {}).items())),
        ("Splits", _table(["split", "segments"], report.get("splits", {}).items())),
        ("Filters", _table(["reason", "removed"], report.get("filters", {}).items())),
    ]
    pairs = report.get("pairs", [])
    if pairs:
        sections.append(("Document pairs", _table(list(pairs[0]), (p.values() for p in pairs))))
    unpaired = report.get("unpaired", [])
    if unpaired:
        table = _table(list(unpaired[0]), (u.values() for u in unpaired))
        sections.append(("Unpaired documents", table))
    sections += [
        (p.title, f'<img src="{html.escape(p.file)}" alt="{html.escape(p.title)}">\n{p.html}')
        for p in panels
    ]
    body = "\n".join(f"<h2>{html.escape(title)}</h2>\n{content}" for title, content in sections)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(name)}: build report</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1200px}}
table{{border-collapse:collapse;margin-bottom:1em}}td,th{{border:1px solid #ccc;padding:2px 8px}}
td.num{{text-align:right}}img{{max-width:100%}}</style></head>
<body><h1>{html.escape(name)}</h1>
{body}
</body></html>
"""


def _write_dir(out: Path, panels: Sequence[Panel], page: str, dpi: int) -> Path:
    """Save figures and page in a staging directory, then swap it into ``out``; an earlier
    report's page and figures are replaced, other files in ``out`` kept."""
    staging = make_staging_dir(out)
    try:
        for panel in panels:
            panel.figure.savefig(staging / panel.file, dpi=dpi)
        (staging / INDEX_FILE).write_text(page, encoding="utf-8")
        swap_in(staging, out, owned=_owned)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _owned(name: str) -> bool:
    return name == INDEX_FILE or name.endswith(".png")


def check_report_dir(out: Path) -> None:
    """Refuse, before any work, a report destination that cannot be written or replaced."""
    check_writable(out)
    if out.exists() and not out.is_dir():
        raise InputError(out, "exists and is not a directory")
    if out.exists() and any(out.iterdir()) and not (out / INDEX_FILE).exists():
        raise InputError(out, "is not empty and holds no report; refusing to replace it")
