"""The cost rule of each primitive op, and a network's per-op, per-block and total costs.

Everything is an exact Python int. Multiply-adds (MACs) count only the products of a
convolution or linear layer; bias adds, comparisons, divisions and exponentials are
"other ops", kept apart by category so any tool's convention can be rebuilt from them
(docs/conventions.md says what each category holds for each op).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inception_cost.network import Block, Network
from inception_cost.ops import (
    Add,
    BatchNorm,
    ChannelShuffle,
    ChannelSplit,
    Concat,
    Conv2d,
    Dropout,
    Flatten,
    Linear,
    LocalResponseNorm,
    Op,
    Pool2d,
    Rbf,
    ReLU,
    Scale,
    Shortcut,
    Sigmoid,
    Softmax,
    Subsample,
    Swish,
    Tanh,
)

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int8": 1}


@dataclass(frozen=True, slots=True)
class OtherOps:
    """Non-MAC arithmetic by category: comparisons, adds, multiplies, divisions, exp/pow."""

    compare: int = 0
    add: int = 0
    mul: int = 0
    div: int = 0
    exp: int = 0

    @property
    def total(self) -> int:
        return self.compare + self.add + self.mul + self.div + self.exp

    def __add__(self, other: OtherOps) -> OtherOps:
        if other is ZERO:
            return self
        if self is ZERO:
            return other
        return OtherOps(
            self.compare + other.compare,
            self.add + other.add,
            self.mul + other.mul,
            self.div + other.div,
            self.exp + other.exp,
        )

    def times(self, n: int) -> OtherOps:
        if n == 1 or self is ZERO:
            return self
        return OtherOps(self.compare * n, self.add * n, self.mul * n, self.div * n, self.exp * n)


ZERO = OtherOps()


@dataclass(frozen=True, slots=True)
class OpCost:
    """What one op costs for the whole batch."""

    op: Op
    weights: int
    biases: int
    macs: int
    other: OtherOps
    activations: int  # output elements this op writes to new memory (0 when in place)
    fixed: int = 0  # parameters not trained: BN running statistics, LeNet's RBF prototypes
    bias_adds: int = 0  # additions of a bias (or subsampling) term, one per output unit

    @property
    def params(self) -> int:
        return self.weights + self.biases

    @property
    def connections(self) -> int:
        """LeNet-5's unit: each input a unit multiplies, plus its bias."""
        return self.macs + self.bias_adds


@dataclass(frozen=True, slots=True)
class BlockCost:
    """A table row's cost: the sums of its ops, and its depth in parameterised layers."""

    block: Block
    ops: tuple[OpCost, ...]
    weights: int
    biases: int
    macs: int
    other: OtherOps
    activations: int
    depth: int
    fixed: int = 0
    connections: int = 0

    @property
    def params(self) -> int:
        return self.weights + self.biases

    @property
    def name(self) -> str:
        return self.block.name


@dataclass(frozen=True, slots=True)
class Totals:
    weights: int
    biases: int
    macs: int
    other: OtherOps
    activations: int
    depth: int  # longest chain of layers with weights (conv, linear, subsampling, RBF)
    depth_with_pooling: int  # the same chain counting pooling layers too
    fixed: int = 0
    connections: int = 0
    neurons: int = 0  # output units of the layers with weights, per image

    @property
    def params(self) -> int:
        return self.weights + self.biases


@dataclass(frozen=True, slots=True)
class Analysis:
    network: Network
    blocks: tuple[BlockCost, ...]
    totals: Totals
    batch: int
    dtype: str
    inplace: bool  # ReLU and dropout overwrite their input (no new activations)

    @property
    def itemsize(self) -> int:
        return DTYPE_BYTES[self.dtype]

    def bytes(self, elements: int) -> int:
        return elements * self.itemsize


