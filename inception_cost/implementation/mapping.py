"""The ONNX mapping, one home per operator (as onnx2torch's converters): `READERS` maps an
ONNX operator to the function that reads one of its nodes into our ops, and `FORMS` each
op kind of ours to the ONNX forms it is read from (docs/onnx.md's table). The readers of
multi-node patterns (torch's LRN, swish, channel shuffle) are in patterns.py.

A reader takes the node and the walk (`reader.Lowering`): it emits ops, passes an
activation on, or holds the node for a later one to take in. Everything a reader does
not handle is refused with the node named, never counted as nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from inception_cost.conventions import MAX_LRN_SIZE
from inception_cost.errors import InputError
from inception_cost.implementation.onnx_file import Node
from inception_cost.implementation.values import Act, Const, Held
from inception_cost.ops import (
    BatchNorm,
    ChannelSplit,
    Concat,
    Conv2d,
    Dropout,
    Gelu,
    HardSigmoid,
    HardSwish,
    LayerNorm,
    Linear,
    LocalResponseNorm,
    Pool2d,
    Registry,
    ReLU,
    Sigmoid,
    Softmax,
    window,
)

if TYPE_CHECKING:
    from inception_cost.implementation.reader import Lowering

Reader = Callable[[Node, "Lowering"], None]

#: ONNX operator -> its reader.
READERS: Registry[Reader] = Registry("ONNX reader")
#: Our op kind -> the ONNX forms it is read from ("" where no ONNX form reads as it).
FORMS: Registry[str] = Registry("ONNX form")

FORMS.register("conv")(
    "Conv (groups; pads, auto_pad; a zero Pad before it as its padding; a patchify stem is a"
    " k x k, stride k Conv); MatMul (then Add of a bias) over the channels of a channels-last"
    " map as a 1x1"
)
FORMS.register("pool")(
    "MaxPool, AveragePool (ceil_mode, count_include_pad), GlobalAveragePool,"
    " GlobalMaxPool, ReduceMean over H and W"
)
FORMS.register("lrn")("LRN; torch's Mul, Pad, AveragePool, Mul, Add, Pow, Div")
FORMS.register("bn")("BatchNormalization")
FORMS.register("relu")("Relu; Clip(0, 6) as ReLU6; LeakyRelu(alpha) as the leaky ReLU")
FORMS.register("tanh")("Tanh; Mul, Tanh, Mul as a scaled tanh")
FORMS.register("swish")("Mul(x, Sigmoid(x))")
FORMS.register("sigmoid")("Sigmoid")
FORMS.register("hswish")("HardSwish; Mul(x, HardSigmoid(x)); x ReLU6(x + 3) / 6 written out")
FORMS.register("hsigmoid")("HardSigmoid(alpha 1/6, beta 0.5); ReLU6(x + 3) / 6 written out")
FORMS.register("gelu")(
    "Gelu (none, tanh); torch's Div, Erf, Add, Mul, Mul and its tanh form (Pow, Mul, Add,"
    " Mul, Tanh, Add, Mul, Mul)"
)
FORMS.register("layernorm")(
    "LayerNormalization over the channels (axis -1 between Transposes); torch's ReduceMean,"
    " Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add over the channels"
)
FORMS.register("layerscale")("Mul of a map and a stored per-channel factor (C x 1 x 1)")
FORMS.register("scale")("Mul of a map and per-channel gates")
FORMS.register("add")("Add, Sum of maps")
FORMS.register("flatten")("Flatten; Reshape to N x (C H W)")
FORMS.register("concat")("Concat on channels")
FORMS.register("split")("Split, SplitToSequence and SequenceAt, Slice: equal parts on channels")
FORMS.register("shuffle")("Reshape, Transpose, Reshape: a channel shuffle")
FORMS.register("linear")("Gemm; MatMul, then Add of a bias")
FORMS.register("dropout")("Dropout")
FORMS.register("softmax")("Softmax on channels")
for _kind in ("subsample", "rbf", "shortcut"):
    FORMS.register(_kind)("")  # LeNet-5's and ResNet's option A: no ONNX operator is one

#: h-sigmoid's HardSigmoid constants, as float32 writes them: ReLU6(x + 3) / 6
_HSIGMOID = (0.1666667, 0.5)


def f32(x: float) -> float:
    """A float32 attribute as the decimal it was written as (1e-3, not 0.0010000000475)."""
    return float(f"{x:.7g}")


def _pads(node: Node, r: Lowering, kernel, strides, size: tuple[int, int]) -> tuple[int, int]:
    """Symmetric (top = bottom, left = right) padding from `pads` or `auto_pad`."""
    auto = r.attr(node, "auto_pad", "NOTSET")
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        pads = []
        for n, k, s in zip(size, kernel, strides, strict=True):
            pads.append(max((-(-n // s) - 1) * s + k - n, 0))
        begin = [p // 2 if auto == "SAME_UPPER" else p - p // 2 for p in pads]
        pads = (*begin, *(p - b for p, b in zip(pads, begin, strict=True)))
    elif auto == "VALID":
        pads = (0, 0, 0, 0)
    else:
        pads = tuple(r.attr(node, "pads", (0, 0, 0, 0)))
    if len(pads) != 4 or pads[0] != pads[2] or pads[1] != pads[3]:
        raise r.refuse(
            node,
            f"pads {list(pads)} unevenly (top, left, bottom, right)",
            "the same padding on both sides of each axis",
        )
    return pads[0], pads[1]


def _window_attrs(node: Node, r: Lowering, kernel) -> tuple[int, tuple[int, int]]:
    strides = tuple(r.attr(node, "strides", (1, 1)))
    dilations = tuple(r.attr(node, "dilations", (1, 1)))
    if len(kernel) != 2 or len(strides) != 2:
        raise r.refuse(node, f"has a {len(kernel)}-D window", "a 2-D window over H and W")
    if any(d != 1 for d in dilations):
        raise r.refuse(
            node, f"is dilated {'x'.join(map(str, dilations))}", "no dilation (not read yet)"
        )
    if strides[0] != strides[1]:
        raise r.refuse(node, f"strides {strides[0]}x{strides[1]}", "one stride for both axes")
    return strides[0], strides


def _swept(node: Node, r: Lowering, x: Act, kernel, stride: int, pad, ceil: bool):
    (h, w, _), (ph, pw) = x.shape, pad
    if ph != pw:
        raise r.refuse(node, f"pads {ph} and {pw}", "the same padding on H and W")
    try:
        return window(h, w, tuple(kernel), stride, ph, ceil)
    except InputError as exc:  # a window larger than its padded input
        raise r.refuse(node, exc.message, "a window inside its input") from exc


@READERS.register("Conv")
def _conv(node: Node, r: Lowering) -> None:
    x = r.value(node, 0)
    extra = (0, 0)
    if isinstance(x, Held) and x.node.op_type == "Pad" and x.source is not None:
        extra = _taken_pad(x, r)
        x = x.source
    else:
        x = r.act(node, 0)
    w = r.const(node, 1, "weight")
    if len(w.dims) != 4 or x.shape is None or len(x.dims) != 4:
        raise r.refuse(node, f"has a {len(w.dims)}-D weight", "a 2-D convolution")
    cout, cin_g, kh, kw = w.dims
    groups = r.attr(node, "group", 1)
    c = x.dims[1]
    if groups < 1 or c != cin_g * groups or cout % groups:
        raise r.refuse(
            node,
            f"reads {c} channels with a {'x'.join(map(str, w.dims))} weight in {groups} groups",
            "input channels = weight's second dimension x groups",
        )
    stride, strides = _window_attrs(node, r, (kh, kw))
    ph, pw = _pads(node, r, (kh, kw), strides, (x.dims[2], x.dims[3]))
    pad = (ph + extra[0], pw + extra[1])
    ho, wo = _swept(node, r, x, (kh, kw), stride, pad, False)
    bias = _stored(r, node, 2, cout)
    params = {"weight": node.inputs[1], "bias": node.inputs[2] if bias else ""}
    dims = (x.dims[0], cout, ho, wo)
    r.emit(
        node,
        Conv2d,
        [x],
        dims,
        params,
        kernel=(kh, kw),
        stride=stride,
        padding=pad,
        groups=groups,
        bias=bias,
    )


def _stored(r: Lowering, node: Node, i: int, n: int) -> bool:
    """Whether input `i` (a bias) is stored in the file: `n` values of an initializer or
    a Constant. A bias an unoptimised export computes from one zero (Expand of a scalar)
    is no parameter of the model."""
    v = r.value(node, i)
    if v is None:
        return False
    if isinstance(v, Const):
        return v.size == n and v.stored >= n
    raise r.refuse(node, "has a bias computed from the image", "a stored bias")


def _taken_pad(held: Held, r: Lowering) -> tuple[int, int]:
    """A zero Pad on H and W before a convolution: its padding, added to the conv's."""
    node = held.node
    mode = node.attrs.get("mode", "constant")
    pads = held.inputs[1] if len(held.inputs) > 1 else None
    pads = pads.ints() if isinstance(pads, Const) else tuple(node.attrs.get("pads", ()))
    value = held.inputs[2] if len(held.inputs) > 2 else None
    zero = value is None or (isinstance(value, Const) and value.scalar() == 0)
    if mode != "constant" or not zero or pads is None or len(pads) != 8:
        raise r.refuse(node, "pads other than with zeros on N x C x H x W", "a zero Pad")
    if any(pads[i] for i in (0, 1, 4, 5)) or pads[2] != pads[6] or pads[3] != pads[7]:
        raise r.refuse(
            node, f"pads {list(pads)}", "the same zero padding on both sides of H and of W"
        )
    return pads[2], pads[3]


