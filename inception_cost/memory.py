"""How many bytes a network needs, each figure under a named convention.

Read from the analysis (no numpy): parameter memory, each row's activation memory, the
inference peak (what must be alive at once when the ops run in the network's order and
each tensor is freed after its last reader, as the reference executor does), and the
training memory (every activation kept for the backward pass, a gradient per trained
parameter and the optimizer's state). docs/memory.md names each convention and holds
it against torchinfo, torchsummary and convnet-burden (`tool_memory`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inception_cost.cost import COST, IN_PLACE, Analysis
from inception_cost.errors import InputError
from inception_cost.network import Network
from inception_cost.ops import INPUT, Op, Registry

#: Optimizer state tensors kept per trained parameter: none, SGD's momentum, Adam's two
#: moments (exp_avg, exp_avg_sq in torch.optim.Adam).
OPTIMIZERS = {"none": 0, "sgd": 1, "adam": 2}
MIB = 2**20


def elements(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def last_readers(network: Network) -> dict[str, int]:
    """Tensor name -> index of the last op (in network order) that reads it."""
    last: dict[str, int] = {}
    for i, op in enumerate(network.ops()):
        for name in op.inputs:
            last[name] = i
    return last


@dataclass(frozen=True, slots=True)
class Peak:
    """The most elements alive at once during one forward pass, and where."""

    live: int  # activation elements held (the input included while it is read)
    scratch: int  # elements of the op's own temporaries at that moment
    op: str  # the op running at the peak ("input" before the first)


def live_peak(
    network: Network,
    batch: int,
    scratch: Callable[[Op], int] | None = None,
    keep_input: bool = False,
) -> Peak:
    """Walk the ops in order: each output is allocated, each input freed after its last
    reader; an op whose cost rule writes in place (ReLU, dropout) does so on a dying input.
    `scratch(op)` adds the temporaries a particular executor's kernel makes
    (reference.memory.WORKSPACE); `keep_input` holds the input batch to the end (its
    caller keeps a reference)."""
    last = last_readers(network)
    live = {INPUT: batch * elements(network.input_shape)}
    held_now = sum(live.values())
    peak = Peak(held_now, 0, "input")
    for i, op in enumerate(network.ops()):
        dying = last.get(op.inputs[0]) == i and not (keep_input and op.inputs[0] == INPUT)
        inplace = dying and COST[op.kind].writes == IN_PLACE
        size = batch * elements(op.out_shape)
        held = held_now + (0 if inplace else size)
        extra = scratch(op) if scratch else 0
        if held + extra > peak.live + peak.scratch:
            peak = Peak(held, extra, op.name)
        for name in op.inputs:
            if last.get(name) == i and not (keep_input and name == INPUT):
                held -= live.pop(name, 0)
        live[op.name] = size
        held_now = held + (size if inplace else 0)
    return peak


@dataclass(frozen=True, slots=True)
class RowMemory:
    name: str
    params: int  # bytes of the row's parameters and fixed state
    activations: int  # bytes the row's ops write


@dataclass(frozen=True, slots=True)
class Memory:
    """Every figure in bytes, for the analysis' batch and dtype."""

    dtype: str
    itemsize: int
    batch: int
    optimizer: str
    input: int  # the input batch
    params: int  # trained parameters and fixed state (BN running statistics)
    trained: int  # trained parameters only: what gets a gradient and optimizer state
    activations: int  # every element the forward pass writes (in place ops write none)
    peak_live: int  # activations (and input) alive at once at the inference peak
    peak_op: str
    rows: tuple[RowMemory, ...]

    @property
    def inference(self) -> int:
        """Parameters plus the most activations alive at once (kernel temporaries aside)."""
        return self.params + self.peak_live

    @property
    def gradients(self) -> int:
        return self.trained

    @property
    def optimizer_state(self) -> int:
        return OPTIMIZERS[self.optimizer] * self.trained

    @property
    def training(self) -> int:
        """Parameters, input, every activation kept for backward, gradients, optimizer state."""
        return self.params + self.input + self.activations + self.gradients + self.optimizer_state

    def lines(self) -> list[tuple[str, int, str]]:
        """(figure, bytes, its convention in words): what every renderer prints."""
        opt = {"none": "no optimizer state", "sgd": "SGD momentum (1 per trained param)"}
        return [
            ("parameters", self.params, "trained params + fixed state x itemsize"),
            ("input", self.input, "the input batch"),
            ("activations", self.activations, "every element written (ReLU, dropout in place)"),
            (
                "inference peak",
                self.inference,
                f"params + activations alive at once (peak at {self.peak_op})",
            ),
            ("gradients", self.gradients, "one per trained parameter"),
            (
                "optimizer state",
                self.optimizer_state,
                opt.get(self.optimizer, "Adam's two moments (2 per trained param)"),
            ),
            (
                "training",
                self.training,
                "params + input + all activations + gradients + optimizer state",
            ),
        ]


