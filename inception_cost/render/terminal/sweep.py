"""`sweep` on a terminal: a row per input size, with a bar of its MACs."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from inception_cost.render.sweep import failure_text, header_lines, headers_of, input_text, rows_of
from inception_cost.render.terminal.fit import Col, fit, left_out_line
from inception_cost.render.terminal.prose import hang
from inception_cost.sweep import Sweep

BAR = 12


#: Priorities for the width: the input, its MACs and the bar (with ✗ where the network
#: cannot be built) always stay, then the final map, params and the MACs ratio.
PRIORITY = {
    "input": 0,
    "final map": 1,
    "floor": 5,
    "params": 2,
    "MACs": 0,
    "act. MB": 3,
    "MACs x": 2,
    "area x": 4,
    "": 0,
}


def draw(s: Sweep, console: Console) -> None:
    headers = [*headers_of(s), ""]
    cols = [Col(h, "left" if h in ("input", "") else "right", PRIORITY[h]) for h in headers]
    top = max((p.totals.macs for p in s.points if p.totals), default=0)
    rows = []
    for p, cells in zip(s.points, rows_of(s, compact=True), strict=True):
        bar = "█" * round(BAR * p.totals.macs / top) if p.totals and top else "✗"
        rows.append([Text(c, style="" if p.totals else "red") for c in [*cells, bar]])
    table, left, full = fit(cols, rows, console.width)
    for i, line in enumerate(header_lines(s, compact=True, left=tuple(left))):
        console.print(hang(Text(line, style="bold" if i == 0 else "dim")))
    console.print(table)
    note = left_out_line(left, full, console.width, "--format csv|json|markdown")
    if note:
        console.print(hang(note))
    for p in s.points:
        if p.failure:
            console.print(Text(f"{input_text(p)}: {failure_text(p)}", style="red"))
