"""Aligned pairs side by side in the terminal, with Arabic made readable.

Most terminals neither reorder right-to-left text nor join Arabic letters, so by
default the right-to-left column is shaped (arabic-reshaper) and put in visual order
(python-bidi); terminals that do both themselves can ask for the logical text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.table import Table

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


def visual_order(text: str, width: int) -> str:
    """Shape and reorder right-to-left text for a terminal that does neither.

    The text is wrapped to ``width`` in logical order first, so that after reordering
    each line still reads from the top down.
    """
    import textwrap

    import arabic_reshaper
    from bidi import get_display

    lines = textwrap.wrap(text, width=max(width, 10)) or [""]
    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in lines)


def pairs_table(
    rows: Iterable[Mapping[str, Any]],
    languages: tuple[str, str],
    visual: bool = True,
    width: int = 120,
    title: str | None = None,
) -> Table:
    """A rich table of segments: alignment type, similarity and both texts, each with its
    document's URL under it when known."""
    src, tgt = languages
    # The three narrow columns and the borders take about 32 cells; the texts share the rest.
    column = max((width - 32) // 2, 12)
    table = Table(title=title, show_lines=True)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("sim", justify="right", no_wrap=True)
    for lang in languages:
        rtl = lang in RTL_LANGUAGES
        # Right-to-left lines are wrapped before reordering; rich must not wrap them again.
        table.add_column(lang, justify="right" if rtl else "left", width=column,
                         no_wrap=rtl and visual, overflow="fold")
    for number, row in enumerate(rows):
        texts = [row["translation"][src], row["translation"][tgt]]
        if visual:
            texts = [
                visual_order(text, column) if lang in RTL_LANGUAGES else text
                for lang, text in zip(languages, texts, strict=True)
            ]
        texts = [f"{text}\n{url}" if (url := row.get(f"{lang}_url")) else text
                 for lang, text in zip(languages, texts, strict=True)]
        table.add_row(str(number), row["alignment"], f"{row['similarity']:.2f}", *texts)
    return table
