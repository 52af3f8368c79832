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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from inception_cost import cost
from inception_cost.ops import Registry

#: Which tools' rules were read (and measured, in torch) for an op kind: every tool's,
#: Netscope's too (GoogLeNet's kinds, the rules were first read for them); every torch
#: tool's (the kinds of AlexNet, VGG, ResNet, the MNIST GoogLeNet, ShuffleNet V2 and
#: EfficientNet-B0, in torch); or no tool's (only ours and the paper's count the kind).
EVERY_TOOL, TORCH_TOOLS, NO_TOOL = "every tool", "the torch tools", "no tool"


@dataclass(frozen=True, slots=True)
class ToolRule:
    """How the tools count one op kind: `TOOL_RULES[kind]`."""

    # (costed op, batch, its output elements for the batch) -> the primitive counts of its
    # own, besides `macs` and `connections`, which every op has (`primitives`)
    primitives: Callable[[cost.OpCost, int, int], dict[str, int]]
    read: str  # EVERY_TOOL, TORCH_TOOLS or NO_TOOL
    words: str  # the kind in words, where a preset has no rule for it


#: op kind -> how the tools count it; `primitives` dispatches through it.
TOOL_RULES: Registry[ToolRule] = Registry("tool rule")


def tool_rule(*kinds: str, read: str, words: str = "") -> Callable:
    """Register the decorated primitive counts as the tool rule of `kinds`."""

    def enter(fn: Callable) -> Callable:
        for kind in kinds:
            TOOL_RULES.register(kind)(ToolRule(fn, read, words or kind))
        return fn

    return enter


@tool_rule("conv", read=EVERY_TOOL)
def _conv(c: cost.OpCost, batch: int, n_out: int) -> dict[str, int]:
    """`conv_bias`: the output elements where there is a bias; `groups_ignored`: a grouped
    convolution's MACs as if dense, less its own."""
    return {"conv_bias": n_out if c.biases else 0, "groups_ignored": c.macs * (c.op.groups - 1)}


@tool_rule("linear", read=EVERY_TOOL)
def _linear(c: cost.OpCost, batch: int, n_out: int) -> dict[str, int]:
    """`linear_bias`: the output elements where there is a bias."""
    return {"linear_bias": n_out} if c.biases else {}


@tool_rule("relu", read=EVERY_TOOL)
def _relu(c: cost.OpCost, batch: int, n_out: int) -> dict[str, int]:
    """`relu`, `relu6` or `leaky_relu`: the output elements (nn.ReLU6 is a Hardtanh: tools
    that patch F.relu miss it; nn.LeakyReLU calls F.leaky_relu, and Caffe's leaky ReLU is
    its ReLU layer's negative_slope)."""
    return {"relu6" if c.op.cap else "leaky_relu" if c.op.slope else "relu": n_out}


@tool_rule("pool", read=EVERY_TOOL)
def _pool(c: cost.OpCost, batch: int, n_out: int) -> dict[str, int]:
    """The input and output elements of max, average and global average pools (`max_pool_in`,
    `max_pool_out`, `avg_pool_in`, ..., `gap_out`)."""
    h, w, ch = c.op.in_shapes[0]
    kind = "gap" if c.op.whole else f"{c.op.mode}_pool"
    return {f"{kind}_in": batch * h * w * ch, f"{kind}_out": n_out}


@tool_rule("lrn", read=EVERY_TOOL)
def _lrn(c: cost.OpCost, batch: int, n_out: int) -> dict[str, int]:
    """`lrn`: the output elements; `lrn_window`: positions x (C + size - 1), the
    channel-padded squares it averages; `lrn_macc`: elements x size, the sum of squares as
    multiply-adds."""
    ho, wo, co = c.op.out_shape
    size = c.op.size
    return {"lrn": n_out, "lrn_window": batch * ho * wo * (co + size - 1), "lrn_macc": n_out * size}


@tool_rule("softmax", read=EVERY_TOOL)
def _softmax(c: cost.OpCost, batch: int, n_out: int) -> dict[str, int]:
    """`softmax`: the output elements."""
    return {"softmax": n_out}