@READERS.register("Gemm")
def _gemm(node: Node, r: Lowering) -> None:
    x = r.act(node, 0)
    w = r.const(node, 1, "weight")
    if r.attr(node, "transA", 0) or r.attr(node, "alpha", 1.0) != 1.0 or len(x.dims) != 2:
        raise r.refuse(node, "is not x W^T + b on N x F", "a fully connected layer")
    if r.value(node, 2) is not None and r.attr(node, "beta", 1.0) != 1.0:
        raise r.refuse(node, "scales its bias", "beta = 1")
    out, inner = w.dims if r.attr(node, "transB", 0) else tuple(reversed(w.dims))
    if inner != x.dims[1]:
        raise r.refuse(node, f"multiplies {x.dims[1]} features by {inner}", "matching sizes")
    bias = _stored(r, node, 2, out)
    params = {"weight": node.inputs[1], "bias": node.inputs[2] if bias else ""}
    params["layout"] = "oi" if r.attr(node, "transB", 0) else "io"
    r.emit(node, Linear, [x], (x.dims[0], out), params, bias=bias)


@READERS.register("MatMul")
def _matmul(node: Node, r: Lowering) -> None:
    """A linear layer on N x F; on a channels-last map (nn.Linear over the channels at each
    position, ConvNeXt's), a 1x1 convolution. An Add after it may add a bias."""
    x = r.act(node, 0, any_layout=True)
    w = r.const(node, 1, "weight")
    params = {"weight": node.inputs[1], "layout": "io"}
    if x.channels_last and len(w.dims) == 2 and w.dims[0] == x.dims[3]:
        dims = (*x.dims[:3], w.dims[1])
        r.emit(node, Conv2d, [x], dims, params, channels_last=True, bias=False)
        return
    if len(x.dims) != 2 or len(w.dims) != 2 or w.dims[0] != x.dims[1]:
        raise r.refuse(
            node,
            "is not N x F times F x units",
            "a fully connected layer (or one over the channels of a channels-last map)",
        )
    r.emit(node, Linear, [x], (x.dims[0], w.dims[1]), params, bias=False)


