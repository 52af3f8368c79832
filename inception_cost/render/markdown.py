"""Markdown in two forms: a report to paste into a README (`--format markdown`), and
the spec form that reads back as a spec giving the same analysis (`--format spec`).

The spec form writes the spec's front matter (with any command-line overrides folded
in), the layer table with the spec's own cells, and computed/verdict columns that the
spec reader skips. Both forms follow with totals and findings as prose, which the
reader ignores.
"""

from __future__ import annotations

from inception_cost.cells import format_shape
from inception_cost.render.common import (
    GLYPH,
    all_hold,
    claim_lines,
    declared_lines,
    findings,
    number,
    param_parts,
    reading_tag,
    settings_lines,
    variant_changes,
    verdict_legend,
)
from inception_cost.render.front_matter import front_matter
from inception_cost.render.tabular import rows, with_shares
from inception_cost.shares import decimal, percent
from inception_cost.verdicts import Status


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def to_spec(report) -> str:
    """`--format spec`: the front matter and every column, which reads back as a spec;
    with --shares the CSV's share columns too (fractions of 1, skipped on read)."""
    table = rows(report, entries=True)  # [added] rows as entries, the table as printed
    if report.show_shares:
        table = with_shares(report, table, decimal, entries=True)
    lines = ["| " + " | ".join(_cell(h) for h in table[0]) + " |", "|" + "---|" * len(table[0])]
    lines += ["| " + " | ".join(_cell(c) for c in line) + " |" for line in table[1:]]
    return front_matter(report.spec, entries=True) + _document(report, lines)


def to_markdown(report) -> str:
    """`--format markdown`: a report to paste into a README, one readable table."""
    return _document(report, report_table(report))


#: The share columns of `--shares`: of total params, MACs and activation memory.
SHARE_HEADS = ("params %", "MACs %", "act. %")


def report_table(report) -> list[str]:
    """Layer, type, output, depth, params and ops with each claim and its verdict mark;
    with --expand a line per op (↳) under its row."""
    a, au, counted = report.analysis, report.audit, report.counted
    unit = counted.unit
    show_ops_claims = counted.claims_comparable
    # each claim column says the reading its verdicts judge (`claimed w,Ki`: weights only,
    # K = 1,024), as the terminal's does
    claimed = [f"claimed {reading_tag(r)}" for r in (au.params_reading, au.ops_reading)]
    heads = ["layer", "type", "output", "depth", "params", claimed[0], unit]
    heads += [claimed[1]] if show_ops_claims else []
    heads += ["activations"]
    shares = SHARE_HEADS if report.show_shares else ()
    heads += shares
    out = ["| " + " | ".join(heads) + " |"]
    out.append(
        "|---|---|---|---:|---:|---:|---:|"
        + ("---:|" if show_ops_claims else "")
        + "---:|"
        + "---:|" * len(shares)
    )
    for b in a.blocks:
        row, ra = b.block.row, au.row(b.name)
        params, ops = counted.blocks[b.name].params, counted.blocks[b.name].ops
        cells = [
            b.name
            + (" (added)" if row.added else "")
            + (" (declared)" if row.declared.startswith("rows.") else "")
            + (" (training)" if b.block.train_only else ""),
            b.block.type,
            _marked(format_shape(b.block.out_shape), ra.output, quiet=True),
            _marked(str(b.depth), ra.depth, quiet=True),
            number(params) if params else "",
            _marked(row.params.text, ra.params) if row.params else "",
            number(ops) if ops else "",
        ]
        if show_ops_claims:
            cells.append(_marked(row.ops.text, ra.ops) if row.ops else "")
        cells.append(number(b.activations))
        if shares:
            cells += _shares(report.shares.rows[b.name])
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        for c in b.ops if report.expand else ():
            params, ops = counted.ops[c.op.name].params, counted.ops[c.op.name].ops
            cells = [f"↳ {c.op.name}", c.op.kind, format_shape(c.op.out_shape), ""]
            cells += [number(params) if params else "", "", number(ops) if ops else ""]
            cells += [""] if show_ops_claims else []
            cells.append(number(c.activations) if c.activations else "")
            cells += _shares(report.shares.ops[c.op.name]) if shares else []
            out.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return out


def _shares(share) -> list[str]:
    """A row's or op's percent cells; blank where the share is exactly zero."""
    return [percent(v) if v else "" for v in (share.params, share.macs, share.activations)]


def _marked(text: str, verdict, quiet: bool = False) -> str:
    """A claim with its verdict mark; `quiet` marks only what does not hold."""
    if verdict is None or (quiet and verdict.status is Status.MATCH):
        return text
    return f"{text} {GLYPH[verdict.status]}"


