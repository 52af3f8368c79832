"""CSV (one row per table row) and JSON (everything, exact ints, schema versioned)."""

from __future__ import annotations

import csv
import io
import json
import tomllib

from inception_cost import __version__
from inception_cost.audit import ExactVerdict, ReadingFit, Verdict
from inception_cost.conventions import json_settings
from inception_cost.cost import BlockCost, OtherOps
from inception_cost.render.common import (
    declared_lines,
    exact,
    findings,
    settings_lines,
    variant_changes,
)
from inception_cost.render.front_matter import front_matter
from inception_cost.shares import decimal
from inception_cost.table import CSV_META

#: 2: settings.variant and settings.input_shape; settings are the analysed reading's own.
#: 3: blocks[].shares, blocks[].ops[].shares and totals.memory_bytes.
SCHEMA_VERSION = 3


def spec_cells(report, entries: bool = False) -> list[tuple[str, str]]:
    """(header, field) of the spec's own columns, as the spec wrote them, then the columns
    only the rows it adds fill (an added row's `added`, its cells)."""
    fields = list(report.spec.columns)
    written = [c for r in report.spec.rows if (c := row_cells(r, entries)) is not None]
    fields += dict.fromkeys(f for cells in written for f in cells if f not in fields)
    return [(report.spec.header(f), f) for f in fields]


def row_cells(row, entries: bool = False) -> dict[str, str] | None:
    """The cells a row is written with where the output reads back as a spec: as printed
    where a `[rows.NAME]` entry read them otherwise (the front matter keeps the entry),
    none for the extra layers an entry's type makes (the entry makes them again); an
    `[added.NAME]` entry's rows none where the front matter keeps the entry (`entries`:
    `--format spec`, the table as printed), else their own cells with their source in the
    `added` column (the CSV, every layer's costs a line)."""
    if row.declared.startswith("rows."):
        return dict(row.printed) if row.printed is not None else None
    if row.declared.startswith("added."):
        return None if entries else {**row.raw, "added": row.added}
    if row.adds and row.type == "residual add" and "(from" not in row.raw.get("type", ""):
        return {**row.raw, "type": f"residual add (from {row.adds})"}  # its box, written out
    return row.raw


def computed_cells(report, block: BlockCost | None) -> dict[str, str]:
    """The computed columns every tabular output adds; blank for rows left out."""
    heads = computed_headers(report)
    if block is None:
        return dict.fromkeys(heads, "")
    ra = report.audit.row(block.name)
    a, counted = report.analysis, report.counted.blocks[block.name]
    values = [
        "x".join(map(str, block.block.out_shape)),
        _status(ra.output),
        str(block.depth),
        _status(ra.depth),
        str(block.weights),
        str(block.biases),
        str(block.params),
        _status(ra.params),
        str(block.macs),
    ]
    if report.flops:
        values.append(str(counted.flops))
    if report.counted.connections:
        values.append(str(block.connections))
    values += [
        _status(ra.ops),
        str(block.other.total),
        str(block.activations),
        str(a.bytes(block.activations)),
    ]
    if report.preset:
        values += [str(counted.params), "" if counted.ops is None else str(counted.ops)]
    return dict(zip(heads, values, strict=True))


def computed_headers(report) -> list[str]:
    """The computed columns' headers. Counts that scale with the batch say so when it is
    above 1 (`computed MACs (batch of 8)`); the verdicts judge the claims per image."""
    batch = report.analysis.batch
    per = f" (batch of {batch})" if batch > 1 else ""
    heads = [
        "computed output size",
        "verdict output size",
        "computed depth",
        "verdict depth",
        "computed weights",
        "computed biases",
        "computed params",
        "verdict params",
        f"computed MACs{per}",
    ]
    if report.flops:
        heads.append(f"computed FLOPs{per}")
    if report.counted.connections:
        heads.append(f"computed connections{per}")
    heads += [
        "verdict ops" + (" (per image)" if per else ""),
        f"computed other ops{per}",
        f"computed activations{per}",
        f"computed activation bytes{per}",
    ]
    if report.preset:
        heads += [f"computed {report.preset} params", f"computed {report.preset} ops{per}"]
    return heads


def _num(value) -> int | str:
    """Exact: an int when whole, else the exact decimal as a string (no float rounding)."""
    return value.numerator if value.denominator == 1 else exact(value)


def _status(v: Verdict | ExactVerdict | None) -> str:
    return v.status if v else ""


