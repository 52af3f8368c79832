"""Prose on a terminal: a line that wraps keeps a hanging indent, so the lines it wraps
onto read as its own and the next point still starts at the left.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

HANG = 2  # how much further in a wrapped line's continuation starts


class Hanging:
    """`text` `indent` columns in, its continuation lines `hang` further in."""

    def __init__(self, text: Text | str, indent: int = 0, hang: int = HANG):
        self.text = text if isinstance(text, Text) else Text(text)
        self.indent, self.hang = indent, hang

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - self.indent, 1)
        for paragraph in self.text.split("\n", allow_blank=True):
            for pad, line in _hung(console, paragraph, width, self.hang):
                yield Segment(" " * (self.indent + pad))
                yield from line.render(console)
                yield Segment.line()


def _hung(console: Console, text: Text, width: int, hang: int):
    """(left padding, line) of `text` wrapped at `width`, the lines after the first at
    `width - hang` and `hang` in."""
    lines = text.wrap(console, width, overflow="fold")
    if len(lines) <= 1 or width - hang < 8:
        return [(0, line) for line in lines] if len(lines) > 1 else [(0, text)]
    first = lines[0]
    rest = text[len(first.plain) :]
    rest = rest[len(rest.plain) - len(rest.plain.lstrip(" ")) :]
    first.rstrip()
    return [(0, first)] + [(hang, line) for line in rest.wrap(console, width - hang)]


def hang(text: Text | str, indent: int = 0, style: str = "") -> Hanging:
    """A line of prose, `indent` in, that wraps with a hanging indent."""
    if style and not isinstance(text, Text):
        text = Text(text, style=style)
    return Hanging(text, indent)
