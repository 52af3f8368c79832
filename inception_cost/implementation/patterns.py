"""The readers of operators that mean one op of ours only with their neighbours: what
torch's exporter writes for an LRN (x*x, a view, Pad, AveragePool over channels, a view,
* alpha, + k, ^ beta, then x / that), a swish (x * Sigmoid(x)) and h-swish (x *
HardSigmoid(x)), LeNet-5's scaled tanh (a * tanh(s * x)), a channel shuffle (view as
groups, Transpose, view back), a linear layer as MatMul then Add, a zero Pad a
convolution takes as its padding, a layer norm written out (mean and variance over the
channels, then gamma and beta), layer scale (a map times a stored factor per channel),
a map permuted channels-last and back (the permutes cost nothing), and an elementwise
expression of one map that computes GELU, h-swish or h-sigmoid (`function`).

Each pattern is read at its last node, from the nodes held before it; a held node that
no pattern takes in is refused where it is read (reader.Lowering.unread).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from inception_cost.implementation.mapping import READERS, f32, reduced
from inception_cost.implementation.onnx_file import Node
from inception_cost.implementation.values import Act, Const, Held, per_channel, reshaped
from inception_cost.ops import (
    Add,
    ChannelShuffle,
    Conv2d,
    Flatten,
    Gelu,
    HardSigmoid,
    HardSwish,
    LayerNorm,
    LayerScale,
    Linear,
    LocalResponseNorm,
    Op,
    Scale,
    Swish,
    Tanh,
)

if TYPE_CHECKING:
    from inception_cost.implementation.reader import Lowering


def _scalar(v) -> float | None:
    return v.scalar() if isinstance(v, Const) else None


@READERS.register("Mul")
def _mul(node: Node, r: Lowering) -> None:
    a, b = r.value(node, 0), r.value(node, 1)
    if isinstance(b, Act) and not isinstance(a, Act):
        a, b = b, a
    if isinstance(a, Act) and isinstance(b, Act):
        _product(node, r, a, b)
        return
    op = r.op(a)
    scale = _scalar(b)
    if op is not None and op.kind == "tanh" and scale is not None and r.only_reader(node, 0):
        r.rewrite(a, node, amplitude=f32(scale))  # a * tanh(s * x): LeNet-5's squashing
        return
    if isinstance(a, Act) and isinstance(b, Const) and per_channel(b, a) and b.stored >= b.size:
        # layer scale: a stored factor per channel (CaiT's, ConvNeXt's gamma)
        params = {"weight": node.inputs[1 if r.value(node, 1) is b else 0]}
        r.emit(node, LayerScale, [a], a.dims, params, channels_last=a.channels_last)
        return
    r.hold(node, [a, b], getattr(a, "dims", None), a if isinstance(a, Act) else None)


#: The gate whose product with its own input is an activation of ours.
_GATED = {"sigmoid": Swish, "hsigmoid": HardSwish}


def _product(node: Node, r: Lowering, a: Act, b: Act) -> None:
    """Two activations multiplied: a swish or h-swish, squeeze-and-excitation's scale, or
    the square torch's LRN starts from."""
    if a.op == b.op:
        r.hold(node, [a, b], a.dims, a)
        return
    for x, gate, i in ((a, b, 1), (b, a, 0)):
        op = r.op(gate)
        reads_x = op is not None and op.kind in _GATED and op.inputs == (x.op,)
        if reads_x and r.only_reader(node, i) and gate.dims == x.dims:
            r.rewrite(gate, node, cls=_GATED[op.kind])
            return
    for x, gates in ((a, b), (b, a)):
        nchw = not (x.channels_last or gates.channels_last)
        if nchw and len(x.dims) == 4 and gates.dims == (x.dims[0], x.dims[1], 1, 1):
            r.emit(node, Scale, [x, gates], x.dims)
            return
    raise r.refuse(
        node,
        f"multiplies two maps ({'x'.join(map(str, a.dims))} and {'x'.join(map(str, b.dims))})",
        "a swish x * sigmoid(x), or a map times per-channel gates",
    )


