"""`profile` on a terminal: a bar per row, as long as the width leaves room for."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from inception_cost.render.common import si
from inception_cost.render.profile import bar, header
from inception_cost.render.terminal.fit import GAP, Col, cells, print_fitted
from inception_cost.render.terminal.prose import hang
from inception_cost.shares import percent

BAR_MIN = 10  # the shortest a terminal's longest bar gets


def _value(p, v: int) -> str:
    return f"{si(v)}" + ("B" if p.unit == "bytes" else "")


def draw(p, console: Console) -> None:
    """The bars take the width the other columns leave (render/terminal/fit.py lays them out); when
    that is under BAR_MIN characters the share column gives way, and the line says so."""

    console.print(hang(Text(header(p), style="bold")))
    cols = [Col("row"), Col(p.unit, "right"), Col("share", "right", 1), Col("")]
    texts = [
        (b.name, _value(p, b.value) if b.value else "", percent(b.share) if b.value else "")
        for b in p.bars
    ]
    widest = [
        max(cell_len(t) for t in (c.header, *(r[i] for r in texts))) for i, c in enumerate(cols[:3])
    ]
    width = console.width - sum(widest) - GAP * 3
    if width < BAR_MIN:  # without the share column
        width = console.width - widest[0] - widest[1] - GAP * 2
    width = max(width, BAR_MIN)
    rows = [
        cells(*t, Text(bar(b.length, width), style="cyan"))
        for t, b in zip(texts, p.bars, strict=True)
    ]
    print_fitted(console, cols, rows, "--format csv|json")
