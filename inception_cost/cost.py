"""The cost rule of each primitive op, and a network's per-op, per-block and total costs.

Everything is an exact Python int. Multiply-adds (MACs) count only the products of a
convolution or linear layer; bias adds, comparisons, divisions and exponentials are
"other ops", kept apart by category so any tool's convention can be rebuilt from them
(docs/conventions.md says what each category holds for each op).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from inception_cost.network import Block, Network
from inception_cost.ops import (
    Add,
    BatchNorm,
    Conv2d,
    Gelu,
    HardSigmoid,
    HardSwish,
    LayerNorm,
    LayerScale,
    Linear,
    LocalResponseNorm,
    Op,
    Pool2d,
    Rbf,
    Registry,
    ReLU,
    Scale,
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
    # the normalisation layers' share of the weights and biases (batch norm's gamma and
    # beta), which papers count apart from the layers' weights or not at all
    norm_weights: int = 0
    norm_biases: int = 0

    @property
    def params(self) -> int:
        return self.weights + self.biases

    @property
    def layer_weights(self) -> int:
        """The weights of the layers (convolutions, linear layers, ...), as papers count
        weights: without the normalisation layers' scales."""
        return self.weights - self.norm_weights

    @property
    def norm_params(self) -> int:
        return self.norm_weights + self.norm_biases


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


NEW, VIEW, IN_PLACE = "new", "view", "in place"  # what an op writes (Rule.writes)
LAYER, POOL = "layer", "pool"  # what an op adds to a chain's depth (Rule.depth)


class Counts(NamedTuple):
    """What one op costs per image, as its cost rule gives it (a plain record: one per op)."""

    weights: int = 0
    biases: int = 0
    macs: int = 0
    other: OtherOps = ZERO
    fixed: int = 0
    bias_adds: int = 0


NOTHING = Counts()


@dataclass(frozen=True, slots=True)
class Rule:
    """The cost rule of one op kind: `COST[kind]`."""

    count: Callable[[Op, int], Counts]  # (op, its output elements per image) -> its counts
    writes: str  # NEW memory; a VIEW of its input (nothing); IN_PLACE, where `inplace` allows
    depth: str  # LAYER (a layer with weights), POOL (a pooling layer), or "" (neither)


#: op kind -> its cost rule; `op_cost` dispatches through it.
COST: Registry[Rule] = Registry("cost rule")


def rule(*kinds: str, writes: str = NEW, depth: str = "") -> Callable:
    """Register the decorated counting function as the cost rule of `kinds`."""

    def enter(count: Callable[[Op, int], Counts]) -> Callable[[Op, int], Counts]:
        COST.register(*kinds)(Rule(count, writes, depth))
        return count

    return enter


