"""Terminal output: text printed as given, never cut.

Rich would read ``[mt]`` or ``[draft] notes.txt`` as markup and drop them, and lays out
for 80 columns when output is not a terminal, which cuts option names and ids with "…".
"""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.text import Text

PIPED_WIDTH = 160  # columns of help and tables written to a file or a pipe


def width_for(stream: TextIO) -> int | None:
    """None (the terminal's own width) on a terminal, ``PIPED_WIDTH`` otherwise."""
    return None if stream.isatty() else PIPED_WIDTH


def widen_help_when_piped() -> None:
    """Lay typer's help out ``PIPED_WIDTH`` wide when stdout is not a terminal."""
    import typer.rich_utils

    if typer.rich_utils.MAX_WIDTH is None:  # TERMINAL_WIDTH, when set, wins
        typer.rich_utils.MAX_WIDTH = width_for(sys.stdout)


def console(stderr: bool = False) -> Console:
    """A console that prints text literally: no markup, emoji codes or highlighting.

    On stderr, messages are never wrapped: one message, one line.
    """
    stream = sys.stderr if stderr else sys.stdout
    return Console(
        stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=stderr,
        width=width_for(stream),
    )


def print_error(message: str) -> None:
    """``error: message`` on stderr, the message exactly as given."""
    console(stderr=True).print(Text.assemble(("error:", "bold red"), " ", message))