@READERS.register("Tanh")
def _tanh(node: Node, r: Lowering) -> None:
    """tanh, or tanh(s * x) (LeNet-5's); held where it reads another expression (GELU's
    tanh form)."""
    x = r.value(node, 0)
    slope = 1.0
    if isinstance(x, Held) and x.node.op_type == "Mul" and x.source is not None:
        scale = next((_scalar(v) for v in x.inputs if isinstance(v, Const)), None)
        if scale is not None:
            slope, x = f32(scale), x.source
    if isinstance(x, Held):
        r.hold(node, [x])
        return
    x = x if isinstance(x, Act) else r.act(node, 0)
    if x.channels_last:
        x = r.act(node, 0)  # refused: LeNet-5's squashing is on N x C x H x W
    r.emit(node, Tanh, [x], x.dims, amplitude=1.0, slope=slope)


@READERS.register("Add", "Sum")
def _add(node: Node, r: Lowering) -> None:
    xs = [r.value(node, i) for i in range(len(node.inputs))]
    if all(isinstance(x, Act) for x in xs):
        if len({(x.dims, x.channels_last) for x in xs}) > 1:
            raise r.refuse(node, "adds maps of different sizes", "a residual add of one size")
        r.emit(node, Add, xs, xs[0].dims, channels_last=xs[0].channels_last)
        return
    if len(xs) == 2 and isinstance(xs[1], Act) and not isinstance(xs[0], Act):
        xs.reverse()
    x, c = xs[0], xs[-1]
    if _biased(node, r, x, c) or _layer_norm(node, r, xs):
        return
    r.hold(node, xs, getattr(x, "dims", None), x if isinstance(x, Act) else None)


def _biased(node: Node, r: Lowering, x, c) -> bool:
    """MatMul then Add: x W + b, the bias of a linear layer (or of a 1x1 convolution over
    the channels of a channels-last map) that has none yet."""
    op = r.op(x)
    by_matmul = isinstance(op, Linear) or (isinstance(op, Conv2d) and x.channels_last)
    if not (by_matmul and not op.bias and isinstance(c, Const)):
        return False
    units, i = op.out_shape[2], 0 if x is r.value(node, 0) else 1
    if c.size == units and c.dims[-1] == units and r.only_reader(node, i):
        stored = c.stored >= units
        params = {"bias": node.inputs[1 - i]} if stored else None
        r.rewrite(x, node, params=params, bias=stored)
        return True
    return False


def _layer_norm(node: Node, r: Lowering, xs: list) -> bool:
    """A layer norm written out (torch's layer_norm before opset 17, ConvNeXt's channels-first
    LayerNorm): (x - mean) / sqrt(var + eps) * gamma + beta, where mean and var are
    ReduceMean over the channels (var of (x - mean)^2), gamma and beta stored per channel.
    Read at the Add of beta."""
    if len(xs) != 2 or not isinstance(xs[1], Const) or not _is(xs[0], "Mul", 2):
        return False
    scaled, beta = xs
    j = next((k for k, v in enumerate(scaled.inputs) if isinstance(v, Const)), 0)
    gamma, normed = scaled.inputs[j], scaled.inputs[1 - j]
    if not (isinstance(gamma, Const) and _is(normed, "Div", 2) and _is(normed.inputs[1], "Sqrt")):
        return False
    x = _centred(normed.inputs[0])
    shifted = normed.inputs[1].inputs[0]
    eps = _operand(shifted, "Add")
    var = _other(shifted) if eps is not None else None
    if x is None or eps is None or not _is(var, "ReduceMean") or not _mean_of(var, x):
        return False
    square = var.inputs[0]
    if _is(square, "Pow", 2) and _scalar(square.inputs[1]) == 2:
        squared = square.inputs[0] is not None and _centred(square.inputs[0]) == x
    else:
        squared = _is(square, "Mul", 2) and square.inputs[0] is square.inputs[1]
        squared = squared and _centred(square.inputs[0]) == x
    weights = all(per_channel(v, x) and v.stored >= v.size for v in (gamma, beta))
    if not (squared and weights):
        return False
    params = {
        "weight": scaled.node.inputs[j],
        "bias": node.inputs[1 if xs[1] is r.value(node, 1) else 0],
    }
    r.emit(node, LayerNorm, [x], x.dims, params, channels_last=x.channels_last, eps=f32(eps))
    return True


def _is(v, op: str, inputs: int = 1) -> bool:
    return isinstance(v, Held) and v.node.op_type == op and len(v.inputs) >= inputs


