"""`models` and `claims` on a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from inception_cost.catalog import Survey
from inception_cost.render.catalog import HEADERS, HEADS_TITLE, cells_of, claim_lines, head_lines
from inception_cost.render.common import number, si
from inception_cost.render.terminal.fit import Col, cells, print_fitted
from inception_cost.verdicts import Status


def render_models(items, console: Console) -> None:
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


def render_claims(survey: Survey, console: Console) -> None:
    """Each claim quoted once, its readings under it in their verdict's colour; the heads."""
    lines, summary = claim_lines(survey)
    items = survey.heads
    styles = {Status.TRUNCATED: "yellow", Status.UNCHECKED: "dim"}
    for text, status in lines:
        if status:
            style = "green" if Status(status).holds else styles.get(status, "red")
            console.print(Padding(Text(text, style=style), (0, 0, 0, 4)))
        else:
            console.print(Text(text, style="bold"))
    console.print(Text(summary, style="dim"))
    if items:
        console.print()
        console.print(Text(HEADS_TITLE, style="bold"))
        for line in head_lines(items):
            console.print(Padding(Text(line), (0, 0, 0, 2)))
