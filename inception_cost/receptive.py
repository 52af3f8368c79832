"""Receptive fields of every op and row of a built network, through its branches.

The definitions are those of Araujo, Norris and Sim, "Computing Receptive Fields of
Convolutional Neural Networks" (Distill, 2019), per axis: a layer with kernel k
(dilation d makes it d(k-1)+1), stride s and padding p on a field (r, S, P) gives

    r' = r + (k - 1) S        S' = S s        P' = P + p S

so unit i of a map sees input pixels i S - P to i S - P + r - 1, centred on
i S + (r - 1)/2 - P. Element-wise ops (activations, batch norm, LRN across channels,
dropout, softmax) are 1/1/0. A global pooling, a flatten and a linear layer take the
whole input map as their window. Where paths meet (concatenation, residual add) the
field is the largest path's, as in google-research's `receptive_field` library; that
library refuses paths whose effective strides or centres differ, we report whether
they are centre-aligned instead.

Sizes, strides and paddings are exact ints; centres are Fractions (half a pixel for
even kernels). Everything is read from the built `network.Network`, never the spec.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from inception_cost.implementation.model import network_of
from inception_cost.network import Block, Network
from inception_cost.ops import INPUT, Op
from inception_cost.spec import Spec

Pair = tuple[int, int]

# kinds that read one position of one map per output: 1/1/0
POINTWISE = frozenset({"relu", "tanh", "swish", "sigmoid", "bn", "lrn", "dropout", "softmax"})
# kinds that read the whole input map into one output position
WHOLE = frozenset({"linear", "flatten", "rbf"})
# kinds where paths meet
MERGE = frozenset({"concat", "add"})


@dataclass(frozen=True, slots=True)
class Field:
    """A unit's receptive field on the network input, per axis (height, width)."""

    size: Pair
    stride: Pair
    padding: Pair

    @property
    def centre(self) -> tuple[Fraction, Fraction]:
        """Where unit 0's field is centred, in input pixels (negative: in the padding)."""
        return (
            Fraction(self.size[0] - 1, 2) - self.padding[0],
            Fraction(self.size[1] - 1, 2) - self.padding[1],
        )

    def then(self, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair = (1, 1)) -> Field:
        """This field seen through one more window op."""
        return Field(
            tuple(
                r + d * (k - 1) * s
                for r, k, d, s in zip(self.size, kernel, dilation, self.stride, strict=True)
            ),
            tuple(s * t for s, t in zip(self.stride, stride, strict=True)),
            tuple(p + q * s for p, q, s in zip(self.padding, padding, self.stride, strict=True)),
        )

    def span(self, unit: Pair) -> tuple[Pair, Pair]:
        """First and last input pixel (row, column) unit `unit` sees, padding included."""
        first = tuple(i * s - p for i, s, p in zip(unit, self.stride, self.padding, strict=True))
        return first, tuple(f + r - 1 for f, r in zip(first, self.size, strict=True))


INPUT_FIELD = Field((1, 1), (1, 1), (0, 0))


@dataclass(frozen=True, slots=True)
class OpField:
    """One op's field; for a merge, whether its input paths are centre-aligned."""

    op: Op
    field: Field
    aligned: bool = True


@dataclass(frozen=True, slots=True)
class Branch:
    """One path into a row's last merge, named by the op that ends it."""

    label: str
    field: Field


@dataclass(frozen=True, slots=True)
class RowField:
    """A table row: the field at its output (the largest path's) and each path into its
    last merge; `aligned` is False when any merge in the row has misaligned paths."""

    block: Block
    field: Field
    ops: tuple[OpField, ...]
    branches: tuple[Branch, ...]
    aligned: bool

    @property
    def name(self) -> str:
        return self.block.name


@dataclass(frozen=True, slots=True)
class Receptive:
    network: Network
    rows: tuple[RowField, ...]
    variant: str = ""

    @property
    def aligned(self) -> bool:
        return all(r.aligned for r in self.rows)