def rows(report, entries: bool = False) -> list[list[str]]:
    """The header and one line per spec row: its name (the spec's own name column, or the
    name the builder gave the row, which reads back the same), its cells, then the
    computed columns."""
    costs = {b.name: b for b in report.analysis.blocks}
    spec_cols = spec_cells(report, entries)
    named = "name" in report.spec.columns
    out = [([] if named else ["name"]) + [h for h, _ in spec_cols] + computed_headers(report)]
    for row in report.spec.rows:
        written = row_cells(row, entries)
        if written is None:
            continue
        computed = computed_cells(report, costs.get(row.name))
        cells = [row.name if f == "name" else written.get(f, "") for _, f in spec_cols]
        cells += computed.values()
        out.append(([] if named else [row.name]) + cells)
    return out


SHARE_HEADERS = ("computed params share", "computed MACs share", "computed activations share")


def with_shares(report, table: list[list[str]], style, entries: bool = False) -> list[list[str]]:
    """`rows(report)` with each row's shares of the totals appended, printed by `style`."""
    out = [table[0] + list(SHARE_HEADERS)]
    written = [r for r in report.spec.rows if row_cells(r, entries) is not None]
    for row, line in zip(written, table[1:], strict=True):
        s = report.shares.rows.get(row.name)
        out.append(
            line + ([style(s.params), style(s.macs), style(s.activations)] if s else [""] * 3)
        )
    return out


def to_csv(report) -> str:
    """The table after one line `# spec: {...}`, the spec's front matter as JSON, so that it
    reads back as the same network (input size, conventions, connection tables) and audit."""
    meta = tomllib.loads(front_matter(report.spec).strip().removeprefix("+++").removesuffix("+++"))
    buf = io.StringIO()
    buf.write(CSV_META + json.dumps(meta, ensure_ascii=False, separators=(",", ":")) + "\n")
    csv.writer(buf, lineterminator="\n").writerows(with_shares(report, rows(report), decimal))
    return buf.getvalue()


def _shares(s) -> dict:
    return {k: float(decimal(getattr(s, k))) for k in ("params", "macs", "activations")}


def _other(o: OtherOps) -> dict:
    return {
        "compare": o.compare,
        "add": o.add,
        "mul": o.mul,
        "div": o.div,
        "exp": o.exp,
        "total": o.total,
    }


def _verdict(v: Verdict | ExactVerdict | None) -> dict | None:
    if v is None:
        return None
    if isinstance(v, ExactVerdict):
        return {"status": v.status, "computed": v.computed, "claimed": v.claimed}
    return {
        "status": v.status,
        "computed": v.computed,
        "claimed": v.claimed.text,
        "claimed_value": _num(v.claimed_value),
        "difference": _num(v.difference),
        "percent": round(float(v.percent), 3),
    }


def _fit(f: ReadingFit) -> dict:
    return {
        "reading": f.reading.label,
        "counts": f.reading.counts,
        "binary": f.reading.binary,
        "matches": f.matches,
        "truncated": f.truncated,
        "rows": f.rows,
        "chosen": f.chosen,
    }


def _op(report, c) -> dict:
    op = c.op
    d = {
        "name": op.name,
        "kind": op.kind,
        "inputs": list(op.inputs),
        "in_shapes": [list(s) for s in op.in_shapes],
        "out_shape": list(op.out_shape),
        "weights": c.weights,
        "biases": c.biases,
        "macs": c.macs,
        "other_ops": _other(c.other),
        "activations": c.activations,
        "shares": _shares(report.shares.ops[op.name]),
    }
    for attr in (
        "kernel",
        "stride",
        "padding",
        "groups",
        "mode",
        "ceil",
        "size",
        "alpha",
        "beta",
        "k",
    ):
        if hasattr(op, attr):
            value = getattr(op, attr)
            d[attr] = list(value) if isinstance(value, tuple) else value
    return d


def _block(report, b: BlockCost) -> dict:
    ra = report.audit.row(b.name)
    row = b.block.row
    d = {
        "name": b.name,
        "type": b.block.type,
        "location": {"file": row.loc.path, "line": row.loc.line, "col": row.loc.col},
        "cells": dict(row.raw),
        "input": b.block.input,
        "train_only": b.block.train_only,
        "added": row.added,
        "declared": row.declared,
        "out_shape": list(b.block.out_shape),
        "depth": b.depth,
        "weights": b.weights,
        "biases": b.biases,
        "params": b.params,
        "fixed": b.fixed,
        "macs": b.macs,
        "connections": b.connections,
        "other_ops": _other(b.other),
        "activations": b.activations,
        "activation_bytes": report.analysis.bytes(b.activations),
        "shares": _shares(report.shares.rows[b.name]),
        "verdicts": {
            "output_size": _verdict(ra.output),
            "depth": _verdict(ra.depth),
            "params": _verdict(ra.params),
            "ops": _verdict(ra.ops),
        },
        "note": ra.note,
        "ops": [_op(report, c) for c in b.ops],
    }
    counted = report.counted.blocks[b.name]
    if report.flops:
        d["flops"] = counted.flops
    if report.preset:
        d["as_preset"] = {"params": counted.params, "ops": counted.ops}
    return d


