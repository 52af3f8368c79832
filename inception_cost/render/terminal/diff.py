"""`diff` on a terminal: the totals, each kind of departure, then every departure."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from inception_cost.render.diff import (
    HEADERS,
    KIND_HEADERS,
    departure_rows,
    header_lines,
    kind_rows,
    verdict_line,
)
from inception_cost.render.terminal.fit import Col, print_fitted


def draw(d, console: Console) -> None:
    for i, line in enumerate(header_lines(d)):
        console.print(Text(line, style="bold" if i == 0 else "dim"))
    console.print(Text(verdict_line(d), style="green" if d.same else "yellow"))
    if not d.same:
        kinds = [
            Col(h, "right" if i in (1, 2, 3) else "left", p, wrap=i == 4)
            for i, (h, p) in enumerate(zip(KIND_HEADERS, (0, 0, 1, 1, 2), strict=True))
        ]
        print_fitted(console, kinds, kind_rows(d), "--format markdown for every column")
        cols = [
            Col(h, "right" if i >= 4 else "left", p, wrap=i == 2)
            for i, (h, p) in enumerate(zip(HEADERS, (0, 1, 0, 2, 0, 0), strict=True))
        ]
        print_fitted(console, cols, departure_rows(d), "--format csv|json for every column")
    for note in d.notes:
        console.print(Text(f"note: {note}", style="dim"))
