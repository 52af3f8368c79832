"""Where an implementation departs from the paper's table, in the paper's terms.

`diff(table, impl)` aligns the two networks op by op (align.py) and names each
difference: a kernel, stride, width, padding, pool window or rounding, groups; a bias
dropped or added; batch norm added, missing or folded by the exporter; an activation, an
LRN, a softmax, a dropout or whole layers (an auxiliary classifier) added or missing;
another input size. Each departure carries its effect on params and MACs: an op's own
change, plus what it changes downstream (a wider convolution makes its batch norm and
the next layer bigger). Every op of both networks is counted in exactly one departure
or in none, so the effects add up exactly to the difference of the totals.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from inception_cost import cost
from inception_cost.align import UNALIGNED, align, dense, whole
from inception_cost.builder import build
from inception_cost.cells import format_shape
from inception_cost.implementation.model import Implementation
from inception_cost.network import Network
from inception_cost.ops import INPUT, Conv2d, Linear, Op, Pool2d
from inception_cost.spec.records import Spec

#: Each kind of departure, in the order a report lists them, with what it means.
KINDS = {
    "input": "another input size",
    "kernel": "a convolution's kernel that differs",
    "window": "a pool's window (size / stride) that differs",
    "stride": "a stride that differs",
    "width": "another number of output channels or units",
    "groups": "a convolution in another number of groups",
    "padding": "other padding",
    "rounding": "a pool's output size rounded the other way",
    "pool": "a max pool for an average pool, or the reverse",
    "bias": "a bias dropped or added",
    "batch norm": "batch norm added, missing, or folded into a convolution by the exporter",
    "activation": "another activation, or one added or missing",
    "lrn": "a local response normalization missing or added",
    "softmax": "a softmax missing or added",
    "dropout": "a dropout missing or added",
    "layers": "layers added or missing (an auxiliary classifier)",
    "settings": "the same op with other settings (an LRN's constants, batch norm's eps)",
}
_NAMES = {
    "conv": "convolution",
    "linear": "linear layer",
    "pool": "pool",
    "lrn": "LRN",
    "bn": "batch norm",
    "relu": "ReLU",
    "tanh": "tanh",
    "swish": "swish",
    "sigmoid": "sigmoid",
    "hswish": "h-swish",
    "hsigmoid": "h-sigmoid",
    "gelu": "GELU",
    "layernorm": "layer norm",
    "layerscale": "layer scale",
    "scale": "channel scale",
    "add": "residual add",
    "concat": "concat",
    "split": "channel split",
    "shuffle": "channel shuffle",
    "softmax": "softmax",
    "dropout": "dropout",
    "shortcut": "zero-pad shortcut",
    "subsample": "subsampling",
    "rbf": "RBF units",
}


@dataclass(frozen=True, slots=True)
class Departure:
    """One difference. `row` is the table's row it sits at (for something added: the row
    it follows); `op` the table's op, `module` the implementation's (either may be "")."""

    kind: str
    what: str
    row: str
    op: str
    module: str
    params: int  # the implementation's params minus the table's, this departure's share
    macs: int


@dataclass(frozen=True, slots=True)
class RowDiff:
    """A table row beside the implementation's ops aligned to it."""

    row: str
    params: int
    macs: int
    output: str
    impl_params: int
    impl_macs: int
    impl_output: str  # "" where nothing of the implementation is aligned to its output
    departures: int


@dataclass(frozen=True, slots=True)
class Diff:
    table: str  # the spec's name
    title: str
    implementation: str  # the model file
    producer: str
    params: tuple[int, int]  # (table, implementation)
    macs: tuple[int, int]
    departures: tuple[Departure, ...]
    rows: tuple[RowDiff, ...]
    notes: tuple[str, ...] = ()
    folded: int = 0  # convolutions the exporter folded a batch norm into
    aux: bool = False
    unexplained: tuple[int, int] = (0, 0)  # (params, MACs) no departure accounts for

    @property
    def same(self) -> bool:
        return not self.departures

    def by_kind(self) -> list[tuple[str, int, int, int]]:
        """(kind, how many, params, MACs) for each kind of departure found, in KINDS order."""
        out = []
        for kind in KINDS:
            ds = [d for d in self.departures if d.kind == kind]
            if ds:
                out.append((kind, len(ds), sum(d.params for d in ds), sum(d.macs for d in ds)))
        return out


