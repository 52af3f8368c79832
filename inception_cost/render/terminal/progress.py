"""The progress bar on a terminal's standard error: rich's, transient (gone when the task
ends), for a task inception_cost.progress tells of."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Bar:
    """One task at a time, as progress.Delayed hands it over."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = None

    def begin(self, what: str, total: int | None) -> None:
        self._progress.start()
        self._task = self._progress.add_task(what, total=total)

    def step(self) -> None:
        if self._task is not None:
            self._progress.advance(self._task)

    def end(self) -> None:
        self._progress.stop()
        self._task = None
