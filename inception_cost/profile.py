"""Where a network's cost sits, row by row: the numbers a bar chart of one quantity draws.

One `Bar` per table row with its value, its exact share of the total and its length
relative to the largest row (a Fraction in [0, 1]); the terminal bars, the Markdown
bars and the matplotlib charts all read these and compute nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from inception_cost import cost
from inception_cost.cost import Analysis
from inception_cost.implementation.model import network_of
from inception_cost.spec import Spec

#: quantity -> (what it is, its unit)
QUANTITIES = {
    "macs": ("multiply-adds", "MACs"),
    "params": ("parameters (weights + biases)", "params"),
    "memory": ("activation memory: the bytes each row writes", "bytes"),
}


@dataclass(frozen=True, slots=True)
class Bar:
    name: str
    value: int
    share: Fraction  # of the network's total
    length: Fraction  # of the largest row's value: the bar's length, 1 for the largest


@dataclass(frozen=True, slots=True)
class Profile:
    model: str
    quantity: str
    batch: int
    dtype: str
    total: int
    bars: tuple[Bar, ...]

    @property
    def unit(self) -> str:
        return QUANTITIES[self.quantity][1]

    @property
    def meaning(self) -> str:
        return QUANTITIES[self.quantity][0]


def row_values(analysis: Analysis, quantity: str) -> list[tuple[str, int]]:
    """(row name, value) of `quantity` for every row of the analysis."""
    pick = {
        "macs": lambda b: b.macs,
        "params": lambda b: b.params,
        "memory": lambda b: analysis.bytes(b.activations),
    }[quantity]
    return [(b.name, pick(b)) for b in analysis.blocks]


def profile(model: str, analysis: Analysis, quantity: str) -> Profile:
    values = row_values(analysis, quantity)
    total = sum(v for _, v in values)
    top = max((v for _, v in values), default=0)
    bars = tuple(
        Bar(
            name,
            v,
            Fraction(v, total) if total else Fraction(0),
            Fraction(v, top) if top else Fraction(0),
        )
        for name, v in values
    )
    return Profile(model, quantity, analysis.batch, analysis.dtype, total, bars)


def profiles(
    spec: Spec,
    quantities: tuple[str, ...],
    *,
    aux: bool = False,
    batch: int = 1,
    dtype: str = "float32",
    variant: str = "",
) -> tuple[Profile, ...]:
    """`profile` and `plot`: `spec` built and costed once, then a profile per quantity."""
    analysis = cost.analyse(network_of(spec, aux=aux, variant=variant), batch=batch, dtype=dtype)
    return tuple(profile(spec.name, analysis, q) for q in quantities)
