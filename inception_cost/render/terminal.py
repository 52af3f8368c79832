"""The rich table: fits 100 columns without --expand; colour is only a hint.

Every verdict is also a glyph (✓ ≈ ✗), so NO_COLOR, pipes and screen readers keep
the meaning. Exact values are in --format csv/json; here large counts are rounded
to K/M/G with the unit printed.
"""

from __future__ import annotations

import os
import sys

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from inception_cost.audit import MATCH, MISMATCH, TRUNCATED
from inception_cost.cells import format_shape
from inception_cost.render.common import (
    GLYPH,
    LEGEND,
    claim_lines,
    findings,
    number,
    op_ops,
    op_params,
    ops_name,
    ops_total,
    ops_value,
    params_total,
    params_value,
    settings_lines,
    si,
    variant_changes,
)

STYLE = {MATCH: "green", TRUNCATED: "yellow", MISMATCH: "bold red"}


def make_console(file=None) -> Console:
    """A console that is 100 columns wide when not on a terminal (pipes, files)."""
    out = file or sys.stdout
    width = None
    if not out.isatty() and "COLUMNS" not in os.environ:
        width = 100
    return Console(file=out, width=width, highlight=False, soft_wrap=False)


def _mark(text: str, verdict) -> Text:
    if verdict is None:
        return Text(text)
    return Text(f"{text} {GLYPH[verdict.status]}", style=STYLE[verdict.status])


