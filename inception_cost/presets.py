"""One network counted the way each popular tool counts it, from our own categories.

The cost model keeps every kind of work apart (multiply-adds, bias adds, ReLU, pooling,
LRN, softmax), so any tool's number is a weighted sum of the same primitive counts. A
preset is that weighting, written as data with the source it was read from; nothing
here stores a tool's result. `count(analysis, preset)` gives its params and its
operation count, per op, per block and in total, with the categories that make it
differ from ours.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from inception_cost import audit, cost
from inception_cost.implementation.model import network_of
from inception_cost.spec import Spec

#: The op kinds each rule was first read for: GoogLeNet's.
GOOGLENET_KINDS = frozenset(
    {"conv", "linear", "pool", "lrn", "relu", "concat", "dropout", "softmax", "flatten"}
)
#: The op kinds every tool's rule below was read and measured for (GoogLeNet's, then
#: AlexNet's, VGG's, ResNet's and the MNIST GoogLeNet's, in torch). LeNet-5's
#: subsampling and RBF units are custom modules: what a tool counts depends on how
#: they are written, so no preset but ours and the paper's counts them.
#: ShuffleNet V2's channel split and shuffle, written as torchvision writes them (x.chunk,
#: then view, transpose, contiguous, view), cost nothing in any tool: fvcore lists
#: aten::chunk, view, transpose and contiguous in _IGNORED_OPS (jit_analysis.py) and
#: torchprofile in _ZERO_COST_OPS (handlers.py); the others have no rule for them at all
#: (thop and torchinfo hook modules, and these are no modules; ptflops' and calflops'
#: patched functionals, ptflops' aten ops and torch's flop_counter include none of them).
TOOL_KINDS = GOOGLENET_KINDS | {"bn", "add", "shortcut", "tanh", "split", "shuffle", "swish"}
#: EfficientNet-B0's, in torch
TOOL_KINDS |= {"sigmoid", "scale"}
KIND_WORDS = {
    "split": "channel split",
    "shuffle": "channel shuffle",
    "bn": "batch norm",
    "add": "residual add",
    "shortcut": "zero-pad shortcut",
    "tanh": "tanh",
    "scale": "squeeze-and-excitation multiply",
    "subsample": "trainable subsampling",
    "rbf": "RBF units",
}


@dataclass(frozen=True, slots=True)
class Preset:
    """A tool's counting rule as weights on the primitives."""

    name: str
    tool: str  # the tool and version the rule was read from
    unit: str  # what the tool calls its operation count
    terms: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # (category, ((primitive, k),))
    biases: bool  # biases counted in params
    lrn_params: int  # parameters the tool gives each LRN layer
    source: str  # where the rule was read
    counts_ops: bool = True
    counts_params: bool = True  # False: the tool reports no parameter count
    unrun_params: bool = False  # counts the params of modules the model holds but never runs
    also: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()  # a second figure, e.g. MACs
    kinds: frozenset[str] | None = TOOL_KINDS  # op kinds the rule covers; None: every kind
    fixed_params: bool = False  # counts untrained state (BN running statistics) as params


