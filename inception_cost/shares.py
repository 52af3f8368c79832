"""What share of the whole each row and each op takes: params, MACs, activation memory.

Exact fractions of the analysis' totals (ours, not a preset's), computed once per report;
renderers round them only when they print (percent in rich and Markdown, a fraction of
1 to 6 decimals in CSV and JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from inception_cost.cost import Analysis

QUANTITIES = ("params", "macs", "activations")


@dataclass(frozen=True, slots=True)
class Share:
    params: Fraction
    macs: Fraction
    activations: Fraction  # of activation memory: elements written, so bytes alike


@dataclass(frozen=True, slots=True)
class Shares:
    rows: dict[str, Share]  # block name -> its share
    ops: dict[str, Share]  # op name -> its share


def _part(value: int, total: int) -> Fraction:
    return Fraction(value, total) if total else Fraction(0)


def shares(analysis: Analysis) -> Shares:
    t = analysis.totals

    def of(c) -> Share:
        return Share(
            _part(c.params, t.params), _part(c.macs, t.macs), _part(c.activations, t.activations)
        )

    return Shares(
        {b.name: of(b) for b in analysis.blocks},
        {c.op.name: of(c) for b in analysis.blocks for c in b.ops},
    )


def decimal(value: Fraction, places: int = 6) -> str:
    """A non-negative share as a fraction of 1, rounded half-even to `places` decimals."""
    scaled = str(round(value * 10**places)).rjust(places + 1, "0")
    return f"{scaled[:-places]}.{scaled[-places:]}"


def percent(value: Fraction) -> str:
    """A share as a percent with one decimal; a nonzero share under 0.05% shows as <0.1%."""
    if 0 < value < Fraction(1, 2000):
        return "<0.1%"
    return decimal(value * 100, 1) + "%"