def print_report(report, console: Console | None = None) -> None:
    console = console or make_console()
    spec, a, au = report.spec, report.analysis, report.audit
    unit = ops_name(report)
    console.print(Text(f"{spec.title} — {spec.source.table or spec.path}", style="bold"))
    for line in settings_lines(report):
        console.print(Text(line, style="dim"))

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_footer=False, padding=(0, 1))
    table.add_column("layer", no_wrap=True, max_width=22)  # long op names give way
    table.add_column("type", no_wrap=True)
    table.add_column("output", no_wrap=True)
    table.add_column("d", justify="right", no_wrap=True)
    table.add_column("params", justify="right", no_wrap=True)
    table.add_column("claim", justify="right", no_wrap=True)
    table.add_column(unit.split(" ")[0], justify="right", no_wrap=True)
    table.add_column("claim", justify="right", no_wrap=True)
    table.add_column("other", justify="right", no_wrap=True)
    table.add_column("act.", justify="right", no_wrap=True)
    if report.show_shares:
        for head in ("p%", "MAC%", "act%"):
            table.add_column(head, justify="right", no_wrap=True)

    types = {
        "local response norm": "lrn",
        "separable convolution": "sep. conv",
        "convolution": "conv",
        "global avg pool": "avg pool (all)",
        "batch norm": "bn",
    }
    for b in a.blocks:
        row, ra = b.block.row, au.row(b.name)
        name = b.name + ("+" if row.added else "") + ("ᵀ" if b.block.train_only else "")
        table.add_row(
            name,
            types.get(b.block.type, b.block.type),
            _mark(
                format_shape(b.block.out_shape),
                ra.output if ra.output and ra.output.status != MATCH else None,
            ),
            _mark(str(b.depth), ra.depth if ra.depth and ra.depth.status != MATCH else None),
            number(params_value(report, b)) if params_value(report, b) else "",
            _mark(row.params.text, ra.params) if row.params else "",
            si(ops_value(report, b)) if ops_value(report, b) else "",
            _mark(row.ops.text, ra.ops) if row.ops else "",
            si(b.other.total),
            si(b.activations),
            *_shares(report, report.shares.rows[b.name] if report.show_shares else None),
        )
        if report.expand:
            for c in b.ops:
                table.add_row(
                    Text("  " + c.op.name.removeprefix(b.name + "/"), style="dim"),
                    Text(_op_type(c.op), style="dim"),
                    Text(format_shape(c.op.out_shape), style="dim"),
                    "",
                    Text(number(op_params(report, c)), style="dim") if op_params(report, c) else "",
                    "",
                    Text(si(op_ops(report, c)), style="dim") if op_ops(report, c) else "",
                    "",
                    Text(si(c.other.total), style="dim") if c.other.total else "",
                    Text(si(c.activations), style="dim") if c.activations else "",
                    *_shares(report, report.shares.ops[c.op.name] if report.show_shares else None),
                )
    t = a.totals
    claimed_params = [b.block.row.params for b in a.blocks if b.block.row.params]
    claimed_ops = [b.block.row.ops for b in a.blocks if b.block.row.ops]
    table.add_section()
    table.add_row(
        Text("total", style="bold"),
        "",
        "",
        str(t.depth),
        Text(number(params_total(report)), style="bold"),
        _claim_sum(claimed_params),
        Text(si(ops_total(report)) if ops_total(report) is not None else "-", style="bold"),
        _claim_sum(claimed_ops),
        si(t.other.total),
        si(t.activations),
        *(["100%"] * 3 if report.show_shares else []),
    )
    console.print(table)
    total_ops = ops_total(report)
    shown = f"{number(total_ops)} {unit}" if total_ops is not None else "no operation count"
    for line in (
        "d = depth · + added to the paper's table · ᵀ training only"
        " · Σ = the claims as printed, summed",
        f"params exact; {unit.split(' ')[0]}, other ops, activations rounded to K/M/G"
        " (--format csv|json are exact)",
        f"total: {number(t.params)} params ({number(t.weights)} weights"
        f" + {number(t.biases)} biases)"
        + (f" + {number(t.fixed)} fixed, not trained" if t.fixed else "")
        + f" · {number(t.macs)} MACs"
        + (
            f" · as {report.preset}: {number(params_total(report))} params, {shown}"
            if report.preset
            else f" · {shown}"
            if report.flops or unit == "connections"
            else ""
        ),
        f"       {number(t.other.total)} other ops · {number(t.activations)} activations"
        f" = {number(a.bytes(t.activations))} bytes",
    ):
        console.print(Text(line, style="dim" if not line.startswith(("total", " ")) else ""))

    found = findings(au)
    console.print()
    console.print(Text("Findings", style="bold"))
    console.print(Text(f"  {LEGEND}", style="dim"))
    if not found:
        console.print("  every claim holds")
    for f in found:
        console.print(Text(f"  {f.row}", style="bold") + Text(f"  {f.loc}", style="dim"))
        for point in f.points:
            _indent(console, Text(point), 4)

    if au.variants:
        console.print()
        console.print(Text("Alternative readings", style="bold"))
        for v in au.variants:
            if v.row is None:
                changes = variant_changes(v, 4) or ["no row verdict changes"]
                line = Text(f"{v.variant.name}: {v.variant.title}. " + "; ".join(changes))
                line += Text(f"; network {v.totals.params:,} params, {v.totals.macs:,} MACs.")
                _indent(console, line, 2)
                _indent(console, Text(f"source: {v.variant.source}", style="dim"), 4)
                continue
            p, o = v.row.params, v.row.ops
            line = Text(f"{v.variant.row} as {v.variant.name}: {v.variant.title}. ")
            if p:
                line += _mark(f"params {p.computed:,} vs {p.claimed}", p)
            if o:
                line += Text(", ") + _mark(f"{'MACs'} {o.computed:,} vs {o.claimed}", o)
            if v.row.params_elsewhere:
                line += Text(
                    " (params match as "
                    + " or ".join(r.label for r in v.row.params_elsewhere)
                    + ")"
                )
            line += Text(f"; network {v.totals.params:,} params, {v.totals.macs:,} MACs.")
            _indent(console, line, 2)
            _indent(console, Text(f"source: {v.variant.source}", style="dim"), 4)

    if au.claims:
        console.print()
        console.print(Text("Paper-level claims", style="bold"))
        for cid, text, lines in claim_lines(au):
            _indent(console, Text(f"{cid}: ", style="bold") + Text(text), 2)
            for line in lines:
                _indent(console, Text(line), 4)


def _shares(report, share) -> list[str]:
    """The percent cells of one row or op: params, MACs, activation memory (our counts);
    blank where the share is exactly zero."""
    if share is None:
        return []
    from inception_cost.shares import percent

    return [percent(v) if v else "" for v in (share.params, share.macs, share.activations)]


def _indent(console: Console, text: Text, left: int) -> None:
    """Print with a hanging indent, so wrapped lines stay under their first."""
    console.print(Padding(text, (0, 0, 0, left), expand=False))


def _claim_sum(claims) -> str:
    """The printed claims summed as printed (each in its own prefix, read as decimal)."""
    if not claims:
        return ""
    total = sum(q.mantissa * q.scale(False) / 10**q.decimals for q in claims)
    return "Σ " + si(int(total))


def _op_type(op) -> str:
    k = getattr(op, "kernel", None)
    if op.kind == "conv":
        groups = f" g{op.groups}" if op.groups > 1 else ""
        return f"conv {k[0]}x{k[1]}/{op.stride}{groups}"
    if op.kind == "pool":
        return f"{op.mode} pool {k[0]}x{k[1]}/{op.stride}"
    return op.kind