def to_dict(report) -> dict:
    """The report's sections in the order every format gives them: header (model and
    settings), table (blocks), totals, then the audit's findings, variants and claims."""
    spec, a = report.spec, report.analysis
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "inception-cost", "version": __version__},
        "model": {
            "name": spec.name,
            "title": spec.title,
            "path": spec.path,
            "source": {
                "citation": spec.source.citation,
                "table": spec.source.table,
                "url": spec.source.url,
            },
            "input_shape": list(spec.input_shape),
        },
        "settings": {
            "variant": report.variant or None,
            "input_shape": list(a.network.input_shape),
            "batch": a.batch,
            "dtype": a.dtype,
            "itemsize": a.itemsize,
            "aux": a.network.aux,
            "flops": report.flops,
            "inplace": a.inplace,
            **json_settings(a.network.conventions),  # the analysed reading's (a variant's)
            "overrides": list(spec.overrides),
            "header": settings_lines(report),
            "declared": declared_lines(spec),
        },
        "blocks": [_block(report, b) for b in a.blocks],
        "totals": _totals(report),
        "audit": _audit(report.audit),
    }


def _totals(report) -> dict:
    a, counted = report.analysis, report.counted
    t = a.totals
    totals = {
        "weights": t.weights,
        "biases": t.biases,
        "norm_weights": t.norm_weights,
        "norm_biases": t.norm_biases,
        "params": t.params,
        "macs": t.macs,
        "other_ops": _other(t.other),
        "activations": t.activations,
        "activation_bytes": a.bytes(t.activations),
        "depth": t.depth,
        "depth_with_pooling": t.depth_with_pooling,
        "fixed": t.fixed,
        "connections": t.connections,
        "neurons": t.neurons,
    }
    if report.memory:
        totals["memory_bytes"] = {k.replace(" ", "_"): v for k, v, _ in report.memory.lines()}
    if report.flops:
        totals["flops"] = counted.total.flops
    if report.preset:
        totals["as_preset"] = {
            "preset": report.preset,
            "unit": counted.unit,
            "params": counted.total.params,
            "ops": counted.total.ops,
        }
    return totals


def _audit(au) -> dict:
    """How the claimed columns read, then the findings, variants and paper-level claims."""
    return {
        "counts": au.counts,
        "params_reading": au.params_reading.label,
        "ops_reading": au.ops_reading.label,
        "params_fits": [_fit(f) for f in au.params_fits],
        "ops_fits": [_fit(f) for f in au.ops_fits],
        "findings": [
            {"location": str(f.loc), "row": f.row, "points": list(f.points)} for f in findings(au)
        ],
        "variants": [_variant(v) for v in au.variants],
        "claims": [_claim(ca) for ca in au.claims],
    }


def _variant(v) -> dict:
    return {
        "row": v.variant.row,
        "name": v.variant.name,
        "title": v.variant.title,
        "source": v.variant.source,
        "verdicts": {
            "params": _verdict(v.row.params) if v.row else None,
            "ops": _verdict(v.row.ops) if v.row else None,
        },
        "params_matches_as": [r.label for r in v.row.params_elsewhere] if v.row else [],
        "note": v.row.note if v.row else "",
        "changes": variant_changes(v),
        "total_params": v.totals.params,
        "total_macs": v.totals.macs,
    }


def _claim(ca) -> dict:
    return {
        "id": ca.claim.id,
        "text": ca.claim.text,
        "source": ca.claim.source,
        "quantity": ca.claim.quantity,
        "claimed": ca.claim.value.text,
        "relation": ca.claim.relation,
        "checks": [
            {
                "reading": ch.reading,
                "computed": None if ch.computed is None else _num(ch.computed),
                "status": ch.status,
                "note": ch.note,
            }
            for ch in ca.checks
        ],
        "not_judged_on": list(ca.not_judged),
    }


def to_json(report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