MACS = ("multiply-adds", (("macs", 1),))
BIAS = ("bias adds", (("conv_bias", 1), ("linear_bias", 1)))

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "ours",
            "inception-cost",
            "MACs",
            (MACS,),
            True,
            0,
            "docs/conventions.md: a MAC is one multiply-add of a conv or linear layer;"
            " bias adds and the rest are other ops",
            kinds=None,
        ),
        Preset(
            "paper",
            "the spec's own table, as the audit reads it",
            "multiply-adds",
            (MACS,),
            False,
            0,
            "the audit's inferred reading of each spec's claimed columns (`paper_rule`);"
            " this entry only names it",
            kinds=None,
        ),
        Preset(
            "torchinfo",
            "torchinfo 1.8.0",
            "mult-adds",
            (MACS, BIAS, ("batch norm gamma, beta", (("bn_channels", 2),))),
            True,
            0,
            "torchinfo/layer_info.py, LayerInfo.calculate_macs: weight.nelement() x output"
            " positions, and the same for bias (conv); weight and bias elements (linear);"
            " other modules' parameter elements x batch (batch norm: 2C, not per position)",
            unrun_params=True,
        ),
        Preset(
            "fvcore",
            "fvcore 0.1.5",
            "flops",
            (
                MACS,
                ("batch norm", (("bn", 2),)),
                ("adaptive avg pool inputs", (("gap_in", 1),)),
            ),
            True,
            0,
            "fvcore/nn/jit_handles.py conv_flop_jit and addmm_flop_jit: products only,"
            ' no bias ("one flop is one fused multiply-add"); batchnorm_flop_jit 2 per'
            " input element at inference (affine); adaptive_avg_pool2d one per input"
            " element; relu, pooling, LRN, add, sigmoid and mul (the squeeze-and-excitation"
            " multiply) are skipped as unsupported ops",
            unrun_params=True,
        ),
        Preset(
            "thop",
            "thop 0.1.1",
            "MACs",
            (
                MACS,
                ("avg pool outputs", (("avg_pool_out", 1),)),
                ("batch norm", (("bn", 4),)),
                ("adaptive avg pool", (("gap_in", 1), ("gap_out", 1))),
            ),
            True,
            0,
            "thop/vision/basic_hooks.py: count_convNd and count_linear (products, no bias),"
            " count_avgpool (one per output), zero_ops for ReLU and max pooling;"
            " count_normalization 4 per element (affine, training never checked),"
            " count_adap_avgpool (kernel + 1) per output; nn.SiLU and nn.Sigmoid have no"
            " hook, a * b is no module",
        ),
        Preset(
            "ptflops",
            "ptflops 0.7.5, pytorch backend",
            "MACs",
            (
                MACS,
                BIAS,
                ("ReLU x2", (("relu", 2),)),
                ("ReLU6", (("relu6", 1),)),
                ("swish", (("swish", 1),)),
                ("pool inputs x2", (("max_pool_in", 2), ("avg_pool_in", 2))),
                ("LRN internals", (("lrn", 3), ("lrn_window", 1))),
                ("batch norm", (("bn", 2),)),
                ("adaptive avg pool inputs x2", (("gap_in", 2),)),
            ),
            True,
            0,
            "ptflops/pytorch_ops.py: module hooks (conv and linear with bias, ReLU = output"
            " elements, pooling = input elements, bn_flops_counter_hook 2 per element) and"
            " FUNCTIONAL_MAPPING/TENSOR_OPS_MAPPING patches, which count F.relu,"
            " F.max_pool2d and F.adaptive_avg_pool2d again inside their modules, and LRN's"
            " Tensor.mul/add and F.avg_pool3d; a + b in forward is not patched; nn.ReLU6 by"
            " relu_flops_counter_hook only (it calls F.hardtanh, which is not patched); nn.SiLU"
            " has no module hook, the patched F.silu counts its elements once; nn.Sigmoid has"
            " no hook and torch.sigmoid is not patched; `scale * input` is Tensor.__mul__,"
            " not the patched torch.mul or Tensor.mul",
            unrun_params=True,
        ),
        Preset(
            "ptflops-aten",
            "ptflops 0.7.5, aten backend",
            "MACs",
            (MACS, BIAS),
            True,
            0,
            "ptflops/aten_ops.py: aten.convolution and aten.addmm with their bias; other"
            " aten ops are not counted",
            unrun_params=True,
        ),
        Preset(
            "torchprofile",
            "torchprofile 0.1.0",
            "MACs",
            (
                MACS,
                ("LRN mul, avg pool, mul", (("lrn", 3),)),
                ("avg pool outputs", (("avg_pool_out", 1), ("gap_out", 1))),
                ("batch norm", (("bn", 1),)),
                ("tanh's two muls", (("tanh", 2),)),
                ("squeeze-and-excitation mul", (("scale", 1),)),
            ),
            True,
            0,
            "torchprofile/handlers.py: aten::_convolution and aten::addmm/linear (products,"
            " no bias), aten::mul and aten::avg_pool*/mean (one per output element), _norm"
            " (one per element, affine); add, div, pow, tanh, relu, silu, sigmoid and max"
            " pooling are zero-cost ops; the squeeze-and-excitation multiply is an aten::mul",
            counts_params=False,
        ),
        Preset(
            "flop-counter",
            "torch.utils.flop_counter (PyTorch 2.13)",
            "FLOPs",
            (MACS, ("x2", (("macs", 1),))),
            True,
            0,
            "torch/utils/flop_counter.py conv_flop and addmm_flop: 2 x products, no bias;"
            " nothing else is registered",
            counts_params=False,
        ),
        Preset(
            "calflops",
            "calflops 0.3.2",
            "FLOPs",
            (
                MACS,
                ("x2", (("macs", 1),)),
                ("conv bias adds", (("conv_bias", 1),)),
                ("ReLU", (("relu", 1),)),
                ("swish", (("swish", 1),)),
                ("pool inputs", (("max_pool_in", 1), ("avg_pool_in", 1), ("gap_in", 1))),
                ("LRN internals", (("lrn", 3), ("lrn_window", 1))),
                ("batch norm", (("bn", 2),)),
            ),
            True,
            0,
            "calflops/pytorch_ops.py: FLOPs = 2 x MACs for conv and linear, + conv bias,"
            " ReLU and pooling via patched functionals (input elements for pools; nn.ReLU6"
            " calls F.hardtanh, which is not patched: 0; F.silu by _silu_flops_compute, one"
            " per element; torch.sigmoid is not patched, nor is Tensor.__mul__, the"
            " squeeze-and-excitation multiply `scale * input`), LRN"
            " through its Tensor.mul/add and F.avg_pool3d, _batch_norm_flops_compute 2 per"
            " element; MACs count products only",
            also=(MACS,),
            unrun_params=True,
        ),
        Preset(
            "netscope",
            "Netscope CNN Analyzer (dgschwend/netscope)",
            "MACCs",
            (
                MACS,
                ("LRN sum of squares as MACCs", (("lrn_macc", 1),)),
                ("groups ignored", (("groups_ignored", 1),)),
            ),
            False,
            2,
            "src/analyzer.coffee: convolution macc = k x k x Hout x Wout x Cin x Cout"
            " (no bias, no groups), inner product Win x Hin x Cin x Cout; LRN macc = elements x"
            " local_size and d.mem.param = 2 (alpha, beta); ReLU, pooling, softmax go to"
            " comp/add/div/exp, not macc; params without biases",
            kinds=GOOGLENET_KINDS,
        ),
        Preset(
            "keras",
            "Keras model.summary()",
            "-",
            (),
            True,
            0,
            "keras Layer.count_params: weights and biases, and non-trainable weights"
            " (BatchNormalization's moving mean and variance: 4C in all); pooling and"
            " LRN have none; Keras reports no operation count",
            counts_ops=False,
            fixed_params=True,
        ),
    )
}