def _pool(node: Node, r: Lowering, mode: str) -> None:
    x = r.value(node, 0)
    if isinstance(x, Held) or (isinstance(x, Act) and len(x.dims) != 4):
        r.hold(node, [x])  # torch's LRN pools its squares over channels in 5-D
        return
    x = r.act(node, 0)
    kernel = tuple(r.attr(node, "kernel_shape", ()))
    stride, strides = _window_attrs(node, r, kernel)
    pad = _pads(node, r, kernel, strides, (x.dims[2], x.dims[3]))
    if mode == "avg" and any(pad) and not r.attr(node, "count_include_pad", 0):
        raise r.refuse(
            node,
            "averages padded windows over their valid taps only (count_include_pad = 0)",
            "count_include_pad = 1, as torch and Caffe divide (or no padding)",
        )
    ceil = bool(r.attr(node, "ceil_mode", 0))
    ho, wo = _swept(node, r, x, kernel, stride, pad, ceil)
    r.emit(
        node,
        Pool2d,
        [x],
        (x.dims[0], x.dims[1], ho, wo),
        mode=mode,
        kernel=kernel,
        stride=stride,
        padding=pad,
        ceil=ceil,
    )


READERS.register("MaxPool")(lambda node, r: _pool(node, r, "max"))
READERS.register("AveragePool")(lambda node, r: _pool(node, r, "avg"))


