"""Claimed vs computed: a verdict for every number the paper printed.

Row claims (output size, depth, params, ops) come from the table; paper-level claims
(a budget, a depth, a ratio to another network) from the front matter. What a claimed
column means (K = 1,000 or 1,024; biases in or out; multiply-adds or FLOPs) is a
reading; with `auto` the audit tries each and keeps the one that fits most rows, and
says how well every reading fits. Variants re-read one row (conv1 as a separable
convolution) and show which reading reproduces the claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction

from inception_cost import cost
from inception_cost.cells import Quantity, format_shape
from inception_cost.errors import InputError, Location
from inception_cost.frontmatter import Variant
from inception_cost.ops import out_size
from inception_cost.spec.records import Note, Spec
from inception_cost.verdicts import FAILING, Status

# The statuses audit's callers name (verdicts.Status is the type, with what each means).
MATCH = Status.MATCH
TRUNCATED = Status.TRUNCATED
MISMATCH = Status.MISMATCH
UNCHECKED = Status.UNCHECKED


@dataclass(frozen=True, slots=True)
class Reading:
    """One meaning of a claimed column: its unit base and what it counts."""

    column: str  # params | ops
    binary: bool  # K = 1,024 (Ki) rather than 1,000
    counts: str  # params: weights only | weights + biases; ops: multiply-adds | FLOPs | connections

    @property
    def label(self) -> str:
        base = "binary (K = 1,024)" if self.binary else "decimal (K = 1,000)"
        return f"{self.counts}, {base}"

    def computed(self, block: cost.BlockCost, batch: int) -> int:
        if self.column == "params":
            return block.weights + (block.biases if self.counts == "weights + biases" else 0)
        if self.counts == "connections":
            return block.connections // batch
        macs = block.macs // batch
        return 2 * macs if self.counts == "FLOPs" else macs


@dataclass(frozen=True, slots=True)
class Verdict:
    """A computed value against its claim. `claimed_value` is exact (2.7 Ki = 2764.8)."""

    status: str
    computed: int
    claimed: Quantity
    claimed_value: Fraction

    @property
    def difference(self) -> Fraction:
        return self.computed - self.claimed_value

    @property
    def percent(self) -> Fraction:
        return self.difference * 100 / self.claimed_value

    @property
    def halfway(self) -> bool:
        """Exactly half a printed unit off: a match only if the paper rounded that half
        towards its print (3a: 159.5 Ki printed as 159K is a truncation under half up)."""
        mantissa = self.claimed.mantissa  # claimed_value / mantissa is one printed unit
        return mantissa != 0 and abs(self.difference) * 2 == self.claimed_value / mantissa


@dataclass(frozen=True, slots=True)
class ExactVerdict:
    """An output size or depth: equal or not."""

    status: str
    computed: str
    claimed: str


@dataclass(frozen=True, slots=True)
class ReadingFit:
    reading: Reading
    matches: int
    truncated: int
    rows: int
    chosen: bool


@dataclass(frozen=True, slots=True)
class RowAudit:
    name: str
    loc: Location
    output: ExactVerdict | None
    depth: ExactVerdict | None
    params: Verdict | None
    ops: Verdict | None
    note: str  # how the row's two claims relate, where that explains a mismatch
    params_elsewhere: tuple[Reading, ...] = ()  # other readings under which params matches
    ops_elsewhere: tuple[Reading, ...] = ()
    input: ExactVerdict | None = None  # the printed input size, where the table has one

    @property
    def verdicts(self) -> tuple:
        return tuple(v for v in (self.input, self.output, self.depth, self.params, self.ops) if v)


@dataclass(frozen=True, slots=True)
class VariantAudit:
    variant: Variant
    row: RowAudit | None  # the row the variant replaces, if it replaces one
    totals: cost.Totals
    changed: tuple[tuple[RowAudit, RowAudit], ...] = ()  # (as tabled, as the variant reads)

    @property
    def whole(self) -> bool:
        """It reads the whole network anew (other conventions or input), a row swapped or not."""
        return self.row is None or bool(self.variant.conventions or self.variant.input_shape)


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """A paper-level claim checked under one reading of the network."""

    reading: str  # "as tabled" or a variant's name; the reading analysed comes first
    computed: Fraction | None
    status: str  # match | mismatch | within | over | not checkable
    note: str


@dataclass(frozen=True, slots=True)
class ClaimAudit:
    claim: object  # spec.PaperClaim
    checks: tuple[ClaimCheck, ...]
    # the readings it is not judged under, being other networks of the paper (variants
    # with claims of their own): said, never silently left out
    not_judged: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Audit:
    rows: tuple[RowAudit, ...]
    params_fits: tuple[ReadingFit, ...]
    ops_fits: tuple[ReadingFit, ...]
    params_reading: Reading
    ops_reading: Reading
    # None: not judged, each reading being a network built and costed (a CSV prints none)
    variants: tuple[VariantAudit, ...] | None
    claims: tuple[ClaimAudit, ...] | None
    # variants that cannot be built, with why: reported under their names, the rest read
    broken: tuple[tuple[Variant, str], ...] = ()
    # what the reader left open, each a finding: a footnote mark nobody explained
    unexplained: tuple[Note, ...] = ()
    _by_name: dict[str, RowAudit] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Renderers look a row up per table row: a scan would make them quadratic.
        object.__setattr__(self, "_by_name", {r.name: r for r in self.rows})

    def row(self, name: str) -> RowAudit | None:
        return self._by_name.get(name)

    @property
    def counts(self) -> dict[str, int]:
        """How many checks of each status, over rows and paper-level claims (as tabled)."""
        if self.claims is None:
            raise ValueError("the paper-level claims were not judged (make_report(readings=False))")
        out: dict[str, int] = {}
        for r in self.rows:
            for v in r.verdicts:
                out[v.status] = out.get(v.status, 0) + 1
        for c in self.claims:
            status = c.checks[0].status
            out[status] = out.get(status, 0) + 1
        return out


def failures(audit: Audit, level: str) -> int:
    """How many row and paper-level claims (of the reading analysed) fail at `level`."""
    return sum(n for status, n in audit.counts.items() if status in FAILING[level])


def judge(computed: int, claimed: Quantity, binary: bool) -> Verdict:
    """Match if the computed value rounds to the printed one; truncated if it only truncates."""
    scale = claimed.scale(binary if claimed.binary is None else claimed.binary)
    value = Fraction(claimed.mantissa * scale, 10**claimed.decimals)
    return Verdict(_status(computed, claimed, binary), computed, claimed, value)


def _status(computed: int, claimed: Quantity, binary: bool) -> str:
    """`judge`'s status in integers: the printed value is mantissa x scale / 10^decimals.

    The rounding rule: a computed value matches when it lies within half a printed unit,
    both edges included, because how a paper rounded an exact half (up, down, to even) is
    not known; `Verdict.halfway` marks a match on an edge (3a: 159.5 Ki printed as 159K,
    a truncation under round half up). Past the upper edge, below one more unit, the print
    only truncated. Both sides are multiplied by 10^decimals so a table of 100,000 rows
    and four readings never builds a Fraction.
    """
    step = claimed.scale(binary if claimed.binary is None else claimed.binary)
    value = claimed.mantissa * step
    scaled = computed * 10**claimed.decimals
    if abs(scaled - value) * 2 <= step:
        return MATCH
    if value <= scaled < value + step:
        return TRUNCATED
    return MISMATCH


def _readings(column: str, setting_unit: str, setting_counts: str) -> list[Reading]:
    if column == "params":
        counts = {"without": ["weights only"], "with": ["weights + biases"]}.get(
            setting_counts, ["weights only", "weights + biases"]
        )
    else:
        counts = {
            "multiply-adds": ["multiply-adds"],
            "flops": ["FLOPs"],
            "connections": ["connections"],
        }.get(setting_counts, ["multiply-adds", "FLOPs"])
    bases = {"decimal": [False], "binary": [True]}.get(setting_unit, [False, True])
    return [Reading(column, b, c) for c in counts for b in bases]


def _fit(column: str, allowed: list[Reading], blocks, batch: int) -> tuple[ReadingFit, ...]:
    every = _readings(column, "auto", "auto")
    every += [r for r in allowed if r not in every]  # connections: only where the spec says
    claimed = [(b, getattr(b.block.row, column)) for b in blocks if getattr(b.block.row, column)]
    scored = []
    for reading in every:
        statuses = [_status(reading.computed(b, batch), q, reading.binary) for b, q in claimed]
        scored.append((reading, statuses.count(MATCH), statuses.count(TRUNCATED)))
    candidates = [s for s in scored if s[0] in allowed]
    # Most exact matches, then most truncated ones; ties keep the first (decimal, no biases).
    best = max(candidates, key=lambda s: (s[1], s[2]))[0]
    return tuple(ReadingFit(r, m, t, len(claimed), r == best) for r, m, t in scored)


def _row_audit(block: cost.BlockCost, params: Reading, ops: Reading, batch: int) -> RowAudit:
    row = block.block.row
    out = depth = pv = ov = None
    if row.output is not None:
        printed = len(row.output)  # HxW where the table prints the channels elsewhere
        got, want = format_shape(block.block.out_shape[:printed]), format_shape(row.output)
        out = ExactVerdict(MATCH if got == want else MISMATCH, got, want)
    if row.depth is not None:
        depth = ExactVerdict(
            MATCH if block.depth == row.depth else MISMATCH, str(block.depth), str(row.depth)
        )
    if row.params:
        pv = judge(params.computed(block, batch), row.params, params.binary)
    if row.ops:
        ov = judge(ops.computed(block, batch), row.ops, ops.binary)
    return RowAudit(
        block.name,
        row.loc,
        out,
        depth,
        pv,
        ov,
        _note(block, pv, ov, ops),
        _elsewhere(block, pv, batch),
        _elsewhere(block, ov, batch),
        _input(block),
    )


def _blame_strides(rows: tuple[RowAudit, ...], blocks) -> tuple[RowAudit, ...]:
    """A printed input size that the row above does not produce is a finding on the row
    above too, with the stride that would produce it (MobileNet's printed s2 at 7x7)."""
    out = list(rows)
    for i in range(1, len(rows)):
        verdict, before = rows[i].input, blocks[i - 1]
        if verdict is None or verdict.status == MATCH:
            continue
        strided = [c.op for c in before.ops if getattr(c.op, "stride", 1) > 1]
        claimed = blocks[i].block.row.in_size
        if len(strided) != 1 or claimed is None:
            continue
        op, s = strided[0], strided[0].stride
        h, w, _ = op.in_shapes[0]
        (kh, kw), (ph, pw) = op.kernel, op.padding
        at_one = (out_size(h, kh, 1, ph, False), out_size(w, kw, 1, pw, False))
        if at_one == claimed[:2] and at_one != before.block.out_shape[:2]:
            note = (
                f"the next row's printed input size {verdict.claimed} fits stride 1 here,"
                f" not {s}: read this row at stride 1"
            )
            prev = out[i - 1]
            out[i - 1] = replace(prev, note=f"{prev.note}; {note}" if prev.note else note)
    return tuple(out)


def _input(block: cost.BlockCost) -> ExactVerdict | None:
    """A printed input size against the size the row really reads; a global pool's printed
    window (ShuffleNet V2's `GlobalPool | 7×7`, DenseNet's `7 × 7 global average pool`) is
    the map it averages, so it is held as the row's input height and width."""
    row = block.block.row
    claimed = row.in_size or row.window
    if claimed is None:
        return None
    got = format_shape(block.ops[0].op.in_shapes[0][: len(claimed)])  # HxW: no channels
    want = format_shape(claimed)
    return ExactVerdict(MATCH if got == want else MISMATCH, got, want)


def _elsewhere(block: cost.BlockCost, verdict: Verdict | None, batch: int) -> tuple[Reading, ...]:
    """For a claim that misses under the chosen reading: the readings under which it matches."""
    if verdict is None or verdict.status == MATCH:
        return ()
    column = "params" if verdict.claimed is block.block.row.params else "ops"
    return tuple(
        r
        for r in _readings(column, "auto", "auto")
        if _status(r.computed(block, batch), verdict.claimed, r.binary) == MATCH
    )


def _interval(v: Verdict) -> tuple[Fraction, Fraction]:
    half = v.claimed_value / v.claimed.mantissa / 2  # half a printed unit
    return v.claimed_value - half, v.claimed_value + half


def _note(block: cost.BlockCost, pv: Verdict | None, ov: Verdict | None, ops: Reading) -> str:
    """Do the row's params and ops claims agree with each other (ops = params x positions)?"""
    if not (pv and ov) or MISMATCH not in (pv.status, ov.status):
        return ""
    spatial = {c.op.out_shape[:2] for c in block.ops if c.macs}
    if len(spatial) != 1:
        return ""
    h, w = spatial.pop()
    factor = h * w * (2 if ops.counts == "FLOPs" else 1)
    lo, hi = _interval(pv)
    olo, ohi = _interval(ov)
    implied = pv.claimed_value * factor
    agree = lo * factor <= ohi and olo <= hi * factor
    where = f"{pv.claimed} x {h}x{w} positions = {_mega(implied)}"
    if pv.status == ov.status == MISMATCH:
        if agree:
            return (
                f"the two claims agree with each other ({where}, claimed {ov.claimed});"
                " the disagreement is with the row's own columns"
            )
        return f"the two claims disagree with each other too ({where}, claimed {ov.claimed})"
    if pv.status == MISMATCH:
        if agree:
            return (
                f"the ops claim follows from the row's columns; the params claim fits the ops"
                f" claim ({where}, claimed {ov.claimed}) but not the columns"
            )
        return (
            f"the ops claim follows from the row's columns; the params claim follows from"
            f" neither them nor the ops claim ({where}, not {ov.claimed})"
        )
    if agree:
        return (
            f"the params claim follows from the row's columns; the ops claim fits the params"
            f" claim ({where}, claimed {ov.claimed}) but not the columns"
        )
    return (
        f"the params claim follows from the row's columns; the ops claim follows from"
        f" neither them nor the params claim ({where}, not {ov.claimed})"
    )


def _mega(value: Fraction) -> str:
    return f"{float(value) / 1e6:,.1f}M"


def fits(spec: Spec, analysis: cost.Analysis) -> tuple[tuple[ReadingFit, ...], ...]:
    """How each reading of the claimed params and ops columns fits `analysis` (one network
    as the spec tables it): (params fits, ops fits), one of each chosen."""
    r = spec.reading
    blocks, batch = analysis.blocks, analysis.batch
    return (
        _fit("params", _readings("params", r.params_unit, r.params_bias), blocks, batch),
        _fit("ops", _readings("ops", r.ops_unit, r.ops), blocks, batch),
    )


def chosen(spec: Spec, analysis: cost.Analysis) -> tuple[Reading | None, Reading | None]:
    """The chosen reading of the claimed params and ops columns; None where the table
    claims nothing in that column."""
    return tuple(
        next(f for f in fs if f.chosen).reading if fs[0].rows else None
        for fs in fits(spec, analysis)
    )


@dataclass(frozen=True, slots=True)
class Built:
    """The networks the variants and paper-level claims are judged against, each built
    and costed once by the caller (report.make_report): the reading analysed, at
    inference; the table as printed, where a variant is analysed; each variant; and the
    bundled networks a claim compares this one with."""

    inference: cost.Analysis  # the reading analysed: inference rows, one image
    tabled: cost.Analysis | None  # where a variant is analysed (None: it does not build)
    unbuilt: str  # why the table as printed does not build where the variant does
    variants: dict[str, cost.Analysis]  # each variant that builds, by name
    broken: dict[str, InputError]  # each variant that does not build, and why
    kept: dict[str, cost.Analysis]  # a variant of a training-only row, built with it
    others: dict[str, cost.Totals]  # a bundled network a claim names (`against`)


def audit(
    spec: Spec,
    analysis: cost.Analysis,
    *,
    variant: str = "",
    tabled: cost.Analysis | None = None,
    built: Built | None = None,
) -> Audit:
    """Verdicts for every claim of `spec`, against `analysis` and the spec's variants.

    `analysis` is the network read as `variant` (as tabled when empty). What the claimed
    columns mean is a property of the paper's print, so the readings are fitted on
    `tabled`: the spec as written (its own input size, no variant), default `analysis`.
    The variants and the paper-level claims are judged against `built`; without it the
    rows alone are judged (the Audit's variants and claims are None). The audit builds
    nothing: it reads what it is given.
    """
    batch = analysis.batch
    blocks = analysis.blocks
    params_fits, ops_fits = fits(spec, tabled or analysis)
    params_reading = next(f.reading for f in params_fits if f.chosen)
    ops_reading = next(f.reading for f in ops_fits if f.chosen)
    rows = _blame_strides(
        tuple(_row_audit(b, params_reading, ops_reading, batch) for b in blocks), blocks
    )
    chosen = (params_reading, ops_reading)
    marks = tuple(n for n in spec.notes if n.kind == "unexplained")
    if built is None:
        return Audit(rows, params_fits, ops_fits, *chosen, None, None, unexplained=marks)
    plain = built.tabled if variant else built.inference
    # The reading analysed comes first, under its own name; "as tabled" is the spec's own.
    readings: list[tuple[str, cost.Totals]] = [(variant or "as tabled", built.inference.totals)]
    if variant and plain is not None:
        readings.append(("as tabled", plain.totals))
    base = {r.name: r for r in rows} if plain is analysis else None
    variants, broken = [], []
    for v in spec.variants:
        if v.name in built.broken:
            exc = built.broken[v.name]
            why = exc.message.removeprefix(f"variant {v.name!r}: ")
            broken.append((v, f"{why}; expected {exc.expected}" if exc.expected else why))
            continue
        va = built.variants[v.name]
        changed: tuple = ()
        if (v.conventions or v.input_shape or v.columns) and plain is not None:
            if base is None:
                base = {b.name: _row_audit(b, *chosen, 1) for b in plain.blocks}
            changed = _changed(va, base, chosen)
        variants.append(VariantAudit(v, _swapped_row(v, va, built, chosen), va.totals, changed))
        if v.name != variant:
            readings.append((v.name, va.totals))
    # a variant with claims of its own is another network of the paper (MobileNetV2 (1.4)):
    # the other claims are not judged on it
    own = {c.reading for c in spec.claims if c.reading} - {"as tabled"}
    broken_why = {v.name: why for v, why in broken}
    broken_why |= {"as tabled": built.unbuilt} if built.unbuilt else {}
    mine = dict(readings)  # a claim may compare two readings of this spec (SENet's +0.26%)
    claims = tuple(
        ClaimAudit(
            c,
            _checks(c, readings, mine.get(c.against, built.others.get(c.against)), own, broken_why),
            tuple(n for n, _ in readings if n in own) if not c.reading else (),
        )
        for c in spec.claims
    )
    return Audit(
        rows, params_fits, ops_fits, *chosen, tuple(variants), claims, tuple(broken), marks
    )


def _swapped_row(v: Variant, va: cost.Analysis, built: Built, chosen) -> RowAudit | None:
    """The row a variant of cells swaps, as that variant builds it (with the
    training-only rows where it is one of them)."""
    if not v.cells:
        return None
    found = built.kept.get(v.name, va)
    block = next(b for b in found.blocks if b.name == v.row)
    return _row_audit(block, *chosen, 1)


def _changed(va: cost.Analysis, base: dict[str, RowAudit], chosen) -> tuple:
    """(as tabled, as the variant reads) for each row whose verdicts the variant changes."""
    changed = []
    for b in va.blocks:
        mine = _row_audit(b, *chosen, 1)
        before = base.get(b.name)
        if before and _statuses(before) != _statuses(mine):
            changed.append((before, mine))
    return tuple(changed)


def _checks(claim, readings, other, own: set[str], broken: dict[str, str]) -> tuple:
    """A claim under every reading but the variants that have claims of their own; a claim
    about one reading (the table as tabled, or a variant: a width) under that one only."""
    if not claim.reading:
        checks = [_check(claim, n, t, other) for n, t in readings if n not in own]
        if "as tabled" in broken:  # the table as printed does not build here
            checks.append(
                ClaimCheck("as tabled", None, UNCHECKED, f"not built: {broken['as tabled']}")
            )
        return tuple(checks)
    mine = [_check(claim, n, t, other) for n, t in readings if n == claim.reading]
    why = broken.get(claim.reading, "")
    return tuple(mine) or (ClaimCheck(claim.reading, None, UNCHECKED, f"not built: {why}"),)


def _statuses(r: RowAudit) -> tuple:
    return tuple(v.status if v else None for v in (r.input, r.output, r.depth, r.params, r.ops))


def _quantity(totals: cost.Totals, quantity: str) -> int:
    """A network's total of a claim's quantity: FLOPs are 2 x MACs, weights the layers'
    alone (no biases nor normalisation parameters), the rest its totals' own."""
    if quantity == "flops":
        return 2 * totals.macs
    return totals.layer_weights if quantity == "weights" else getattr(totals, quantity)


def _check(claim, reading: str, totals: cost.Totals, other: cost.Totals | None) -> ClaimCheck:
    """`other` is the `against` network's totals, None when it is not bundled."""
    q = claim.value
    value = Fraction(q.mantissa * q.scale(bool(q.binary)), 10**q.decimals)
    if claim.against and other is None:
        return ClaimCheck(
            reading, None, UNCHECKED, f"needs the {claim.against} spec, which is not bundled"
        )
    note = ""
    divisor = {
        "params_ratio": totals.params,
        "depth_ratio": other and other.depth,
        "macs_ratio": other and other.macs,
    }
    if claim.quantity in divisor and not divisor[claim.quantity]:
        whose = "this network" if claim.quantity == "params_ratio" else claim.against
        what = {"params_ratio": "parameters", "depth_ratio": "layers with weights"}.get(
            claim.quantity, "multiply-adds"
        )
        return ClaimCheck(reading, None, UNCHECKED, f"{whose} has no {what}: no ratio to check")
    if claim.quantity == "macs_ratio":
        computed = Fraction(totals.macs, other.macs)
        note = f"{totals.macs:,} / {other.macs:,} MACs ({claim.against})"
    elif claim.quantity == "params_ratio":
        computed = Fraction(other.params, totals.params)
        note = (
            f"{other.params:,} / {totals.params:,} parameters"
            " (both with biases as the specs count them)"
        )
    elif claim.quantity == "depth_ratio":
        computed = Fraction(totals.depth, other.depth)
        note = f"{totals.depth} / {other.depth} layers with weights ({claim.against})"
    else:
        if other is not None:  # a claim this paper makes about another network
            totals = other
            note = f"{claim.against}: "
        computed = Fraction(_quantity(totals, claim.quantity))
    if claim.relation == "equal":
        if computed.denominator == 1:  # rounds to the claim, or only truncates to it
            status = _status(computed.numerator, q, bool(q.binary))
        else:
            step = Fraction(q.scale(bool(q.binary)), 10**q.decimals)
            status = MATCH if abs(computed - value) * 2 <= step else MISMATCH
    else:
        ok = computed <= value if claim.relation == "at most" else computed >= value
        over = Status.OVER if claim.relation == "at most" else Status.UNDER
        status = Status.WITHIN if ok else over
    if note.endswith(": ") or (not note and computed != value):
        note += f"{float((computed - value) * 100 / value):+.1f}% against the claim"
    return ClaimCheck(reading, computed, status, note)