@dataclass(frozen=True, slots=True)
class PresetCount:
    """A preset applied to one analysis."""

    preset: Preset
    params: int | None  # None when the tool reports no parameter count
    ops: int | None  # None when the tool counts no operations
    categories: tuple[tuple[str, int], ...]  # each category's share of `ops`
    also: int | None  # the preset's second figure (calflops' MACs)
    param_parts: tuple[tuple[str, int], ...]  # weights, biases, LRN parameters
    params_kept: int | None = None  # params when the training-only rows stay in the model
    unsupported: tuple[str, ...] = ()  # op kinds the tool's rule was not read for


def unsupported(analysis: cost.Analysis, preset: Preset) -> tuple[str, ...]:
    """The network's op kinds (in words) that `preset`'s rule does not cover."""
    if preset.kinds is None:
        return ()
    kinds = {c.op.kind for b in analysis.blocks for c in b.ops} - preset.kinds
    return tuple(sorted(KIND_WORDS.get(k, k) for k in kinds))


def primitives(c: cost.OpCost, batch: int) -> Counter:
    """The primitive counts of one costed op, for the whole batch: `macs` (a convolution's
    or linear layer's products), `conv_bias` and `linear_bias` (output elements where there
    is a bias), `relu` and `relu6` (nn.ReLU6 is a Hardtanh: tools that patch F.relu miss
    it), the input and output elements of max, average and global average pools, `lrn`,
    `lrn_window` (positions x (C + size - 1): the channel-padded squares it averages) and
    `lrn_macc` (elements x size: the sum of squares as multiply-adds), `groups_ignored` (a
    grouped convolution's MACs as if dense, less its own), `softmax`, `bn` and
    `bn_channels` (channels x batch), `tanh`, `swish` and `sigmoid` (elements),
    `scale` (squeeze-and-excitation's channel-wise multiply: the map's elements), and
    LeNet-5's `connections`."""
    op, out = c.op, c.op.out_shape
    n_out = batch * out[0] * out[1] * out[2]
    p: Counter = Counter(macs=c.macs, connections=c.connections)
    if op.kind == "conv":
        p["conv_bias"] = n_out if c.biases else 0
        p["groups_ignored"] = c.macs * (op.groups - 1)
    elif op.kind == "linear" and c.biases:
        p["linear_bias"] = n_out
    elif op.kind == "relu":
        p["relu6" if op.cap else "relu"] = n_out
    elif op.kind == "pool":
        h, w, ch = op.in_shapes[0]
        kind = "gap" if op.whole else f"{op.mode}_pool"
        p[f"{kind}_in"] = batch * h * w * ch
        p[f"{kind}_out"] = n_out
    elif op.kind == "bn":
        p["bn"] = n_out
        p["bn_channels"] = batch * out[2]
    elif op.kind == "tanh":
        p["tanh"] = n_out
    elif op.kind in ("swish", "sigmoid", "scale"):
        p[op.kind] = n_out
    elif op.kind == "lrn":
        p["lrn"] = n_out
        p["lrn_window"] = batch * out[0] * out[1] * (out[2] + op.size - 1)
        p["lrn_macc"] = n_out * op.size
    elif op.kind == "softmax":
        p["softmax"] = n_out
    return p


