"""Markdown output that reads back as a spec giving the same analysis.

It writes the spec's front matter (with any command-line overrides folded in), the
layer table with the spec's own cells, and computed/verdict columns that the spec
reader skips; totals and findings follow as prose, which the reader ignores.
"""

from __future__ import annotations

import json

from inception_cost.kinds import builtin, to_toml
from inception_cost.render.common import (
    LEGEND,
    claim_lines,
    findings,
    number,
    ops_name,
    ops_total,
    params_total,
    settings_lines,
    variant_changes,
)
from inception_cost.render.tabular import rows


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return json.dumps(v, ensure_ascii=False)


def front_matter(spec) -> str:
    """The spec's metadata as TOML, in the layout of the bundled specs."""
    c, r = spec.conventions, spec.reading
    lines = [f"name = {_value(spec.name)}", f"title = {_value(spec.title)}"]
    if spec.input_shape:
        lines.append(f"input = {_value('x'.join(map(str, spec.input_shape)))}")
    lines += ["", "[source]"]
    lines += [
        f"{k} = {_value(getattr(spec.source, k))}"
        for k in ("citation", "table", "url")
        if getattr(spec.source, k)
    ]
    lines += [
        "",
        "[conventions]",
        f"pool_rounding = {_value(c.pool_rounding)}",
        f"conv_padding = {_value(c.conv_padding)}",
        f"pool_padding = {_value(c.pool_padding)}",
        f"bias = {_value(c.bias)}",
        f"conv_activation = {_value(c.conv_activation)}",
        *(
            f"{k} = {_value(str(getattr(c, k)) if k == 'pool_patch' else getattr(c, k))}"
            for k in c.changed()
        ),
        *([f"bn_eps = {_value(c.bn_eps)}"] if c.batch_norm else []),
        "",
        "[conventions.lrn]",
        f"size = {c.lrn.size}",
        f"alpha = {_value(c.lrn.alpha)}",
        f"beta = {_value(c.lrn.beta)}",
        f"k = {_value(c.lrn.k)}",
        "",
        "[claimed]",
        f"params_unit = {_value(r.params_unit)}",
        f"params_bias = {_value(r.params_bias)}",
        f"ops = {_value(r.ops)}",
        f"ops_unit = {_value(r.ops_unit)}",
    ]
    for claim in spec.claims:
        lines += ["", "[[claims]]", f"id = {_value(claim.id)}", f"text = {_value(claim.text)}"]
        lines += [f"source = {_value(claim.source)}", f"quantity = {_value(claim.quantity)}"]
        lines += [f"value = {_value(claim.value.text)}", f"relation = {_value(claim.relation)}"]
        if claim.against:
            lines.append(f"against = {_value(claim.against)}")
    if spec.connection_tables:
        lines += ["", "[connection_tables]"]
        for name, reads in spec.connection_tables.items():
            inputs = max(max(r) for r in reads) + 1
            rows = ["".join("X" if i in r else "." for r in reads) for i in range(inputs)]
            lines.append(f"{_value(name)} = [{', '.join(_value(x) for x in rows)}]")
    for v in spec.variants:
        lines += ["", "[[variants]]"]
        lines += [f"row = {_value(v.row)}"] if v.row else []
        lines += [f"name = {_value(v.name)}"]
        lines += [f"title = {_value(v.title)}", f"source = {_value(v.source)}"]
        lines += [f"{k} = {_value(text)}" for k, text in v.cells]
        if v.input_shape:
            lines.append(f"input = {_value('x'.join(map(str, v.input_shape)))}")
        if v.conventions:
            changed = [
                (k, getattr(v.conventions, k))
                for k in v.conventions.__dataclass_fields__
                if k != "lrn" and getattr(v.conventions, k) != getattr(spec.conventions, k)
            ]
            inner = ", ".join(
                f"{k} = {_value(str(x) if k == 'pool_patch' else x)}" for k, x in changed
            )
            lines.append(f"conventions = {{ {inner} }}")
    if spec.footnotes:
        lines += ["", "[footnotes]"]
        lines += [f"{_value(mark)} = {_value(text)}" for mark, text in spec.footnotes.items()]
    for name, kind in spec.kinds.items():
        if name not in builtin():  # the spec's own [kinds.NAME]
            lines += ["", *to_toml(kind, _value)]
    return "+++\n" + "\n".join(lines) + "\n+++\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(report) -> str:
    spec, a = report.spec, report.analysis
    t = a.totals
    table = rows(report)
    out = [front_matter(spec), f"# {spec.title}: cost and audit", ""]
    out += [f"- {line}" for line in settings_lines(report)]
    out.append("")
    out.append("| " + " | ".join(_cell(h) for h in table[0]) + " |")
    out.append("|" + "---|" * len(table[0]))
    out += ["| " + " | ".join(_cell(c) for c in line) + " |" for line in table[1:]]
    ops = "FLOPs" if report.flops else "MACs"
    ours = 2 * t.macs if report.flops else t.macs  # the preset's count gets its own line
    as_preset = ops_total(report)
    out += [
        "",
        "## Totals",
        "",
        f"- params: {number(t.params)} ({number(t.weights)} weights + {number(t.biases)} biases)"
        + (f"; {number(t.fixed)} fixed, not trained" if t.fixed else ""),
        f"- {ops}: {number(ours)}",
        *(
            [
                f"- as {report.preset}: {number(params_total(report))} params, "
                + (
                    f"{number(as_preset)} {ops_name(report)}"
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
        "",
        "## Findings",
        "",
        f"Verdicts: {LEGEND}.",
        "",
    ]
    for f in findings(report.audit):
        out.append(f"- **{f.row}** (`{f.loc}`)")
        out += [f"  - {point}" for point in f.points]
    if not findings(report.audit):
        out.append("- every claim holds")
    if report.audit.variants:
        out += ["", "## Alternative readings", ""]
        for v in report.audit.variants:
            if v.row is None:
                changes = variant_changes(v, 4) or ["no row verdict changes"]
                out.append(
                    f"- **{v.variant.name}** ({v.variant.title}; {v.variant.source}): "
                    + "; ".join(changes)
                    + f"; network {v.totals.params:,} params, {v.totals.macs:,} MACs"
                )
                continue
            p, o = v.row.params, v.row.ops
            out.append(
                f"- {v.variant.row} as **{v.variant.name}**"
                f" ({v.variant.title}; {v.variant.source}):"
                + (f" params {p.computed:,} vs {p.claimed}: {p.status}" if p else "")
                + (f", MACs {o.computed:,} vs {o.claimed}: {o.status}" if o else "")
                + (
                    " (params match as "
                    + " or ".join(r.label for r in v.row.params_elsewhere)
                    + ")"
                    if v.row.params_elsewhere
                    else ""
                )
                + f"; network {v.totals.params:,} params, {v.totals.macs:,} MACs"
            )
    if report.audit.claims:
        out += ["", "## Paper-level claims", ""]
        for cid, text, lines in claim_lines(report.audit):
            out.append(f"- **{cid}** {text}")
            out += [f"  - {line}" for line in lines]
    return "\n".join(out) + "\n"