def _valid_taps(size: int, out: int, k: int, stride: int, pad: int) -> int:
    """Sum over output positions i < `out` of the window taps inside the input (not
    padding): min(a_i + k, size) - max(a_i, 0) with a_i = i*stride - pad, in closed form
    (a loop over positions took minutes for a 10^7-pixel input)."""

    def ramp(first: int, c: int) -> int:  # sum of (i*stride - c) for first <= i < out
        first = min(max(first, 0), out)
        return stride * (out * (out - 1) - first * (first - 1)) // 2 - c * (out - first)

    def ceil_div(a: int) -> int:
        return -(-a // stride)

    # min(a + k, size) = (a + k) - max(a + k - size, 0); each max is a ramp from where it is > 0
    over = size + pad - k  # a_i + k - size = i*stride - over
    return ramp(0, pad - k) - ramp(ceil_div(over), over) - ramp(ceil_div(pad), pad)


def op_cost(op: Op, batch: int = 1, inplace: bool = True) -> OpCost:
    """The cost rule of one op (per image, times `batch`). See docs/conventions.md."""
    ho, wo, co = op.out_shape
    elements = ho * wo * co
    weights = biases = macs = fixed = bias_adds = 0
    other = ZERO
    match op:
        case Conv2d():
            kh, kw = op.kernel
            if op.table:
                weights = kh * kw * sum(len(t) for t in op.table)
            else:
                weights = kh * kw * (op.in_shapes[0][2] // op.groups) * co
            macs = ho * wo * weights
            if op.bias:
                biases, bias_adds = co, elements
                other = OtherOps(add=elements)
        case Linear():
            h, w, c = op.in_shapes[0]
            weights = h * w * c * co
            macs = weights
            if op.bias:
                biases, bias_adds = co, co
                other = OtherOps(add=co)
        case Subsample():
            # coefficient x (window sum) + bias per map; counted as the paper's connections
            # are, k x k multiply-adds with a tied coefficient (a depthwise convolution).
            kh, kw = op.kernel
            weights, biases = co, co
            macs, bias_adds = elements * kh * kw, elements
            other = OtherOps(add=elements)
        case Rbf():
            h, w, c = op.in_shapes[0]
            fixed = macs = h * w * c * co  # (x_j - w_ij)^2 summed: a square-accumulate each
            other = OtherOps(add=macs)  # the subtractions
        case BatchNorm():
            # gamma (weights), beta (biases) trained; running mean and variance fixed.
            # At inference a multiply and an add per element (the four folded into two).
            weights, biases, fixed = co, co, 2 * co
            other = OtherOps(add=elements, mul=elements)
        case Tanh():
            other = OtherOps(mul=2 * elements, exp=elements)
        case Sigmoid():
            other = OtherOps(add=elements, div=elements, exp=elements)  # 1 / (1 + exp(-x))
        case Swish():
            other = OtherOps(add=elements, mul=elements, div=elements, exp=elements)  # x * sigmoid
        case Scale():
            other = OtherOps(mul=elements)
        case Add():
            other = OtherOps(add=elements * (len(op.inputs) - 1))
        case Pool2d():
            h, w, c = op.in_shapes[0]
            (kh, kw), s, (ph, pw) = op.kernel, op.stride, op.padding
            taps = _valid_taps(h, ho, kh, s, ph) * _valid_taps(w, wo, kw, s, pw) * c
            if op.mode == "max":
                other = OtherOps(compare=taps - elements)
            else:
                other = OtherOps(add=taps - elements, div=elements)
        case LocalResponseNorm():
            # x^2 (mul), windowed sum over channels (add), * alpha/size (mul), + k (add),
            # ^-beta (exp), * x (mul).
            taps = ho * wo * _valid_taps(co, co, op.size, 1, (op.size - 1) // 2)
            # (taps - elements) adds for the sums, plus one add of k per element.
            other = OtherOps(add=taps, mul=3 * elements, exp=elements)
        case ReLU():
            other = OtherOps(compare=2 * elements if op.cap else elements)  # ReLU6: max, min
        case Softmax():
            # max (compare), x - max (add), exp, sum (add), divide; per position over C.
            positions = ho * wo
            other = OtherOps(
                compare=positions * (co - 1),
                add=elements + positions * (co - 1),
                exp=elements,
                div=elements,
            )
        case Dropout() | Concat() | Flatten() | Shortcut() | ChannelSplit() | ChannelShuffle():
            pass  # data movement: no arithmetic (a shuffle writes its permuted copy)
        case _:
            raise TypeError(f"no cost rule for {type(op).__name__}")
    view = isinstance(op, Flatten | ChannelSplit)  # a view of its input: nothing written
    written = 0 if view or (inplace and isinstance(op, ReLU | Dropout)) else elements
    return OpCost(
        op,
        weights,
        biases,
        macs * batch,
        other.times(batch),
        written * batch,
        fixed,
        bias_adds * batch,
    )


def weighted(op: Op) -> bool:
    """A layer with weights, the kind a network's depth counts (BN normalizes a layer)."""
    return (isinstance(op, Conv2d) and op.layer) or isinstance(op, Linear | Subsample | Rbf)


def _depths(ops: Iterable[Op], start: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Longest chains to each op: (layers with parameters, those plus pooling layers)."""
    depth = dict(start)
    for op in ops:
        if len(op.inputs) == 1:  # most ops: the chain of the one input (no max to take)
            d, p = depth.get(op.inputs[0], (0, 0))
        else:
            d, p = max((depth.get(i, (0, 0)) for i in op.inputs), default=(0, 0))
        if weighted(op):
            d, p = d + 1, p + 1
        elif isinstance(op, Pool2d):
            p += 1
        depth[op.name] = (d, p)
    return depth


def analyse(
    network: Network, *, batch: int = 1, dtype: str = "float32", inplace: bool = True
) -> Analysis:
    """Cost every op and block of `network` for a batch of `batch` images."""
    blocks: list[BlockCost] = []
    other_total = ZERO
    for block in network.blocks:
        costs = tuple(op_cost(op, batch, inplace) for op in block.ops)
        other = ZERO
        for c in costs:
            other = other + c.other
        depth = _depths(block.ops, {block.input: (0, 0)})[block.output][0]
        blocks.append(
            BlockCost(
                block,
                costs,
                sum(c.weights for c in costs),
                sum(c.biases for c in costs),
                sum(c.macs for c in costs),
                other,
                sum(c.activations for c in costs),
                depth,
                sum(c.fixed for c in costs),
                sum(c.connections for c in costs),
            )
        )
        other_total = other_total + other
    chains = _depths(network.ops(), {}).values()
    totals = Totals(
        sum(b.weights for b in blocks),
        sum(b.biases for b in blocks),
        sum(b.macs for b in blocks),
        other_total,
        sum(b.activations for b in blocks),
        max((d for d, _ in chains), default=0),
        max((p for _, p in chains), default=0),
        sum(b.fixed for b in blocks),
        sum(b.connections for b in blocks),
        sum(
            c.op.out_shape[0] * c.op.out_shape[1] * c.op.out_shape[2]
            for b in blocks
            for c in b.ops
            if weighted(c.op)
        ),
    )
    return Analysis(network, tuple(blocks), totals, batch, dtype, inplace)
