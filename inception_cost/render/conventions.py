"""`conventions` in every format: one row per preset, its counts, and why they differ."""

from __future__ import annotations

import json

from inception_cost import __version__
from inception_cost.comparison import Compared, Comparison
from inception_cost.render.common import csv_text

SCHEMA_VERSION = 1


def _ops(c: Compared) -> str:
    return "-" if c.count.ops is None else f"{c.count.ops:,}"


def _diff(c: Compared) -> str:
    if c.vs_ours is None:
        return ""
    return f"{c.vs_ours:+,}" if c.vs_ours else "0"


def _why(c: Compared) -> str:
    n = c.count
    if n.unsupported:
        return "no rule read for " + ", ".join(n.unsupported)
    parts = [f"{label} {v:+,}" for label, v in c.difference]
    if n.also is not None:
        parts.append(f"also reports {n.also:,} MACs")
    if n.ops is None:
        parts = ["counts no operations"]
    if n.params is None:
        parts.append("reports no parameter count")
    params = [f"{label} {v:+,}" for label, v in c.params_difference]
    if params:
        parts.append("params: " + ", ".join(params))
    return "; ".join(parts) or "the same rule"


def _blank(value: int | None) -> int | str:
    return "" if value is None else value


def _num(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def rows(comparison: Comparison) -> list[list[str]]:
    out = []
    for c in comparison.presets:
        n = c.count
        row = [n.preset.name, _num(n.params), _ops(c), n.preset.unit, _diff(c)]
        if comparison.aux_kept:
            row.insert(2, _num(n.params_kept))
        out.append(row)
    return out


def headers(comparison: Comparison) -> list[str]:
    h = ["preset", "params", "operations", "unit", "vs ours"]
    if comparison.aux_kept:
        h.insert(2, "aux kept")
    return h


def why_lines(comparison: Comparison) -> list[str]:
    """What makes each preset differ from ours, one line each."""
    lines = [f"{c.count.preset.name}: {_why(c)}" for c in comparison.presets[1:]]
    if all(c.count.preset.name != "paper" for c in comparison.presets):
        lines.insert(0, "paper: not offered, the table claims no per-row params or ops to read")
    return lines


def header(model: str, batch: int) -> str:
    return (
        f"{model}, batch {batch}, inference: every tool's count rebuilt from the cost model's"
        " categories; 'aux kept' = the training-only rows held in the model but not run"
    )


def render(comparison: Comparison, fmt: str) -> str:
    model, batch = comparison.model, comparison.batch
    if fmt == "json":
        return json.dumps(_json(comparison), indent=2)
    if fmt == "csv":
        names = ["preset", "tool", "params", "params_aux_kept", "ops", "unit", "macs_also"]
        return csv_text(
            [*names, "vs_ours", "why"],
            [
                [
                    c.count.preset.name,
                    c.count.preset.tool,
                    _blank(c.count.params),
                    _blank(c.count.params_kept),
                    _blank(c.count.ops),
                    c.count.preset.unit,
                    _blank(c.count.also),
                    _blank(c.vs_ours),
                    _why(c),
                ]
                for c in comparison.presets
            ],
        )
    if fmt == "markdown":
        out = [f"<!-- inception-cost {__version__} conventions -->", "", header(model, batch), ""]
        h = headers(comparison)
        out += ["| " + " | ".join(h) + " |", "|---|" + "---:|" * (len(h) - 3) + "---|---:|"]
        out += ["| " + " | ".join(r) + " |" for r in rows(comparison)]
        out += ["", "What makes the difference:", ""]
        out += [f"- {line}" for line in why_lines(comparison)]
        out += ["", "Where each rule was read:", ""]
        out += [
            f"- `{c.count.preset.name}` ({c.count.preset.tool}): {c.count.source}"
            for c in comparison.presets
        ]
        return "\n".join(out) + "\n"
    raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/conventions.py)")


def _json(comparison: Comparison) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"inception-cost {__version__}",
        "model": comparison.model,
        "batch": comparison.batch,
        "presets": [
            {
                "name": c.count.preset.name,
                "tool": c.count.preset.tool,
                "unit": c.count.preset.unit,
                "params": c.count.params,
                "params_aux_kept": c.count.params_kept,
                "ops": c.count.ops,
                "macs_also": c.count.also,
                "categories": dict(c.count.categories),
                "difference": dict(c.difference),
                "unsupported": list(c.count.unsupported),
                "params_parts": dict(c.count.param_parts),
                "source": c.count.source,
            }
            for c in comparison.presets
        ],
    }
