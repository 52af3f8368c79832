"""The bundled specs and their totals, for `inception-cost models`."""

from __future__ import annotations

from dataclasses import dataclass

from inception_cost.audit import MATCH, MISMATCH, TRUNCATED
from inception_cost.report import make_report
from inception_cost.spec import load_model, model_names


@dataclass(frozen=True, slots=True)
class ModelSummary:
    name: str
    title: str
    input_shape: tuple[int, int, int]
    rows: int
    params: int
    macs: int
    claims_match: int  # rows' claims and paper-level claims that hold as printed
    claims_differ: int  # mismatches, truncations, over-budget
    unchecked: int


def summaries() -> list[ModelSummary]:
    out = []
    for name in model_names():
        report = make_report(load_model(name))
        counts = report.audit.counts
        t = report.analysis.totals
        out.append(
            ModelSummary(
                name,
                report.spec.title,
                report.spec.input_shape,
                len(report.spec.rows),
                t.params,
                t.macs,
                counts.get(MATCH, 0) + counts.get("within", 0),
                counts.get(MISMATCH, 0) + counts.get(TRUNCATED, 0) + counts.get("over", 0),
                counts.get("not checkable", 0),
            )
        )
    return out
