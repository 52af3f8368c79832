"""The rich table: fits any terminal width by leaving whole columns out (render/terminal/fit.py),
never part of a number; colour is only a hint.

Every verdict is also a glyph (✓ ≈ ✗), so NO_COLOR, pipes and screen readers keep
the meaning. Exact values are in --format csv/json; here large counts are rounded
to K/M/G with the unit printed.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, Group, NewLine, RenderableType
from rich.text import Text

from inception_cost.audit import MATCH, MISMATCH, TRUNCATED
from inception_cost.cells import format_shape
from inception_cost.ops import Conv2d, Gelu, Op, Pool2d, Registry, ReLU
from inception_cost.render.common import (
    GLYPH,
    all_hold,
    claim_head,
    claim_lines,
    declared_lines,
    findings,
    number,
    param_parts,
    readings_legend,
    settings_lines,
    si,
    title_line,
    variant_changes,
    verdict_counts,
    verdict_legend,
)
from inception_cost.render.terminal.fit import SECTION, Col, cells, fit, left_out_line
from inception_cost.render.terminal.prose import Hanging, hang
from inception_cost.shares import percent

STYLE = {MATCH: "green", TRUNCATED: "yellow", MISMATCH: "bold red"}
_TYPES = {
    "local response norm": "lrn",
    "separable convolution": "sep. conv",
    "convolution": "conv",
    "global avg pool": "avg pool (all)",
    "batch norm": "bn",
}


def _mark(text: str, verdict) -> Text:
    if verdict is None:
        return Text(text)
    return Text(f"{text} {GLYPH[verdict.status]}", style=STYLE[verdict.status])


def draw(report, console: Console, brief: bool = False) -> None:
    """The report's sections in the order every format gives them; `brief`: the title, the
    input, the table and its totals, and one line counting the verdicts."""
    cols, rows = _columns(report)
    table, left, full = fit(cols, rows, console.width)
    shown = [c.header for c in cols if c.header not in left]
    marks = _marks_shown(report, cols, rows, left, brief)
    settings = settings_lines(report, readings=False)[: 1 if brief else None]
    sections = [
        hang(Text(title_line(report.spec), "bold")),
        *(hang(line, style="dim") for line in settings),
        table,
        *_under_table(report, left, full, console.width),
        *_legend(report, shown, marks),
        *_totals(report),
    ]
    if brief:
        sections.append(hang(verdict_counts(report.audit)))
    else:
        sections += [*_findings(report), *_variants(report), *_claims(report)]
    # one print: rich works out the console's size and options once, not once a line
    console.print(Group(*sections))


def _under_table(report, left: list[str], full: int, width: int) -> list[RenderableType]:
    """What the table left out, and where the claims it cannot show beside a column went."""
    out: list[RenderableType] = []
    note = left_out_line(left, full, width, "--format csv|json")
    if note:
        out.append(hang(note))
    counted = report.counted
    if not counted.claims_comparable and counted.claimed_ops is not None:
        out.append(
            hang(
                f"ops claims ({report.audit.ops_reading.counts} per image) are left out beside"
                f" this {counted.unit} column (batch {report.analysis.batch}); those that do not"
                " hold are in the Findings",
                style="dim",
            )
        )
    return out


def _marks_shown(report, cols, rows, left: list[str], brief: bool) -> str:
    """Every character of the cells shown (the columns kept) and of the variant lines,
    so that the legend explains only the marks a reader sees."""
    kept = [i for i, c in enumerate(cols) if c.header not in left]
    text = "".join(
        str(r[i].plain if isinstance(r[i], Text) else r[i])
        for r in rows
        if r is not SECTION
        for i in kept
    )
    if not brief and report.audit.variants:
        text += "".join(_variant_line(v).plain for v in report.audit.variants)
    return text


def _legend(report, shown: list[str], marks: str) -> list[Hanging]:
    """What the columns and marks on the page mean: only those shown."""
    blocks = [b.block for b in report.analysis.blocks]
    parts = [
        *(["d = depth"] if "d" in shown else []),
        *(["+ added to the paper's table"] if any(b.row.added for b in blocks) else []),
        *(["ᵀ training only"] if any(b.train_only for b in blocks) else []),
        *(["Σ = the claims as printed, summed"] if "Σ" in marks else []),
    ]
    lines = [
        " · ".join(parts),
        verdict_legend(marks),
        *readings_legend(report.audit, shown),
        *_shares_legend(report, shown),
        "params exact; the rest rounded: K = 10^3, M = 10^6, G = 10^9 (csv, json: exact)",
        *(f"{mark} {text}" for mark, text in report.spec.footnotes.items()),
        *declared_lines(report.spec),
    ]
    return [hang(line, style="dim") for line in lines if line]


def _totals(report) -> list[Hanging]:
    """The network's totals."""
    a, counted = report.analysis, report.counted
    unit, t, total_ops = counted.unit, a.totals, counted.total.ops
    shown = f"{number(total_ops)} {unit}" if total_ops is not None else "no operation count"
    first = (
        f"total: {number(t.params)} params ({param_parts(t)})"
        + (f" + {number(t.fixed)} fixed, not trained" if t.fixed else "")
        + f" · {number(t.macs)} MACs"
        + (
            f" · as {report.preset}: {number(counted.total.params)} params, {shown}"
            if report.preset
            else f" · {shown}"
            if report.flops or unit == "connections"
            else ""
        )
    )
    second = (
        f"{number(t.other.total)} other ops · {number(t.activations)} activations"
        f" = {number(a.bytes(t.activations))} bytes"
    )
    return [Hanging(first, 0, 7), Hanging(second, 7, 0)]