def diff(table: Spec, impl: Implementation, *, aux: bool = False, variant: str = "") -> Diff:
    """The departures of `impl` from `table` (read as `variant`, its training-only rows
    kept with `aux`)."""
    a = build(table, aux=aux, variant=variant)
    b = build(impl)
    return compare(a, b, impl, title=table.title, aux=aux)


def compare(a: Network, b: Network, impl: Implementation, title: str = "", aux: bool = False):
    """The departures of network `b` (read from `impl`) from network `a`."""
    return _Differ(a, b, impl).run(title, aux)


@dataclass
class _Differ:
    a: Network
    b: Network
    impl: Implementation
    found: list[Departure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.costs = {op.name: cost.op_cost(op) for op in (*self.a.ops(), *self.b.ops())}
        self.ca = {op.name: self.costs[op.name] for op in self.a.ops()}
        self.cb = {op.name: cost.op_cost(op) for op in self.b.ops()}
        self.row_of = {op.name: blk.name for blk in self.a.blocks for op in blk.ops}
        self.b_ops = {op.name: op for op in self.b.ops()}
        self.a_ops = {op.name: op for op in self.a.ops()}
        self.cause: dict[str, int] = {}  # implementation op -> the departure it carries
        self.folded = set(self.impl.folded)
        self.index = {op.name: i for i, op in enumerate(self.a.ops())}  # the table's order
        self.at: list[float] = []  # each departure's place in the table's order

    # -- the walk -----------------------------------------------------------------------
    def run(self, title: str, aux: bool) -> Diff:
        al = align(self.a, self.b)
        self.partner = {q.name: p for p, q in al.pairs}
        self.partner_a = {p.name: q for p, q in al.pairs}
        if self.a.input_shape != self.b.input_shape:
            self._add(
                "input",
                f"input {format_shape(self.a.input_shape)} -> {format_shape(self.b.input_shape)}",
                "",
                "",
                "",
                at=-1,
            )
            self.cause[INPUT] = len(self.found) - 1
        self._unmatched(al.missing, side="a")
        self._unmatched(al.added, side="b")
        position = {name: i for i, name in enumerate(self.b_ops)}
        for p, q in sorted(al.pairs, key=lambda pq: position[pq[1].name]):
            self._pair(p, q)
        dp = self._total(self.b, self.cb, "params") - self._total(self.a, self.ca, "params")
        dm = self._total(self.b, self.cb, "macs") - self._total(self.a, self.ca, "macs")
        explained = (sum(d.params for d in self.found), sum(d.macs for d in self.found))
        listed = [d for _, d in sorted(zip(self.at, self.found, strict=True), key=lambda p: p[0])]
        return Diff(
            self.a.name,
            title,
            self.impl.path,
            self.impl.producer,
            (self._total(self.a, self.ca, "params"), self._total(self.b, self.cb, "params")),
            (self._total(self.a, self.ca, "macs"), self._total(self.b, self.cb, "macs")),
            tuple(listed),
            self._rows(),
            tuple(self.notes),
            len(self.folded),
            aux,
            (dp - explained[0], dm - explained[1]),
        )

    @staticmethod
    def _total(net: Network, costs, what: str) -> int:
        return sum(getattr(costs[op.name], what) for op in net.ops())

    def _add(self, kind, what, row, op, module, params=0, macs=0, at: float = 0.0) -> int:
        """A departure; `at` places it in the table's op order (between ops for one added)."""
        self.found.append(Departure(kind, what, row, op, module, params, macs))
        self.at.append(at if not op else self.index[op])
        return len(self.found) - 1

    def _charge(self, i: int, params: int, macs: int) -> None:
        d = self.found[i]
        self.found[i] = Departure(
            d.kind, d.what, d.row, d.op, d.module, d.params + params, d.macs + macs
        )

    def _module(self, op: Op) -> str:
        return self.impl.modules.get(op.name) or op.name

    # -- ops on one side only -----------------------------------------------------------
    def _unmatched(self, ops: tuple[Op, ...], side: str) -> None:
        """Ops on one side only, joined into connected pieces: each piece one departure
        (an LRN missing, a batch norm added, an auxiliary classifier added)."""
        names = {op.name for op in ops}
        net = self.a if side == "a" else self.b
        skipped = {op.name: op.inputs for op in net.ops() if op.kind in UNALIGNED}
        piece: dict[str, str] = {}

        def root(n: str) -> str:
            while piece.get(n, n) != n:
                n = piece[n]
            return n

        for op in ops:
            piece.setdefault(op.name, op.name)
            todo = list(op.inputs)
            while todo:  # through a flatten, which is never aligned
                i = todo.pop()
                if i in skipped:
                    todo.extend(skipped[i])
                elif i in names:
                    piece[root(op.name)] = root(i)
        groups: dict[str, list[Op]] = {}
        for op in ops:
            groups.setdefault(root(op.name), []).append(op)
        for members in groups.values():
            self._piece(members, side)

    def _piece(self, members: list[Op], side: str) -> None:
        costs = self.ca if side == "a" else self.cb
        sign = -1 if side == "a" else 1
        params = sign * sum(costs[op.name].params for op in members)
        macs = sign * sum(costs[op.name].macs for op in members)
        kinds = [op.kind for op in members]
        first = members[0]
        word = "missing" if side == "a" else "added"
        if side == "a":
            row, op_name, module, at = self.row_of[first.name], first.name, "", 0.0
        else:
            after = self._follows(first)
            row = self.row_of[after.name] if after else ""
            op_name, module = "", self._module(first)
            at = self.index[after.name] + 0.5 if after else -0.5
        if len(members) == 1 or not {"conv", "linear"} & set(kinds):
            kind, what = self._single(members, side, word)
            if kind is None:
                return
        else:
            kind = "layers"
            counted = Counter(_NAMES.get(k, k) for k in kinds)
            parts = ", ".join(f"{n} {k}" if n > 1 else k for k, n in counted.items())
            rows = sorted({self.row_of[op.name] for op in members} if side == "a" else set())
            where = f" ({', '.join(rows)})" if rows else f" after {row}" if row else ""
            what = f"layers {word}{where}: {parts}"
        i = self._add(kind, what, row, op_name, module, params, macs, at)
        if side == "b":
            for op in members:
                self.cause[op.name] = i
        else:
            for op in members:
                self.cause[f"a:{op.name}"] = i

    def _single(self, members: list[Op], side: str, word: str):
        kinds = {op.kind for op in members}
        op = members[0]
        name = " and ".join(_NAMES.get(k, k) for k in dict.fromkeys(op.kind for op in members))
        if (
            kinds == {"dropout"}
            and side == "a"
            and not any(o.kind == "dropout" for o in self.b.ops())
        ):
            self.notes.append(
                f"{self.row_of[op.name]}: the table's dropout is not in the file (exporters"
                " leave dropout out at inference, where it is the identity); not compared"
            )
            return None, ""
        if kinds == {"bn"} and side == "a" and self._folded_before(op):
            return "batch norm", "batch norm folded into the convolution by the exporter"
        kind = _PIECE.get(op.kind, "layers") if len(kinds) == 1 else "layers"
        return kind, f"{name}{_detail(op)} {word}"

    def _folded_before(self, bn: Op) -> bool:
        """Whether the table's batch norm follows a convolution the exporter folded one into."""
        q = self.partner_a.get(bn.inputs[0])
        return q is not None and q.name in self.folded

    def _follows(self, op: Op) -> Op | None:
        """The table's op an added op comes after: the partner of the nearest op before it
        that has one."""
        seen, todo = set(), list(op.inputs)
        while todo:
            name = todo.pop(0)
            if name in seen or name == INPUT:
                continue
            seen.add(name)
            if name in self.partner:
                return self.partner[name]
            if name in self.b_ops:
                todo.extend(self.b_ops[name].inputs)
        return None

    # -- ops on both sides ----------------------------------------------------------------
    def _pair(self, p: Op, q: Op) -> None:
        ca, cb = self.ca[p.name], self.cb[q.name]
        dp, dm = cb.params - ca.params, cb.macs - ca.macs
        row, module = self.row_of[p.name], self._module(q)
        has_bias = (getattr(p, "bias", None), getattr(q, "bias", None))
        if isinstance(p, Conv2d | Linear) and isinstance(q, Conv2d | Linear):
            if has_bias[0] != has_bias[1]:
                what = "bias dropped" if has_bias[0] else "bias added"
                if has_bias[1] and q.name in self.folded:
                    what += " (the folded batch norm's shift)"
                self._add("bias", what, row, p.name, module, cb.biases - ca.biases, 0)
                dp -= cb.biases - ca.biases
            if q.name in self.folded and not any(
                o.kind == "bn" and o.inputs == (p.name,) for o in self.a.ops()
            ):
                self._add(
                    "batch norm",
                    "batch norm after it, folded into it by the exporter",
                    row,
                    p.name,
                    module,
                )
        changes = _changes(p, q)
        if changes:
            kind, what = changes[0][0], "; ".join(w for _, w in changes)
            i = self._add(kind, what, row, p.name, module, dp, dm)
            self.cause[q.name] = i
            return
        if dp or dm:
            i = self._upstream(p, q)
            if i is None:
                what = (
                    f"reads {' + '.join(map(format_shape, q.in_shapes))} where the table's"
                    f" reads {' + '.join(map(format_shape, p.in_shapes))}"
                )
                i = self._add("input", what, row, p.name, module)
            self._charge(i, dp, dm)
            self.cause[q.name] = i

    def _upstream(self, p: Op, q: Op) -> int | None:
        """The departure that changed what `q` reads: the nearest one before it that
        changes what differs (its channels: a width; its size: a stride, a window, ...),
        else the nearest one."""
        wanted: set[str] = set()
        if [s[2] for s in p.in_shapes] != [s[2] for s in q.in_shapes]:
            wanted |= _CHANNELS
        if [s[:2] for s in p.in_shapes] != [s[:2] for s in q.in_shapes]:
            wanted |= _SIZES
        seen, todo, nearest = set(), [*q.inputs], None
        while todo:
            name = todo.pop(0)
            if name in seen:
                continue
            seen.add(name)
            if name in self.cause:
                i = self.cause[name]
                if self.found[i].kind in wanted:
                    return i
                nearest = i if nearest is None else nearest
            if name in self.b_ops:
                todo.extend(self.b_ops[name].inputs)
        for name in p.inputs:  # a table op the implementation does not have, before it
            if f"a:{name}" in self.cause:
                return self.cause[f"a:{name}"]
        return nearest

    def _rows(self) -> tuple[RowDiff, ...]:
        per_row = Counter(d.row for d in self.found)
        out = []
        for blk in self.a.blocks:
            ops = list(blk.ops)
            mine = [self.partner_a[op.name] for op in ops if op.name in self.partner_a]
            last = self.partner_a.get(blk.ops[-1].name)
            out.append(
                RowDiff(
                    blk.name,
                    sum(self.ca[op.name].params for op in ops),
                    sum(self.ca[op.name].macs for op in ops),
                    format_shape(blk.out_shape),
                    sum(self.cb[q.name].params for q in mine),
                    sum(self.cb[q.name].macs for q in mine),
                    format_shape(last.out_shape) if last is not None else "",
                    per_row[blk.name],
                )
            )
        return tuple(out)


#: The departures that change a tensor's channels, and those that change its size.
_CHANNELS = {"width", "layers", "input"}
_SIZES = {"input", "stride", "kernel", "window", "padding", "rounding", "layers"}
_PIECE = {
    "bn": "batch norm",
    "relu": "activation",
    "swish": "activation",
    "tanh": "activation",
    "sigmoid": "activation",
    "hswish": "activation",
    "hsigmoid": "activation",
    "gelu": "activation",
    "lrn": "lrn",
    "softmax": "softmax",
    "dropout": "dropout",
}


def _detail(op: Op) -> str:
    """An op's own settings, for a departure that adds or drops it."""
    if isinstance(op, Pool2d):
        return f" {op.mode} {'global' if whole(op) else _patch(op)}"
    if isinstance(op, Conv2d):
        return f" {'x'.join(map(str, op.kernel))}/{op.stride} to {op.out_shape[2]}"
    if isinstance(op, Linear):
        return f" to {op.out_shape[2]}"
    return ""


def _patch(op: Op) -> str:
    kh, kw = op.kernel
    return f"{kh}x{kw}/{op.stride}"


def _changes(p: Op, q: Op) -> list[tuple[str, str]]:
    """What differs between two aligned ops, most telling first, in the paper's terms."""
    out: list[tuple[str, str]] = []
    layers = isinstance(p, Conv2d | Linear) and isinstance(q, Conv2d | Linear)
    if layers and p.out_shape[2] != q.out_shape[2]:  # a 1x1 conv on a 1x1 map is a linear layer
        unit = "units" if isinstance(p, Linear) else "output channels"
        out.append(("width", f"{p.out_shape[2]} -> {q.out_shape[2]} {unit}"))
    if isinstance(p, Conv2d) and isinstance(q, Conv2d) and not (dense(p) and dense(q)):
        if p.kernel != q.kernel:
            out.append(
                (
                    "kernel",
                    f"kernel {'x'.join(map(str, p.kernel))} -> {'x'.join(map(str, q.kernel))}",
                )
            )
        if p.stride != q.stride:
            out.append(("stride", f"stride {p.stride} -> {q.stride}"))
        if p.groups != q.groups:
            out.append(("groups", f"{p.groups} -> {q.groups} groups"))
        if _padding(p) != _padding(q):
            out.append(("padding", f"padding {_padding(p)} -> {_padding(q)}"))
    if isinstance(p, Pool2d) and isinstance(q, Pool2d):
        if p.mode != q.mode:
            out.append(("pool", f"{p.mode} pool -> {q.mode} pool"))
        if not (whole(p) and whole(q)):
            if (p.kernel, p.stride) != (q.kernel, q.stride):
                out.append(("window", f"pool {_patch(p)} -> {_patch(q)}"))
            if p.padding != q.padding:
                out.append(("padding", f"padding {p.padding[0]} -> {q.padding[0]}"))
            if p.ceil != q.ceil and p.out_shape[:2] != q.out_shape[:2]:
                out.append(("rounding", f"{_rounding(p)} -> {_rounding(q)} rounding"))
    if p.kind == q.kind and p.kind in ("relu", "gelu") and _activation(p) != _activation(q):
        out.append(("activation", f"{_activation(p)} -> {_activation(q)}"))
    for f in ("size", "alpha", "beta", "k", "eps", "amplitude", "slope", "groups", "part"):
        if p.kind == q.kind and p.kind not in ("conv", "relu") and _differs(p, q, f):
            out.append(
                ("settings", f"{_NAMES.get(p.kind, p.kind)} {f} {getattr(p, f)} -> {getattr(q, f)}")
            )
    return out


def _differs(p: Op, q: Op, f: str) -> bool:
    if not hasattr(p, f) or not hasattr(q, f):
        return False
    x, y = getattr(p, f), getattr(q, f)
    if isinstance(x, float) or isinstance(y, float):
        return abs(x - y) > 1e-6 * max(abs(x), abs(y), 1e-30)
    return x != y


def _padding(op: Conv2d) -> str:
    (ph, pw), (kh, kw) = op.padding, op.kernel
    if (ph, pw) == ((kh - 1) // 2, (kw - 1) // 2):
        return "same"
    return f"{ph}" if ph == pw else f"{ph}x{pw}"


def _rounding(op: Pool2d) -> str:
    return "ceil" if op.ceil else "floor"


def _activation(op) -> str:
    """A ReLU's or GELU's form: ReLU6, leaky ReLU 0.1, GELU (tanh)."""
    if op.kind == "gelu":
        return "GELU" if op.approximate == "none" else f"GELU ({op.approximate})"
    if op.slope:
        return f"leaky ReLU {op.slope:g}"
    return f"ReLU{op.cap}" if op.cap else "ReLU"