def _global(node: Node, r: Lowering, mode: str, keep: bool = True) -> None:
    x = r.act(node, 0)
    n, c, h, w = x.dims
    dims = (n, c, 1, 1) if keep else (n, c)
    if mode == "avg":
        r.emit(node, Pool2d, [x], dims, mode="avg", kernel=(h, w), whole=True)
    else:
        r.emit(node, Pool2d, [x], dims, mode="max", kernel=(h, w))


READERS.register("GlobalAveragePool")(lambda node, r: _global(node, r, "avg"))
READERS.register("GlobalMaxPool")(lambda node, r: _global(node, r, "max"))


def reduced(node: Node, inputs, rank: int) -> list[int] | None:
    """The axes a ReduceMean averages over, from 0 (None where it does not store them)."""
    axes = inputs[1] if len(inputs) > 1 else None
    axes = axes.ints() if isinstance(axes, Const) else node.attrs.get("axes")
    if axes is None or not all(isinstance(a, int) for a in axes):
        return None
    return sorted(a % rank for a in axes)


@READERS.register("ReduceMean")
def _reduce_mean(node: Node, r: Lowering) -> None:
    """A global average pool (over H and W), or held: a layer norm's mean over the
    channels (patterns.py), torch's LRN's."""
    x = r.value(node, 0)
    if not isinstance(x, Act) or len(x.dims) != 4:
        r.hold(node, [x, r.value(node, 1)])
        return
    axes = reduced(node, [x, r.value(node, 1)], 4)
    if axes == [x.channel_axis] and r.attr(node, "keepdims", 1):
        r.hold(node, [x, r.value(node, 1)], x.dims, x)
        return
    x = r.act(node, 0)
    if axes != [2, 3]:
        raise r.refuse(node, f"averages over axes {axes}", "a mean over H and W (a global pool)")
    _global(node, r, "avg", keep=bool(r.attr(node, "keepdims", 1)))


@READERS.register("BatchNormalization")
def _batch_norm(node: Node, r: Lowering) -> None:
    x = r.act(node, 0)
    for i, what in enumerate(("scale", "shift", "running mean", "running variance"), 1):
        if r.const(node, i, what).size != x.dims[1]:
            raise r.refuse(node, f"has a {what} not of {x.dims[1]} channels", "one per channel")
    if r.attr(node, "training_mode", 0):
        raise r.refuse(node, "normalizes with batch statistics", "inference (training_mode 0)")
    roles = ("weight", "bias", "mean", "var")
    params = dict(zip(roles, node.inputs[1:5], strict=True))
    r.emit(node, BatchNorm, [x], x.dims, params, eps=f32(r.attr(node, "epsilon", 1e-5)))