def _findings(report) -> list[RenderableType]:
    found = findings(report.audit)
    out: list[RenderableType] = [NewLine(), Text("Findings", style="bold")]
    if not found:
        out.append(hang(all_hold(report.audit), 2))
    for f in found:
        out.append(hang(Text(f"{f.row}", style="bold") + Text(f"  {f.loc}", style="dim"), 2))
        out += [hang(point, 4) for point in f.points]
    return out


def _variants(report) -> list[RenderableType]:
    if not report.audit.variants:
        return []
    out: list[RenderableType] = [NewLine(), Text("Alternative readings", style="bold")]
    for v in report.audit.variants:
        out.append(hang(_variant_line(v), 2))
        out.append(hang(f"source: {v.variant.source}", 4, style="dim"))
    return out


def _variant_line(v) -> Text:
    """A row variant's verdicts, or the row verdicts a whole-network variant changes."""
    network = Text(f"; network {v.totals.params:,} params, {v.totals.macs:,} MACs.")
    if v.whole:
        changes = variant_changes(v, 4) or ["no row verdict changes"]
        return Text(f"{v.variant.name}: {v.variant.title}. " + "; ".join(changes)) + network
    p, o = v.row.params, v.row.ops
    line = Text(f"{v.variant.row} as {v.variant.name}: {v.variant.title}. ")
    if p:
        line += _mark(f"params {p.computed:,} vs {p.claimed}", p)
    if o:
        line += Text(", " if p else "") + _mark(f"MACs {o.computed:,} vs {o.claimed}", o)
    if not (p or o):
        line += Text("Its row claims no params or ops")
    if v.row.params_elsewhere:
        line += Text(
            " (params match as " + " or ".join(r.label for r in v.row.params_elsewhere) + ")"
        )
    return line + network


def _claims(report) -> list[RenderableType]:
    if not report.audit.claims:
        return []
    out: list[RenderableType] = [NewLine(), Text("Paper-level claims", style="bold")]
    for cid, text, lines in claim_lines(report.audit):
        out.append(hang(Text(f"{cid}: ", style="bold") + Text(text), 2))
        out += [hang(line, 4) for line in lines]
    return out


def _columns(report) -> tuple[list[Col], list]:
    """The table's columns with their priorities, and its rows (cells in column order)."""
    a, au, counted = report.analysis, report.audit, report.counted
    rows: list = []
    for b in a.blocks:
        rows.append(_block_cells(report, b))
        if report.expand:
            rows += [_op_cells(report, b, c) for c in b.ops]
    rows += [SECTION, _total_cells(report)]
    marked_output = any(_flagged(au.row(b.name).output) for b in a.blocks)
    marked_depth = any(_flagged(au.row(b.name).depth) for b in a.blocks)
    # the order columns give way in (docs/cli.md "Terminal width"): other, type, act., d,
    # output, then MACs with its claim, params with its; a marked output or d stays last
    cols = [
        Col("layer"),
        Col("type", priority=6),
        Col("output", priority=1 if marked_output else 3),
        Col("d", "right", 1 if marked_depth else 4),
        Col("params", "right", 1),
        Col(claim_head(au.params_reading), "right", paired=True),
        Col(counted.unit.split(" ")[0], "right", 2),
        Col(claim_head(au.ops_reading), "right", paired=True),
        Col("other", "right", 7),
        Col("act.", "right", 5),
    ]
    if report.show_shares:
        cols += [Col(head, "right", 3) for head in SHARE_HEADS]
    params_claims = counted.claimed_params is not None
    ops_claims = counted.claims_comparable and counted.claimed_ops is not None
    drop = ([5] if not params_claims else []) + ([7] if not ops_claims else [])
    if drop:
        keep = [i for i in range(len(cols)) if i not in drop]
        cols = [cols[i] for i in keep]
        rows = [r if r is SECTION else [r[i] for i in keep] for r in rows]
    return cols, rows


