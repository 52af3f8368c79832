"""One network across input sizes: its final feature map, params, MACs and activations.

Each size builds the spec again with `builder.build` and costs it with `cost.analyse`
(no second formula), so what changes is exactly what the layer table implies: maps
scale, convolution MACs with the area, and params only where a linear layer reads a
flattened map (global pooling keeps them fixed). A row that cannot be built at a size
is named with the reason. The smallest square input the network accepts is searched
with bisection up to a cap.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from fractions import Fraction

from inception_cost import budget, cost, progress
from inception_cost.budget import OverBudget
from inception_cost.builder import build
from inception_cost.cells import Shape, check_digits
from inception_cost.errors import InputError, Location
from inception_cost.network import Network
from inception_cost.spec.records import Spec
from inception_cost.spec.variants import with_overrides

MAX_SIDE = 16384
MAX_SIZES = 256
GLOBAL = "global avg pool"


@dataclass(frozen=True, slots=True)
class Failure:
    """The first row that cannot be built at a size, why, and the rows after it (which
    are not built either)."""

    row: str
    reason: str
    later: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Point:
    """The network at one input size; `totals` is None when some row cannot be built."""

    input: Shape
    variant: str
    final: Shape | None  # the final feature map (the last convolution row's output)
    floor_final: Shape | None  # the same with floor rounding, when the spec rounds up
    totals: cost.Totals | None
    activation_bytes: int | None
    linear_params: tuple[tuple[str, int], ...]  # each linear layer's params
    failure: Failure | None
    flattened: tuple[str, ...] = ()  # linear layers reading a map larger than 1x1


@dataclass(frozen=True, slots=True)
class Sweep:
    model: str
    spec_input: Shape
    final_row: str
    rounding: str
    dtype: str
    global_pool: tuple[str, ...]  # rows read as global pooling (--global-pool)
    whole_map: tuple[str, ...]  # pooling rows that average the whole map at every size
    fixed_windows: tuple[str, ...]  # average pools over the whole map only at the own size
    own: cost.Totals  # at the spec's own input size
    points: tuple[Point, ...]
    smallest: int | None  # smallest square side that builds, None if none up to `cap`
    cap: int
    growing: tuple[str, ...]  # linear rows whose params change with the input

    @property
    def params_fixed(self) -> bool:
        return not self.growing

    def macs_ratio(self, point: Point) -> Fraction | None:
        """MACs at `point` per MAC at the spec's own input size."""
        return Fraction(point.totals.macs, self.own.macs) if point.totals else None

    def area_ratio(self, point: Point) -> Fraction:
        h, w, _ = self.spec_input
        return Fraction(point.input[0] * point.input[1], h * w)


def parse_sizes(text: str) -> tuple[int, ...]:
    """`112,224` or `112..672/112` (first..last/step, inclusive) or both, comma-separated."""
    sizes: list[int] = []
    expected = "sides such as 224, 112,224,448 or 112..672/112 (first..last/step)"
    check_digits(text, "input sizes")  # the digits 0-9, at most 18 each, as every number
    for item in text.split(","):
        item = item.strip()
        m = re.fullmatch(r"([0-9]+)\.\.([0-9]+)/([0-9]+)", item)
        if m:
            first, last, step = map(int, m.groups())
            if step == 0 or last < first:
                raise InputError(f"bad size range {item!r}", expected)
            if (last - first) // step + 1 > MAX_SIZES:
                raise InputError(f"size range {item!r} has more than {MAX_SIZES} sizes", expected)
            sizes.extend(range(first, last + 1, step))
        elif re.fullmatch("[0-9]+", item):
            sizes.append(int(item))
        else:
            raise InputError(f"cannot read input sizes {item!r}", expected)
    if len(sizes) > MAX_SIZES:
        raise InputError(f"more than {MAX_SIZES} sizes", expected)
    for side in sizes:
        if not 1 <= side <= MAX_SIDE:
            raise InputError(f"input side {side} is out of range", f"a side from 1 to {MAX_SIDE}")
    return tuple(dict.fromkeys(sizes))