@rule("conv", depth=LAYER)
def _conv(op: Conv2d, elements: int) -> Counts:
    """kh x kw x (Cin / groups) x Cout weights (kh x kw per connection of a table), one MAC
    each per output position; a bias per output channel, added to every output element."""
    ho, wo, co = op.out_shape
    kh, kw = op.kernel
    if op.table:
        weights = kh * kw * sum(len(t) for t in op.table)
    else:
        weights = kh * kw * (op.in_shapes[0][2] // op.groups) * co
    if not op.bias:
        return Counts(weights, macs=ho * wo * weights)
    return Counts(weights, co, ho * wo * weights, OtherOps(add=elements), bias_adds=elements)


@rule("linear", depth=LAYER)
def _linear(op: Linear, elements: int) -> Counts:
    """H x W x C x out weights and as many MACs; a bias and its add per output."""
    h, w, c = op.in_shapes[0]
    co = op.out_shape[2]
    weights = h * w * c * co
    if not op.bias:
        return Counts(weights, macs=weights)
    return Counts(weights, co, weights, OtherOps(add=co), bias_adds=co)


@rule("subsample", depth=LAYER)
def _subsample(op: Subsample, elements: int) -> Counts:
    """Coefficient x (window sum) + bias per map; counted as the paper's connections are,
    k x k multiply-adds with a tied coefficient (a depthwise convolution)."""
    kh, kw = op.kernel
    co = op.out_shape[2]
    return Counts(co, co, elements * kh * kw, OtherOps(add=elements), bias_adds=elements)


@rule("rbf", depth=LAYER)
def _rbf(op: Rbf, elements: int) -> Counts:
    """(x_j - w_ij)^2 summed: a square-accumulate per fixed centre, and the subtractions."""
    h, w, c = op.in_shapes[0]
    macs = h * w * c * op.out_shape[2]
    return Counts(macs=macs, other=OtherOps(add=macs), fixed=macs)


@rule("bn")
def _batch_norm(op: BatchNorm, elements: int) -> Counts:
    """gamma (weights), beta (biases) trained; running mean and variance fixed. At
    inference a multiply and an add per element (the four folded into two)."""
    co = op.out_shape[2]
    return Counts(co, co, other=OtherOps(add=elements, mul=elements), fixed=2 * co)


@rule("tanh")
def _tanh(op: Tanh, elements: int) -> Counts:
    """A tanh(S x): two multiplies and an exponential per element."""
    return Counts(other=OtherOps(mul=2 * elements, exp=elements))


@rule("sigmoid")
def _sigmoid(op: Sigmoid, elements: int) -> Counts:
    """1 / (1 + exp(-x)): an add, a division and an exponential per element."""
    return Counts(other=OtherOps(add=elements, div=elements, exp=elements))


@rule("swish")
def _swish(op: Swish, elements: int) -> Counts:
    """x * sigmoid(x): the sigmoid's add, division and exponential, and a multiply."""
    return Counts(other=OtherOps(add=elements, mul=elements, div=elements, exp=elements))


@rule("scale")
def _scale(op: Scale, elements: int) -> Counts:
    """A multiply per element of the map."""
    return Counts(other=OtherOps(mul=elements))


@rule("add")
def _add(op: Add, elements: int) -> Counts:
    """One add per element for each input after the first."""
    return Counts(other=OtherOps(add=elements * (len(op.inputs) - 1)))


@rule("pool", depth=POOL)
def _pool(op: Pool2d, elements: int) -> Counts:
    """Over the window taps inside the input (padding never read): max, a comparison per
    tap after the first; average, an add per tap after the first and a division."""
    h, w, c = op.in_shapes[0]
    ho, wo, _ = op.out_shape
    (kh, kw), s, (ph, pw) = op.kernel, op.stride, op.padding
    taps = _valid_taps(h, ho, kh, s, ph) * _valid_taps(w, wo, kw, s, pw) * c
    if op.mode == "max":
        return Counts(other=OtherOps(compare=taps - elements))
    return Counts(other=OtherOps(add=taps - elements, div=elements))


@rule("lrn")
def _lrn(op: LocalResponseNorm, elements: int) -> Counts:
    """x^2 (mul), windowed sum over channels (add), * alpha/size (mul), + k (add),
    ^-beta (exp), * x (mul)."""
    ho, wo, co = op.out_shape
    taps = ho * wo * _valid_taps(co, co, op.size, 1, (op.size - 1) // 2)
    # (taps - elements) adds for the sums, plus one add of k per element.
    return Counts(other=OtherOps(add=taps, mul=3 * elements, exp=elements))


@rule("relu", writes=IN_PLACE)
def _relu(op: ReLU, elements: int) -> Counts:
    """A comparison per element (max); ReLU6 two (max, min); the leaky ReLU max(x, a x)
    a multiply and a comparison."""
    if op.slope:
        return Counts(other=OtherOps(compare=elements, mul=elements))
    return Counts(other=OtherOps(compare=2 * elements if op.cap else elements))


@rule("hswish")
def _hswish(op: HardSwish, elements: int) -> Counts:
    """x ReLU6(x + 3) / 6: an add, two comparisons (the ReLU6), a multiply by x and a
    division by 6 per element."""
    return Counts(other=OtherOps(compare=2 * elements, add=elements, mul=elements, div=elements))


@rule("hsigmoid")
def _hsigmoid(op: HardSigmoid, elements: int) -> Counts:
    """ReLU6(x + 3) / 6: an add, two comparisons and a division per element."""
    return Counts(other=OtherOps(compare=2 * elements, add=elements, div=elements))


@rule("gelu")
def _gelu(op: Gelu, elements: int) -> Counts:
    """Exact, 0.5 x (1 + erf(x / sqrt 2)): three multiplies (x / sqrt 2 as a product,
    0.5 x, the product of the two), an add and an erf (with exp and pow, a transcendental)
    per element. The tanh form, 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))): six
    multiplies (x^3 two, by 0.044715, by sqrt(2 / pi), 0.5 x, the product), two adds and
    a tanh."""
    if op.approximate == "tanh":
        return Counts(other=OtherOps(add=2 * elements, mul=6 * elements, exp=elements))
    return Counts(other=OtherOps(add=elements, mul=3 * elements, exp=elements))


@rule("layernorm")
def _layer_norm(op: LayerNorm, elements: int) -> Counts:
    """gamma (weights) and beta (biases), C each. At each of the H x W positions, over
    its C values: the mean (C - 1 adds, a division), x - mean (C adds), the variance
    (C squares, C - 1 adds, a division), + eps (an add) and its inverse square root (a
    pow), then C multiplies by it, C by gamma and C adds of beta."""
    ho, wo, co = op.out_shape
    p = ho * wo
    return Counts(co, co, other=OtherOps(add=4 * elements - p, mul=3 * elements, div=2 * p, exp=p))


@rule("layerscale")
def _layer_scale(op: LayerScale, elements: int) -> Counts:
    """A learned factor per channel (C weights), a multiply per element."""
    return Counts(op.out_shape[2], other=OtherOps(mul=elements))


@rule("softmax")
def _softmax(op: Softmax, elements: int) -> Counts:
    """Per position over C: max (compares), x - max (adds), exp, sum (adds), divide."""
    ho, wo, co = op.out_shape
    positions = ho * wo
    return Counts(
        other=OtherOps(
            compare=positions * (co - 1),
            add=elements + positions * (co - 1),
            exp=elements,
            div=elements,
        )
    )


@rule("dropout", writes=IN_PLACE)
@rule("flatten", "split", writes=VIEW)
@rule("concat", "shortcut", "shuffle")
def _moves(op: Op, elements: int) -> Counts:
    """Data movement: no arithmetic (a shuffle writes its permuted copy, a concatenation
    and a shortcut their outputs; dropout is the identity at inference)."""
    return NOTHING


def op_cost(op: Op, batch: int = 1, inplace: bool = True) -> OpCost:
    """The cost rule of one op (per image, times `batch`). See docs/conventions.md."""
    ho, wo, co = op.out_shape
    elements = ho * wo * co
    entry = COST[op.kind]
    c = entry.count(op, elements)
    written = 0 if entry.writes == VIEW or (inplace and entry.writes == IN_PLACE) else elements
    return OpCost(
        op,
        c.weights,
        c.biases,
        c.macs * batch,
        c.other.times(batch),
        written * batch,
        c.fixed,
        c.bias_adds * batch,
    )


#: The normalisation ops, whose parameters the totals give apart (Totals.norm_weights).
NORM_KINDS = frozenset({"bn"})


def weighted(op: Op) -> bool:
    """A layer with weights, the kind a network's depth counts (BN normalizes a layer; a
    convolution marked `layer=False`, a separable conv's depthwise half, is no layer)."""
    return COST[op.kind].depth == LAYER and getattr(op, "layer", True)


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
        elif COST[op.kind].depth == POOL:
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
        sum(c.weights for b in blocks for c in b.ops if c.op.kind in NORM_KINDS),
        sum(c.biases for b in blocks for c in b.ops if c.op.kind in NORM_KINDS),
    )
    return Analysis(network, tuple(blocks), totals, batch, dtype, inplace)
