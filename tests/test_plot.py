"""Figures on literal inputs, and ``align report`` on a small dataset directory."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
from typer.testing import CliRunner

from align.bench.evaluate import Scores
from align.cli.main import app
from align.errors import InputError
from align.publish.dataset import write_dataset_dir
from align.records import Alignment, Segment
from align.viz import plot, plot_text
from align.viz.figures_report import pair_heatmap_inputs, side_by_side_html, write_report

FR = [
    "Une conférence conjointe sur la lutte contre le terrorisme a débuté mercredi à Tachkent.",
    "L’événement a été organisé par le Service de sécurité d’État d’Ouzbékistan.",
    "Environ 250 représentants de vingt pays y participent.",
    "La coopération pratique sera élargie.",
]
AR = [
    "بدأ مؤتمر مشترك حول مكافحة الإرهاب يوم الأربعاء في طشقند.",
    "نظم الحدث جهاز أمن الدولة في أوزبكستان.",
    "يشارك فيه نحو 250 ممثلا من عشرين دولة.",
    "سيتم توسيع التعاون العملي.",
]


def labelled(ax, prefix: str):
    return [line for line in ax.lines if line.get_label().startswith(prefix)]


@pytest.mark.parametrize(
    ("kind", "category"),
    [("1-1", "1-1"), ("1-2", "merge"), ("2-1", "merge"), ("2-2", "merge"),
     ("1-0", "deletion"), ("0-1", "deletion")],
)
def test_alignment_category(kind: str, category: str) -> None:
    assert plot.alignment_category(kind) == category


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Fin.", 40, "Fin."),
        ("Environ 250 représentants de vingt pays y participent.", 20, "Environ 250 représe…"),
        ("سلام 2024", 40, "سلام 2024"),
    ],
)
def test_label_text_shortens_and_keeps_logical_order_for_libraqm(
    monkeypatch, text: str, width: int, expected: str
) -> None:
    monkeypatch.setattr(plot_text, "_lays_out_rtl", lambda: True)
    assert plot_text.label_text(text, width) == expected


def test_label_text_shapes_and_reorders_arabic_without_libraqm(monkeypatch) -> None:
    monkeypatch.setattr(plot_text, "_lays_out_rtl", lambda: False)
    assert plot_text.label_text("سلام 2024") == "2024 ﻡﻼﺳ"  # presentation forms, visual order


def test_label_text_without_an_arabic_font_keeps_the_rest(monkeypatch) -> None:
    monkeypatch.setattr(plot_text, "_arabic_font", lambda: None)
    assert plot_text.label_text("3 يشارك فيه نحو 250 ممثلا. Fin") == "3 …. Fin"


def test_heatmap_draws_path_types_and_labels() -> None:
    matrix = np.array(
        [[0.9, 0.1, 0.0, 0.2], [0.1, 0.8, 0.1, 0.0], [0.0, 0.7, 0.2, 0.1], [0.2, 0.1, 0.3, 0.85]]
    )
    beads = [Alignment((0,), (0,), 0.9), Alignment((1, 2), (1,), 0.75),
             Alignment((), (2,)), Alignment((3,), (3,), 0.85)]
    fig = plot.similarity_heatmap(matrix, beads, FR, AR)
    ax = fig.axes[0]
    (path,) = labelled(ax, "path")
    assert list(zip(path.get_xdata(), path.get_ydata(), strict=True)) == [
        (0, 0), (1, 1.5), (2, 2.5), (3, 3)
    ]
    assert [line.get_label() for line in ax.lines[1:]] == ["1-1 (2)", "2-1 (1)", "0-1 (1)"]
    assert list(labelled(ax, "0-1")[0].get_xdata()) == [2]
    (block,) = ax.patches
    assert (block.get_x(), block.get_y(), block.get_width(), block.get_height()) == (
        0.5, 0.5, 1, 2
    )
    np.testing.assert_allclose(ax.images[0].get_array(), matrix)
    ticks = [label.get_text() for label in ax.get_xticklabels()]
    assert ticks[3] == plot_text.label_text(AR[3])
    assert ax.get_yticklabels()[0].get_text() == "Une conférence conjointe sur la lutte c…"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("target sentences", "source sentences")
    assert ax.get_title() == "4 × 4 sentences, 4 beads"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Glyph … missing from font(s)"
        fig.savefig(io.BytesIO(), format="png", dpi=40)


def test_heatmap_puts_a_source_deletion_between_target_columns() -> None:
    beads = [Alignment((0,), (0,)), Alignment((1,), ()), Alignment((2,), (1,))]
    ax = plot.similarity_heatmap(np.zeros((3, 2)), beads).axes[0]
    (deletion,) = labelled(ax, "1-0")
    assert (deletion.get_xdata()[0], deletion.get_ydata()[0]) == (0.5, 1)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "1", "2"]


def test_score_histograms_skip_absent_and_empty_columns() -> None:
    table = {
        "similarity": [0.9, 0.8, 0.4, None],
        "bt_chrf": [61.0, 40.5, 72.0, 55.0],
        "score": [None, None, None, None],
    }
    fig = plot.score_histograms(table)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["similarity (n=3, median 0.80)", "bt_chrf (n=4, median 58.00)"]
    assert [sum(p.get_height() for p in ax.patches) for ax in fig.axes] == [3, 4]
    assert fig.axes[0].get_ylabel() == "segments"


def test_score_histograms_read_a_dataset() -> None:
    from datasets import Dataset

    dataset = Dataset.from_dict({"similarity": [0.5, 0.7], "length_ratio": [1.1, 0.9]})
    fig = plot.score_histograms(dataset, bins=4)
    assert [ax.get_xlabel() for ax in fig.axes] == ["similarity", "length_ratio"]
    with pytest.raises(ValueError, match="none of the columns"):
        plot.score_histograms(dataset, columns=("bt_chrf",))


def test_filter_funnel_bars_are_the_counts() -> None:
    fig = plot.filter_funnel({"length_ratio": 5, "bt_chrf": 12, "duplicate": 0}, 100)
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [100, 5, 12, 0, 83]
    assert [p.get_x() for p in ax.patches] == [0, 95, 83, 83, 0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "all", "length_ratio", "bt_chrf", "duplicate", "kept"
    ]
    assert ax.get_title() == "filters: 83 of 100 segments kept"
    with pytest.raises(ValueError, match="removed 12 of only 10"):
        plot.filter_funnel({"bt_chrf": 12}, 10)


def test_threshold_curve_is_the_kept_fraction() -> None:
    fig = plot.threshold_curve([0.2, 0.5, 0.9, None, 0.7, 0.4], [0.0, 0.5, 0.8, 1.0], current=0.5)
    ax = fig.axes[0]
    assert list(ax.lines[0].get_ydata()) == [1.0, 0.6, 0.2, 0.0]
    assert ax.get_ylabel() == "kept fraction" and ax.get_xlabel() == "score threshold"
    assert list(ax.lines[1].get_xdata()) == [0.5, 0.5]


def test_alignment_types_bar_orders_and_counts() -> None:
    ax = plot.alignment_types_bar({"0-1": 3, "2-1": 4, "1-1": 40, "1-0": 2, "1-2": 6}).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1-1", "1-2", "2-1", "0-1", "1-0"]
    assert [p.get_height() for p in ax.patches] == [40, 6, 4, 3, 2]
    assert ax.get_title() == "alignment types (55 beads)"


def test_f1_chart_groups_metrics_and_hatches_published() -> None:
    measured = {"ours": Scores(0.9, 0.8, 0.85, 0.97, 0.93, 0.95),
                "Gale–Church": {"strict": 0.6, "lax": 0.8}}
    published = {"Gale–Church": {"strict": 0.68}, "Vecalign": {"strict": 0.902, "lax": 0.986}}
    ax = plot.f1_chart(measured, published).axes[0]
    assert [p.get_height() for p in ax.containers[0]] == [0.85, 0.6, 0.68, 0.902]
    assert [p.get_height() for p in ax.containers[1]] == [0.95, 0.8, 0.986]
    assert [p.get_hatch() for p in ax.containers[0]] == [None, None, "//", "//"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "ours", "Gale–Church", "Gale–Church\n(published)", "Vecalign\n(published)"
    ]
    (legend,) = ax.figure.legends
    assert [t.get_text() for t in legend.get_texts()] == ["strict", "lax"]
    assert ax.get_ylabel() == "F1"


def test_f1_chart_takes_plain_numbers() -> None:
    ax = plot.f1_chart({"ours": 0.93, "Gale–Church": 0.61}, title="fixture").axes[0]
    assert [p.get_height() for p in ax.containers[0]] == [0.93, 0.61]
    assert ax.get_title() == "fixture" and not ax.figure.legends


def test_side_by_side_html_sets_direction_and_greys_deletions() -> None:
    page = side_by_side_html(
        [("1-1", 0.91, FR[3], AR[3]), ("0-1", None, "", "<b>إضافة</b>")], ("fr", "ar")
    )
    assert "<th>#</th><th>type</th><th>score</th><th>fr</th><th>ar</th>" in page
    assert f'<td lang="ar" dir="rtl" style="text-align:start">{AR[3]}</td>' in page
    assert f'<td lang="fr" dir="ltr" style="text-align:start">{FR[3]}</td>' in page
    assert '<tr style="background:#fde8e8"><td>1</td><td>0-1</td><td></td>' in page
    assert "&lt;b&gt;إضافة&lt;/b&gt;" in page and "<td>0.910</td>" in page


def segment(number: int, src: tuple[int, ...], tgt: tuple[int, ...], **scores: float) -> Segment:
    return Segment(
        id=f"seg{number}", src=" ".join(FR[i] for i in src), tgt=" ".join(AR[i] for i in tgt),
        src_doc="fr-1", tgt_doc="ar-1", src_sentences=src, tgt_sentences=tgt,
        alignment=f"{len(src)}-{len(tgt)}", similarity=0.8, scores=dict(scores),
    )


@pytest.fixture
def dataset_dir(tmp_path):
    report = {
        "signature": {"config": {"languages": ["fr", "ar"], "embedder": "use-m3"}},
        "counts": {"documents": 3, "document_pairs": 1, "segments": 4, "kept_segments": 3},
        "alignment_types": {"1-1": 1, "2-1": 1, "1-2": 1, "0-1": 1},
        "filters": {"length_ratio": 1},
        "splits": {"train": 2, "test": 1},
        "pairs": [{"fr": "fr-1", "ar": "ar-1", "score": 0.91, "segments": 3}],
        "unpaired": [{"id": "fr-2", "lang": "fr", "reason": "no counterpart above threshold"}],
    }
    splits = {
        "train": [segment(0, (0,), (0,), bt_chrf=61.0), segment(1, (1, 2), (1,), bt_chrf=40.0)],
        "test": [segment(2, (3,), (2, 3), bt_chrf=52.0)],
    }
    return write_dataset_dir(tmp_path / "corpus", splits, ["fr", "ar"], "# corpus\n", report)


def test_pair_heatmap_inputs_spread_segments_over_sentences(embedder) -> None:
    rows = [
        {"fr_sentences": [3], "ar_sentences": [2, 3], "similarity": 0.7,
         "translation": {"fr": FR[3], "ar": f"{AR[2]} {AR[3]}"}},
        {"fr_sentences": [0, 1], "ar_sentences": [0], "similarity": 0.8,
         "translation": {"fr": f"{FR[0]} {FR[1]}", "ar": AR[0]}},
    ]
    matrix, beads, src_labels, tgt_labels = pair_heatmap_inputs(rows, ("fr", "ar"), embedder)
    assert matrix.shape == (3, 3)
    assert [(b.src, b.tgt) for b in beads] == [((0, 1), (0,)), ((2,), (1, 2))]
    assert src_labels == [f"0 {FR[0]} {FR[1]}", "1", f"3 {FR[3]}"]
    assert tgt_labels == [f"0 {AR[0]}", f"2 {AR[2]} {AR[3]}", "3"]
    assert matrix[0, 0] == pytest.approx(matrix[1, 0]) and matrix[0, 0] > matrix[0, 1]


def test_report_command_writes_figures_and_page(dataset_dir, embedder, monkeypatch) -> None:
    monkeypatch.setattr("align.viz.figures_report.load_embedder", lambda name: embedder)
    result = CliRunner().invoke(app, ["report", str(dataset_dir), "--dpi", "40"])
    assert result.exit_code == 0, result.output
    out = dataset_dir / "report"
    assert sorted(p.name for p in out.iterdir()) == [
        "filters.png", "index.html", "pair-001.png", "scores.png", "types.png"
    ]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<tr><td>kept_segments</td><td class=num>3</td></tr>" in page
    assert "<td>no counterpart above threshold</td>" in page
    assert '<img src="pair-001.png" alt="fr-1 ↔ ar-1">' in page
    assert f'<td lang="ar" dir="rtl" style="text-align:start">{AR[2]} {AR[3]}</td>' in page
    assert f"wrote 4 figures and {out / 'index.html'}" in result.output


def test_report_replaces_its_own_dir_but_no_other(dataset_dir, embedder, tmp_path) -> None:
    out = tmp_path / "figures"
    write_report(dataset_dir, out, embedder, max_pairs=0, dpi=40)
    assert not (out / "pair-001.png").exists()
    (out / "stale.png").write_bytes(b"")
    write_report(dataset_dir, out, embedder, max_pairs=0, dpi=40)
    assert not (out / "stale.png").exists() and (out / "types.png").exists()
    with pytest.raises(InputError, match="holds no report"):
        write_report(dataset_dir, dataset_dir / "data", embedder, max_pairs=0)
