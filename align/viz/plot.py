"""Figures for looking at a corpus: similarity heatmaps with the alignment path, score
distributions, the filter funnel, threshold curves, alignment types and F1 comparisons.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot, so no
display or GUI backend is involved: save it with ``figure.savefig(path)`` or let Jupyter
show it (after ``%matplotlib inline``). Arabic labels are drawn readable
(``align.viz.plot_text``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from align.records import Alignment
from align.viz.plot_text import label_text, style_labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CATEGORY_COLORS = {"1-1": "tab:blue", "merge": "tab:orange", "deletion": "tab:red"}


def alignment_category(kind: str) -> str:
    """``"1-1"``, ``"merge"`` (1-2, 2-1, 2-2 …) or ``"deletion"`` (1-0, 0-1) for a type."""
    src, tgt = (int(n) for n in kind.split("-"))
    if src == 0 or tgt == 0:
        return "deletion"
    return "1-1" if src == tgt == 1 else "merge"


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _path_points(alignments: Sequence[Alignment]) -> list[tuple[float, float]]:
    """One (column, row) point per bead; a deletion sits on the edge it is deleted at."""
    points, next_src, next_tgt = [], 0, 0
    for bead in alignments:
        row = float(np.mean(bead.src)) if bead.src else next_src - 0.5
        column = float(np.mean(bead.tgt)) if bead.tgt else next_tgt - 0.5
        next_src = max(bead.src, default=next_src - 1) + 1
        next_tgt = max(bead.tgt, default=next_tgt - 1) + 1
        points.append((column, row))
    return points


def _kind_order(kind: str) -> tuple[int, int, str]:
    category = ["1-1", "merge", "deletion"].index(alignment_category(kind))
    return category, sum(int(n) for n in kind.split("-")), kind


def _marker(kind: str) -> str:
    """Marker of an alignment type: 1-1 ``o``; 1-0 ``x``, 0-1 ``+``; merges by shape."""
    fixed = {"1-1": "o", "1-0": "x", "0-1": "+", "1-2": ">", "2-1": "v", "2-2": "s"}
    return fixed.get(kind, "D" if alignment_category(kind) == "merge" else "*")


def similarity_heatmap(
    matrix: np.ndarray,
    alignments: Sequence[Alignment],
    src_labels: Sequence[str] | None = None,
    tgt_labels: Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Source × target similarity with the alignment path drawn over it.

    Rows are source sentences, columns target sentences. The path joins the beads in
    order; each alignment type has its own marker (legend): 1-1 dots, merges (1-2, 2-1 …)
    framed blocks, deletions crosses on the edge where the sentence is skipped.
    Labels default to sentence numbers and are shortened; Arabic is drawn readable.
    """
    from matplotlib.patches import Rectangle

    matrix = np.asarray(matrix, dtype=float)
    rows, columns = matrix.shape
    fig = _figure(min(6 + 0.2 * columns, 14), min(4.5 + 0.18 * rows, 12))
    ax = fig.add_subplot()
    image = ax.imshow(matrix, cmap="Greys", vmin=min(0.0, matrix.min(initial=0)), vmax=1)
    fig.colorbar(image, ax=ax, shrink=0.6, label="cosine similarity")
    points = _path_points(alignments)
    if points:
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, color="black", linewidth=1, alpha=0.6, label="path")
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for bead, point in zip(alignments, points, strict=True):
        by_kind.setdefault(bead.kind, []).append(point)
        if alignment_category(bead.kind) == "merge":
            corner = (min(bead.tgt) - 0.5, min(bead.src) - 0.5)
            size = (max(bead.tgt) - min(bead.tgt) + 1, max(bead.src) - min(bead.src) + 1)
            ax.add_patch(Rectangle(corner, *size, fill=False, linewidth=2,
                                   edgecolor=CATEGORY_COLORS["merge"]))
    for kind in sorted(by_kind, key=_kind_order):
        xs, ys = zip(*by_kind[kind], strict=True)
        ax.plot(xs, ys, linestyle="none", marker=_marker(kind), markersize=6, clip_on=False,
                color=CATEGORY_COLORS[alignment_category(kind)], label=f"{kind} ({len(xs)})")
    size = max(5.0, min(9.0, 300 / max(rows, columns, 1)))
    ax.set_yticks(range(rows), [label_text(t) for t in src_labels or map(str, range(rows))],
                  fontsize=size)
    ax.set_xticks(range(columns), [label_text(t) for t in tgt_labels or map(str, range(columns))],
                  fontsize=size, rotation=90)
    style_labels([*ax.get_xticklabels(), *ax.get_yticklabels()])
    ax.set_xlim(-0.5, columns - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xlabel("target sentences")
    ax.set_ylabel("source sentences")
    fig.legend(loc="outside right upper", fontsize=8)
    ax.set_title(title or f"{rows} × {columns} sentences, {len(alignments)} beads")
    return fig


def _column(table: Any, name: str) -> np.ndarray | None:
    """Non-missing float values of a column of a Dataset, DataFrame or mapping; None if absent."""
    names = table.column_names if hasattr(table, "column_names") else list(table.keys())
    if name not in names:
        return None
    values = np.array([np.nan if v is None else float(v) for v in table[name]], dtype=float)
    values = values[~np.isnan(values)]
    return values if values.size else None


def score_histograms(
    table_or_dataset: Any,
    columns: Sequence[str] = ("similarity", "bt_chrf", "length_ratio", "score"),
    bins: int = 20,
) -> Figure:
    """One histogram per score column that the table has (missing values left out).

    Columns whose values all lie in [0, 1] are drawn over [0, 1], so corpora compare.

    ``table_or_dataset`` is a ``datasets.Dataset``, a pandas DataFrame or a mapping of
    column name to values.
    """
    from matplotlib.ticker import MaxNLocator

    present = {name: v for name in columns if (v := _column(table_or_dataset, name)) is not None}
    if not present:
        raise ValueError(f"none of the columns {', '.join(columns)} has values")
    fig = _figure(3.2 * len(present), 2.8)
    axes = fig.subplots(1, len(present), squeeze=False)[0]
    for ax, (name, values) in zip(axes, present.items(), strict=True):
        unit = (0.0, 1.0) if 0 <= values.min() and values.max() <= 1 else None
        ax.hist(values, bins=bins, range=unit, color="tab:blue", edgecolor="white")
        ax.axvline(float(np.median(values)), color="black", linestyle="--", linewidth=1)
        ax.set_title(f"{name} (n={values.size}, median {np.median(values):.2f})", fontsize=9)
        ax.set_xlabel(name)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0].set_ylabel("segments")
    return fig


