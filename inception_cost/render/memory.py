"""`memory` in every format: our figures with their conventions, per row, and the tools'.

Bytes are exact ints; MiB (2^20 bytes) and GB (10^9 bytes) are printed beside them,
each with its unit, and the tools' figures in the unit and decimals each tool prints.
"""

from __future__ import annotations

import json

from inception_cost import __version__
from inception_cost.memory import MIB, Memory, ToolMemory
from inception_cost.render.common import csv_text

SCHEMA_VERSION = 1


def _mib(n: int) -> str:
    return f"{n / MIB:,.2f}"


def _gb(n: int) -> str:
    return f"{n / 1e9:,.3f}"


def header(name: str, m: Memory, aux: bool) -> list[str]:
    return [
        f"{name}: memory at batch {m.batch}, {m.dtype} ({m.itemsize} bytes an element),"
        f" optimizer {m.optimizer}" + (", training-only rows included" if aux else ""),
        "bytes exact; MiB = 2^20 bytes, GB = 10^9 bytes; the tools' figures in their own units",
    ]


def _tool_row(t: ToolMemory) -> list[str]:
    return [
        t.name,
        t.printed(t.input),
        t.printed(t.features),
        t.printed(t.params),
        t.printed(t.total),
        t.unit,
    ]


TOOL_HEADERS = ["convention", "input", "features", "params", "total", "unit"]


def render(result, fmt: str, console=None) -> str | None:
    name, aux, m, tools = result
    if fmt == "json":
        return json.dumps(_json(name, aux, m, tools), indent=2) + "\n"
    if fmt == "csv":
        rows = [["total", label, v, "", why] for label, v, why in m.lines()]
        rows += [["row", r.name, r.params, r.activations, ""] for r in m.rows]
        return csv_text(["kind", "name", "bytes", "activation bytes", "convention"], rows)
    if fmt == "markdown":
        out = [f"<!-- inception-cost {__version__} memory -->", ""]
        out += [f"{line}  " for line in header(name, m, aux)]
        out += ["", "| figure | bytes | MiB | GB | convention |", "|---|---:|---:|---:|---|"]
        out += [f"| {lb} | {v:,} | {_mib(v)} | {_gb(v)} | {w} |" for lb, v, w in m.lines()]
        out += ["", "| " + " | ".join(TOOL_HEADERS) + " |", "|---|---:|---:|---:|---:|---|"]
        out += ["| " + " | ".join(_tool_row(t)) + " |" for t in tools]
        out += ["", "What each convention counts:", ""]
        out += [f"- `{t.name}` ({t.tool}): {t.rule}; read in {t.source}" for t in tools]
        return "\n".join(out) + "\n"
    _rich(name, aux, m, tools, console)
    return None


def _short_unit(unit: str) -> tuple[str, str]:
    """`MiB = 2^20 bytes, printed as MB` -> (`MiB*`, `2^20 bytes, printed as MB`)."""
    short, spelled = unit.split(" = ", 1)
    return short + ("*" if "printed as" in spelled else ""), spelled


def _rich(name, aux, m, tools, console) -> None:
    """Both tables fitted to the width (render/fit.py): whole columns give way, the
    conventions wrap, and the units are short in the table and spelled out below it."""
    from rich.padding import Padding
    from rich.text import Text

    from inception_cost.render.fit import Col, cells, print_fitted
    from inception_cost.render.terminal import make_console

    console = console or make_console()
    elsewhere = "--format markdown for every column"
    lines = header(name, m, aux)
    console.print(Text(lines[0], style="bold"))
    console.print(Text(lines[1], style="dim"))
    cols = [
        Col("figure"),
        Col("bytes", "right"),
        Col("MiB", "right", 2),
        Col("GB", "right", 3),
        Col("convention", priority=1, style="dim", wrap=True),
    ]
    rows = [cells(label, f"{v:,}", _mib(v), _gb(v), why) for label, v, why in m.lines()]
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
        rows.append(cells(*_tool_row(t)[:5], short))
    print_fitted(console, cols, rows, elsewhere)
    console.print(Text("units: " + "; ".join(f"{k} = {v}" for k, v in units.items()), "dim"))
    for tool in tools[1:]:
        console.print(Padding(Text(f"{tool.name}: {tool.rule}"), (0, 0, 0, 2), expand=False))
    console.print(Text("Per row: --format csv or json; the rules' sources: docs/memory.md", "dim"))


def _json(name: str, aux: bool, m: Memory, tools: list[ToolMemory]) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"inception-cost {__version__}",
        "model": name,
        "settings": {
            "batch": m.batch,
            "dtype": m.dtype,
            "itemsize": m.itemsize,
            "optimizer": m.optimizer,
            "aux": aux,
        },
        "bytes": {label.replace(" ", "_"): v for label, v, _ in m.lines()},
        "conventions": {label.replace(" ", "_"): why for label, _, why in m.lines()},
        "peak_op": m.peak_op,
        "rows": [
            {"name": r.name, "param_bytes": r.params, "activation_bytes": r.activations}
            for r in m.rows
        ],
        "tools": [
            {
                "name": t.name,
                "tool": t.tool,
                "unit": t.unit,
                "bytes_per_unit": t.scale,
                "input_bytes": t.input,
                "features_bytes": t.features,
                "params_bytes": t.params,
                "total_bytes": t.total,
                "printed": {
                    "input": t.printed(t.input),
                    "features": t.printed(t.features),
                    "params": t.printed(t.params),
                    "total": t.printed(t.total),
                },
                "rule": t.rule,
                "source": t.source,
            }
            for t in tools
        ],
    }
