"""`sweep` as text: per input size the final map, params, MACs and activations.

Markdown shows the table with exact ints; CSV one line per size; JSON everything. Rows
that cannot be built are named with the reason. The terminal's, with a bar of each
size's MACs, is render/terminal/sweep.py. Nothing here computes a count.
"""

from __future__ import annotations

import json

from inception_cost import __version__
from inception_cost.cells import format_shape
from inception_cost.render.common import csv_text, si
from inception_cost.sweep import Point, Sweep

SCHEMA_VERSION = 1


def render(result: Sweep, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(_json(result), indent=2) + "\n"
    if fmt == "csv":
        return _csv(result)
    if fmt == "markdown":
        return _markdown(result)
    raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/sweep.py)")


def header_lines(s: Sweep, compact: bool = False, left: tuple[str, ...] = ()) -> list[str]:
    """What each column means; `compact` (rich) prints counts in K/M/G; the legend of a
    column `left` out of a narrow terminal goes with it."""
    h, w, c = s.spec_input
    floor = "; floor: floor rounding" if s.rounding == "ceil" and "floor" not in left else ""
    ratios = [x for x in ("MACs x", "area x") if x not in left]
    scale = [
        *([f"{', '.join(ratios)}: against the spec's own size"] if ratios else []),
        *(["K/M/G = 10^3/10^6/10^9"] if compact else []),
    ]
    return [
        f"{s.model}: cost across square input sizes ({c} channels, batch 1, {s.dtype});"
        f" its own input {h}x{w}",
        f"final map: output of {s.final_row} (the last convolution row) · pooling rounds"
        f" {s.rounding}{floor}",
        "MACs: multiply-adds of conv and linear layers"
        + (" · act. MB: elements every op writes, 10^6 bytes" if "act. MB" not in left else ""),
        *([" · ".join(scale)] if scale else []),
        *params_lines(s),
        smallest_line(s),
    ]


def params_lines(s: Sweep) -> list[str]:
    """Why the params move or stay: the trap of scaling a count by the input area."""
    lines = []
    if s.growing:
        lines.append(
            f"params grow with the input: {', '.join(s.growing)} reads a flattened map that grows"
            " (H x W x C x units)"
        )
        lines.append(
            "  so scaling a count made at one size by the input area is wrong for its params"
        )
    elif s.whole_map:
        lines.append(
            f"params are the same at every size: {', '.join(s.whole_map)} averages the whole map"
            + (" (--global-pool)" if s.global_pool else " (global pooling)")
        )
    else:
        lines.append("params are the same at every size built here")
    for name in s.fixed_windows:
        lines.append(
            f"{name}: a fixed window as written (Caffe), the whole map only at"
            f" {s.spec_input[0]}x{s.spec_input[1]}; --global-pool: global"
        )
    return lines


def smallest_line(s: Sweep) -> str:
    if s.smallest is None:
        return f"no square input up to {s.cap}x{s.cap} builds every row"
    side = s.smallest
    return f"smallest square input that builds every row: {side}x{side} (searched up to {s.cap})"


def input_text(p: Point) -> str:
    h, w, _ = p.input
    return (f"{h}x{w}" if h != w else str(h)) + (f" {p.variant}" if p.variant else "")


def failure_text(p: Point) -> str:
    f = p.failure
    if f is None:
        return ""
    where = f"row {f.row}" if f.row else "a row"
    later = f"; not built after it: {', '.join(f.later)}" if f.later else ""
    return f"{where} cannot be built: {f.reason}{later}"


def _shape(shape) -> str:
    return format_shape(shape) if shape else "-"


def _ratio(value) -> str:
    return f"{float(value):.2f}x" if value is not None else ""


def rows_of(s: Sweep, compact: bool = False) -> list[list[str]]:
    """One line per size; `compact` (rich) prints counts in K/M/G, else exact."""
    count = si if compact else (lambda n: f"{n:,}")
    rows = []
    for p in s.points:
        t = p.totals
        rows.append(
            [
                input_text(p),
                _shape(p.final),
                *([_shape(p.floor_final)] if s.rounding == "ceil" else []),
                count(t.params) if t else "-",
                count(t.macs) if t else "-",
                f"{p.activation_bytes / 1e6:,.1f}" if t else "-",
                _ratio(s.macs_ratio(p)),
                _ratio(s.area_ratio(p)),
            ]
        )
    return rows


def headers_of(s: Sweep) -> list[str]:
    floor = ["floor"] if s.rounding == "ceil" else []
    return ["input", "final map", *floor, "params", "MACs", "act. MB", "MACs x", "area x"]


def _markdown(s: Sweep) -> str:
    out = [f"<!-- inception-cost {__version__} sweep -->", ""]
    out += [f"{line.strip()}  " for line in header_lines(s)]
    headers = headers_of(s)
    out += ["", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(r) + " |" for r in rows_of(s)]
    failures = [f"- {input_text(p)}: {failure_text(p)}" for p in s.points if p.failure]
    if failures:
        out += ["", *failures]
    return "\n".join(out) + "\n"


CSV_HEADERS = [
    "model",
    "input",
    "variant",
    "final_map",
    "floor_final_map",
    "params",
    "macs",
    "activations",
    "activation_bytes",
    "failed_row",
    "reason",
]


def _csv(s: Sweep) -> str:
    rows = []
    for p in s.points:
        t, f = p.totals, p.failure
        rows.append(
            [
                s.model,
                format_shape(p.input),
                p.variant,
                _shape(p.final) if p.final else "",
                _shape(p.floor_final) if p.floor_final else "",
                t.params if t else "",
                t.macs if t else "",
                t.activations if t else "",
                p.activation_bytes if t else "",
                f.row if f else "",
                f.reason if f else "",
            ]
        )
    return csv_text(CSV_HEADERS, rows)


def _json(s: Sweep) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"inception-cost {__version__}",
        "model": s.model,
        "input": list(s.spec_input),
        "final_row": s.final_row,
        "pool_rounding": s.rounding,
        "dtype": s.dtype,
        "global_pool": list(s.global_pool),
        "params_fixed": s.params_fixed,
        "growing": list(s.growing),
        "smallest": s.smallest,
        "cap": s.cap,
        "sizes": [
            {
                "input": list(p.input),
                "variant": p.variant,
                "final_map": list(p.final) if p.final else None,
                "floor_final_map": list(p.floor_final) if p.floor_final else None,
                "params": p.totals.params if p.totals else None,
                "macs": p.totals.macs if p.totals else None,
                "activations": p.totals.activations if p.totals else None,
                "activation_bytes": p.activation_bytes,
                "linear_params": dict(p.linear_params),
                "failure": (
                    {
                        "row": p.failure.row,
                        "reason": p.failure.reason,
                        "later": list(p.failure.later),
                    }
                    if p.failure
                    else None
                ),
            }
            for p in s.points
        ],
    }
