"""Progress of long work, told to whoever listens: the library says what it steps through
(the rows it reads, the sizes it sweeps, the blocks it runs); it never draws.

The CLI listens only when standard error is a terminal, and shows a bar only for a task
that outlasts `DELAY` (render/terminal/progress.py draws it with rich, imported then): a
pipe, a file or a quick run gets nothing. Outside a listener a step is a call that does
nothing, so library calls pay next to nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

#: Seconds a task runs before its bar shows: a quick command never flashes one.
DELAY = 0.5


class Listener(Protocol):
    def begin(self, what: str, total: int | None) -> None: ...

    def step(self) -> None: ...

    def end(self) -> None: ...


_listener: ContextVar[Listener | None] = ContextVar("listener", default=None)


@contextmanager
def listening(listener: Listener | None) -> Iterator[None]:
    """Tell `listener` (None: no one) of the tasks run inside."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


@contextmanager
def task(what: str, total: int | None = None) -> Iterator[Callable[[], None]]:
    """The task `what` (of `total` steps, None: not counted), ended however it ends; the
    callable it gives marks one step done."""
    listener = _listener.get()
    if listener is None:
        yield _nothing
        return
    listener.begin(what, total)
    try:
        yield listener.step
    finally:
        listener.end()


def _nothing() -> None:
    pass


class Delayed:
    """A listener that shows the outermost task only once it has run `DELAY` seconds, on
    the listener `show()` makes then (rich is imported only for a task that long); the
    tasks inside it (the builds of a sweep) are steps of it, not bars of their own."""

    def __init__(self, show: Callable[[], Listener]):
        self._show = show
        self._lock = threading.Lock()
        self._depth = 0
        self._shown: Listener | None = None
        self._timer: threading.Timer | None = None
        self._task: tuple[str, int | None] = ("", None)
        self._done = 0

    def begin(self, what: str, total: int | None) -> None:
        self._depth += 1
        if self._depth > 1:
            return
        self._task, self._done = (what, total), 0
        self._timer = threading.Timer(DELAY, self._appear)
        self._timer.daemon = True  # never keeps an interrupted run alive
        self._timer.start()

    def _appear(self) -> None:
        with self._lock:
            if self._depth == 0 or self._shown is not None:
                return
            shown = self._show()
            shown.begin(*self._task)
            for _ in range(self._done):
                shown.step()
            self._shown = shown

    def step(self) -> None:
        if self._depth != 1:
            return
        with self._lock:
            self._done += 1
            if self._shown is not None:
                self._shown.step()

    def end(self) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._shown is not None:
                self._shown.end()
            self._shown = None