def _document(report, table_lines: list[str]) -> str:
    """The report's sections in the order every format gives them."""
    out = _header(report)
    out += _table(report, table_lines)
    out += _totals(report)
    out += _findings(report)
    out += _variants(report)
    out += _claims(report)
    return "\n".join(out) + "\n"


def _header(report) -> list[str]:
    out = [f"# {report.spec.title}: cost and audit", ""]
    out += [f"- {line}" for line in settings_lines(report)]
    return [*out, ""]


def _table(report, table_lines: list[str]) -> list[str]:
    """The table, then what its marks and columns mean."""
    counted = report.counted
    marks = verdict_legend("".join(table_lines))  # only the marks the table shows
    out = [*table_lines, *(["", f"Claims as printed, with their verdicts: {marks}."] * bool(marks))]
    au, heads = report.audit, table_lines[0]
    read = [
        f"`claimed {reading_tag(r)}`: the {column} claims read as {r.label}"
        for column, r in (("params", au.params_reading), ("ops", au.ops_reading))
        if f"| claimed {reading_tag(r)} |" in heads
    ]
    out += ["", "; ".join(read) + "."] if read else []
    out += [f"- {line}" for line in declared_lines(report.spec)]
    if report.show_shares:
        out += [
            "",
            "Shares: each row's share of the network's params, MACs and activation memory"
            " (our counts, not a preset's); blank where 0.",
        ]
    if not counted.claims_comparable and counted.claimed_ops is not None:
        out += [
            "",
            f"The ops claims ({report.audit.ops_reading.counts} per image) are judged in the"
            f" findings, not beside the {counted.unit} column (batch {report.analysis.batch}).",
        ]
    return out


def _totals(report) -> list[str]:
    a, counted = report.analysis, report.counted
    t = a.totals
    ops = "FLOPs" if report.flops else "MACs"
    ours = counted.total.flops if report.flops else t.macs  # a preset's gets its own line
    as_preset = counted.total.ops
    return [
        "",
        "## Totals",
        "",
        f"- params: {number(t.params)} ({param_parts(t)})"
        + (f"; {number(t.fixed)} fixed, not trained" if t.fixed else ""),
        f"- {ops}: {number(ours)}",
        *(
            [
                f"- as {report.preset}: {number(counted.total.params)} params, "
                + (
                    f"{number(as_preset)} {counted.unit}"
                    if as_preset is not None
                    else "no operation count"
                )
            ]
            if report.preset
            else []
        ),
        f"- other ops: {number(t.other.total)}",
        f"- activations: {number(t.activations)} elements, {number(a.bytes(t.activations))} bytes",
        f"- depth: {t.depth} layers with parameters, {t.depth_with_pooling} with pooling",
    ]


def _findings(report) -> list[str]:
    out = ["", "## Findings", ""]
    found = findings(report.audit)
    for f in found:
        out.append(f"- **{f.row}** (`{f.loc}`)")
        out += [f"  - {point}" for point in f.points]
    if not found:
        out.append(f"- {all_hold(report.audit)}")
    return out


def _variants(report) -> list[str]:
    if not report.audit.variants:
        return []
    return ["", "## Alternative readings", ""] + [_variant(v) for v in report.audit.variants]


def _variant(v) -> str:
    """A row variant's verdicts, or the row verdicts a whole-network variant changes."""
    network = f"; network {v.totals.params:,} params, {v.totals.macs:,} MACs"
    if v.whole:
        changes = variant_changes(v, 4) or ["no row verdict changes"]
        return (
            f"- **{v.variant.name}** ({v.variant.title}; {v.variant.source}): "
            + "; ".join(changes)
            + network
        )
    p, o = v.row.params, v.row.ops
    return (
        f"- {v.variant.row} as **{v.variant.name}** ({v.variant.title}; {v.variant.source}):"
        + (f" params {p.computed:,} vs {p.claimed}: {p.status}" if p else "")
        + (f"{',' if p else ''} MACs {o.computed:,} vs {o.claimed}: {o.status}" if o else "")
        + ("" if p or o else " its row claims no params or ops")
        + (
            " (params match as " + " or ".join(r.label for r in v.row.params_elsewhere) + ")"
            if v.row.params_elsewhere
            else ""
        )
        + network
    )


def _claims(report) -> list[str]:
    if not report.audit.claims:
        return []
    out = ["", "## Paper-level claims", ""]
    for cid, text, lines in claim_lines(report.audit):
        out.append(f"- **{cid}** {text}")
        out += [f"  - {line}" for line in lines]
    return out
