"""Entry point of the ``align`` command: builds the typer app and formats errors in one place."""

from __future__ import annotations

import sys

import typer

from align.cli.bench_crawl import crawl
from align.cli.bench_scale import scale
from align.cli.bench_scoring import scoring
from align.cli.build import build
from align.cli.console import print_error, widen_help_when_piped
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
    help="Turn French and Arabic news articles into a scored, sentence-aligned parallel corpus."
    "\n\nExample: align build seeds --out out/seeds",
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
bench_app.command("crawl")(crawl)
bench_app.command("scale")(scale)
app.add_typer(bench_app, name="bench")
app.command()(report)
app.command()(export)
app.command()(push)



def main() -> None:
    """Run the CLI; known errors and file-system errors become one-line messages and exit
    code 1.

    Usage errors are typer's: a message and exit code 2.
    """
    widen_help_when_piped()
    try:
        app()
    except AlignError as error:
        print_error(str(error))
        sys.exit(1)
    except OSError as error:  # a disk that fills up, a folder that vanishes mid-run
        where = f"{error.filename}: " if error.filename else ""
        print_error(f"{where}{error.strerror or error}")
        sys.exit(1)
    except KeyboardInterrupt:
        print_error("interrupted")
        sys.exit(130)