def _pair(value) -> Pair:
    return tuple(value) if isinstance(value, tuple) else (value, value)


def _window(op: Op) -> tuple[Pair, Pair, Pair, Pair] | None:
    """Kernel, stride, padding and dilation of an op that slides a window, else None."""
    if op.kind in WHOLE:
        h, w, _ = op.in_shapes[0]
        return (h, w), (1, 1), (0, 0), (1, 1)
    if op.kind == "shortcut":
        return (1, 1), _pair(op.stride), (0, 0), (1, 1)
    kernel = getattr(op, "kernel", None)
    if kernel is None:
        return None
    padding = getattr(op, "padding", (0, 0))
    return _pair(kernel), _pair(op.stride), _pair(padding), _pair(getattr(op, "dilation", 1))


def step(op: Op, inputs: tuple[Field, ...]) -> OpField:
    """The rule of one op: a window, a merge of paths, or a point-wise op (1/1/0).

    An op of an unlisted kind with no window and one input of its output's height and
    width is taken as point-wise (docs/receptive.md)."""
    if op.kind == "scale":  # gates of one number per channel: no window, no offset
        return OpField(op, inputs[0])
    if len(inputs) > 1 or op.kind in MERGE:
        return merge(op, inputs)
    window = _window(op)
    if window is not None:
        return OpField(op, inputs[0].then(*window))
    if op.kind in POINTWISE or op.in_shapes[0][:2] == op.out_shape[:2]:
        return OpField(op, inputs[0])
    raise TypeError(f"no receptive-field rule for {type(op).__name__}")


def merge(op: Op, inputs: tuple[Field, ...]) -> OpField:
    """Paths meeting: the largest field per axis; aligned when all share stride and centre."""
    aligned = len({f.stride for f in inputs}) == 1 and len({f.centre for f in inputs}) == 1
    axes = []
    for axis in (0, 1):
        widest = max(inputs, key=lambda f: f.size[axis])  # the first of equals
        axes.append((widest.size[axis], widest.stride[axis], widest.padding[axis]))
    (rh, sh, ph), (rw, sw, pw) = axes
    return OpField(op, Field((rh, rw), (sh, sw), (ph, pw)), aligned)


def chain(ops: Iterable[Op], start: Field = INPUT_FIELD) -> Field:
    """The field after `ops` applied one after another (their `inputs` ignored)."""
    field = start
    for op in ops:
        field = step(op, (field,)).field
    return field


def receptive(network: Network, variant: str = "") -> Receptive:
    """Every op's and row's field on the network input."""
    fields: dict[str, Field] = {INPUT: INPUT_FIELD}
    rows = []
    for block in network.blocks:
        ops = []
        for op in block.ops:
            of = step(op, tuple(fields[i] for i in op.inputs))
            fields[op.name] = of.field
            ops.append(of)
        rows.append(
            RowField(
                block,
                fields[block.output],
                tuple(ops),
                _branches(ops, fields),
                all(o.aligned for o in ops),
            )
        )
    return Receptive(network, tuple(rows), variant)


def _branches(ops: list[OpField], fields: dict[str, Field]) -> tuple[Branch, ...]:
    """The paths into the row's last merge, each named by the op that ends it."""
    last = next((o.op for o in reversed(ops) if o.op.kind in MERGE), None)
    if last is None:
        return ()
    by_name = {o.op.name: o.op for o in ops}
    return tuple(Branch(_label(name, by_name), fields[name]) for name in last.inputs)


def _label(name: str, by_name: dict[str, Op]) -> str:
    """The op ending a path, past point-wise ops; `identity` when the path is a skip."""
    op = by_name.get(name)
    while op is not None and op.kind in POINTWISE:
        op = by_name.get(op.inputs[0])
    if op is None or op.kind in MERGE:
        return "identity"
    return op.name


def for_spec(spec: Spec, *, aux: bool = False, variant: str = "") -> Receptive:
    """The spec built (training-only rows with `aux`, as `variant`) and its fields."""
    return receptive(network_of(spec, aux=aux, variant=variant), variant)