def _in_expression(node: Node, r: Lowering) -> bool:
    """Held where the node reads a held node: a step of an expression a later node may
    read as one op (patterns.function: ReLU6(x + 3) / 6 is h-sigmoid)."""
    if isinstance(r.value(node, 0), Held):
        r.hold(node, [r.value(node, i) for i in range(len(node.inputs))])
        return True
    return False


def _pointwise(cls: type, **fields_) -> Reader:
    """The reader of an operator that is one of our elementwise ops, on either layout."""

    def read(node: Node, r: Lowering) -> None:
        if not _in_expression(node, r):
            x = r.act(node, 0, any_layout=True)
            r.emit(node, cls, [x], x.dims, channels_last=x.channels_last, **fields_)

    return read


READERS.register("Relu")(_pointwise(ReLU))
READERS.register("Sigmoid")(_pointwise(Sigmoid))
READERS.register("HardSwish")(_pointwise(HardSwish))


@READERS.register("LeakyRelu")
def _leaky_relu(node: Node, r: Lowering) -> None:
    x = r.act(node, 0, any_layout=True)
    slope = f32(r.attr(node, "alpha", 0.01))
    if not 0 <= slope < 1:
        raise r.refuse(node, f"has slope {slope}", "a leaky ReLU: a slope from 0, below 1")
    r.emit(node, ReLU, [x], x.dims, channels_last=x.channels_last, slope=slope)


@READERS.register("HardSigmoid")
def _hard_sigmoid(node: Node, r: Lowering) -> None:
    """h-sigmoid, max(0, min(1, x / 6 + 1 / 2)) = ReLU6(x + 3) / 6: HardSigmoid with alpha
    1/6 and beta 0.5 (torch's); other constants (ONNX's default alpha 0.2) are another
    function, refused."""
    if _in_expression(node, r):
        return
    x = r.act(node, 0, any_layout=True)
    alpha, beta = f32(r.attr(node, "alpha", 0.2)), f32(r.attr(node, "beta", 0.5))
    if (alpha, beta) != _HSIGMOID:
        raise r.refuse(
            node,
            f"is max(0, min(1, {alpha:g} x + {beta:g}))",
            "h-sigmoid, ReLU6(x + 3) / 6: alpha 1/6, beta 0.5 (torch's nn.Hardsigmoid)",
        )
    r.emit(node, HardSigmoid, [x], x.dims, channels_last=x.channels_last)


@READERS.register("Gelu")
def _gelu(node: Node, r: Lowering) -> None:
    x = r.act(node, 0, any_layout=True)
    approximate = r.attr(node, "approximate", "none")
    if approximate not in ("none", "tanh"):
        raise r.refuse(node, f"has approximate = {approximate!r}", "none or tanh")
    r.emit(node, Gelu, [x], x.dims, channels_last=x.channels_last, approximate=approximate)


@READERS.register("LayerNormalization")
def _layer_norm(node: Node, r: Lowering) -> None:
    """Over the channels at each position: the last axis of a channels-last map (torch's
    nn.LayerNorm between permutes, ConvNeXt's), of N x C, or of N x C x 1 x 1."""
    x = r.act(node, 0, any_layout=True)
    if x.shape is None:
        raise r.refuse(node, f"reads a {len(x.dims)}-D tensor", "a map or N x C")
    rank, c = len(x.dims), x.shape[2]
    axis = r.attr(node, "axis", -1)
    over = range(axis % rank, rank) if -rank <= axis < rank else range(0)
    if x.channel_axis not in over or any(x.dims[a] != 1 for a in over if a != x.channel_axis):
        raise r.refuse(
            node,
            f"normalizes {'x'.join(str(x.dims[a]) for a in over) or 'nothing'} values of a"
            f" {'x'.join(map(str, x.dims))} map",
            "the channels at each position (axis -1 of a map permuted to N x H x W x C)",
        )
    for i, what in ((1, "scale"), (2, "shift")):
        v = r.value(node, i)
        if not isinstance(v, Const) or v.size != c or v.stored < c:
            raise r.refuse(node, f"has no stored {what} of {c} channels", "gamma and beta")
    if any(r.readers[out] for out in node.outputs[1:] if out):
        raise r.refuse(node, "gives its mean or deviation to other nodes", "its output only")
    params = {"weight": node.inputs[1], "bias": node.inputs[2]}
    eps = f32(r.attr(node, "epsilon", 1e-5))
    r.emit(node, LayerNorm, [x], x.dims, params, channels_last=x.channels_last, eps=eps)