def _centred(d) -> Act | None:
    """x where `d` is x - ReduceMean(x) over the channels of x."""
    if not _is(d, "Sub", 2) or not isinstance(d.inputs[0], Act):
        return None
    x, mean = d.inputs
    return x if _is(mean, "ReduceMean") and mean.inputs[0] == x and _mean_of(mean, x) else None


def _mean_of(held: Held, x: Act) -> bool:
    """Whether a held ReduceMean averages over the channels of `x`, keeping the axis."""
    axes = reduced(held.node, held.inputs, len(x.dims))
    return axes == [x.channel_axis] and held.node.attrs.get("keepdims", 1) == 1


@READERS.register("Div")
def _div(node: Node, r: Lowering) -> None:
    x, d = r.value(node, 0), r.value(node, 1)
    if isinstance(x, Act) and isinstance(d, Held):
        lrn = _lrn(x, d)
        if lrn is not None:
            size, alpha, beta, k = lrn
            r.emit(node, LocalResponseNorm, [x], x.dims, size=size, alpha=alpha, beta=beta, k=k)
            return
    r.hold(node, [x, d], getattr(x, "dims", None), x if isinstance(x, Act) else None)


def _lrn(x: Act, d: Held) -> tuple[int, float, float, float] | None:
    """torch's local_response_norm: x / (k + alpha * avg of x^2 over `size` channels)^beta,
    the average a pool over the channels of a zero-padded view; (size, alpha, beta, k)."""
    beta = _operand(d, "Pow")
    add = d.inputs[0] if beta is not None else None
    k = _operand(add, "Add") if isinstance(add, Held) else None
    mul = _other(add) if k is not None else None
    alpha = _operand(mul, "Mul") if isinstance(mul, Held) else None
    if alpha is None:
        return None
    node, size, pad = _other(mul), None, None
    while isinstance(node, Held) and node.node.op_type != "Mul":
        op = node.node.op_type
        if op == "AveragePool":
            kernel = node.node.attrs.get("kernel_shape", ())
            strides = node.node.attrs.get("strides", (1,) * len(kernel))
            if (
                size is not None
                or not kernel
                or any(k != 1 for k in kernel[1:])
                or set(strides) != {1}
            ):
                return None
            if not node.node.attrs.get("count_include_pad", 0):
                return None
            size = kernel[0]
        elif op == "Pad":
            pads = node.inputs[1].ints() if isinstance(node.inputs[1], Const) else None
            if pad is not None or pads is None:
                return None
            pad = pads
        elif op not in ("Reshape", "Squeeze", "Unsqueeze", "Identity"):
            return None
        node = node.inputs[0]
    square = node
    if not (isinstance(square, Held) and square.inputs[0] == square.inputs[1] == x):
        return None
    rank = len(pad) // 2 if pad else 0
    if size is None or pad is None or sorted(pad)[: 2 * rank - 2] != [0] * (2 * rank - 2):
        return None
    if sorted(p for p in pad if p) != sorted(p for p in (size // 2, (size - 1) // 2) if p):
        return None
    return size, f32(alpha), f32(beta), f32(k)


def _operand(held: Held | None, op: str) -> float | None:
    """The scalar constant a held `op` node applies (None where it is not that node)."""
    if not isinstance(held, Held) or held.node.op_type != op or len(held.inputs) != 2:
        return None
    scalars = [_scalar(v) for v in held.inputs]
    if op == "Pow" or not isinstance(held.inputs[0], Const):
        return scalars[1]
    return scalars[0]


def _other(held: Held) -> object:
    """The non-constant operand of a held binary node."""
    return next(v for v in held.inputs if not isinstance(v, Const))


def _view(node: Node, r: Lowering) -> None:
    """Reshape, Flatten, Squeeze, Unsqueeze of an activation: the same map (N x C x 1 x 1
    as N x C), a Flatten (N x C x H x W to N x CHW), the end of a channel shuffle, or held
    (the first view of a shuffle, a view of torch's LRN)."""
    x = r.value(node, 0)
    shape = r.value(node, 1) if node.op_type != "Flatten" else None
    target = shape.ints() if isinstance(shape, Const) else None
    if isinstance(x, Held):
        groups = _shuffle(x, target)
        if groups:
            source = x.source
            r.emit(node, ChannelShuffle, [source], source.dims, groups=groups)
            return
        dims = reshaped(node.op_type, x.dims, target, node.attrs) if x.dims else None
        r.hold(node, [x, shape], dims, x.source)
        return
    x = r.act(node, 0)
    dims = reshaped(node.op_type, x.dims, target, node.attrs)
    if dims is None:
        raise r.refuse(node, "reshapes to sizes it does not store", "a stored shape")
    if len(dims) in (2, 4) and Act("", dims).shape == x.shape:
        r.alias(node, x, dims)
    elif len(dims) == 2 and len(x.dims) == 4 and dims[0] == x.dims[0]:
        r.emit(node, Flatten, [x], dims)
    else:
        r.hold(node, [x, shape], dims, x)


for _op in ("Reshape", "Flatten", "Squeeze", "Unsqueeze"):
    READERS.register(_op)(_view)


def _shuffle(held: Held, target) -> int:
    """The groups of a channel shuffle ending here: N x C x H x W viewed as N x g x C/g x
    H x W, the two middle axes swapped, viewed back as N x C x H x W (0: no shuffle)."""
    while held.node.op_type == "Identity" and isinstance(held.inputs[0], Held):
        held = held.inputs[0]
    if held.node.op_type != "Transpose" or held.node.attrs.get("perm") != (0, 2, 1, 3, 4):
        return 0
    view = held.inputs[0]
    source = held.source
    if not (isinstance(view, Held) and view.node.op_type == "Reshape" and source is not None):
        return 0
    _, c, h, w = source.dims
    if view.dims is None or len(view.dims) != 5 or target is None:
        return 0
    _, g, per, vh, vw = view.dims
    back = reshaped("Reshape", held.dims or (), target, {})
    if (vh, vw) != (h, w) or g * per != c or back != source.dims:
        return 0
    return g


#: A Transpose that moves the channels of a map last, and the one that moves them back.
_TO_LAST, _TO_FIRST = (0, 2, 3, 1), (0, 3, 1, 2)


def _held(node: Node, r: Lowering) -> None:
    """A node that is only ever part of a pattern: held, with its output's dimensions; but
    a Transpose that moves a map's channels last or back is that map, in the other layout
    (nn.LayerNorm and nn.Linear over the channels: permutes that cost nothing)."""
    xs = [r.value(node, i) for i in range(len(node.inputs))]
    x = xs[0]
    dims = getattr(x, "dims", None)
    if dims is not None and node.op_type == "Transpose":
        perm = node.attrs.get("perm", tuple(reversed(range(len(dims)))))
        dims = tuple(dims[p] for p in perm) if len(perm) == len(dims) else None
        if isinstance(x, Act) and perm == (_TO_FIRST if x.channels_last else _TO_LAST):
            r.alias(node, Act(x.op, dims, not x.channels_last))
            return
    elif dims is not None and node.op_type == "Pad":
        pads = xs[1].ints() if len(xs) > 1 and isinstance(xs[1], Const) else None
        if pads is None or len(pads) != 2 * len(dims):
            dims = None
        else:
            dims = tuple(d + pads[i] + pads[i + len(dims)] for i, d in enumerate(dims))
    source = x if isinstance(x, Act) else getattr(x, "source", None)
    r.hold(node, xs, dims, source)


for _op in ("Pad", "Transpose", "Pow"):
    READERS.register(_op)(_held)


# -- an elementwise expression of one map -------------------------------------------------

#: Elementwise operators, as each computes one value from its inputs' values (`a` the
#: first, `v` all, `n` the node); what an expression of one map may be made of.
_ELEMENTWISE = {
    "Add": lambda n, a, v: a + v[1],
    "Sub": lambda n, a, v: a - v[1],
    "Mul": lambda n, a, v: a * v[1],
    "Div": lambda n, a, v: a / v[1],
    "Pow": lambda n, a, v: math.pow(a, v[1]),
    "Neg": lambda n, a, v: -a,
    "Reciprocal": lambda n, a, v: 1 / a,
    "Sqrt": lambda n, a, v: math.sqrt(a),
    "Erf": lambda n, a, v: math.erf(a),
    "Tanh": lambda n, a, v: math.tanh(a),
    "Sigmoid": lambda n, a, v: 1 / (1 + math.exp(-a)),
    "Relu": lambda n, a, v: max(a, 0.0),
    "Clip": lambda n, a, v: _clipped(n, a, v),
    "HardSigmoid": lambda n, a, v: _hard_sigmoid(n, a),
    "Identity": lambda n, a, v: a,
}

#: The ops of ours an expression may compute, each with its fields and its values.
_FUNCTIONS: tuple[tuple[type[Op], dict, object], ...] = (
    (Gelu, {"approximate": "none"}, lambda x: 0.5 * x * (1 + math.erf(x / math.sqrt(2)))),
    (
        Gelu,
        {"approximate": "tanh"},
        lambda x: 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
    ),
    (HardSwish, {}, lambda x: x * min(max(x + 3, 0.0), 6.0) / 6),
    (HardSigmoid, {}, lambda x: min(max(x + 3, 0.0), 6.0) / 6),
)
#: Where an expression is evaluated: both sides of 0, each piece of h-swish (below -3,
#: between, above 3), where GELU's two forms differ most (|x| near 2 to 3).
_POINTS = (-6.0, -4.0, -3.0, -2.5, -2.0, -1.3, -0.7, -0.2, 0.0, 0.4, 1.1, 1.9, 2.6, 3.5, 5.0)
#: The most nodes an expression is walked through (torch's GELU in tanh form is nine).
_MOST_NODES = 32


def function(node: Node, inputs) -> tuple[Act, type[Op], dict] | None:
    """An elementwise node whose expression, through the held nodes it reads, is built of
    elementwise operators (`_ELEMENTWISE`) on one map and scalar constants, and computes
    an op of ours (`_FUNCTIONS`, the same values at every one of `_POINTS`, to float32's
    precision): that map, the op and its fields. How an exporter spells the op does not
    matter (torch writes GELU as Div, Erf, Add, Mul, Mul or Mul, Div, Erf, Add, Mul).
    None where it is not one."""
    if node.op_type not in _ELEMENTWISE or not any(isinstance(v, Held) for v in inputs):
        return None
    top = Held(node, tuple(inputs))
    maps: set[Act] = set()
    stack, seen = [top], set()
    while stack:
        h = stack.pop()
        if id(h) in seen:
            continue
        seen.add(id(h))
        elementwise = h.node.op_type in _ELEMENTWISE and h.node.domain in ("", "ai.onnx")
        if len(seen) > _MOST_NODES or not elementwise:
            return None
        for v in h.inputs:
            if isinstance(v, Held):
                stack.append(v)
            elif isinstance(v, Act):
                maps.add(v)
            elif isinstance(v, Const) and not isinstance(v.scalar(), int | float):
                return None
    if len(maps) != 1:
        return None
    (x,) = maps
    try:
        values = [_value(top, t, {}) for t in _POINTS]
    except (ArithmeticError, ValueError, TypeError):
        return None
    for cls, fields, f in _FUNCTIONS:
        if all(
            abs(v - f(t)) <= 1e-6 * max(1.0, abs(v)) for v, t in zip(values, _POINTS, strict=True)
        ):
            return x, cls, fields
    return None


def _value(v, t: float, known: dict[int, float]) -> float | None:
    """The value of an expression of one map where the map is `t` (`known`: the held
    nodes' values so far, each computed once however often it is read)."""
    if v is None:
        return None  # an optional input left out
    if isinstance(v, Act):
        return t
    if isinstance(v, Const):
        return float(v.scalar())
    if id(v) not in known:
        args = [_value(w, t, known) for w in v.inputs]
        known[id(v)] = float(_ELEMENTWISE[v.node.op_type](v.node, args[0], args))
    return known[id(v)]


def _clipped(node: Node, a: float, v: list) -> float:
    """Clip: its bounds as inputs (opset 11 on) or attributes (before)."""
    low = v[1] if len(v) > 1 and v[1] is not None else node.attrs.get("min", -math.inf)
    high = v[2] if len(v) > 2 and v[2] is not None else node.attrs.get("max", math.inf)
    return min(max(a, low), high)


def _hard_sigmoid(node: Node, a: float) -> float:
    """HardSigmoid: max(0, min(1, alpha a + beta)), ONNX's defaults alpha 0.2, beta 0.5."""
    return max(0.0, min(1.0, node.attrs.get("alpha", 0.2) * a + node.attrs.get("beta", 0.5)))
