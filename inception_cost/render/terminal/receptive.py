"""`receptive` on a terminal: the rows fitted to the width, the paths' legend with them."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from inception_cost.receptive import Receptive
from inception_cost.render.receptive import header_lines, lines_of, short_label, verdict_line
from inception_cost.render.terminal.fit import Col, fit, left_out_line
from inception_cost.render.terminal.prose import hang


def path_legend(r: Receptive) -> list[str]:
    """Which path each size is, for the rows sharing one layout of paths."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for row in r.rows:
        if row.branches:
            groups.setdefault(tuple(short_label(b.label) for b in row.branches), []).append(
                row.name
            )
    return [
        f"paths of {', '.join(names)}: {' · '.join(labels)}" for labels, names in groups.items()
    ]


#: The rich columns (no type: the row names say it) and their priorities for the width:
#: the row, its field size and the aligned mark always stay, then stride, the paths,
#: padding, output size and centre.
RICH = (
    ("row", 0),
    ("output", 4),
    ("size", 0),
    ("stride", 1),
    ("padding", 3),
    ("centre", 5),
    ("aligned", 0),
    ("paths", 2),
)


def _aligned_mark(text: str) -> str:
    """yes ✓ / NO ✗: the verdict as a glyph too, so NO_COLOR and pipes keep it."""
    return {"yes": "yes ✓", "NO": "NO ✗"}.get(text, text)


def draw(r: Receptive, console: Console, expand: bool = False) -> None:
    cols = [Col(h, "right" if 2 <= i <= 5 else "left", p) for i, (h, p) in enumerate(RICH)]
    rows = []
    for kind, cells in lines_of(r, expand, labels=False):
        style = "dim" if kind == "op" else ("bold red" if cells[7] == "NO" else "")
        cells = cells[:1] + cells[2:7] + [_aligned_mark(cells[7]), cells[8]]
        rows.append([Text(c, style=style) for c in cells])
    table, left, full = fit(cols, rows, console.width)
    for i, line in enumerate(header_lines(r)):
        console.print(hang(Text(line, style="bold" if i == 0 else "dim")))
    console.print(table)
    note = left_out_line(left, full, console.width, "--format csv|json|markdown")
    if note:
        console.print(hang(note))
    if "paths" not in left:  # the legend of the paths column goes with it
        for line in path_legend(r):
            console.print(Text(line, style="dim"))
    console.print(Text(verdict_line(r), style="green" if r.aligned else "bold red"))
