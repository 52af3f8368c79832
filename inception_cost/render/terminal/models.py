"""`models` on a terminal: the bundled specs, the columns that fit."""

from __future__ import annotations

from rich.console import Console

from inception_cost.render.common import number, si
from inception_cost.render.models import HEADERS, cells_of
from inception_cost.render.terminal.fit import Col, cells, print_fitted
from inception_cost.render.terminal.prose import Hanging


def draw(items, console: Console) -> None:
    """The table that fits, then every variant by name (a column too wide to fit)."""
    priority = {"name": 0, "params": 1, "MACs": 1, "claims hold": 1, "claims differ": 1}
    priority |= {"truncated": 1, "not checkable": 2, "input": 3, "title": 4, "rows": 5}
    short = {
        "claims hold": "hold",
        "claims differ": "differ",
        "truncated": "trunc.",
        "not checkable": "unchecked",
    }
    shown = [i for i, h in enumerate(HEADERS) if h != "variants"]
    cols = [
        Col(
            short.get(HEADERS[i], HEADERS[i]),
            "left" if HEADERS[i] in ("name", "title", "input") else "right",
            priority[HEADERS[i]],
            wrap=HEADERS[i] == "title",
        )
        for i in shown
    ]
    rows = []
    for s in items:
        line = cells_of(s)
        line[3] = number(s.params)
        line[4] = si(s.macs, 2)
        rows.append(cells(*(line[i] for i in shown)))
    print_fitted(console, cols, rows, "--format csv|json|markdown")
    console.print(
        Hanging(
            "params exact (weights + biases, as each spec counts them) · MACs at batch 1,"
            " G = 10^9 · hold / differ / trunc. / unchecked: the spec's row verdicts and"
            " paper-level claims; differ: those `table --fail-on mismatch` fails, trunc.:"
            " those that hold only if the paper truncated (--fail-on truncated)"
        )
    )
    console.print(
        Hanging(
            "variants (table -m NAME --variant VARIANT): "
            + "; ".join(f"{s.name} {', '.join(s.variants)}" for s in items if s.variants)
        )
    )