@READERS.register("Clip")
def _clip(node: Node, r: Lowering) -> None:
    if _in_expression(node, r):
        return
    x = r.act(node, 0, any_layout=True)
    low, high = r.value(node, 1), r.value(node, 2)
    low = low.scalar() if isinstance(low, Const) else r.attr(node, "min", 0.0)
    high = high.scalar() if isinstance(high, Const) else node.attrs.get("max")
    if high is not None and not isinstance(high, int | float):
        raise r.refuse(node, f"clips to {high!r}", "a number")
    if low != 0 or (high is not None and (high <= 0 or high != int(high))):
        raise r.refuse(node, f"clips to [{low}, {high}]", "a ReLU: [0, inf) or [0, N] (ReLU6)")
    cap = 0 if high is None else int(high)
    r.emit(node, ReLU, [x], x.dims, channels_last=x.channels_last, cap=cap)


@READERS.register("Softmax")
def _softmax(node: Node, r: Lowering) -> None:
    x = r.act(node, 0)
    axis = r.attr(node, "axis", -1) % len(x.dims)
    if axis != 1:
        raise r.refuse(node, f"is over axis {axis}", "a softmax over channels (axis 1)")
    r.emit(node, Softmax, [x], x.dims)


@READERS.register("LRN")
def _lrn(node: Node, r: Lowering) -> None:
    x = r.act(node, 0)
    size = r.attr(node, "size", 0)
    if not 1 <= size <= MAX_LRN_SIZE:
        raise r.refuse(node, f"has size {size}", f"a window of 1 to {MAX_LRN_SIZE:,} channels")
    r.emit(
        node,
        LocalResponseNorm,
        [x],
        x.dims,
        size=size,
        alpha=f32(r.attr(node, "alpha", 1e-4)),
        beta=f32(r.attr(node, "beta", 0.75)),
        k=f32(r.attr(node, "bias", 1.0)),
    )


@READERS.register("Dropout")
def _dropout(node: Node, r: Lowering) -> None:
    x = r.act(node, 0, any_layout=True)
    ratio = r.value(node, 1)
    ratio = ratio.scalar() if isinstance(ratio, Const) else r.attr(node, "ratio", 0.5)
    rate = Fraction(ratio).limit_denominator(1000) if ratio is not None else Fraction(1, 2)
    rate = (rate.numerator, rate.denominator)
    r.emit(node, Dropout, [x], x.dims, channels_last=x.channels_last, rate=rate)


@READERS.register("Identity")
def _identity(node: Node, r: Lowering) -> None:
    x = r.value(node, 0)
    if isinstance(x, Act):
        r.alias(node, x)
    else:
        r.hold(node, [x], getattr(x, "dims", None), getattr(x, "source", None))


@READERS.register("Cast")
def _cast(node: Node, r: Lowering) -> None:
    if r.attr(node, "to", 0) not in (1, 10, 11, 16):  # float, float16, double, bfloat16
        raise r.refuse(node, "casts an activation to a non-float type", "a float cast")
    _identity(node, r)


@READERS.register("Concat")
def _concat(node: Node, r: Lowering) -> None:
    xs = [r.act(node, i) for i in range(len(node.inputs))]
    rank = len(xs[0].dims)
    if r.attr(node, "axis", 1) % rank != 1 or any(len(x.dims) != rank for x in xs):
        raise r.refuse(node, f"joins on axis {r.attr(node, 'axis')}", "channels (axis 1)")
    if any(x.dims[2:] != xs[0].dims[2:] for x in xs):
        raise r.refuse(node, "joins maps of different sizes", "maps of one height and width")
    dims = (xs[0].dims[0], sum(x.dims[1] for x in xs), *xs[0].dims[2:])
    r.emit(node, Concat, xs, dims)