@tool_rule("bn", read=TORCH_TOOLS, words="batch norm")
def _batch_norm(c: cost.OpCost, batch: int, n_out: int) -> dict[str, int]:
    """`bn`: the output elements; `bn_channels`: channels x batch."""
    return {"bn": n_out, "bn_channels": batch * c.op.out_shape[2]}


@tool_rule("layernorm", read=TORCH_TOOLS, words="layer norm")
def _layer_norm(c: cost.OpCost, batch: int, n_out: int) -> dict[str, int]:
    """`ln`: the output elements; `ln_channels`: channels x batch."""
    return {"ln": n_out, "ln_channels": batch * c.op.out_shape[2]}


@tool_rule("tanh", read=TORCH_TOOLS)
@tool_rule("swish", "sigmoid", "gelu", read=TORCH_TOOLS)
@tool_rule("hswish", read=TORCH_TOOLS, words="hard swish")
@tool_rule("hsigmoid", read=TORCH_TOOLS, words="hard sigmoid")
@tool_rule("layerscale", read=TORCH_TOOLS, words="layer scale")
@tool_rule("scale", read=TORCH_TOOLS, words="squeeze-and-excitation multiply")
def _elementwise(c: cost.OpCost, batch: int, n_out: int) -> dict[str, int]:
    """The output elements, under the kind's own name (`scale`: squeeze-and-excitation's
    channel-wise multiply, the map's elements; `layerscale`: layer scale's)."""
    return {c.op.kind: n_out}


# ShuffleNet V2's channel split and shuffle, written as torchvision writes them (x.chunk,
# then view, transpose, contiguous, view), cost nothing in any tool: fvcore lists
# aten::chunk, view, transpose and contiguous in _IGNORED_OPS (jit_analysis.py) and
# torchprofile in _ZERO_COST_OPS (handlers.py); the others have no rule for them at all
# (thop and torchinfo hook modules, and these are no modules; ptflops' and calflops'
# patched functionals, ptflops' aten ops and torch's flop_counter include none of them).
# LeNet-5's subsampling and RBF units are custom modules: what a tool counts depends on
# how they are written, so no preset but ours and the paper's counts them (their MACs and
# connections are every op's).
@tool_rule("concat", "dropout", "flatten", read=EVERY_TOOL)
@tool_rule("add", read=TORCH_TOOLS, words="residual add")
@tool_rule("shortcut", read=TORCH_TOOLS, words="zero-pad shortcut")
@tool_rule("split", read=TORCH_TOOLS, words="channel split")
@tool_rule("shuffle", read=TORCH_TOOLS, words="channel shuffle")
@tool_rule("subsample", read=NO_TOOL, words="trainable subsampling")
@tool_rule("rbf", read=NO_TOOL, words="RBF units")
def _nothing(c: cost.OpCost, batch: int, n_out: int) -> dict[str, int]:
    """None of its own."""
    return {}


