"""Text+Berg de–fr benchmark (Sennrich & Volk 2010 gold, as used by Vecalign and Bertalign)."""

from __future__ import annotations

from pathlib import Path

from align.aligner.sentences import AlignConfig, align_sentences
from align.bench.common import (
    PUBLISHED_TEXTBERG,
    SAME_EMBEDDER_TEXTBERG,
    TEXTBERG_SOURCE,
    SystemResult,
    format_references,
    format_table,
    gale_church,
    read_lines,
    run_system,
)
from align.bench.evaluate import read_alignments
from align.errors import InputError
from align.models.embed import Embedder
from align.records import Alignment

TEST_DOCUMENTS = tuple(f"test{i}" for i in range(7))


def load_textberg(
    data: Path, names: tuple[str, ...] = TEST_DOCUMENTS
) -> list[tuple[str, list[str], list[str], list[Alignment]]]:
    """Read ``NAME.de``, ``NAME.fr`` (one sentence per line) and gold ``NAME.defr``."""
    data = Path(data)
    if not data.is_dir():
        raise InputError(data, f"not a directory; expected {TEXTBERG_SOURCE}")
    documents = []
    for name in names:
        paths = [data / f"{name}.{ext}" for ext in ("de", "fr", "defr")]
        missing = [p.name for p in paths if not p.is_file()]
        if missing:
            raise InputError(data, f"missing {', '.join(missing)} (expected {TEXTBERG_SOURCE})")
        documents.append(
            (name, read_lines(paths[0]), read_lines(paths[1]), read_alignments(paths[2]))
        )
    return documents


def textberg_benchmark(
    data: Path,
    embedder: Embedder,
    config: AlignConfig | None = None,
    names: tuple[str, ...] = TEST_DOCUMENTS,
) -> list[SystemResult]:
    """Our aligner and the Gale–Church baseline on the Text+Berg documents ``names``."""
    documents, config = load_textberg(data, names), config or AlignConfig()
    ours = run_system("align", lambda s, t: align_sentences(s, t, embedder, config), documents)
    return [ours, run_system("Gale–Church", gale_church, documents)]


def textberg_report(results: list[SystemResult]) -> str:
    """Measured table (Gale–Church from the same run), then other aligners' figures with the
    same embedder and as published, with where each comes from."""
    published = "\n".join(
        f"  {name:<12} strict F1 {strict:.3f}" + (f"  lax F1 {lax:.3f}" if lax else "")
        for name, (strict, lax) in PUBLISHED_TEXTBERG.items()
    )
    return (
        f"{format_table(results)}\n\nreferences with the same embedder (test0..6):\n"
        f"{format_references(SAME_EMBEDDER_TEXTBERG)}\n\n"
        f"published (test0..6, LaBSE or LASER):\n{published}"
    )
