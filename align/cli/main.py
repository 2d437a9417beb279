"""Entry point of the ``align`` command: builds the typer app and formats errors in one place."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from align.errors import AlignError

app = typer.Typer(
    name="align",
    help="Turn French and Arabic news articles into a scored, sentence-aligned parallel corpus.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

stderr = Console(stderr=True)


def main() -> None:
    """Run the CLI; known errors become one-line messages and exit code 1."""
    try:
        app(standalone_mode=False)
    except AlignError as error:
        stderr.print(f"[bold red]error:[/] {error}", highlight=False)
        sys.exit(1)
    except typer.Abort:
        stderr.print("aborted")
        sys.exit(1)
    except KeyboardInterrupt:
        stderr.print("interrupted")
        sys.exit(130)
    except Exception as error:  # click usage errors carry their own exit code
        import click

        if isinstance(error, click.exceptions.ClickException):
            error.show()
            sys.exit(error.exit_code)
        if isinstance(error, click.exceptions.Exit):
            sys.exit(error.exit_code)
        raise
