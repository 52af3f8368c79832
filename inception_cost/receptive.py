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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from inception_cost.builder import build
from inception_cost.network import Block, Network
from inception_cost.ops import INPUT, Conv2d, Op, Pool2d, Registry, Scale, Shortcut, Subsample
from inception_cost.spec.records import Spec

Pair = tuple[int, int]


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


#: op kind -> how the op maps its inputs' fields to its own: (op, the inputs' fields) ->
#: the op's field. `pointwise` and `merge` also say where a path ends (`_branches`).
RECEPTIVE: Registry[Callable[[Op, tuple[Field, ...]], OpField]] = Registry("receptive-field rule")


@RECEPTIVE.register("conv", "pool")
def window(op: Conv2d | Pool2d, inputs: tuple[Field, ...]) -> OpField:
    """A sliding window: its kernel, stride and padding (a global pool's kernel is the map)."""
    return OpField(op, inputs[0].then(_pair(op.kernel), _pair(op.stride), _pair(op.padding)))


@RECEPTIVE.register("subsample")
def unpadded(op: Subsample, inputs: tuple[Field, ...]) -> OpField:
    """A sliding window with no padding: LeNet-5's subsampling."""
    return OpField(op, inputs[0].then(_pair(op.kernel), _pair(op.stride), (0, 0)))


@RECEPTIVE.register("linear", "flatten", "rbf")
def whole(op: Op, inputs: tuple[Field, ...]) -> OpField:
    """The whole input map read into one output position: a window of its size."""
    h, w, _ = op.in_shapes[0]
    return OpField(op, inputs[0].then((h, w), (1, 1), (0, 0)))


@RECEPTIVE.register("shortcut")
def strided(op: Shortcut, inputs: tuple[Field, ...]) -> OpField:
    """ResNet's option-A shortcut: a 1x1 window with the block's stride."""
    return OpField(op, inputs[0].then((1, 1), _pair(op.stride), (0, 0)))


@RECEPTIVE.register("relu", "tanh", "swish", "sigmoid", "hswish", "hsigmoid", "gelu")
@RECEPTIVE.register("bn", "lrn", "layernorm", "layerscale", "dropout", "softmax")
def pointwise(op: Op, inputs: tuple[Field, ...]) -> OpField:
    """One position of one map per output (LRN: of its neighbouring channels; layer norm
    and softmax: of every channel at that position): 1/1/0. A path's name looks past it
    to the op before (`_label`)."""
    return OpField(op, inputs[0])


@RECEPTIVE.register("split", "shuffle")
def channels(op: Op, inputs: tuple[Field, ...]) -> OpField:
    """Channels taken or reordered, each position kept: 1/1/0. A path through it is named
    by it (ShuffleNet V2's unit splits its input into its two paths)."""
    return OpField(op, inputs[0])


@RECEPTIVE.register("scale")
def gated(op: Scale, inputs: tuple[Field, ...]) -> OpField:
    """The map's field (the first input): the gates are one number per channel, global
    context with no window or offset, so the path through them is not a branch."""
    return OpField(op, inputs[0])


@RECEPTIVE.register("concat", "add")
def merge(op: Op, inputs: tuple[Field, ...]) -> OpField:
    """Paths meeting: the largest field per axis; aligned when all share stride and centre."""
    aligned = len({f.stride for f in inputs}) == 1 and len({f.centre for f in inputs}) == 1
    axes = []
    for axis in (0, 1):
        widest = max(inputs, key=lambda f: f.size[axis])  # the first of equals
        axes.append((widest.size[axis], widest.stride[axis], widest.padding[axis]))
    (rh, sh, ph), (rw, sw, pw) = axes
    return OpField(op, Field((rh, rw), (sh, sw), (ph, pw)), aligned)


def step(op: Op, inputs: tuple[Field, ...]) -> OpField:
    """The rule of one op (`RECEPTIVE`): a window, a merge of paths, or a point-wise op."""
    return RECEPTIVE[op.kind](op, inputs)


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
    last = next((o.op for o in reversed(ops) if RECEPTIVE[o.op.kind] is merge), None)
    if last is None:
        return ()
    by_name = {o.op.name: o.op for o in ops}
    return tuple(Branch(_label(name, by_name), fields[name]) for name in last.inputs)


def _label(name: str, by_name: dict[str, Op]) -> str:
    """The op ending a path, past point-wise ops; `identity` when the path is a skip."""
    op = by_name.get(name)
    while op is not None and RECEPTIVE[op.kind] is pointwise:
        op = by_name.get(op.inputs[0])
    if op is None or RECEPTIVE[op.kind] is merge:
        return "identity"
    return op.name


def for_spec(spec: Spec, *, aux: bool = False, variant: str = "") -> Receptive:
    """The spec built (training-only rows with `aux`, as `variant`) and its fields."""
    return receptive(build(spec, aux=aux, variant=variant), variant)
