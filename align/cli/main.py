"""Entry point of the ``align`` command: builds the typer app and formats errors in one place."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from align.cli.bench_scoring import scoring
from align.cli.build import build
from align.cli.evaluate import bench_app, evaluate
from align.cli.export import export
from align.cli.pair import pair
from align.cli.push import push
from align.cli.report import report
from align.cli.score import score
from align.cli.sentences import sentences
from align.cli.show import show
from align.errors import AlignError

app = typer.Typer(
    name="align",
    help="Turn French and Arabic news articles into a scored, sentence-aligned parallel corpus.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

app.command()(build)
app.command()(pair)
app.command()(sentences)
app.command()(show)
app.command()(score)
app.command("eval")(evaluate)
bench_app.command("scoring")(scoring)
app.add_typer(bench_app, name="bench")
app.command()(report)
app.command()(export)
app.command()(push)

stderr = Console(stderr=True)


def main() -> None:
    """Run the CLI; known errors become one-line messages and exit code 1.

    Usage errors are typer's: a message and exit code 2.
    """
    try:
        app()
    except AlignError as error:
        stderr.print(f"[bold red]error:[/] {error}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        stderr.print("interrupted")
        sys.exit(130)