def filter_funnel(counts: Mapping[str, int], total: int, unit: str = "segments") -> Figure:
    """How many of ``total`` items each filter removed, in order, and how many are kept.

    ``counts`` maps each filter reason to the number it removed (each item counted once).
    """
    removed = sum(counts.values())
    if removed > total:
        raise ValueError(f"the filters removed {removed} of only {total} {unit}")
    fig = _figure(7, 1.2 + 0.45 * (len(counts) + 2))
    ax = fig.add_subplot()
    names = ["all", *counts, "kept"]
    lefts, widths, colors, remaining = [0], [total], ["tab:gray"], total
    for count in counts.values():
        remaining -= count
        lefts.append(remaining)
        widths.append(count)
        colors.append(CATEGORY_COLORS["deletion"])
    lefts.append(0)
    widths.append(total - removed)
    colors.append("tab:green")
    bars = ax.barh(range(len(names)), widths, left=lefts, color=colors)
    ax.bar_label(bars, labels=[f"{total}", *(f"−{c}" for c in counts.values()),
                               f"{total - removed}"], padding=3, fontsize=8)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlim(0, max(total, 1) * 1.12)
    ax.set_xlabel(unit)
    ax.set_title(f"filters: {total - removed} of {total} {unit} kept")
    return fig


def threshold_curve(
    scores: Sequence[float], thresholds: Sequence[float], current: float | None = None,
    label: str = "score",
) -> Figure:
    """Fraction of items whose score is at least each threshold (missing scores left out)."""
    values = np.asarray([np.nan if s is None else s for s in scores], dtype=float)
    values = values[~np.isnan(values)]
    kept = [float((values >= t).mean()) if values.size else 0.0 for t in thresholds]
    fig = _figure(5, 3.2)
    ax = fig.add_subplot()
    ax.plot(list(thresholds), kept, marker="o", markersize=3, label="kept fraction")
    if current is not None:
        ax.axvline(current, color="black", linestyle="--", linewidth=1,
                   label=f"threshold {current:g}")
        ax.legend(fontsize=8)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(f"{label} threshold")
    ax.set_ylabel("kept fraction")
    ax.set_title(f"kept vs {label} threshold (n={values.size})")
    ax.grid(alpha=0.3)
    return fig


