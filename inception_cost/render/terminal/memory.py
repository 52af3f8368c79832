"""`memory` on a terminal: both tables fitted to the width."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from inception_cost.render.memory import gb_text, header, mib_text, tool_row
from inception_cost.render.terminal.fit import Col, cells, print_fitted
from inception_cost.render.terminal.prose import hang


def _short_unit(unit: str) -> tuple[str, str]:
    """`MiB = 2^20 bytes, printed as MB` -> (`MiB*`, `2^20 bytes, printed as MB`)."""
    short, spelled = unit.split(" = ", 1)
    return short + ("*" if "printed as" in spelled else ""), spelled


def draw(result, console: Console) -> None:
    """Both tables fitted to the width (render/terminal/fit.py): whole columns give way, the
    conventions wrap, and the units are short in the table and spelled out below it."""
    name, aux, m, tools = result

    elsewhere = "--format markdown for every column"
    lines = header(name, m, aux)
    console.print(hang(Text(lines[0], style="bold")))
    console.print(hang(lines[1], style="dim"))
    cols = [
        Col("figure"),
        Col("bytes", "right"),
        Col("MiB", "right", 2),
        Col("GB", "right", 3),
        Col("convention", priority=1, style="dim", wrap=True),
    ]
    rows = [cells(label, f"{v:,}", mib_text(v), gb_text(v), why) for label, v, why in m.lines()]
    print_fitted(console, cols, rows, elsewhere)
    console.print()
    console.print(Text("The same network as each tool reports it", style="bold"))
    cols = [
        Col("convention"),
        Col("input", "right", 2),
        Col("features", "right"),
        Col("params", "right"),
        Col("total", "right", 1),
        Col("unit"),
    ]
    units: dict[str, str] = {}  # short -> spelled out
    rows = []
    for t in tools:
        short, spelled = _short_unit(t.unit)
        units.setdefault(short, spelled)
        rows.append(cells(*tool_row(t)[:5], short))
    print_fitted(console, cols, rows, elsewhere)
    console.print(Text("units: " + "; ".join(f"{k} = {v}" for k, v in units.items()), "dim"))
    for tool in tools[1:]:
        console.print(hang(f"{tool.name}: {tool.rule}", 2))
    console.print(Text("Per row: --format csv or json; the rules' sources: docs/memory.md", "dim"))
