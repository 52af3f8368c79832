"""`inception-cost models` and `inception-cost claims` in each format."""

from __future__ import annotations

import json

from inception_cost import __version__
from inception_cost.catalog import Survey
from inception_cost.render.common import number, si
from inception_cost.verdicts import Status

#: 2: models is an object ({schema_version, tool, models}), claims carry schema_version.
SCHEMA_VERSION = 2
HEADERS = (
    "name",
    "input",
    "rows",
    "params",
    "MACs",
    "claims hold",
    "claims differ",
    "not checkable",
    "title",
)


def _cells(s) -> list:
    shape = "x".join(map(str, s.input_shape))
    return [
        s.name,
        shape,
        s.rows,
        s.params,
        s.macs,
        s.claims_match,
        s.claims_differ,
        s.unchecked,
        s.title,
    ]


def render_models(items, fmt: str, console=None) -> str | None:
    if fmt == "json":
        keys = (
            "name",
            "input",
            "rows",
            "params",
            "macs",
            "claims_hold",
            "claims_differ",
            "not_checkable",
            "title",
        )
        data = {
            "schema_version": SCHEMA_VERSION,
            "tool": f"inception-cost {__version__}",
            "models": [dict(zip(keys, _cells(s), strict=True)) for s in items],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(HEADERS)
        w.writerows(_cells(s) for s in items)
        return buf.getvalue()
    if fmt == "markdown":
        lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += [
            "| " + " | ".join(number(c) if isinstance(c, int) else c for c in _cells(s)) + " |"
            for s in items
        ]
        return "\n".join(lines) + "\n"
    from inception_cost.render.fit import Col, cells, print_fitted
    from inception_cost.render.terminal import make_console

    console = console or make_console()
    priority = {"name": 0, "params": 1, "MACs": 1, "claims hold": 1, "claims differ": 1}
    priority |= {"not checkable": 2, "input": 3, "title": 4, "rows": 5}
    short = {"claims hold": "hold", "claims differ": "differ", "not checkable": "unchecked"}
    cols = [
        Col(
            short.get(h, h),
            "left" if h in ("name", "title", "input") else "right",
            priority[h],
            wrap=h == "title",
        )
        for h in HEADERS
    ]
    rows = []
    for s in items:
        line = _cells(s)
        line[3] = number(s.params)
        line[4] = si(s.macs, 2)
        rows.append(cells(*line))
    print_fitted(console, cols, rows, "--format csv|json|markdown for every column")
    console.print(
        "params exact (weights + biases, as each spec counts them) · MACs at batch 1, G = 10^9"
        " · hold / differ / unchecked: the spec's row verdicts and paper-level claims"
    )
    return None


CLAIM_HEADERS = ("model", "claim", "reading", "quantity", "relation", "claimed", "computed")
CLAIM_HEADERS += ("verdict", "note", "against", "text", "source")


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


def render_claims(survey: Survey, fmt: str, console=None) -> str | None:
    """Each claim with its verdict, then the heads; rich and markdown quote a claim once."""
    rows, items = survey.claims, survey.heads
    if fmt == "json":
        keys = [h.replace(" ", "_") for h in CLAIM_HEADERS]
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
        from inception_cost.render.common import csv_text

        return csv_text(list(CLAIM_HEADERS), (_claim_cells(r) for r in rows))
    lines: list[tuple[str, str | None]] = []  # (text, status); a claim's quote has none
    previous = None
    for r in rows:
        if (r.model, r.id) != previous:
            previous = (r.model, r.id)
            lines.append((f"{r.model} · {r.id}: “{r.text}” ({r.source})", None))
        shown = "" if r.computed is None else _shown(r.computed)
        note = f" ({r.note})" if r.note else ""
        relation = "vs" if r.relation == "equal" else f"vs {r.relation}"
        lines.append((f"{r.reading}: {shown} {relation} {r.claimed}: {r.status}{note}", r.status))
    summary = (
        f"{survey.held} of {survey.tabled} claims hold as tabled"
        " (a variant's readings are listed under it)"
    )
    if fmt == "markdown":
        body = [f"  - {text}" if status else f"- {text}" for text, status in lines]
        body += ["", summary]
        if items:
            body += ["", f"## {HEADS_TITLE}", "", *(f"- {x}" for x in head_lines(items))]
        return "\n".join(body) + "\n"
    from rich.padding import Padding
    from rich.text import Text

    from inception_cost.render.terminal import make_console

    console = console or make_console()
    styles = {Status.TRUNCATED: "yellow", Status.UNCHECKED: "dim"}
    for text, status in lines:
        if status:
            style = "green" if Status(status).holds else styles.get(status, "red")
            console.print(Padding(Text(text, style=style), (0, 0, 0, 4)))
        else:
            console.print(Text(text, style="bold"))
    console.print(Text(summary, style="dim"))
    if items:
        console.print()
        console.print(Text(HEADS_TITLE, style="bold"))
        for line in head_lines(items):
            console.print(Padding(Text(line), (0, 0, 0, 2)))
    return None


def _shown(value) -> str:
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return f"{float(value):,.2f}"