OPS_TERMS = {
    "multiply-adds": (MACS,),
    "FLOPs": (MACS, ("x2", (("macs", 1),))),
    "connections": (
        MACS,
        ("bias and subsampling adds", (("connections", 1), ("macs", -1))),
    ),
}


@lru_cache(maxsize=32)
def paper_rule(title: str, params, ops) -> Preset | None:
    """The `paper` preset of one spec: its table's claimed columns as the audit reads them
    (`params`, `ops`: the chosen `audit.Reading`, None where the table claims none).
    None when the table claims neither: there is no paper rule to follow."""
    if params is None and ops is None:
        return None
    unit = ops.counts if ops else "-"
    read = [f"params as {params.counts}" if params else "no params claimed"]
    read.append(f"operations as {ops.counts}" if ops else "no operations claimed")
    return Preset(
        "paper",
        f"{title}, as the audit reads its table",
        unit,
        OPS_TERMS[ops.counts] if ops else (),
        params is not None and params.counts == "weights + biases",
        0,
        "the audit's inferred reading of the table's claimed columns: " + ", ".join(read),
        counts_ops=ops is not None,
        counts_params=params is not None,
        kinds=None,
    )


@dataclass(frozen=True, slots=True)
class Compared:
    """One preset's count beside ours, and what makes them differ."""

    count: PresetCount
    vs_ours: int | None  # its operation count less ours; None where it counts none
    difference: tuple[tuple[str, int], ...]  # the operation categories that differ
    params_difference: tuple[tuple[str, int], ...]  # the parameter kinds that differ


@dataclass(frozen=True, slots=True)
class Comparison:
    """`inception-cost conventions`: every preset applied to one spec, ours first."""

    model: str
    batch: int
    presets: tuple[Compared, ...]
    aux_kept: bool  # the spec has training-only rows, so `params_kept` says something

    @property
    def counts(self) -> tuple[PresetCount, ...]:
        """Each preset's own count, ours first."""
        return tuple(c.count for c in self.presets)