def _parts(node: Node, r: Lowering, x: Act, sizes: tuple[int, ...] | None, n: int):
    if r.attr(node, "axis", 0) % len(x.dims) != 1:
        raise r.refuse(node, "splits another axis than channels", "a split on channels")
    c = x.dims[1]
    if sizes is not None and (len(set(sizes)) != 1 or sum(sizes) != c):
        raise r.refuse(node, f"splits {c} channels as {list(sizes)}", "equal parts")
    n = len(sizes) if sizes else n
    if n < 1 or c % n:
        raise r.refuse(node, f"splits {c} channels in {n}", "equal parts")
    return n, c // n


@READERS.register("Split")
def _split(node: Node, r: Lowering) -> None:
    x = r.act(node, 0)
    sizes = r.value(node, 1)
    sizes = sizes.ints() if isinstance(sizes, Const) else r.attr(node, "split", ()) or None
    n, part = _parts(node, r, x, sizes, r.attr(node, "num_outputs", len(node.outputs)))
    for i in range(len(node.outputs)):
        dims = (x.dims[0], part, *x.dims[2:])
        r.emit(node, ChannelSplit, [x], dims, output=i, groups=n, part=i + 1)


@READERS.register("SplitToSequence")
def _split_to_sequence(node: Node, r: Lowering) -> None:
    x = r.act(node, 0)
    size = r.value(node, 1)
    size = size.ints() if isinstance(size, Const) else None
    if size is not None and len(size) == 1:
        size = (size[0],) * (x.dims[1] // size[0]) if size[0] and x.dims[1] % size[0] == 0 else None
    if size is None or r.attr(node, "keepdims", 1) != 1:
        raise r.refuse(node, "splits by sizes it does not store", "a split into equal parts")
    n, _ = _parts(node, r, x, size, 0)
    r.hold(node, [x, Const((), (n,))], source=x)


@READERS.register("SequenceAt")
def _sequence_at(node: Node, r: Lowering) -> None:
    seq, i = r.value(node, 0), r.value(node, 1)
    if not (isinstance(seq, Held) and seq.node.op_type == "SplitToSequence"):
        raise r.refuse(node, "reads a sequence not split from a map", "a SplitToSequence")
    index = i.ints() if isinstance(i, Const) else None
    n = seq.inputs[1].values[0]
    if index is None or len(index) != 1 or not -n <= index[0] < n:
        raise r.refuse(node, "takes a part it does not store", "a stored index")
    x = seq.source
    r.emit(
        node,
        ChannelSplit,
        [x],
        (x.dims[0], x.dims[1] // n, *x.dims[2:]),
        groups=n,
        part=index[0] % n + 1,
    )


@READERS.register("Slice")
def _slice(node: Node, r: Lowering) -> None:
    x = r.act(node, 0)
    starts, ends, axes, steps = (r.value(node, i) for i in range(1, 5))
    got = [v.ints() if isinstance(v, Const) else None for v in (starts, ends, axes, steps)]
    starts, ends = got[0], got[1]
    axes = got[2] if axes is not None else tuple(range(len(starts or ())))
    steps = got[3] if steps is not None else (1,) * len(starts or ())
    if None in (starts, ends, axes, steps) or len(starts) != 1 or axes[0] % len(x.dims) != 1:
        raise r.refuse(node, "slices other than one range of channels", "a channel split")
    c = x.dims[1]
    begin, end = (max(0, min(c, v + c if v < 0 else v)) for v in (starts[0], ends[0]))
    width = end - begin
    if steps[0] != 1 or width <= 0 or c % width or begin % width:
        raise r.refuse(node, f"takes channels {begin}:{end} of {c}", "one of equal parts")
    r.emit(
        node,
        ChannelSplit,
        [x],
        (x.dims[0], width, *x.dims[2:]),
        groups=c // width,
        part=begin // width + 1,
    )
