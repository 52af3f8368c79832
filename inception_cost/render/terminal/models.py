"""`models` on a terminal: the bundled specs, the columns that fit."""

from __future__ import annotations

from rich.console import Console

from inception_cost.render.common import number, si
from inception_cost.render.models import HEADERS, cells_of
from inception_cost.render.terminal.fit import Col, cells, print_fitted


def draw(items, console: Console) -> None:
    priority = {"name": 0, "params": 1, "MACs": 1, "claims hold": 1, "claims differ": 1}
    priority |= {"not checkable": 2, "input": 3, "title": 4, "rows": 5}
    short = {"claims hold": "hold", "claims differ": "differ", "not checkable": "unchecked"}
    cols = [
        Col(
            short.get(h, h),
            "left" if h in ("name", "title", "input") else "right",
            priority[h],
            wrap=h == "title",
        )
        for h in HEADERS
    ]
    rows = []
    for s in items:
        line = cells_of(s)
        line[3] = number(s.params)
        line[4] = si(s.macs, 2)
        rows.append(cells(*line))
    print_fitted(console, cols, rows, "--format csv|json|markdown for every column")
    console.print(
        "params exact (weights + biases, as each spec counts them) · MACs at batch 1, G = 10^9"
        " · hold / differ / unchecked: the spec's row verdicts and paper-level claims"
    )