def alignment_types_bar(counts: Mapping[str, int]) -> Figure:
    """Number of beads per alignment type: 1-1, then merges, then deletions."""
    kinds = sorted(counts, key=_kind_order)
    fig = _figure(max(3.5, 0.7 * len(kinds) + 1.5), 3)
    ax = fig.add_subplot()
    bars = ax.bar(kinds, [counts[k] for k in kinds],
                  color=[CATEGORY_COLORS[alignment_category(k)] for k in kinds])
    ax.bar_label(bars, padding=2, fontsize=8)
    ax.set_xlabel("alignment type (source-target sentences)")
    ax.set_ylabel("beads")
    ax.set_ylim(0, max(counts.values(), default=0) * 1.15 + 1)
    ax.set_title(f"alignment types ({sum(counts.values())} beads)")
    return fig


def _metrics(value: Any) -> dict[str, float]:
    if isinstance(value, Mapping):
        return {str(k): float(v) for k, v in value.items()}
    if hasattr(value, "f1_strict"):  # align.bench.evaluate.Scores
        return {"strict": value.f1_strict, "lax": value.f1_lax}
    return {"F1": float(value)}


def f1_chart(
    results: Mapping[str, Any], published: Mapping[str, Any] | None = None, title: str = "F1"
) -> Figure:
    """Grouped bars of F1 per system, one bar per metric (e.g. strict and lax).

    ``results`` maps a system name to an F1, to ``{metric: F1}`` or to an
    ``align.bench.evaluate.Scores``. ``published`` holds figures reported in the literature,
    in the same form; they come after the measured ones, hatched and marked.
    """
    columns = [(name, _metrics(value), False) for name, value in results.items()]
    columns += [(name, _metrics(value), True) for name, value in (published or {}).items()]
    metrics = list(dict.fromkeys(m for _, values, _ in columns for m in values))
    fig = _figure(max(4.0, 1.3 * len(columns) + 1.5), 3.4)
    ax = fig.add_subplot()
    width = 0.8 / max(len(metrics), 1)
    for index, metric in enumerate(metrics):
        shown = [(x, values[metric], old) for x, (_, values, old) in enumerate(columns)
                 if metric in values]
        offset = (index - (len(metrics) - 1) / 2) * width
        bars = ax.bar([x + offset for x, _, _ in shown], [v for _, v, _ in shown], width,
                      label=metric, color=f"C{index}")
        for bar, (_, _, old) in zip(bars, shown, strict=True):
            if old:
                bar.set_hatch("//")
                bar.set_alpha(0.6)
        ax.bar_label(bars, fmt="%.3f", padding=2, fontsize=7)
    ax.set_xticks(range(len(columns)),
                  [f"{name}\n(published)" if old else name for name, _, old in columns], fontsize=8)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("F1")
    ax.set_title(title)
    if len(metrics) > 1:
        fig.legend(loc="outside right upper", fontsize=8)
    return fig