def _flagged(verdict):
    """A verdict worth a mark in the output and depth columns: one that does not match."""
    return verdict if verdict and verdict.status != MATCH else None


def _block_cells(report, b) -> list:
    row, ra, counted = b.block.row, report.audit.row(b.name), report.counted.blocks[b.name]
    name = b.name + ("+" if row.added else "") + ("ᵀ" if b.block.train_only else "")
    name += "°" if row.declared.startswith("rows.") else ""
    name += "".join(mark for _, mark in row.footnotes)  # the paper's marks, kept
    return cells(
        name,
        _TYPES.get(b.block.type, b.block.type),
        _mark(format_shape(b.block.out_shape), _flagged(ra.output)),
        _mark(str(b.depth), _flagged(ra.depth)),
        number(counted.params) if counted.params else "",
        _mark(row.params.text, ra.params) if row.params else "",
        si(counted.ops) if counted.ops else "",
        _mark(row.ops.text, ra.ops) if row.ops else "",
        si(b.other.total),
        si(b.activations),
        *_shares(report, report.shares.rows[b.name] if report.show_shares else None),
    )


def _op_cells(report, b, c) -> list:
    """One op's line under its block (--expand), dimmed."""
    counted = report.counted.ops[c.op.name]
    return [
        Text(text, style="dim")
        for text in (
            "  " + c.op.name.removeprefix(b.name + "/"),
            LABELS[c.op.kind](c.op),
            format_shape(c.op.out_shape),
            "",
            number(counted.params) if counted.params else "",
            "",
            si(counted.ops) if counted.ops else "",
            "",
            si(c.other.total) if c.other.total else "",
            si(c.activations) if c.activations else "",
            *_shares(report, report.shares.ops[c.op.name] if report.show_shares else None),
        )
    ]


def _total_cells(report) -> list:
    t, counted = report.analysis.totals, report.counted
    return cells(
        Text("total", style="bold"),
        "",
        "",
        str(t.depth),
        Text(number(counted.total.params), style="bold"),
        _claim_sum(counted.claimed_params),
        Text(si(counted.total.ops) if counted.total.ops is not None else "-", style="bold"),
        _claim_sum(counted.claimed_ops),
        si(t.other.total),
        si(t.activations),
        *(["100%"] * 3 if report.show_shares else []),
    )


def _shares_legend(report, headers: list[str]) -> list[str]:
    """What the share columns shown are, if any is shown."""
    shown = [h for h in SHARE_HEADS if h in headers] if report.show_shares else []
    if not shown:
        return []
    return [
        f"{', '.join(shown)}: each row's share of the network's"
        f" {', '.join(SHARE_HEADS[h] for h in shown)} (our counts, not a preset's), blank where 0"
    ]


SHARE_HEADS = {"p%": "params", "MAC%": "MACs", "act%": "activation memory"}


def _shares(report, share) -> list[str]:
    """The percent cells of one row or op: params, MACs, activation memory (our counts);
    blank where the share is exactly zero."""
    if share is None:
        return []
    return [percent(v) if v else "" for v in (share.params, share.macs, share.activations)]


def _claim_sum(total: int | None) -> str:
    """The printed claims summed as printed (`counted.claimed_params`, `claimed_ops`)."""
    return "" if total is None else "Σ " + si(total)


#: op kind -> its name in the expanded table's type column.
LABELS: Registry[Callable[[Op], str]] = Registry("op label")


@LABELS.register("conv")
def _conv(op: Conv2d) -> str:
    """conv KxK/stride, and its groups where there are several."""
    (kh, kw), groups = op.kernel, f" g{op.groups}" if op.groups > 1 else ""
    return f"conv {kh}x{kw}/{op.stride}{groups}"


@LABELS.register("pool")
def _pool(op: Pool2d) -> str:
    """max or avg pool KxK/stride."""
    return f"{op.mode} pool {op.kernel[0]}x{op.kernel[1]}/{op.stride}"


@LABELS.register("relu")
def _relu(op: ReLU) -> str:
    """relu (ReLU6 too), or leaky relu with its slope."""
    return f"leaky relu {op.slope:g}" if op.slope else "relu"


@LABELS.register("gelu")
def _gelu(op: Gelu) -> str:
    """gelu, or gelu tanh for the approximation."""
    return "gelu tanh" if op.approximate == "tanh" else "gelu"


@LABELS.register(
    "lrn",
    "bn",
    "tanh",
    "swish",
    "sigmoid",
    "hswish",
    "hsigmoid",
    "layernorm",
    "layerscale",
    "scale",
    "subsample",
    "rbf",
    "add",
    "shortcut",
    "flatten",
    "concat",
    "split",
    "shuffle",
    "linear",
    "dropout",
    "softmax",
)
def _kind(op: Op) -> str:
    """The op's kind."""
    return op.kind
