"""`compare-bottleneck` on a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from inception_cost.naive import NetworkComparison
from inception_cost.render.common import LEGEND, si
from inception_cost.render.compare_bottleneck import (
    UNITS,
    check_line,
    layers_of,
    module_cells,
    network_summary,
    network_total,
    quote_line,
    saving_line,
)
from inception_cost.render.terminal.fit import Col, cells, print_fitted
from inception_cost.render.terminal.prose import hang
from inception_cost.verdicts import Status


def _short(cells: list[str]) -> list[str]:
    """The module row for a 100-column terminal: counts in K/M/G, one output column."""
    name, shape, naive_out, _, *counts, times = cells
    return [name, shape, naive_out, *(si(int(c.replace(",", ""))) for c in counts), times]


def draw(result, console: Console) -> None:
    def table(headers: list[str], rows: list[list[str]], priority: list[int], indent: int = 0):
        cols = [
            Col(h, "left" if i == 0 else "right", p)
            for i, (h, p) in enumerate(zip(headers, priority, strict=True))
        ]
        print_fitted(console, cols, [cells(*r) for r in rows], "--format csv|json", indent)

    def line(text: str, style: str = "", indent: int = 2) -> None:
        console.print(hang(text, indent, style))

    if isinstance(result, NetworkComparison):
        console.print(Text(f"{result.model}: each {result.unit} naive against built", style="bold"))
        line(UNITS.split(";")[0] + "; params include biases", "dim", 0)
        line(f"naive = {result.naive_is}; each reads the built network's input", "dim", 0)
        rows = [_short(module_cells(m)) for m in result.modules]
        headers = [
            "module",
            "input",
            "naive out",
            "naive params",
            "built params",
            "naive MACs",
            "built MACs",
            "MACs x",
        ]
        table(headers, [*rows, _short(network_total(result))], [0, 4, 5, 2, 2, 1, 1, 1])
        line(
            "MACs x = naive / built; network row: every module naive, each reading the previous"
            " naive output",
            "dim",
            0,
        )
        line(network_summary(result), indent=0)
        return

    console.print(Text(f"{UNITS} · {LEGEND}", style="dim"))
    for ex in result:
        console.print()
        console.print(Text(f"{ex.id}. {ex.title}", style="bold"))
        line(quote_line(ex), "italic")
        for r in ex.readings:
            line(f"reading: {r.reading} · {r.setting}", "bold" if r is ex.readings[0] else "")
            rows = [list(x) for x in layers_of(r.baseline) + layers_of(r.alternative)]
            table(["path", "output", "weights", "MACs"], rows, [0, 2, 1, 1], 2)
            line(saving_line(r), indent=4)
            for f in r.findings:
                line(f"note: {f}", indent=4)
            for c in r.checks:
                style = {Status.MATCH: "green", Status.TRUNCATED: "yellow"}.get(
                    c.status, "bold red"
                )
                line(check_line(c), style, 4)
        if ex.lesson:
            line(f"lesson: {ex.lesson}")
