"""`verify` on a terminal: every block's run held against the analysis."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from inception_cost.render.terminal.fit import Col, print_fitted
from inception_cost.render.terminal.prose import hang
from inception_cost.render.verify import HEADERS, check_lines, header_lines, ok_glyph, rows_of


def draw(v, console: Console) -> None:
    for i, line in enumerate(header_lines(v)):
        console.print(hang(Text(line, style="bold" if i == 0 else "dim")))
    priority = [0, 2, 3, 1, 1, 0, 4, 5]  # block, the verdict glyph and the MACs first
    cols = [
        Col(h, "left" if i == 0 else "right", p)
        for i, (h, p) in enumerate(zip(HEADERS, priority, strict=True))
    ]
    rows = []
    for row in rows_of(v):
        style = "" if row[5] == ok_glyph(True) else "bold red"
        rows.append([Text(cell, style=style) for cell in row])
    print_fitted(console, cols, rows, "--format csv|json")
    for line in check_lines(v):
        console.print(Text(line, style="green" if line.startswith(("✓", "verified")) else "red"))
