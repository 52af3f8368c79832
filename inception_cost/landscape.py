"""The bundled networks side by side: params against MACs, one point per network and
variant, with the paper's own claimed params or multiply-adds beside the computed ones.

The data of the classic comparison chart (`inception-cost plot --compare`); claims are
read as printed with decimal prefixes (K = 1,000), as the paper-level claims are.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.spec.read import load_model, model_names


@dataclass(frozen=True, slots=True)
class Point:
    model: str
    variant: str  # "" for the spec as read
    params: int
    macs: int
    claimed_params: Fraction | None = None  # the paper's whole-network claim, if it makes one
    claimed_macs: Fraction | None = None

    @property
    def label(self) -> str:
        return f"{self.model} ({self.variant})" if self.variant else self.model


def _claimed(spec, quantity: str, variant: str = "") -> Fraction | None:
    """The first whole-network claim of `quantity` about this network or its `variant`
    (a budget too: GoogLeNet's "1.5 billion multiply-adds" is a claimed value, read as at
    most)."""
    for c in spec.claims:
        readings = (variant,) if variant else ("", "as tabled")
        if c.quantity == quantity and not c.against and c.reading in readings:
            q = c.value
            return Fraction(q.mantissa * q.scale(False), 10**q.decimals)
    return None


def points(names: list[str] | None = None) -> list[Point]:
    """Every bundled network (or `names`) and each of its variants, inference, batch 1."""
    out = []
    for name in names or model_names():
        spec = load_model(name)
        t = cost.analyse(build(spec)).totals
        out.append(
            Point(name, "", t.params, t.macs, _claimed(spec, "params"), _claimed(spec, "macs"))
        )
        for v in spec.variants:
            vt = cost.analyse(build(spec, variant=v.name)).totals
            claims = _claimed(spec, "params", v.name), _claimed(spec, "macs", v.name)
            out.append(Point(name, v.name, vt.params, vt.macs, *claims))
    return out