def at_input(spec: Spec, shape: Shape, variant: str = "") -> Spec:
    """The spec read at another input size (the variant's own input size set aside); the
    builder keeps the strides the table's printed sizes give at its own size."""
    return dataclasses.replace(
        spec,
        input_shape=shape,
        tabled_input=spec.tabled_input or spec.input_shape,
        variants=tuple(
            dataclasses.replace(v, input_shape=None) if v.name == variant else v
            for v in spec.variants
        ),
    )


def sweep(
    spec: Spec,
    sides: tuple[int, ...] = (),
    *,
    variant: str = "",
    global_pool: bool = False,
    dtype: str = "float32",
) -> Sweep:
    """The network at each square side in `sides` (default: its own side x 1/2 .. 3), with
    its variants that set their own input size, and the smallest side it accepts."""
    own = build(spec, variant=variant)
    converted, candidates = _read_global(spec, own)
    pooled: tuple[str, ...] = ()
    if global_pool:
        spec, pooled, candidates = converted, candidates, ()
        own = build(spec, variant=variant)
    final_row = next(
        (b.name for b in reversed(own.blocks) if any(o.kind == "conv" for o in b.ops)),
        own.blocks[-1].name,
    )
    rounding = own.conventions.pool_rounding
    floor = _floor(spec) if rounding == "ceil" else None
    side, _, channels = own.input_shape
    sides = sides or tuple(dict.fromkeys(k * side // 2 for k in range(1, 7)))
    _afford(own, sides, len([v for v in spec.variants if v.input_shape and not variant]), floor)
    at = _Builder(spec, floor, final_row, dtype)
    points = []
    with progress.task(f"sweeping {spec.name}", len(sides)) as step:
        for s in sides:
            points.append(at.point((s, s, channels), variant))
            step()
    if not variant:
        points += [at.point(v.input_shape, v.name) for v in spec.variants if v.input_shape]
    points.sort(key=lambda p: (p.input[0], p.variant))
    cap = max(side, *sides)
    built = [p for p in points if p.totals is not None]
    return Sweep(
        spec.name,
        own.input_shape,
        final_row,
        rounding,
        dtype,
        pooled,
        tuple(op.name for op in own.ops() if op.kind == "pool" and op.whole),
        candidates,
        cost.analyse(own, dtype=dtype).totals,
        tuple(points),
        at.smallest(channels, variant, cap),
        cap,
        _growing(built),
    )


def _afford(own: Network, sides: tuple[int, ...], variants: int, floor: Spec | None) -> None:
    """Refuse at once a sweep that would build more than a run may (budget.WORK): each
    size and variant once (twice where the spec rounds up: the floor's too), and the
    bisection for the smallest side."""
    cap = max(own.input_shape[0], *sides)
    builds = (len(sides) + variants) * (2 if floor else 1) + cap.bit_length() + 1
    ops = sum(len(b.ops) for b in own.blocks)
    most = max(1, (budget.WORK // ops - cap.bit_length() - 1) // (2 if floor else 1) - variants)
    budget.afford(ops, builds, f"a sweep of {len(sides)} sizes", f"at most {most} sizes")


def _floor(spec: Spec) -> Spec:
    """The spec, and each variant with conventions of its own, with floor rounding."""
    return dataclasses.replace(
        with_overrides(spec, pool_rounding="floor"),
        variants=tuple(
            dataclasses.replace(
                v, conventions=dataclasses.replace(v.conventions, pool_rounding="floor")
            )
            if v.conventions
            else v
            for v in spec.variants
        ),
    )


def _read_global(spec: Spec, own: Network) -> tuple[Spec, tuple[str, ...]]:
    """Average pools whose window is their whole input at the spec's own size, read as
    global pooling (torchvision's AdaptiveAvgPool2d(1) in place of Caffe's fixed 7x7)."""
    names = {
        b.name
        for b in own.blocks
        if len(b.ops) == 1
        and b.ops[0].kind == "pool"
        and b.ops[0].mode == "avg"
        and not b.ops[0].whole
        and b.ops[0].kernel == b.ops[0].in_shapes[0][:2]
        and b.ops[0].padding == (0, 0)
    }
    rows = tuple(dataclasses.replace(r, type=GLOBAL) if r.name in names else r for r in spec.rows)
    return dataclasses.replace(spec, rows=rows), tuple(r.name for r in spec.rows if r.name in names)


def _growing(points: list[Point]) -> tuple[str, ...]:
    """Linear layers whose params differ between sizes or that read a map larger than
    1x1 (their weights are H x W x C x units, so they follow the input)."""
    seen: dict[str, set[int]] = {}
    flattened = {name for p in points for name in p.flattened}
    for p in points:
        for name, params in p.linear_params:
            seen.setdefault(name, set()).add(params)
    return tuple(n for n, values in seen.items() if len(values) > 1 or n in flattened)


class _Builder:
    """Builds the spec at one size and says where it breaks."""

    def __init__(self, spec: Spec, floor: Spec | None, final_row: str, dtype: str):
        self.spec, self.floor = spec, floor
        self.final_row, self.dtype = final_row, dtype
        self.lines = {r.loc.line: i for i, r in enumerate(spec.rows)}

    def build(self, spec: Spec, shape: Shape, variant: str):
        """(network or None, final feature map or None, failure or None)."""
        try:
            net = build(at_input(spec, shape, variant), variant=variant)
        except OverBudget:
            raise
        except InputError as exc:
            return None, self._prefix_final(spec, shape, variant, exc), self._failure(exc)
        final = next(b.out_shape for b in net.blocks if b.name == self.final_row)
        return net, final, None

    def _index(self, exc: InputError) -> int | None:
        where = exc.where
        return self.lines.get(where.line) if isinstance(where, Location) else None

    def _failure(self, exc: InputError) -> Failure:
        i = self._index(exc)
        if i is None:
            return Failure("", exc.message, ())
        rows = self.spec.rows
        later = tuple(r.name for r in rows[i + 1 :] if not r.train_only)
        return Failure(rows[i].name, exc.message, later)

    def _prefix_final(self, spec: Spec, shape: Shape, variant: str, exc: InputError):
        """The final feature map when only rows after it fail."""
        i = self._index(exc)
        names = [r.name for r in spec.rows]
        if i is None or self.final_row not in names[:i]:
            return None
        prefix = dataclasses.replace(spec, rows=spec.rows[:i])
        net, final, _ = self.build(prefix, shape, variant)
        return final if net is not None else None

    def point(self, shape: Shape, variant: str) -> Point:
        net, final, failure = self.build(self.spec, shape, variant)
        floor_final = self.build(self.floor, shape, variant)[1] if self.floor else None
        if net is None:
            return Point(shape, variant, final, floor_final, None, None, (), failure)
        a = cost.analyse(net, dtype=self.dtype)
        linear = tuple(
            (c.op.name, c.params) for b in a.blocks for c in b.ops if c.op.kind == "linear"
        )
        totals = a.totals
        flattened = tuple(
            op.name for op in net.ops() if op.kind == "linear" and op.in_shapes[0][:2] != (1, 1)
        )
        return Point(
            shape,
            variant,
            final,
            floor_final,
            totals,
            a.bytes(totals.activations),
            linear,
            None,
            flattened,
        )

    def builds(self, side: int, channels: int, variant: str) -> bool:
        return self.build(self.spec, (side, side, channels), variant)[0] is not None

    def smallest(self, channels: int, variant: str, cap: int) -> int | None:
        """The smallest square side that builds. A larger input never makes a window
        larger than its map, so bisection finds it."""
        if not self.builds(cap, channels, variant):
            return None
        lo, hi = 0, cap  # lo fails (or is 0), hi builds
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.builds(mid, channels, variant):
                hi = mid
            else:
                lo = mid
        return hi
