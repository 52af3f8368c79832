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


def mib_text(n: int) -> str:
    return f"{n / MIB:,.2f}"


def gb_text(n: int) -> str:
    return f"{n / 1e9:,.3f}"


def header(name: str, m: Memory, aux: bool) -> list[str]:
    return [
        f"{name}: memory at batch {m.batch}, {m.dtype} ({m.itemsize} bytes an element),"
        f" optimizer {m.optimizer}" + (", training-only rows included" if aux else ""),
        "bytes exact; MiB = 2^20 bytes, GB = 10^9 bytes; the tools' figures in their own units",
    ]


def tool_row(t: ToolMemory) -> list[str]:
    return [
        t.name,
        t.printed(t.input),
        t.printed(t.features),
        t.printed(t.params),
        t.printed(t.total),
        t.unit,
    ]


TOOL_HEADERS = ["convention", "input", "features", "params", "total", "unit"]


def render(result, fmt: str) -> str:
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
        out += [f"| {lb} | {v:,} | {mib_text(v)} | {gb_text(v)} | {w} |" for lb, v, w in m.lines()]
        out += ["", "| " + " | ".join(TOOL_HEADERS) + " |", "|---|---:|---:|---:|---:|---|"]
        out += ["| " + " | ".join(tool_row(t)) + " |" for t in tools]
        out += ["", "What each convention counts:", ""]
        out += [f"- `{t.name}` ({t.tool}): {t.rule}; read in {t.source}" for t in tools]
        return "\n".join(out) + "\n"
    raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/memory.py)")


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
