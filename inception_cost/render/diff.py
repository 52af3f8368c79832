"""`diff` as text: where the implementation departs from the table, and what each costs.

Markdown and the terminal show the totals, each kind of departure with its count and
effects, then every departure by row; CSV has one row per departure; JSON has them all
with exact ints, the rows side by side and the notes.
"""

from __future__ import annotations

import json

from inception_cost import __version__
from inception_cost.diff import KINDS
from inception_cost.render.common import csv_text

SCHEMA_VERSION = 1
HEADERS = ["row", "kind", "departure", "implementation", "params", "MACs"]
KIND_HEADERS = ["kind", "count", "params", "MACs", "what it is"]


def render(result, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(_json(result), indent=2) + "\n"
    if fmt == "csv":
        return _csv(result)
    if fmt == "markdown":
        return _markdown(result)
    raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/diff.py)")


def header_lines(d) -> list[str]:
    (pa, pb), (ma, mb) = d.params, d.macs
    lines = [
        f"{d.title or d.table} against {d.implementation}"
        + (f" ({d.producer})" if d.producer else ""),
        f"params: {pa:,} in the table, {pb:,} in the implementation ({pb - pa:+,}) ·"
        f" MACs: {ma:,} and {mb:,} ({mb - ma:+,})",
        "training-only rows compared (--aux)"
        if d.aux
        else "inference: training-only rows left out (--aux compares them)",
    ]
    if d.folded:
        lines.append(
            f"the exporter folded batch norm into {d.folded} convolutions"
            " (FuseBatchNormIntoConv): counted as the file stores them"
        )
    return lines


def verdict_line(d) -> str:
    up, um = d.unexplained
    if d.same:
        return (
            "no departure: every layer of the table is in the implementation, with the same"
            " kernel, stride, width, padding, pooling, bias and normalization"
        )
    what = f"{len(d.departures)} departures"
    if up or um:
        return f"{what}; {up:+,} params and {um:+,} MACs are left unexplained"
    return f"{what}; their effects add up exactly to the differences of the totals"


def kind_rows(d) -> list[list[str]]:
    return [[kind, str(n), f"{p:+,}", f"{m:+,}", KINDS[kind]] for kind, n, p, m in d.by_kind()]


def departure_rows(d) -> list[list[str]]:
    return [
        [x.row or "(network)", x.kind, x.what, x.module, f"{x.params:+,}", f"{x.macs:+,}"]
        for x in d.departures
    ]


def _markdown(d) -> str:
    lines = [f"# {d.table}: the table against {d.implementation}", ""]
    lines += [f"- {line}" for line in header_lines(d)]
    lines += ["", verdict_line(d) + ".", ""]
    if not d.same:
        lines += [*_table(KIND_HEADERS, kind_rows(d), right=(1, 2, 3)), ""]
        lines += [*_table(HEADERS, departure_rows(d), right=(4, 5)), ""]
    if d.notes:
        lines += [f"- note: {n}" for n in d.notes] + [""]
    return "\n".join(lines)


def _table(headers: list[str], rows: list[list[str]], right: tuple[int, ...]) -> list[str]:
    cells = [[c.replace("|", "\\|") for c in row] for row in rows]
    rule = ["---:" if i in right else "---" for i in range(len(headers))]
    return [f"| {' | '.join(headers)} |", f"|{'|'.join(rule)}|"] + [
        f"| {' | '.join(r)} |" for r in cells
    ]


def _csv(d) -> str:
    rows = [[x.row, x.kind, x.what, x.op, x.module, x.params, x.macs] for x in d.departures]
    return csv_text(["row", "kind", "departure", "op", "implementation", "params", "macs"], rows)


def _json(d) -> dict:
    (pa, pb), (ma, mb) = d.params, d.macs
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"inception-cost {__version__}",
        "table": {"name": d.table, "title": d.title},
        "implementation": {"path": d.implementation, "producer": d.producer, "folded": d.folded},
        "aux": d.aux,
        "params": {"table": pa, "implementation": pb, "difference": pb - pa},
        "macs": {"table": ma, "implementation": mb, "difference": mb - ma},
        "same": d.same,
        "unexplained": {"params": d.unexplained[0], "macs": d.unexplained[1]},
        "by_kind": [{"kind": k, "count": n, "params": p, "macs": m} for k, n, p, m in d.by_kind()],
        "departures": [
            {
                "row": x.row,
                "kind": x.kind,
                "departure": x.what,
                "op": x.op,
                "implementation": x.module,
                "params": x.params,
                "macs": x.macs,
            }
            for x in d.departures
        ],
        "rows": [
            {
                "row": r.row,
                "params": r.params,
                "macs": r.macs,
                "output": r.output,
                "implementation": {
                    "params": r.impl_params,
                    "macs": r.impl_macs,
                    "output": r.impl_output or None,
                },
                "departures": r.departures,
            }
            for r in d.rows
        ],
        "notes": list(d.notes),
    }
