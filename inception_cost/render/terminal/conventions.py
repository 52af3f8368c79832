"""`conventions` on a terminal: a row per preset, fitted to the width, then why they differ."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from inception_cost.comparison import Comparison
from inception_cost.render.conventions import header, headers, rows, why_lines
from inception_cost.render.terminal.fit import Col, cells, print_fitted
from inception_cost.render.terminal.prose import hang


def draw(comparison: Comparison, console: Console) -> None:
    model, batch = comparison.model, comparison.batch
    console.print(hang(Text(header(model, batch), style="bold")))
    priority = {"preset": 0, "params": 1, "operations": 1, "unit": 1, "vs ours": 2, "aux kept": 3}
    cols = [
        Col(h, "left" if h in ("preset", "unit") else "right", priority[h])
        for h in headers(comparison)
    ]
    print_fitted(console, cols, [cells(*r) for r in rows(comparison)], "--format csv|json")
    console.print(Text("What makes the difference:", style="bold"))
    for line in why_lines(comparison):
        console.print(hang(line, 2))
    console.print(
        Text("Where each rule was read: inception-cost conventions --format markdown", "dim")
    )
