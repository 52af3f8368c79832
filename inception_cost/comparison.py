"""`inception-cost conventions`: every tool's preset applied to one spec and set beside
ours, with the categories that make each differ (`compare`)."""

from __future__ import annotations

from dataclasses import dataclass

from inception_cost import audit, cost
from inception_cost.builder import build
from inception_cost.presets import PRESETS, PresetCount, count, paper_rule
from inception_cost.spec.records import Spec


@dataclass(frozen=True, slots=True)
class Compared:
    """One preset's count beside ours, and what makes them differ."""

    count: PresetCount
    vs_ours: int | None  # its operation count less ours; None where it counts none
    difference: tuple[tuple[str, int], ...]  # the operation categories that differ
    params_difference: tuple[tuple[str, int], ...]  # the parameter kinds that differ


@dataclass(frozen=True, slots=True)
class Comparison:
    """`inception-cost conventions`: every preset applied to one spec, ours first."""

    model: str
    batch: int
    presets: tuple[Compared, ...]
    aux_kept: bool  # the spec has training-only rows, so `params_kept` says something

    @property
    def counts(self) -> tuple[PresetCount, ...]:
        """Each preset's own count, ours first."""
        return tuple(c.count for c in self.presets)


def compare(spec: Spec, batch: int = 1) -> Comparison:
    """Every preset applied to `spec` and set beside ours (the `paper` preset as its own
    table reads, left out where the table claims nothing)."""
    analysis = cost.analyse(build(spec), batch=batch)
    kept = None
    if any(row.train_only for row in spec.rows):
        kept = cost.analyse(build(spec, aux=True), batch=batch)
    counts = []
    for p in PRESETS.values():
        if p.name == "paper":
            p = paper_rule(spec.title, *audit.chosen(spec, analysis))
            if p is None:
                continue
        counts.append(count(analysis, p, kept))
    ours = counts[0]
    return Comparison(
        spec.name,
        batch,
        tuple(
            Compared(
                c,
                None if c.ops is None else c.ops - ours.ops,
                tuple(difference(ours, c)),
                tuple(params_difference(ours, c)),
            )
            for c in counts
        ),
        kept is not None,
    )


def difference(ours: PresetCount, theirs: PresetCount) -> list[tuple[str, int]]:
    """The operation categories in which `theirs` differs from `ours` (MACs are one)."""
    return _delta(ours.categories, theirs.categories)


def params_difference(ours: PresetCount, theirs: PresetCount) -> list[tuple[str, int]]:
    """The parameter kinds in which `theirs` differs from `ours`."""
    if theirs.params is None:
        return []
    return _delta(ours.param_parts, theirs.param_parts)


def _delta(base, other) -> list[tuple[str, int]]:
    mine, theirs = dict(base), dict(other)
    labels = [*mine, *(k for k in theirs if k not in mine)]
    return [
        (k, theirs.get(k, 0) - mine.get(k, 0)) for k in labels if theirs.get(k, 0) != mine.get(k, 0)
    ]
