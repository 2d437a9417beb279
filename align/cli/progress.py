"""Rich progress bars on stderr, driven by the library's progress callbacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from align.engine.pipeline import Progress as ProgressCallback


@contextmanager
def progress_bars(enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """Yield a callback ``(stage, done, total)`` that draws one bar per stage."""
    if not enabled:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description:<8}", markup=False), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=Console(stderr=True), transient=False,
    )
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=total)
        bars.update(tasks[stage], completed=done, total=total)

    with bars:
        yield update
