"""The table's params and operations as a report counts them, counted once for every renderer.

A report shows operations in one quantity: MACs, FLOPs (2 x MACs, `--flops`), LeNet-5's
connections (where the spec's ops column counts those), or a tool's rule (`--as`, see
`presets`). `count` gives every op, every block and the network its params and operations
in that quantity, so the renderers only read them and never decide or add up a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from inception_cost.audit import Audit
from inception_cost.cost import Analysis, BlockCost, OpCost
from inception_cost.spec.records import Spec

if TYPE_CHECKING:
    from inception_cost.presets import Preset


class Count(NamedTuple):
    """One op's, block's or the network's figures in the report's quantity (a plain
    record: one per op, and cheap to define at start-up)."""

    params: int  # ours, or as the preset counts them
    ops: int | None  # in the report's quantity; None where the preset counts no operations
    flops: int  # 2 x our MACs: the column `--flops` shows beside the MACs


@dataclass(frozen=True, slots=True)
class Counted:
    """What the params and operations columns show, per op, per block and in total."""

    unit: str  # the operations column's name: MACs, FLOPs, connections or the preset's unit
    preset: Preset | None  # the tool's rule counted by (`paper`: the spec's own)
    connections: bool  # the spec's ops column counts connections (LeNet-5): the table too
    # the operations column counts what the ops claims count (per image, in the claimed
    # reading's quantity), so a claim may stand beside it
    claims_comparable: bool
    ops: dict[str, Count]  # op name -> its count
    blocks: dict[str, Count]  # block name -> its count
    total: Count
    claimed_params: int | None  # the table's params claims as printed, summed (None: none)
    claimed_ops: int | None  # the same for its ops claims


def rule(spec: Spec, audit: Audit, preset: str) -> Preset | None:
    """The preset named `preset` (`paper`: the spec's claimed columns as the audit reads
    them); None for no preset."""
    if not preset:
        return None
    # Only here: the tools' rules are data classes a plain `table` run need not define.
    from inception_cost import presets

    if preset == "paper":
        claimed = [
            f.reading if f.rows else None
            for fits in (audit.params_fits, audit.ops_fits)
            for f in fits
            if f.chosen
        ]
        return presets.paper_rule(spec.title, *claimed)
    return presets.PRESETS[preset]


def count(
    spec: Spec, analysis: Analysis, audit: Audit, *, flops: bool = False, preset: str = ""
) -> Counted:
    """Every op's, block's and the network's params and operations, counted as `preset`
    counts them, else in FLOPs (`flops`), else in connections where the spec's ops column
    counts those, else in MACs."""
    p = rule(spec, audit, preset)
    if p:
        from inception_cost.presets import op_count, param_parts  # see `rule`
    connections = not flops and audit.ops_reading.counts == "connections"
    batch = analysis.batch

    def of_op(c: OpCost) -> Count:
        if p:
            params = sum(param_parts(p, c).values())
            ops = op_count(p, c, batch) if p.counts_ops else None
        else:
            params = c.params
            ops = c.connections if connections else 2 * c.macs if flops else c.macs
        return Count(params, ops, 2 * c.macs)

    ops = {c.op.name: of_op(c) for b in analysis.blocks for c in b.ops}

    def of_block(b: BlockCost) -> Count:
        counts = [ops[c.op.name] for c in b.ops]
        return Count(sum(x.params for x in counts), _sum(x.ops for x in counts), 2 * b.macs)

    blocks = {b.name: of_block(b) for b in analysis.blocks}
    total = Count(
        sum(x.params for x in blocks.values()),
        _sum(x.ops for x in blocks.values()),
        2 * analysis.totals.macs,
    )
    if p:
        unit = p.unit
    elif connections:
        unit = "connections"
    else:
        unit = "FLOPs" if flops else "MACs"
    counts = audit.ops_reading.counts
    if batch != 1:
        comparable = False
    elif p:
        comparable = p.name == "paper"
    elif counts == "connections":
        comparable = connections
    else:
        comparable = counts == ("FLOPs" if flops else "multiply-adds")
    rows = [b.block.row for b in analysis.blocks]
    return Counted(
        unit,
        p,
        connections,
        comparable,
        ops,
        blocks,
        total,
        _claimed(r.params for r in rows),
        _claimed(r.ops for r in rows),
    )


def _sum(values) -> int | None:
    values = list(values)
    return None if None in values else sum(values)


def _claimed(quantities) -> int | None:
    """The printed claims summed as printed, each in its own prefix read as decimal,
    truncated to a whole number; None where there are none."""
    claims = [q for q in quantities if q]
    if not claims:
        return None
    return int(sum(Fraction(q.mantissa * q.scale(False), 10**q.decimals) for q in claims))
