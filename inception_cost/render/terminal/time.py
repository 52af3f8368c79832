"""`time` on a terminal: the model and the machine, a line per row, the violations."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from inception_cost.render.terminal.fit import Col, print_fitted
from inception_cost.render.time import finding_lines, header_lines, headers, rows_of

#: lower stays first when the width runs out: the row, its predicted and measured times and
#: the fraction of the roof it reached always; then its bound, bytes and intensity
PRIORITY = {"bound": 1, "bytes": 2, "FLOP/B": 2, "FLOPs": 3, "charged": 3, "share": 4}


def draw(r, console: Console) -> None:
    for i, line in enumerate(header_lines(r)):
        console.print(Text(line, style="bold" if i == 0 else "dim"))
    cols = [
        Col(h, "left" if h in ("row", "bound", "charged") else "right", PRIORITY.get(h, 0))
        for h in headers(r)
    ]
    rows = []
    for cells in rows_of(r):
        style = "bold red" if cells[-1].endswith("✗") else ("bold" if cells[0] == "total" else "")
        rows.append([Text(c, style=style) for c in cells])
    print_fitted(console, cols, rows, "--format csv|json for every column")
    for line in finding_lines(r):
        console.print(Text(line, style="red" if line.startswith("✗") else "green"))
