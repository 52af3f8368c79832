"""A fitted table drawn segment for segment as rich's Table draws it, without the cost.

rich measures, pads and wraps every cell through several layers of renderables (about
20 ms for GoogLeNet's table, more than half of its report's rendering). A table that
render/terminal/fit.py built already knows each column's width, and when every column fits at
its widest and every cell is one line of single-style Text, drawing it is only padding
strings. Anything else (a console narrower than the table, a cell with styled spans or
more than one line) is drawn by rich's Table itself, so the output is the same either
way; tests/test_drawn.py holds the two to the same segments.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

_LINE = Segment("\n")


class Drawn:
    """`table` (as render/terminal/fit.py builds it: no edge, no padding at the edges, one space of
    padding each side of a column rule, a header) with each column `widths` cells wide."""

    def __init__(self, table: Table, widths: list[int]):
        self.table, self.widths = table, widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        t, widths = self.table, self.widths
        last = len(widths) - 1
        pads = [(0 if i == 0 else 1, 0 if i == last else 1) for i in range(last + 1)]
        padded = [w + left + right for w, (left, right) in zip(widths, pads, strict=True)]
        if not _drawable(t, widths, sum(padded) + last, options.max_width):
            yield t
            return
        get_style = console.get_style
        null = Style.null()
        border = get_style(t.style or "") + get_style(t.border_style or "")
        box = t.box.substitute(options, safe=console.safe_box if t.safe_box is None else t.safe_box)
        header_style = get_style(t.header_style or "")
        body = [(get_style(c.style or ""), list(c.cells)) for c in t.columns]
        rows = [
            [(header_style + get_style(c.header_style), c.header) for c in t.columns],
            *([(style, cells[r]) for style, cells in body] for r in range(len(t.rows))),
        ]
        for index, row in enumerate(rows):
            level = 0 if index == 0 else 2 if index == len(rows) - 1 else 1
            rule = Segment((box.head_vertical, box.mid_vertical, box.foot_vertical)[level], border)
            if not rule.text.strip():
                rule = Segment(rule.text, null.background_style + border)
            for i, (style, cell) in enumerate(row):
                if i:
                    yield rule
                yield from _cell(console, cell, t.columns[i].justify, widths[i], pads[i], style)
            yield _LINE
            if index == 0:
                yield Segment(box.get_row(padded, "head", edge=False), border)
                yield _LINE
            elif index < len(rows) - 1 and t.rows[index - 1].end_section:
                yield Segment(box.get_row(padded, "row", edge=False), border)
                yield _LINE


def _drawable(t: Table, widths: list[int], width: int, max_width: int) -> bool:
    """Whether the table fits and every cell is one line of one style, each no wider than
    its column and none empty (rich widens an empty column to one cell)."""
    if not widths or width > max_width or not all(widths):
        return False
    if t.row_styles or t.show_lines or t.leading or any(r.style for r in t.rows):
        return False  # rows drawn with styles, rules or spacing of their own: rich's Table
    for c, w in zip(t.columns, widths, strict=True):
        for cell in (c.header, *c.cells):
            if not (isinstance(cell, Text) and not cell.spans and cell.justify is None):
                return False
            plain = cell.plain
            if "\n" in plain or "\t" in plain or cell_len(plain) > w or cell.end != "\n":
                return False
        if c.justify not in ("left", "right"):
            return False
    return True


def _cell(console: Console, cell: Text, justify: str, width: int, pads, style: Style):
    """One cell's segments: its padding, then its text justified in `width` (left: padded
    on the right; right: trailing spaces dropped, padded on the left), in the cell's style
    under the column's, as rich's Padding and Text render them."""
    plain = cell.plain
    if justify == "right":
        plain = plain.rstrip()
        text = " " * (width - cell_len(plain)) + plain
    else:
        text = plain + " " * (width - cell_len(plain))
    null = Style.null()
    own = Style.combine((null, console.get_style(cell.style, default=null))) if cell.style else None
    left, right = pads
    if style:  # the column's style over the padding and the cell's own
        if left:
            yield Segment(" " * left, style)
        yield Segment(text, style + own)
        if right:
            yield Segment(" " * right, style)
        return
    if left:
        yield Segment(" " * left, null)
    yield Segment(text, own) if own is not None else Segment(text)
    if right:
        yield Segment(" " * right, null)
