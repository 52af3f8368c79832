"""What an ONNX tensor is while the graph is read: an activation one of our ops writes, a
constant (its dimensions, and its values where they are small enough to read), or a
node held back because it has no op of its own and a later node may take it into one
(torch's LRN is a dozen such nodes; a Pad a convolution takes as its padding).

Constants are folded here the way an exporter's bookkeeping computes them (shapes,
concatenated dims, casts), in plain Python on at most `MAX_CONSTANT` values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from inception_cost.cells import Shape
from inception_cost.implementation.onnx_file import MAX_CONSTANT, Node


@dataclass(frozen=True, slots=True)
class Act:
    """An activation: `op` (our op's name, or `input`) wrote it; `dims` are ONNX's, N first.
    `channels_last`: a map permuted to N x H x W x C (ConvNeXt's layer norm and linear
    layers over the channels at each position), the same values in another order."""

    op: str
    dims: tuple[int, ...]
    channels_last: bool = False

    @property
    def shape(self) -> Shape | None:
        """Our (H, W, C) per image: N x C x H x W (or N x H x W x C), or N x F as a
        1 x 1 x F map."""
        if len(self.dims) == 4:
            if self.channels_last:
                _, h, w, c = self.dims
            else:
                _, c, h, w = self.dims
            return (h, w, c)
        if len(self.dims) == 2:
            return (1, 1, self.dims[1])
        return None

    @property
    def channel_axis(self) -> int:
        """The axis of `dims` that holds the channels (N x F: the features)."""
        return len(self.dims) - 1 if self.channels_last else 1


@dataclass(frozen=True, slots=True)
class Const:
    """A constant: an initializer, a Constant node, or folded from them. `values` are the
    flat values (row-major) where they were read, else None (a weight left in the file)."""

    dims: tuple[int, ...]
    values: tuple | None = None
    stored: int = 0  # the values the file stores for it (an Expand of one zero: 1)

    @property
    def size(self) -> int:
        return math.prod(self.dims)

    def scalar(self) -> float | int | None:
        if self.values is not None and len(self.values) == 1:
            return self.values[0]
        return None

    def ints(self) -> tuple[int, ...] | None:
        if self.values is None or not all(isinstance(v, int) for v in self.values):
            return None
        return tuple(self.values)


@dataclass(frozen=True, slots=True)
class Held:
    """A node held back: no op of its own; a later node may take it into one. `inputs`
    are what it read, `dims` its output's dimensions where known."""

    node: Node
    inputs: tuple[object, ...]
    dims: tuple[int, ...] | None = None
    # where this node only passes on an activation (an Unsqueeze, a Reshape): that one
    source: Act | None = None


Value = Act | Const | Held


def per_channel(c: Const, x: Act) -> bool:
    """Whether `c` holds one value per channel of `x`, lined up with its channel axis as
    broadcasting aligns them (C x 1 x 1 on N x C x H x W; C on N x H x W x C)."""
    rank, axis = len(x.dims), x.channel_axis
    if not rank - axis <= len(c.dims) <= rank:
        return False
    dims = (1,) * (rank - len(c.dims)) + c.dims
    return all(d == (x.dims[axis] if i == axis else 1) for i, d in enumerate(dims))


def fold(node: Node, inputs: list[Const]) -> Const | None:
    """A bookkeeping node on constants, computed; None where it is not one we compute."""
    op, a = node.op_type, node.attrs
    if op == "Constant":
        value = next((a[k] for k in a if k.startswith("value")), None)
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], tuple):
            dims, values = value  # a tensor: its values where small
            return Const(dims, values, math.prod(dims))
        if isinstance(value, int | float):
            return Const((), (value,), 1)
        if isinstance(value, tuple):
            return Const((len(value),), value, len(value))
        return None
    if op == "ConstantOfShape" and inputs[0].ints() is not None:
        dims = inputs[0].ints()
        fill = a.get("value", ((1,), (0.0,)))
        one = fill[1][0] if fill[1] else 0.0
        values = (one,) * math.prod(dims) if math.prod(dims) <= MAX_CONSTANT else None
        return Const(dims, values, 1)
    if op == "Shape":
        kept = inputs[0].dims[a.get("start", 0) : a.get("end", len(inputs[0].dims))]
        return Const((len(kept),), tuple(kept))
    if op in ("Identity", "Cast", "CastLike"):
        x = inputs[0]
        values = x.values
        if op == "Cast" and values is not None and a.get("to") in (6, 7, 12, 13):  # ints
            values = tuple(int(v) for v in values)
        return Const(x.dims, values, x.stored)
    if op == "Concat":
        if all(len(x.dims) == 1 for x in inputs):
            dims = (sum(x.dims[0] for x in inputs),)
            stored = sum(x.stored for x in inputs)
            if all(x.values is not None for x in inputs):
                return Const(dims, tuple(v for x in inputs for v in x.values), stored)
            return Const(dims, None, stored)
        return None
    if op in ("Reshape", "Squeeze", "Unsqueeze", "Flatten"):
        x = inputs[0]
        shape = inputs[1].ints() if len(inputs) > 1 else None
        dims = reshaped(op, x.dims, shape, a)
        return None if dims is None else Const(dims, x.values, x.stored)
    if op == "Expand" and inputs[1].ints() is not None:
        target = inputs[1].ints()
        dims = _broadcast(inputs[0].dims, target)
        if dims is None:
            return None
        x = inputs[0]
        if x.values is not None and len(x.values) == 1 and math.prod(dims) <= MAX_CONSTANT:
            return Const(dims, x.values * math.prod(dims), x.stored)
        return Const(dims, None, x.stored)
    if op == "Transpose":  # a weight stored transposed (MatMul's, in a legacy export)
        x = inputs[0]
        perm = a.get("perm", tuple(reversed(range(len(x.dims)))))
        if sorted(perm) != list(range(len(x.dims))):
            return None
        dims = tuple(x.dims[p] for p in perm)
        return Const(dims, x.values if len(dims) < 2 or x.size <= 1 else None, x.stored)
    if op == "Gather" and inputs[0].values is not None and inputs[1].ints() is not None:
        idx = inputs[1].ints()
        if len(inputs[0].dims) == 1 and len(idx) == 1:
            return Const(inputs[1].dims, (inputs[0].values[idx[0]],))
        return None
    if op in ("Mul", "Add", "Sub", "Div") and all(x.values is not None for x in inputs):
        dims = _broadcast(inputs[0].dims, inputs[1].dims)
        if dims is None or math.prod(dims) > MAX_CONSTANT:
            return None
        xs = [_spread(x, dims) for x in inputs]
        f = {"Mul": lambda p, q: p * q, "Add": lambda p, q: p + q, "Sub": lambda p, q: p - q}
        if op == "Div":
            if any(q == 0 for q in xs[1]):
                return None
            f["Div"] = lambda p, q: p // q if isinstance(p, int) and isinstance(q, int) else p / q
        values = tuple(f[op](p, q) for p, q in zip(*xs, strict=True))
        return Const(dims, values, sum(x.stored for x in inputs))
    if op in ("Mul", "Add", "Sub", "Div"):  # a weight times its mask: the values stay
        dims = _broadcast(inputs[0].dims, inputs[1].dims)
        return None if dims is None else Const(dims, None, max(x.stored for x in inputs))
    return None


