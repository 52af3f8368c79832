"""The 1x1 bottleneck, worked: the study notes' examples, and any setting by hand.

Two ways to produce the same output are built as ops and costed by `cost.op_cost` (the
cost model `table` uses; no second formula): a convolution straight on the input against
a 1x1 reduction first, a dense layer against global average pooling, one large kernel
against a stack of 3x3s. The notes' claims are data (examples/bottleneck.toml) judged
like a paper's table. A network's modules against their naive twins are naive.py's.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from inception_cost import cost, receptive
from inception_cost.audit import MATCH, MISMATCH, TRUNCATED, Verdict, judge
from inception_cost.cells import Quantity, Shape, format_shape, parse_quantity, parse_shape
from inception_cost.conventions import parse_padding
from inception_cost.errors import InputError
from inception_cost.ops import Conv2d, Linear, Pool2d, pad_amount, window

EXAMPLES = Path(__file__).parent / "examples" / "bottleneck.toml"


@dataclass(frozen=True, slots=True)
class Way:
    """One way to compute the output: its layers, costed, and their sums."""

    label: str
    layers: tuple[cost.OpCost, ...]

    @property
    def weights(self) -> int:
        return sum(c.weights for c in self.layers)

    @property
    def biases(self) -> int:
        return sum(c.biases for c in self.layers)

    @property
    def params(self) -> int:
        return self.weights + self.biases

    @property
    def macs(self) -> int:
        return sum(c.macs for c in self.layers)

    @property
    def other(self) -> int:
        """Its other ops (compares, adds, divides: a pool's averaging)."""
        return sum(c.other.total for c in self.layers)

    @property
    def out_shape(self) -> Shape:
        return self.layers[-1].op.out_shape


@dataclass(frozen=True, slots=True)
class Check:
    """A claim of the notes against the computed quantity it names."""

    quantity: str
    text: str  # the notes' words
    computed: str
    claimed: str
    status: str  # match | truncated | mismatch
    note: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """One setting computed both ways, with the quantities claims may name."""

    reading: str  # what this reading of the setting assumes
    setting: str  # the setting in one line
    baseline: Way  # direct / fully connected / one large kernel
    alternative: Way  # reduced / global average pooling / stacked small kernels
    quantities: tuple[tuple[str, int | str], ...]
    checks: tuple[Check, ...] = ()
    findings: tuple[str, ...] = ()

    @property
    def macs_ratio(self) -> Fraction | None:
        """Baseline MACs per alternative MAC (the saving factor); None if it has none."""
        return (
            Fraction(self.baseline.macs, self.alternative.macs) if self.alternative.macs else None
        )

    @property
    def params_ratio(self) -> Fraction | None:
        return (
            Fraction(self.baseline.params, self.alternative.params)
            if self.alternative.params
            else None
        )

    def quantity(self, name: str) -> int | str:
        return dict(self.quantities)[name]


@dataclass(frozen=True, slots=True)
class Example:
    """A worked example of the notes: its words, and the setting under each reading."""

    id: str
    title: str
    source: str
    quote: str
    lesson: str
    readings: tuple[Comparison, ...]  # the first is the one the notes' arithmetic uses
    quote_en: str = ""  # an English rendering, where the notes wrote in Korean


# -- the comparisons --------------------------------------------------------------


def _conv(
    name: str, in_shape: Shape, out_c: int, k: int, stride: int, pad: int, groups: int = 1
) -> Conv2d:
    h, w, _ = in_shape
    try:
        ho, wo = window(h, w, (k, k), stride, pad, False)
    except InputError as exc:
        exc.message = f"{name} convolution: {exc.message}"
        raise
    return Conv2d(
        name, ("input",), (in_shape,), (ho, wo, out_c), (k, k), stride, (pad, pad), groups, False
    )


def _way(label: str, *ops) -> Way:
    return Way(label, tuple(cost.op_cost(op) for op in ops))


def reduction(
    in_shape: Shape, kernel: int, out: int, reduce_to: int, stride: int = 1, padding="same"
) -> Comparison:
    """A kxk convolution on the input against a 1x1 to `reduce_to` maps, then the kxk.

    Weights only (the notes count no biases). `padding` is same | valid | N for the kxk.
    """
    _positive(kernel=kernel, out=out, reduce=reduce_to, stride=stride)
    pad = pad_amount(padding, kernel)
    direct = _conv(f"{kernel}x{kernel}", in_shape, out, kernel, stride, pad)
    squeeze = _conv("1x1 reduce", in_shape, reduce_to, 1, 1, 0)
    conv = _conv(f"{kernel}x{kernel}", squeeze.out_shape, out, kernel, stride, pad)
    reduced = _way(f"1x1 to {reduce_to}, then {kernel}x{kernel}", squeeze, conv)
    baseline = _way(f"{kernel}x{kernel} on the input", direct)
    findings = []
    if reduce_to >= in_shape[2]:
        findings.append(
            f"the 1x1 layer expands {in_shape[2]} channels to {reduce_to}; it does not reduce"
        )
    return Comparison(
        reading=f"padding {pad}" if padding not in ("same", "valid") else f"{padding} padding",
        setting=(
            f"{format_shape(in_shape)} -> {out} maps, {kernel}x{kernel}/{stride}, padding {pad};"
            f" reduction to {reduce_to}"
        ),
        baseline=baseline,
        alternative=reduced,
        quantities=(
            ("output", format_shape(direct.out_shape)),
            ("direct_macs", baseline.macs),
            ("direct_weights", baseline.weights),
            ("reduce_term_macs", reduced.layers[0].macs),
            ("conv_term_macs", reduced.layers[1].macs),
            ("reduced_macs", reduced.macs),
            ("reduced_weights", reduced.weights),
        ),
        findings=tuple(findings),
    )


def custom(
    in_shape: Shape, kernel: int, out: int, reduce_to: int, stride: int = 1, padding="same"
) -> Example:
    """A setting given on the command line, as an example without claims."""
    r = reduction(in_shape, kernel, out, reduce_to, stride, padding)
    title = (
        f"{kernel}x{kernel} convolution on {format_shape(in_shape)} to {out} maps,"
        f" with and without {reduce_to} 1x1 filters first"
    )
    return Example("custom", title, "command line", "", "", (r,))


def pooling(in_shape: Shape, out: int) -> Comparison:
    """A dense layer from the whole HxWxC map to `out` units against averaging each map."""
    _positive(out=out)
    h, w, c = in_shape
    fc = Linear("fully connected", ("input",), (in_shape,), (1, 1, out), False)
    pool = Pool2d("global average pool", ("input",), (in_shape,), (1, 1, c), "avg", (h, w), 1)
    baseline, alternative = _way("fully connected", fc), _way("global average pooling", pool)
    return Comparison(
        reading="weights only",
        setting=f"{format_shape(in_shape)} -> {out} units",
        baseline=baseline,
        alternative=alternative,
        quantities=(
            ("fc_weights", baseline.weights),
            ("fc_macs", baseline.macs),
            ("gap_weights", alternative.weights),
            ("gap_other_ops", alternative.layers[0].other.total),
        ),
    )


def stacking(in_shape: Shape, kernel: int, small: int = 3, count: int = 0) -> Comparison:
    """One kxk convolution against `count` stacked small ones covering the same window."""
    _positive(kernel=kernel, small=small)
    if small < 2:
        raise InputError(f"small kernel {small} grows no window", "a small kernel of 2 or more")
    count = count or -(-(kernel - 1) // (small - 1))
    c = in_shape[2]
    large = _conv(f"{kernel}x{kernel}", in_shape, c, kernel, 1, pad_amount("same", kernel))
    layers, shape = [], in_shape
    for i in range(count):
        layers.append(_conv(f"{small}x{small} ({i + 1})", shape, c, small, 1, (small - 1) // 2))
        shape = layers[-1].out_shape
    baseline = _way(f"one {kernel}x{kernel}", large)
    alternative = _way(f"{count} x {small}x{small}", *layers)
    field = receptive.chain(layers).size[0]  # 1 + count x (small - 1)
    findings = []
    if field != kernel:
        findings.append(
            f"{count} stacked {small}x{small} see {field}x{field}, not {kernel}x{kernel}"
        )
    return Comparison(
        reading="size-preserving padding",
        setting=f"{format_shape(in_shape)}, C = {c} in and out",
        baseline=baseline,
        alternative=alternative,
        quantities=(
            ("large_weights_per_pair", kernel * kernel),
            ("stack_weights_per_pair", count * small * small),
            ("stack_receptive_field", field),
            ("large_weights", baseline.weights),
            ("stack_weights", alternative.weights),
            ("large_macs", baseline.macs),
            ("stack_macs", alternative.macs),
        ),
        findings=tuple(findings),
    )


def inverted(in_shape: Shape, out: int, expansion: int, stride: int = 1) -> Comparison:
    """MobileNetV2's inverted residual (1x1 expand by t, 3x3 depthwise, linear 1x1
    projection) against a plain 3x3 convolution of the same input and output widths."""
    _positive(out=out, expansion=expansion, stride=stride)
    c = in_shape[2]
    plain = _conv("3x3", in_shape, out, 3, stride, 1)
    expand = _conv(f"1x1 expand to {c * expansion}", in_shape, c * expansion, 1, 1, 0)
    dw = _conv("3x3 depthwise", expand.out_shape, c * expansion, 3, stride, 1, c * expansion)
    project = _conv(f"1x1 project to {out}", dw.out_shape, out, 1, 1, 0)
    block = _way(f"expand x{expansion}, depthwise, project", expand, dw, project)
    baseline = _way("a plain 3x3", plain)
    return Comparison(
        reading="weights only, no batch norm",
        setting=f"{format_shape(in_shape)} -> {out} maps, stride {stride}, expansion {expansion}",
        baseline=baseline,
        alternative=block,
        quantities=(
            ("output", format_shape(plain.out_shape)),
            ("plain_macs", baseline.macs),
            ("plain_weights", baseline.weights),
            ("expand_macs", block.layers[0].macs),
            ("depthwise_macs", block.layers[1].macs),
            ("project_macs", block.layers[2].macs),
            ("inverted_macs", block.macs),
            ("inverted_weights", block.weights),
        ),
    )


def residual_blocks(in_shape: Shape, width: int) -> Comparison:
    """ResNet's basic block (two 3x3s of `width`, on `width` channels) against its
    bottleneck (1x1 to `width`, 3x3, 1x1 to 4 x `width`, on 4 x `width` channels): Figure 5's
    pair, which the paper says have similar time complexity."""
    _positive(width=width)
    h, w, _ = in_shape
    narrow, wide = (h, w, width), (h, w, 4 * width)
    first = _conv(f"3x3, {width} (1)", narrow, width, 3, 1, 1)
    basic = _way(
        "basic: [3x3; 3x3]", first, _conv(f"3x3, {width} (2)", first.out_shape, width, 3, 1, 1)
    )
    reduce = _conv(f"1x1, {width}", wide, width, 1, 1, 0)
    middle = _conv(f"3x3, {width}", reduce.out_shape, width, 3, 1, 1)
    restore = _conv(f"1x1, {4 * width}", middle.out_shape, 4 * width, 1, 1, 0)
    bottle = _way("bottleneck: [1x1; 3x3; 1x1]", reduce, middle, restore)
    return Comparison(
        reading="weights only, no batch norm, identity shortcuts",
        setting=(
            f"basic on {format_shape(narrow)}, bottleneck on {format_shape(wide)}; width {width}"
        ),
        baseline=basic,
        alternative=bottle,
        quantities=(
            ("basic_macs", basic.macs),
            ("basic_weights", basic.weights),
            ("bottleneck_macs", bottle.macs),
            ("bottleneck_weights", bottle.weights),
        ),
    )


def _positive(**values: int) -> None:
    for name, value in values.items():
        if value <= 0:
            raise InputError(f"--{name} must be positive, got {value}", f"a {name} of 1 or more")


# -- the notes' examples -------------------------------------------------------------


def examples(path: Path = EXAMPLES) -> tuple[Example, ...]:
    """The worked examples in `path`, each computed under every reading and judged."""
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(
            f"cannot read the examples: {exc}", "a TOML examples file", where
        ) from None
    return tuple(_example(e, where) for e in data.get("examples", []))


def _example(entry: dict, where: str) -> Example:
    try:
        settings = [entry, *({**entry, **r} for r in entry.get("readings", []))]
        readings = [_setting(s) for s in settings]
        claims = [(c, _claimed(c)) for c in entry.get("claims", [])]
        judged = tuple(
            dataclasses.replace(
                r,
                reading=s.get("reading", r.reading),
                checks=tuple(_check(r, c, q, claims) for c, q in claims),
                findings=r.findings + _size_note(s, i),
            )
            for i, (s, r) in enumerate(zip(settings, readings, strict=True))
        )
        return Example(
            entry["id"],
            entry["title"],
            entry["source"],
            entry["quote"],
            entry.get("lesson", ""),
            _contradictions(judged),
            entry.get("quote_en", ""),
        )
    except KeyError as exc:
        raise InputError(
            f"an example lacks {exc}", "id, title, source, quote, kind", where
        ) from None


def _setting(s: dict) -> Comparison:
    shape = parse_shape(s["input"])
    if s["kind"] == "reduce":
        padding = parse_padding(s.get("padding", "same"))
        return reduction(shape, s["kernel"], s["out"], s["reduce"], s.get("stride", 1), padding)
    if s["kind"] == "gap":
        return pooling(shape, s["out"])
    if s["kind"] == "stack":
        return stacking(shape, s["kernel"], s.get("small", 3), s.get("count", 0))
    if s["kind"] == "inverted":
        return inverted(shape, s["out"], s["expansion"], s.get("stride", 1))
    if s["kind"] == "blocks":
        return residual_blocks(shape, s["width"])
    raise InputError(
        f"unknown example kind {s['kind']!r}", "reduce, gap, stack, inverted or blocks"
    )


def _size_note(s: dict, index: int) -> tuple[str, ...]:
    return (s["size_note"],) if "size_note" in s and index == 0 else ()


def _claimed(claim: dict) -> Quantity | str:
    text = str(claim["value"]).strip()
    if claim["quantity"] == "output":
        return format_shape(parse_shape(text))
    if text == "0":
        return Quantity("0", 0, 0, "")
    return parse_quantity(text, claim["quantity"])


def _check(r: Comparison, claim: dict, claimed, claims: list) -> Check:
    name = claim["quantity"]
    if name not in dict(r.quantities):
        known = ", ".join(n for n, _ in r.quantities)
        raise InputError(f"a claim names {name!r}", f"one of {known}")
    computed = r.quantity(name)
    if isinstance(claimed, str):
        status = MATCH if computed == claimed else MISMATCH
        return Check(name, claim["text"], computed, claimed, status, "")
    verdict = judge(computed, claimed, binary=False)
    note = _explain(verdict, claim, claims)
    return Check(name, claim["text"], f"{computed:,}", claimed.text, verdict.status, note)


def _explain(v: Verdict, claim: dict, claims: list) -> str:
    """Why a claim misses: its own product worked out, or the claimed terms it adds up."""
    parts = []
    if v.status == TRUNCATED:
        parts.append(f"{v.computed:,} rounds to {_rounded(v)}; {v.claimed} truncates it")
    if "expression" in claim:
        value = math.prod(int(f) for f in claim["expression"].split("*"))
        shown = claim["expression"].replace("*", " x ")
        same = "the computed value" if value == v.computed else f"not the computed {v.computed:,}"
        if v.status == MISMATCH or value != v.computed:
            parts.append(f"the notes' own product {shown} is {value:,} ({same})")
    if "terms" in claim and v.status == MISMATCH:
        given = {c["quantity"]: q for c, q in claims}
        terms = [given[t] for t in claim["terms"] if t in given]
        total = sum(q.mantissa * q.scale(False) // 10**q.decimals for q in terms)
        if total == v.claimed_value:
            shown = " + ".join(q.text for q in terms)
            parts.append(f"it is the sum of the claimed terms {shown}: the error is in a term")
    return "; ".join(parts)


def _rounded(v: Verdict) -> str:
    """The computed value printed with the claim's own prefix and precision, rounded."""
    step = Fraction(v.claimed.scale(False), 10**v.claimed.decimals)
    mantissa = round(Fraction(v.computed) / step)
    text = str(mantissa).rjust(v.claimed.decimals + 1, "0")
    if v.claimed.decimals:
        text = f"{text[: -v.claimed.decimals]}.{text[-v.claimed.decimals :]}"
    return text + v.claimed.prefix


def _contradictions(readings: tuple[Comparison, ...]) -> tuple[Comparison, ...]:
    """Say where a stated reading does not give the output the notes' arithmetic uses."""
    first, out = readings[0], [readings[0]]
    for r in readings[1:]:
        found = [
            f"read this way the output is {c.computed}, not the {c.claimed} the notes write"
            f" and compute with: their arithmetic follows the first reading ({first.reading})"
            for c in r.checks
            if c.quantity == "output" and c.status == MISMATCH
        ]
        out.append(dataclasses.replace(r, findings=r.findings + tuple(found)))
    return tuple(out)
