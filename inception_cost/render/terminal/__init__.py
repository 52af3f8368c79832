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


def make_console(file=None) -> Console:
    """A console that is 100 columns wide when not on a terminal (pipes, files)."""
    out = file or sys.stdout
    width = None
    if not out.isatty():
        width = None if "COLUMNS" in os.environ else 100
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


def as_text(draw: Callable, result, *, tty: bool = False, suffix: str = "", **options) -> str:
    """`draw(result, console, **options)` as the text it prints, in full before any of it
    is shown (an error while drawing leaves nothing half-printed): as a terminal draws it
    when `tty`, else 100 columns wide with no trailing spaces; an SVG or HTML page for
    those suffixes."""
    if suffix in SUFFIXES:
        return page(draw, result, suffix, **options)
    held = _Held(tty)
    draw(result, make_console(held), **options)
    return held.getvalue()