def _spread(x: Const, dims: tuple[int, ...]) -> tuple:
    """`x`'s values broadcast to `dims` (a scalar, or already that shape)."""
    n = math.prod(dims)
    if len(x.values) == n:
        return x.values
    if len(x.values) == 1:
        return x.values * n
    raise ValueError("only scalars broadcast among constants")


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    out = []
    for x, y in zip((1,) * (len(b) - len(a)) + a, (1,) * (len(a) - len(b)) + b, strict=True):
        if x != y and 1 not in (x, y):
            return None
        out.append(max(x, y))
    return tuple(out)


def reshaped(op: str, dims: tuple[int, ...], shape, attrs: dict) -> tuple[int, ...] | None:
    """The dimensions Reshape, Squeeze, Unsqueeze or Flatten give `dims` (None where the
    target does not fit them)."""
    n = math.prod(dims)
    if op == "Flatten":
        axis = attrs.get("axis", 1) % (len(dims) + 1) if dims else 0
        return (math.prod(dims[:axis]), math.prod(dims[axis:]))
    axes = shape if shape is not None else attrs.get("axes")
    if op == "Squeeze":
        if axes is None:
            return tuple(d for d in dims if d != 1)
        axes = {x % len(dims) for x in axes}
        return tuple(d for i, d in enumerate(dims) if i not in axes)
    if op == "Unsqueeze":
        if axes is None:
            return None
        rank = len(dims) + len(axes)
        axes = {x % rank for x in axes}
        it = iter(dims)
        return tuple(1 if i in axes else next(it) for i in range(rank))
    if shape is None:
        return None
    out = [
        dims[i] if s == 0 and not attrs.get("allowzero") and i < len(dims) else s
        for i, s in enumerate(shape)
    ]
    if out.count(-1) > 1 or any(d < -1 for d in out):
        return None
    if -1 in out:
        rest = math.prod(d for d in out if d != -1)
        if rest == 0 or n % rest:
            return None
        out[out.index(-1)] = n // rest
    return tuple(out) if math.prod(out) == n else None