#: The op kinds each rule was first read for: GoogLeNet's.
GOOGLENET_KINDS = frozenset(k for k in TOOL_RULES if TOOL_RULES[k].read == EVERY_TOOL)
#: The op kinds every tool's rule was read and measured for.
TOOL_KINDS = frozenset(k for k in TOOL_RULES if TOOL_RULES[k].read != NO_TOOL)


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
    # categories of the later primitives (layer norm, GELU, leaky ReLU, layer scale),
    # listed only where the network has some: a network without them reads as before
    more: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    unseen_params: frozenset[str] = frozenset()  # op kinds whose parameters it never counts
    later_source: str = ""  # where their rules were read, shown where the network has one


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
            later_source="nn.LayerNorm: its parameter elements x batch, 2C; a parameter no"
            " leaf module holds (layer scale's gamma) is counted in params but costs nothing",
            more=(("layer norm gamma, beta", (("ln_channels", 2),)),),
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
            later_source="norm_flop_counter 5 per element for aten::layer_norm (affine);"
            " gelu, leaky_relu, hardswish, hardsigmoid and layer scale's mul are unsupported",
            more=(("layer norm", (("ln", 5),)),),
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
            later_source="nn.LayerNorm by count_normalization (4 per element,"
            " elementwise_affine), nn.LeakyReLU by count_relu (0); nn.GELU, nn.Hardswish and"
            " nn.Hardsigmoid have no hook; params are summed over hooked modules only"
            " (profile.py, count_parameters), so layer scale's gamma, a parameter of no"
            " hooked module, is not counted",
            more=(("layer norm", (("ln", 4),)),),
            unseen_params=frozenset({"layerscale"}),
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
            later_source="nn.LayerNorm by bn_flops_counter_hook once per element (it checks"
            " `affine`, which nn.LayerNorm names elementwise_affine); nn.GELU by"
            " relu_flops_counter_hook and F.gelu patched, twice; nn.LeakyReLU by the hook"
            " only (F.leaky_relu is not patched); nn.Hardswish, nn.Hardsigmoid: no hook, no"
            " patch; layer scale's `gamma * x` is Tensor.__mul__",
            more=(
                ("layer norm", (("ln", 1),)),
                ("GELU x2", (("gelu", 2),)),
                ("leaky ReLU", (("leaky_relu", 1),)),
            ),
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
            later_source="aten::layer_norm by _norm, one per element; gelu a zero-cost op;"
            " layer scale's `gamma * x` an aten::mul; aten::leaky_relu one per output element"
            " (nn.LeakyReLU(inplace=True) traces aten::leaky_relu_, which has no handler: 0);"
            " aten::hardswish and aten::hardsigmoid have none",
            more=(
                ("layer norm", (("ln", 1),)),
                ("leaky ReLU", (("leaky_relu", 1),)),
                ("layer scale mul", (("layerscale", 1),)),
            ),
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
            later_source="_layer_norm_flops_compute 5 per element (affine), F.gelu and"
            " F.leaky_relu one per element; F.hardswish and F.hardsigmoid are not patched",
            more=(
                ("layer norm", (("ln", 5),)),
                ("GELU", (("gelu", 1),)),
                ("leaky ReLU", (("leaky_relu", 1),)),
            ),
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
    source: str = ""  # where the rule was read: the preset's, with its later primitives'


def unsupported(analysis: cost.Analysis, preset: Preset) -> tuple[str, ...]:
    """The network's op kinds (in words) that `preset`'s rule does not cover."""
    if preset.kinds is None:
        return ()
    kinds = {c.op.kind for b in analysis.blocks for c in b.ops} - preset.kinds
    return tuple(sorted(TOOL_RULES[k].words for k in kinds))


def primitives(c: cost.OpCost, batch: int) -> Counter:
    """The primitive counts of one costed op, for the whole batch: `macs` (a convolution's
    or linear layer's products) and LeNet-5's `connections`, and those of its kind's tool
    rule (`TOOL_RULES`)."""
    ho, wo, co = c.op.out_shape
    p: Counter = Counter(macs=c.macs, connections=c.connections)
    p.update(TOOL_RULES[c.op.kind].primitives(c, batch, batch * ho * wo * co))
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


def _weigh(terms, p: Counter) -> list[tuple[str, int]]:
    return [(label, sum(k * p[name] for name, k in weights)) for label, weights in terms]


def op_count(preset: Preset, c: cost.OpCost, batch: int) -> int:
    """The preset's operation count of one op."""
    return sum(v for _, v in _weigh(preset.terms + preset.more, primitives(c, batch)))


def param_parts(preset: Preset, c: cost.OpCost) -> Counter:
    """The parameters the preset gives one op, by kind."""
    return Counter(
        {
            "weights": 0 if c.op.kind in preset.unseen_params else c.weights,
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
        return PresetCount(preset, None, None, (), None, (), None, missing, preset.source)
    total: Counter = Counter()
    params: Counter = Counter()
    for b in analysis.blocks:
        for c in b.ops:
            total.update(primitives(c, analysis.batch))
            params.update(param_parts(preset, c))
    categories = tuple(_weigh(preset.terms, total))
    categories += tuple((k, v) for k, v in _weigh(preset.more, total) if v)
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
    source = preset.source
    if preset.later_source and any(_later(c.op) for b in analysis.blocks for c in b.ops):
        source += "; " + preset.later_source
    return PresetCount(preset, total_params, ops, categories, also, parts, with_kept, (), source)


#: The op kinds of the primitives of later tables (2016-2023), and the leaky ReLU.
LATER_KINDS = frozenset({"layernorm", "gelu", "hswish", "hsigmoid", "layerscale"})


def _later(op) -> bool:
    return op.kind in LATER_KINDS or (op.kind == "relu" and bool(op.slope))
