"""Everything rich draws: one module per command, named after it (render/terminal/NAME.py's
`draw` takes a console where render/NAME.py's `render` takes a format), the table fitter
they share (fit.py), the SVG and HTML pages (export.py) and the console they draw on.
Only a `--format rich` run imports this package, so only it imports rich.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable

from rich.console import Console

from inception_cost.render.terminal.export import SUFFIXES, page
from inception_cost.render.terminal.fit import NEEDED

#: The width of a pipe (where COLUMNS does not say) and the least of a file's.
WIDTH = 100


def make_console(file=None, width: int | None = None) -> Console:
    """A console `width` columns wide, or as wide as the terminal; WIDTH when not on a
    terminal (pipes, files) and COLUMNS does not say."""
    out = file or sys.stdout
    if not out.isatty():
        if width is None and "COLUMNS" not in os.environ:
            width = WIDTH
        out = _Rstripped(out)
    return Console(file=out, width=width, highlight=False, soft_wrap=False)


class _Rstripped:
    """A file that drops the spaces rich pads lines with, so piped lines end in text."""

    def __init__(self, out):
        self._out, self._pending = out, ""

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            self._out.write(line.rstrip(" ") + "\n")
        return len(text)

    def flush(self) -> None:
        self._out.flush()

    def isatty(self) -> bool:
        return False


class _Held(io.StringIO):
    """Text held until it is complete, for a console that renders as it would to `tty`."""

    def __init__(self, tty: bool):
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def as_text(
    draw: Callable, result, *, tty: bool = False, suffix: str = "", file: bool = False, **options
) -> str:
    """`draw(result, console, **options)` as the text it prints, in full before any of it
    is shown (an error while drawing leaves nothing half-printed): as a terminal draws it
    when `tty`, else as wide as COLUMNS says (WIDTH by default) with no trailing spaces.

    For a `file` (an SVG or HTML page for those suffixes), the terminal's width does not
    matter: the file is WIDTH columns wide, or as wide as its widest table needs to show
    every column (drawn once more at that width)."""
    if not file:
        return _drawn(draw, result, None, tty, options)
    needed: list[int] = []
    token = NEEDED.set(needed)
    try:
        text = _file(draw, result, suffix, WIDTH, options)
    finally:
        NEEDED.reset(token)
    widest = max(needed, default=0)
    return text if widest <= WIDTH else _file(draw, result, suffix, widest, options)


def _file(draw: Callable, result, suffix: str, width: int, options: dict) -> str:
    if suffix in SUFFIXES:
        return page(draw, result, suffix, width=width, **options)
    return _drawn(draw, result, width, False, options)


def _drawn(draw: Callable, result, width: int | None, tty: bool, options: dict) -> str:
    held = _Held(tty)
    draw(result, make_console(held, width), **options)
    return held.getvalue()