def compare(spec: Spec, batch: int = 1) -> Comparison:
    """Every preset applied to `spec` and set beside ours (the `paper` preset as its own
    table reads, left out where the table claims nothing)."""
    analysis = cost.analyse(network_of(spec), batch=batch)
    kept = None
    if any(row.train_only for row in spec.rows):
        kept = cost.analyse(network_of(spec, aux=True), batch=batch)
    counts = []
    for p in PRESETS.values():
        if p.name == "paper":
            p = paper_rule(spec.title, *audit.chosen(spec, analysis))
            if p is None:
                continue
        counts.append(count(analysis, p, kept))
    ours = counts[0]
    return Comparison(
        spec.name,
        batch,
        tuple(
            Compared(
                c,
                None if c.ops is None else c.ops - ours.ops,
                tuple(difference(ours, c)),
                tuple(params_difference(ours, c)),
            )
            for c in counts
        ),
        kept is not None,
    )


def _weigh(terms, p: Counter) -> list[tuple[str, int]]:
    return [(label, sum(k * p[name] for name, k in weights)) for label, weights in terms]


def op_count(preset: Preset, c: cost.OpCost, batch: int) -> int:
    """The preset's operation count of one op."""
    return sum(v for _, v in _weigh(preset.terms, primitives(c, batch)))


def param_parts(preset: Preset, c: cost.OpCost) -> Counter:
    """The parameters the preset gives one op, by kind."""
    return Counter(
        {
            "weights": c.weights,
            "biases": c.biases if preset.biases else 0,
            "LRN alpha and beta": preset.lrn_params if c.op.kind == "lrn" else 0,
            "untrained state": c.fixed if preset.fixed_params else 0,
        }
    )


def count(
    analysis: cost.Analysis, preset: Preset, kept: cost.Analysis | None = None
) -> PresetCount:
    """`preset`'s params and operation count of the analysed network.

    `kept` is the same network analysed with its training-only rows: a model that keeps
    them (torchvision's GoogLeNet with aux_logits) but does not run them at inference
    has their parameters counted by tools that sum every registered parameter.
    """
    missing = unsupported(analysis, preset)
    if missing:
        return PresetCount(preset, None, None, (), None, (), None, missing)
    total: Counter = Counter()
    params: Counter = Counter()
    for b in analysis.blocks:
        for c in b.ops:
            total.update(primitives(c, analysis.batch))
            params.update(param_parts(preset, c))
    categories = tuple(_weigh(preset.terms, total))
    also = sum(v for _, v in _weigh(preset.also, total)) if preset.also else None
    ops = sum(v for _, v in categories) if preset.counts_ops else None
    parts = tuple(
        (k, params[k]) for k in ("weights", "biases", "LRN alpha and beta", "untrained state")
    )
    total_params = sum(params.values()) if preset.counts_params else None
    with_kept = None
    if kept is not None and total_params is not None:
        unrun = sum(
            sum(param_parts(preset, c).values())
            for b in kept.blocks
            if b.block.train_only
            for c in b.ops
        )
        with_kept = total_params + (unrun if preset.unrun_params else 0)
    return PresetCount(preset, total_params, ops, categories, also, parts, with_kept)


def difference(ours: PresetCount, theirs: PresetCount) -> list[tuple[str, int]]:
    """The operation categories in which `theirs` differs from `ours` (MACs are one)."""
    return _delta(ours.categories, theirs.categories)


def params_difference(ours: PresetCount, theirs: PresetCount) -> list[tuple[str, int]]:
    """The parameter kinds in which `theirs` differs from `ours`."""
    if theirs.params is None:
        return []
    return _delta(ours.param_parts, theirs.param_parts)


def _delta(base, other) -> list[tuple[str, int]]:
    mine, theirs = dict(base), dict(other)
    labels = [*mine, *(k for k in theirs if k not in mine)]
    return [
        (k, theirs.get(k, 0) - mine.get(k, 0)) for k in labels if theirs.get(k, 0) != mine.get(k, 0)
    ]