def memory(analysis: Analysis, optimizer: str = "none") -> Memory:
    """The memory of `analysis`'s network for its batch and dtype."""
    if optimizer not in OPTIMIZERS:
        raise InputError(f"unknown optimizer {optimizer!r}", "one of " + ", ".join(OPTIMIZERS))
    net, size, t = analysis.network, analysis.itemsize, analysis.totals
    peak = live_peak(net, analysis.batch)
    rows = tuple(
        RowMemory(b.name, (b.params + b.fixed) * size, b.activations * size)
        for b in analysis.blocks
    )
    return Memory(
        analysis.dtype,
        size,
        analysis.batch,
        optimizer,
        analysis.batch * elements(net.input_shape) * size,
        (t.params + t.fixed) * size,
        t.params * size,
        t.activations * size,
        peak.live * size,
        peak.op,
        rows,
    )


# --- the tools' conventions -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ToolMemory:
    """One tool's memory figures for a network, rebuilt from the analysis, in bytes."""

    name: str
    tool: str
    unit: str  # the unit the tool prints ("MB = 10^6 bytes", "MiB printed as MB")
    scale: int  # bytes per printed unit
    digits: int  # decimals the tool prints
    input: int | None
    features: int  # the tool's activation figure
    params: int
    rule: str  # what the figures count, in words
    source: str

    @property
    def total(self) -> int | None:
        return None if self.input is None else self.input + self.features + self.params

    def printed(self, value: int | None) -> str:
        """As the tool prints it: its unit, its decimals (half-even, as %f does)."""
        return "-" if value is None else f"{value / self.scale:.{self.digits}f}"


#: op kind -> whether a torch model writes it as a module, whose output a forward hook sees
#: (torchsummary counts it), not as a function no hook sees (torch.cat, +, flatten).
TORCH_MODULE: Registry[bool] = Registry("torch module or function")
TORCH_MODULE.register(
    "conv",
    "pool",
    "lrn",
    "bn",
    "relu",
    "tanh",
    "swish",
    "sigmoid",
    "hswish",
    "hsigmoid",
    "gelu",
    "layernorm",
    # timm's LayerScale is a module; torchvision's CNBlock passes gamma x the map through
    # its StochasticDepth module (the identity at inference): a hook sees it either way
    "layerscale",
    "scale",
    "subsample",
    "rbf",
    "linear",
    "dropout",
    "softmax",
)(True)
TORCH_MODULE.register("concat", "add", "flatten", "shortcut", "split", "shuffle")(False)


def _op_elements(analysis: Analysis, keep: Callable) -> int:
    return sum(
        analysis.batch * elements(c.op.out_shape) for b in analysis.blocks for c in b.ops if keep(c)
    )


def tool_memory(analysis: Analysis) -> list[ToolMemory]:
    """torchinfo's, torchsummary's and convnet-burden's figures (see docs/memory.md)."""
    a, size, t = analysis, analysis.itemsize, analysis.totals
    inp = a.batch * elements(a.network.input_shape) * size
    with_params = _op_elements(a, lambda c: c.params or c.fixed)
    read = last_readers(a.network)
    modules = _op_elements(a, lambda c: TORCH_MODULE[c.op.kind])
    outputs = _op_elements(a, lambda c: c.op.name not in read)  # the model's own output
    per_image = (modules + outputs) // a.batch
    return [
        ToolMemory(
            "ours",
            "inception-cost",
            "MiB = 2^20 bytes",
            MIB,
            2,
            inp,
            a.bytes(t.activations),
            (t.params + t.fixed) * size,
            "features: every element written (ReLU, dropout in place); params with fixed state",
            "docs/memory.md",
        ),
        ToolMemory(
            "torchinfo",
            "torchinfo 1.8.0",
            "MB = 10^6 bytes",
            10**6,
            2,
            inp,
            2 * with_params * size,
            t.params * size,
            "Forward/backward pass size: outputs of the leaf layers with parameters, x2"
            " 'for gradients'; params without buffers (BN running statistics)",
            "torchinfo/model_statistics.py ModelStatistics.__init__ and __repr__"
            " (to_megabytes: bytes / 1e6)",
        ),
        ToolMemory(
            "torchsummary",
            "torchsummary 1.5.1",
            "MiB = 2^20 bytes, printed as MB",
            MIB,
            2,
            elements(a.network.input_shape) * 4,
            2 * per_image * 4,
            t.params * 4,
            "Forward/backward pass size: every module's output x2, per image (batch_size"
            " -1), 4 bytes each; concat, add and flatten are torch functions, not modules;"
            " the model is a module too (its output once more); nested containers"
            " (residual blocks) would add their outputs",
            "torchsummary/torchsummary.py summary_string: total_output x 2 x 4 / 1024^2",
        ),
        ToolMemory(
            "convnet-burden",
            "convnet-burden (MatConvNet autonn)",
            "MiB = 2^20 bytes, printed as MB",
            MIB,
            0,
            None,
            a.bytes(t.activations),
            (t.params + t.fixed) * size,
            "feature memory: every variable the forward pass writes, input excluded, ReLU"
            " in place; params include BN moments",
            "core/burden.m computeMemory (numel x bytes), readableMemory (1024^k, %.0f)",
        ),
    ]
