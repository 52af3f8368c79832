"""The readers of operators that mean one op of ours only with their neighbours: what
torch's exporter writes for an LRN (x*x, a view, Pad, AveragePool over channels, a view,
* alpha, + k, ^ beta, then x / that), a swish (x * Sigmoid(x)), LeNet-5's scaled tanh
(a * tanh(s * x)), a channel shuffle (view as groups, Transpose, view back), a linear
layer as MatMul then Add, a zero Pad a convolution takes as its padding.

Each pattern is read at its last node, from the nodes held before it; a held node that
no pattern takes in is refused where it is read (reader.Lowering.unread).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inception_cost.implementation.mapping import READERS, f32
from inception_cost.implementation.onnx_file import Node
from inception_cost.implementation.values import Act, Const, Held, reshaped
from inception_cost.ops import (
    Add,
    ChannelShuffle,
    Flatten,
    Linear,
    LocalResponseNorm,
    Scale,
    Sigmoid,
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
    r.hold(node, [a, b], getattr(a, "dims", None), a if isinstance(a, Act) else None)


def _product(node: Node, r: Lowering, a: Act, b: Act) -> None:
    """Two activations multiplied: a swish, squeeze-and-excitation's scale, or the square
    torch's LRN starts from."""
    if a.op == b.op:
        r.hold(node, [a, b], a.dims, a)
        return
    for x, gate, i in ((a, b, 1), (b, a, 0)):
        op = r.op(gate)
        reads_x = op is not None and op.kind == "sigmoid" and op.inputs == (x.op,)
        if reads_x and r.only_reader(node, i) and gate.dims == x.dims:
            r.rewrite(gate, node, cls=Swish)
            return
    for x, gates in ((a, b), (b, a)):
        if len(x.dims) == 4 and gates.dims == (x.dims[0], x.dims[1], 1, 1):
            r.emit(node, Scale, [x, gates], x.dims)
            return
    raise r.refuse(
        node,
        f"multiplies two maps ({'x'.join(map(str, a.dims))} and {'x'.join(map(str, b.dims))})",
        "a swish x * sigmoid(x), or a map times per-channel gates",
    )


@READERS.register("Tanh")
def _tanh(node: Node, r: Lowering) -> None:
    x = r.value(node, 0)
    slope = 1.0
    if isinstance(x, Held) and x.node.op_type == "Mul" and x.source is not None:
        scale = next((_scalar(v) for v in x.inputs if isinstance(v, Const)), None)
        if scale is not None:
            slope, x = f32(scale), x.source
    x = x if isinstance(x, Act) else r.act(node, 0)
    r.emit(node, Tanh, [x], x.dims, amplitude=1.0, slope=slope)


@READERS.register("Add", "Sum")
def _add(node: Node, r: Lowering) -> None:
    xs = [r.value(node, i) for i in range(len(node.inputs))]
    if all(isinstance(x, Act) for x in xs):
        if len({x.dims for x in xs}) > 1:
            raise r.refuse(node, "adds maps of different sizes", "a residual add of one size")
        r.emit(node, Add, xs, xs[0].dims)
        return
    if len(xs) == 2 and isinstance(xs[1], Act) and not isinstance(xs[0], Act):
        xs.reverse()
    x, c = xs[0], xs[-1]
    op = r.op(x)
    if isinstance(op, Linear) and not op.bias and isinstance(c, Const):
        units, i = op.out_shape[2], 0 if xs[0] is r.value(node, 0) else 1
        if c.size == units and c.dims[-1] == units and r.only_reader(node, i):
            stored = c.stored >= units  # MatMul then Add: x W + b
            params = {"bias": node.inputs[1 - i]} if stored else None
            r.rewrite(x, node, params=params, bias=stored)
            return
    r.hold(node, xs, getattr(x, "dims", None), x if isinstance(x, Act) else None)


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


def _held(node: Node, r: Lowering) -> None:
    """A node that is only ever part of a pattern: held, with its output's dimensions."""
    xs = [r.value(node, i) for i in range(len(node.inputs))]
    x = xs[0]
    dims = getattr(x, "dims", None)
    if dims is not None and node.op_type == "Transpose":
        perm = node.attrs.get("perm", tuple(reversed(range(len(dims)))))
        dims = tuple(dims[p] for p in perm) if len(perm) == len(dims) else None
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


assert Sigmoid  # the gate a swish's Mul rewrites (its reader is mapping.py's)
