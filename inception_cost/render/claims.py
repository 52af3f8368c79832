"""`inception-cost claims` in each format: every paper-level claim with its verdict, and the
heads (global average pooling against a fully connected head)."""

from __future__ import annotations

import json

from inception_cost import __version__
from inception_cost.catalog import Survey
from inception_cost.render.common import csv_text

#: 2: `schema_version` and `tool` added (docs/json.md).
SCHEMA_VERSION = 2
HEADERS = ("model", "claim", "reading", "quantity", "relation", "claimed", "computed")
HEADERS += ("verdict", "note", "against", "text", "source")


def _computed(value) -> str:
    if value is None:
        return ""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.4g}"


def _claim_cells(r) -> list:
    return [
        r.model,
        r.id,
        r.reading,
        r.quantity,
        r.relation,
        r.claimed,
        _computed(r.computed),
        r.status,
        r.note,
        r.against,
        r.text,
        r.source,
    ]


def head_lines(items) -> list[str]:
    """The GAP-against-FC comparison, one sentence per network."""
    out = []
    for h in items:
        shape = "x".join(map(str, h.map_shape))
        share = f"{float(h.share * 100):.1f}% of {h.total:,}"
        if h.pooled:
            out.append(
                f"{h.model}: global average pooling of {shape}, then fc {h.units}:"
                f" {h.params:,} params ({share}); flattening the map instead:"
                f" {h.other:,} (+{h.difference:,})"
            )
        else:
            out.append(
                f"{h.model}: {shape} flattened into fc {h.units}: {h.params:,} params ({share});"
                f" with global average pooling: {h.other:,} ({h.difference:,})"
            )
    return out


HEADS_TITLE = "Global average pooling against a fully connected head (the notes' example C)"


def render(survey: Survey, fmt: str) -> str:
    """Each claim with its verdict, then the heads; markdown quotes a claim once."""
    rows, items = survey.claims, survey.heads
    if fmt == "json":
        keys = [h.replace(" ", "_") for h in HEADERS]
        data = {
            "schema_version": SCHEMA_VERSION,
            "tool": f"inception-cost {__version__}",
            "claims": [dict(zip(keys, _claim_cells(r), strict=True)) for r in rows],
            "heads": [
                {
                    "model": h.model,
                    "pooled": h.pooled,
                    "map_shape": list(h.map_shape),
                    "units": h.units,
                    "params": h.params,
                    "other_head_params": h.other,
                    "network_params": h.total,
                }
                for h in items
            ],
        }
        return json.dumps(data, indent=2) + "\n"
    if fmt == "csv":
        return csv_text(list(HEADERS), (_claim_cells(r) for r in rows))
    if fmt != "markdown":
        raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/claims.py)")
    lines, summary = claim_lines(survey)
    body = [f"  - {text}" if status else f"- {text}" for text, status in lines]
    body += ["", summary]
    if items:
        body += ["", f"## {HEADS_TITLE}", "", *(f"- {x}" for x in head_lines(items))]
    return "\n".join(body) + "\n"


def claim_lines(survey: Survey) -> tuple[list[tuple[str, str | None]], str]:
    """Each claim quoted once, then a line per reading with its verdict; and the summary."""
    lines: list[tuple[str, str | None]] = []  # (text, status); a claim's quote has none
    previous = None
    for r in survey.claims:
        if (r.model, r.id) != previous:
            previous = (r.model, r.id)
            lines.append((f"{r.model} · {r.id}: “{r.text}” ({r.source})", None))
        shown = "" if r.computed is None else _shown(r.computed, r.claimed)
        note = f" ({r.note})" if r.note else ""
        relation = "vs" if r.relation == "equal" else f"vs {r.relation}"
        lines.append((f"{r.reading}: {shown} {relation} {r.claimed}: {r.status}{note}", r.status))
    summary = (
        f"{survey.held} of {survey.tabled} claims hold as tabled"
        " (a variant's readings are listed under it)"
    )
    return lines, summary


def _shown(value, claimed: str = "") -> str:
    """A count whole; a ratio to the claimed value's decimals (1.0026: four), at least two."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    places = max(2, len(claimed.split(".")[1]) if "." in claimed else 0)
    return f"{float(value):,.{places}f}"
