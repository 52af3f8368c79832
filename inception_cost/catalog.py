"""The bundled specs: their totals (`inception-cost models`) and every paper-level claim
they carry with its verdict (`inception-cost claims`)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from inception_cost import cost
from inception_cost.report import make_report
from inception_cost.spec.read import load_model, model_names
from inception_cost.verdicts import FAILING, HOLDING, Status


@dataclass(frozen=True, slots=True)
class ModelSummary:
    name: str
    title: str
    input_shape: tuple[int, int, int]
    rows: int
    params: int
    macs: int
    claims_match: int  # rows' claims and paper-level claims that hold as printed
    claims_differ: int  # those `table --fail-on mismatch` fails: mismatches, over or under
    claims_truncated: int  # those that hold only if the paper truncated
    unchecked: int
    variants: tuple[str, ...] = ()  # the spec's alternative readings, by name


def tally(counts: dict[str, int]) -> tuple[int, int, int, int]:
    """(held, failed, truncated, unchecked) of an audit's status counts: failed as
    `--fail-on mismatch` counts (a claim "under" its "at least" bound fails like one
    "over" its "at most" bound), truncated the claims `--fail-on truncated` adds."""
    return (
        sum(counts.get(s, 0) for s in HOLDING),
        sum(counts.get(s, 0) for s in FAILING["mismatch"]),
        counts.get(Status.TRUNCATED, 0),
        counts.get(Status.UNCHECKED, 0),
    )


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
                *tally(counts),
                tuple(v.name for v in report.spec.variants),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One paper-level claim of a bundled spec, checked under one reading of its network."""

    model: str
    id: str
    text: str
    source: str
    quantity: str
    claimed: str
    relation: str
    against: str  # the other network a comparison claim names
    reading: str  # "as tabled" or a variant's name
    computed: Fraction | None
    status: str
    note: str


def _claim_rows(name: str, audit) -> list[ClaimRow]:
    """Every claim of one spec's audit, every reading."""
    return [
        ClaimRow(
            name,
            ca.claim.id,
            ca.claim.text,
            ca.claim.source,
            ca.claim.quantity,
            ca.claim.value.text,
            ca.claim.relation,
            ca.claim.against,
            check.reading,
            check.computed,
            check.status,
            check.note,
        )
        for ca in audit.claims
        for check in ca.checks
    ]


@dataclass(frozen=True, slots=True)
class Head:
    """How a network hands its last feature map to its first fully connected layer."""

    model: str
    pooled: bool  # global average pooling first (GoogLeNet, ResNet) or a flattened map
    map_shape: tuple[int, int, int]  # the feature map the head starts from
    units: int  # the first fully connected layer's outputs
    params: int  # that layer's parameters (with its bias)
    other: int  # what the other head would cost it: flattened if pooled, pooled if not
    total: int  # the network's parameters

    @property
    def share(self) -> Fraction:
        """The head's share of the network's parameters."""
        return Fraction(self.params, self.total)

    @property
    def difference(self) -> int:
        """What the other head would add (negative: save)."""
        return self.other - self.params


def _head(name: str, analysis: cost.Analysis) -> Head | None:
    """GAP against a fully connected head in one network (the notes' example C)."""
    ops = {c.op.name: c for b in analysis.blocks for c in b.ops}
    first = next((c for c in ops.values() if c.op.kind == "linear"), None)
    if first is None:
        return None
    source = ops.get(first.op.inputs[0])
    while source is not None and source.op.kind in ("dropout", "flatten", "relu"):
        source = ops.get(source.op.inputs[0])
    pooled = (
        source is not None
        and source.op.kind == "pool"
        and source.op.kernel == source.op.in_shapes[0][:2]
    )
    shape = source.op.in_shapes[0] if pooled else first.op.in_shapes[0]
    h, w, c = shape
    units = first.op.out_shape[2]
    bias = first.biases
    other = (h * w * c * units + bias) if pooled else (c * units + bias)
    return Head(name, pooled, shape, units, first.params, other, analysis.totals.params)


@dataclass(frozen=True, slots=True)
class Survey:
    """`inception-cost claims`: every claim of the specs surveyed, and their heads."""

    claims: tuple[ClaimRow, ...]
    heads: tuple[Head, ...]

    @property
    def tabled(self) -> int:
        """How many claims are checked on the network as tabled (not a variant)."""
        return sum(r.reading == "as tabled" for r in self.claims)

    @property
    def held(self) -> int:
        """How many of those hold."""
        return sum(Status(r.status).holds for r in self.claims if r.reading == "as tabled")


def survey(models: list[str] | None = None) -> Survey:
    """For `inception-cost claims`: the claims of the named bundled specs (all of them by
    default) and their classifier heads, each spec built and audited once."""
    rows: list[ClaimRow] = []
    heads: list[Head] = []
    for name in models or model_names():
        report = make_report(load_model(name))
        rows += _claim_rows(name, report.audit)
        head = _head(name, report.analysis)
        if head is not None:
            heads.append(head)
    return Survey(tuple(rows), tuple(heads))
