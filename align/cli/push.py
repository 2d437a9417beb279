"""``align push``: publish a dataset directory to the Hugging Face Hub."""

from __future__ import annotations

from typing import Annotated

import typer

from align.cli.options import DatasetDir
from align.publish.push import push_dataset


def push(
    dataset_dir: DatasetDir,
    repo_id: Annotated[str, typer.Option(
        "--repo-id", help="Dataset repo USER/NAME (created if missing).", show_default=False)],
    private: Annotated[bool, typer.Option(
        "--private", help="Create the repo as private (an existing repo keeps its visibility).",
    )] = False,
    token: Annotated[str | None, typer.Option(
        "--token", help="Hub token with write access (default: HF_TOKEN or saved login).",
        show_default=False)] = None,
    revision: Annotated[str | None, typer.Option(
        "--revision", help="Branch to push to (created if missing; default: main).",
        show_default=False)] = None,
    create_pr: Annotated[bool, typer.Option(
        "--create-pr", help="Open a pull request instead of committing to the branch.")] = False,
) -> None:
    """Push the splits and the card of a dataset directory to a Hub dataset repo.

    Pushing again replaces the data files and the card. HF_ENDPOINT selects the Hub.

    Example: align push out/seeds --repo-id me/seeds-fr-ar --private
    """
    result = push_dataset(
        dataset_dir, repo_id, token=token, private=private or None, revision=revision,
        create_pr=create_pr,
    )
    sizes = ", ".join(f"{name} {n}" for name, n in result.splits.items())
    typer.echo(f"pushed {sizes} to {result.url} (commit {result.commit[:12]})")
    if result.pr_url:
        typer.echo(f"pull request: {result.pr_url}")
