"""`conventions` in every format: one row per preset, its counts, and why they differ."""

from __future__ import annotations

import json

from inception_cost import __version__
from inception_cost.presets import PresetCount, difference, params_difference
from inception_cost.render.common import csv_text

SCHEMA_VERSION = 1


def _ops(c: PresetCount) -> str:
    return "-" if c.ops is None else f"{c.ops:,}"


def _unit(c: PresetCount) -> str:
    return c.preset.unit


def _diff(ours: PresetCount, c: PresetCount) -> str:
    if c.ops is None:
        return ""
    delta = c.ops - ours.ops
    return f"{delta:+,}" if delta else "0"


def _why(ours: PresetCount, c: PresetCount) -> str:
    if c.unsupported:
        return "no rule read for " + ", ".join(c.unsupported)
    parts = [f"{label} {v:+,}" for label, v in difference(ours, c)]
    if c.also is not None:
        parts.append(f"also reports {c.also:,} MACs")
    if c.ops is None:
        parts = ["counts no operations"]
    if c.params is None:
        parts.append("reports no parameter count")
    params = [f"{label} {v:+,}" for label, v in params_difference(ours, c)]
    if params:
        parts.append("params: " + ", ".join(params))
    return "; ".join(parts) or "the same rule"


def _blank(value: int | None) -> int | str:
    return "" if value is None else value


def _num(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def kept(counts: list[PresetCount]) -> bool:
    """Whether the spec has training-only rows, so the 'aux kept' column says something."""
    return counts[0].params_kept is not None


def rows(counts: list[PresetCount]) -> list[list[str]]:
    ours = counts[0]
    out = []
    for c in counts:
        row = [c.preset.name, _num(c.params), _ops(c), _unit(c), _diff(ours, c)]
        if kept(counts):
            row.insert(2, _num(c.params_kept))
        out.append(row)
    return out


def headers(counts: list[PresetCount]) -> list[str]:
    h = ["preset", "params", "operations", "unit", "vs ours"]
    if kept(counts):
        h.insert(2, "aux kept")
    return h


def why_lines(counts: list[PresetCount]) -> list[str]:
    """What makes each preset differ from ours, one line each."""
    ours = counts[0]
    lines = [f"{c.preset.name}: {_why(ours, c)}" for c in counts[1:]]
    if all(c.preset.name != "paper" for c in counts):
        lines.insert(0, "paper: not offered, the table claims no per-row params or ops to read")
    return lines


def header(model: str, batch: int) -> str:
    return (
        f"{model}, batch {batch}, inference: every tool's count rebuilt from the cost model's"
        " categories; 'aux kept' = the training-only rows held in the model but not run"
    )


def render(result, fmt: str, console=None) -> str | None:
    model, batch, counts = result
    if fmt == "json":
        return json.dumps(_json(model, batch, counts), indent=2)
    if fmt == "csv":
        ours = counts[0]
        names = ["preset", "tool", "params", "params_aux_kept", "ops", "unit", "macs_also"]
        return csv_text(
            [*names, "vs_ours", "why"],
            [
                [
                    c.preset.name,
                    c.preset.tool,
                    _blank(c.params),
                    _blank(c.params_kept),
                    _blank(c.ops),
                    c.preset.unit,
                    _blank(c.also),
                    "" if c.ops is None else c.ops - ours.ops,
                    _why(ours, c),
                ]
                for c in counts
            ],
        )
    if fmt == "markdown":
        out = [f"<!-- inception-cost {__version__} conventions -->", "", header(model, batch), ""]
        h = headers(counts)
        out += ["| " + " | ".join(h) + " |", "|---|" + "---:|" * (len(h) - 3) + "---|---:|"]
        out += ["| " + " | ".join(r) + " |" for r in rows(counts)]
        out += ["", "What makes the difference:", ""]
        out += [f"- {line}" for line in why_lines(counts)]
        out += ["", "Where each rule was read:", ""]
        out += [f"- `{c.preset.name}` ({c.preset.tool}): {c.preset.source}" for c in counts]
        return "\n".join(out) + "\n"
    from rich.padding import Padding
    from rich.text import Text

    from inception_cost.render.fit import Col, cells, print_fitted
    from inception_cost.render.terminal import make_console

    console = console or make_console()
    console.print(Text(header(model, batch), style="bold"))
    priority = {"preset": 0, "params": 1, "operations": 1, "unit": 1, "vs ours": 2, "aux kept": 3}
    cols = [
        Col(h, "left" if h in ("preset", "unit") else "right", priority[h]) for h in headers(counts)
    ]
    print_fitted(console, cols, [cells(*r) for r in rows(counts)], "--format csv|json")
    console.print(Text("What makes the difference:", style="bold"))
    for line in why_lines(counts):
        console.print(Padding(Text(line), (0, 0, 0, 2), expand=False))
    console.print(
        Text("Where each rule was read: inception-cost conventions --format markdown", "dim")
    )
    return None


def _json(model: str, batch: int, counts: list[PresetCount]) -> dict:
    ours = counts[0]
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"inception-cost {__version__}",
        "model": model,
        "batch": batch,
        "presets": [
            {
                "name": c.preset.name,
                "tool": c.preset.tool,
                "unit": c.preset.unit,
                "params": c.params,
                "params_aux_kept": c.params_kept,
                "ops": c.ops,
                "macs_also": c.also,
                "categories": dict(c.categories),
                "difference": dict(difference(ours, c)),
                "unsupported": list(c.unsupported),
                "params_parts": dict(c.param_parts),
                "source": c.preset.source,
            }
            for c in counts
        ],
    }
