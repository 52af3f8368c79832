"""Seconds, not only operations: a lower bound on each row's time (the roofline model of
Williams, Waterman and Patterson, CACM 2009), and the measured time beside it.

The model, which every output's header says:

- bytes: an op reads its weights (once per batch) and its inputs and writes its output,
  each tensor once, at the dtype; a window that strides past pixels (a 1x1 convolution at
  stride 2) reads only the pixels it covers; a view or an identity (flatten, a channel
  split, dropout at inference) moves nothing. `TRAFFIC` holds this rule per op kind.
- FLOPs: 2 x MACs (a multiply and an add, as `table --flops`), plus one per other op
  (compares, adds, multiplies, divisions, exp: docs/conventions.md's categories) unless
  `other_ops` is off.
- an op takes at least max(FLOPs / peak, bytes / bandwidth); a row, the sum of its ops'
  (they run one after another), which is never less than the row's own max(...).
- the bandwidth rule: `cache-aware` charges an op whose bytes fit in half the last-level
  cache at the cache bandwidth and every other op at DRAM bandwidth; `dram` charges every
  op at DRAM bandwidth (the rule in force when the machine has no cache figures).

Counts (FLOPs, bytes) are exact ints; times and rates are floats, being measurements or
quotients of them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.cost import Analysis, OpCost
from inception_cost.errors import InputError
from inception_cost.implementation.model import Implementation
from inception_cost.machines import DTYPE_PRECISION, Machine
from inception_cost.ops import Op, Registry
from inception_cost.spec.records import Spec
from inception_cost.spec.variants import check_variant_runs

RULES = ("cache-aware", "dram")
RUNTIMES = ("numpy", "onnxruntime")
CACHE, DRAM = "cache", "DRAM"


@dataclass(frozen=True, slots=True)
class Traffic:
    """Elements an op moves per image: read from its inputs, written to its output."""

    read: int
    written: int


#: op kind -> its traffic, per image (weights are counted from the cost model's params).
TRAFFIC: Registry[Callable[[Op], Traffic]] = Registry("roofline bytes")


def _elements(shape) -> int:
    h, w, c = shape
    return h * w * c


@TRAFFIC.register(
    "lrn", "bn", "relu", "tanh", "swish", "sigmoid", "scale", "add", "concat", "shuffle"
)
@TRAFFIC.register("softmax", "linear", "rbf")
@TRAFFIC.register("hswish", "hsigmoid", "gelu", "layernorm", "layerscale")
def _every_input(op: Op) -> Traffic:
    """Each input read whole, the output written (in place or not: both pass through)."""
    return Traffic(sum(_elements(s) for s in op.in_shapes), _elements(op.out_shape))


@TRAFFIC.register("flatten", "split", "dropout")
def _nothing(op: Op) -> Traffic:
    """A view of the input (flatten, a channel split) or an identity (dropout at
    inference): no byte moves."""
    return Traffic(0, 0)


def covered(size: int, out: int, k: int, stride: int, pad: int) -> int:
    """How many of `size` input positions lie under at least one of `out` windows of `k`
    taps `stride` apart, starting at -`pad`."""
    if k >= stride:  # the windows touch or overlap: one run
        return max(0, min(size, (out - 1) * stride - pad + k) - max(0, -pad))
    return sum(
        max(0, min(i * stride - pad + k, size) - max(i * stride - pad, 0)) for i in range(out)
    )


@TRAFFIC.register("conv", "pool", "subsample")
def _windows(op) -> Traffic:
    """The input pixels some window covers (all channels), the output written."""
    h, w, c = op.in_shapes[0]
    ho, wo, _ = op.out_shape
    (kh, kw), s = op.kernel, op.stride
    ph, pw = getattr(op, "padding", (0, 0))
    return Traffic(
        covered(h, ho, kh, s, ph) * covered(w, wo, kw, s, pw) * c, _elements(op.out_shape)
    )


@TRAFFIC.register("shortcut")
def _every_stride(op) -> Traffic:
    """Option A reads every `stride`-th pixel's channels and writes them with the zeros."""
    ho, wo, _ = op.out_shape
    return Traffic(ho * wo * op.in_shapes[0][2], _elements(op.out_shape))


@dataclass(frozen=True, slots=True)
class OpTime:
    """One op's bound: FLOPs, bytes by tensor, the bandwidth it was charged at, the time
    each takes, and the measured median where it was run."""

    name: str
    kind: str
    flops: int
    weight_bytes: int
    input_bytes: int
    output_bytes: int
    charged: str  # CACHE | DRAM | "" (nothing moves)
    compute: float  # seconds: FLOPs / peak
    memory: float  # seconds: bytes / the charged bandwidth
    measured: float | None = None  # median seconds

    @property
    def bytes(self) -> int:
        return self.weight_bytes + self.input_bytes + self.output_bytes

    @property
    def seconds(self) -> float:
        return max(self.compute, self.memory)

    @property
    def bound(self) -> str:
        if not self.seconds:
            return "none"
        return "compute" if self.compute >= self.memory else "memory"

    @property
    def intensity(self) -> float | None:
        """FLOPs per byte; None where nothing moves."""
        return self.flops / self.bytes if self.bytes else None

    @property
    def of_roofline(self) -> float | None:
        """The fraction of its roofline the op reached: predicted / measured seconds (None
        where nothing was measured or nothing bounds it)."""
        return self.seconds / self.measured if self.measured and self.seconds else None

    @property
    def violation(self) -> bool:
        return self.measured is not None and self.measured < self.seconds


@dataclass(frozen=True, slots=True)
class RowTime:
    """A table row: its ops' bounds summed, its share of the network's bound, and its
    measured median (of the row's whole time in each run) where it was run."""

    name: str
    type: str
    ops: tuple[OpTime, ...]
    share: float  # of the network's predicted seconds
    measured: float | None = None

    @property
    def flops(self) -> int:
        return sum(o.flops for o in self.ops)

    @property
    def bytes(self) -> int:
        return sum(o.bytes for o in self.ops)

    @property
    def weight_bytes(self) -> int:
        return sum(o.weight_bytes for o in self.ops)

    @property
    def input_bytes(self) -> int:
        return sum(o.input_bytes for o in self.ops)

    @property
    def output_bytes(self) -> int:
        return sum(o.output_bytes for o in self.ops)

    @property
    def seconds(self) -> float:
        return math.fsum(o.seconds for o in self.ops)

    @property
    def intensity(self) -> float | None:
        return self.flops / self.bytes if self.bytes else None

    @property
    def bound(self) -> str:
        """The bound of the ops that take most of the row's time."""
        by = {"compute": 0.0, "memory": 0.0}
        for o in self.ops:
            if o.bound in by:
                by[o.bound] += o.seconds
        if not self.seconds:
            return "none"
        return "compute" if by["compute"] >= by["memory"] else "memory"

    @property
    def charged(self) -> str:
        """The bandwidth the row's ops were charged at: cache, DRAM, or cache+DRAM."""
        kinds = {o.charged for o in self.ops if o.charged}
        return "+".join(k for k in (CACHE, DRAM) if k in kinds)

    @property
    def of_roofline(self) -> float | None:
        """The fraction of its roofline the row reached: predicted / measured seconds."""
        return self.seconds / self.measured if self.measured and self.seconds else None

    @property
    def achieved(self) -> float | None:
        """FLOP/s the run reached."""
        return self.flops / self.measured if self.measured else None

    @property
    def rate(self) -> float | None:
        """FLOP/s at its predicted time: on the roof, or under it for a row of both bounds."""
        return self.flops / self.seconds if self.seconds else None

    @property
    def violation(self) -> bool:
        """Measured faster than its lower bound."""
        return self.measured is not None and self.measured < self.seconds


@dataclass(frozen=True, slots=True)
class NodeTime:
    """One node onnxruntime ran: its profiler's median time and the op it is charged to.

    `via` says why that op: "output" (the node writes the output of the ops in `computes`;
    more than one where onnxruntime fused them, and the time goes to the one of them with
    the largest bound), "feeds" (it computes only an input of that op: a shape, a piece of
    an exporter's decomposition) or "next" (it computes nothing an op reads: the op
    onnxruntime ran next)."""

    name: str
    op_type: str
    op: str
    row: str
    via: str
    microseconds: int  # the lower median of its runs: a run's own figure
    computes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Measurement:
    """How the times were measured: which runtime, with what, how many runs."""

    runtime: str  # numpy | onnxruntime
    library: str  # NumPy 2.4.6 with OpenBLAS 0.3.31 | onnxruntime 1.32.0 (CPUExecutionProvider)
    threads: int
    repeats: int  # runs timed; each row's time is their median
    warmup: int  # runs before the timed ones
    tracemalloc: bool = False  # never: it slows a run about 1.26x
    optimization: str = ""  # onnxruntime's graph optimization level
    nodes: tuple[NodeTime, ...] = ()  # onnxruntime: every node it ran, in its order


@dataclass(frozen=True, slots=True)
class Roofline:
    """`inception-cost time`: every row's bound on one machine, and measured times."""

    model: str
    batch: int
    dtype: str
    itemsize: int
    aux: bool
    variant: str
    machine: Machine
    precision: str
    peak: float  # FLOP/s at `precision`
    rule: str  # the bandwidth rule in force (RULES)
    asked_rule: str  # the rule asked for (cache-aware falls back to dram without figures)
    other_ops: bool  # FLOPs count other ops too
    expand: bool  # renderers show each op
    rows: tuple[RowTime, ...]
    measurement: Measurement | None = None

    @property
    def flops(self) -> int:
        return sum(r.flops for r in self.rows)

    @property
    def bytes(self) -> int:
        return sum(r.bytes for r in self.rows)

    @property
    def seconds(self) -> float:
        return math.fsum(r.seconds for r in self.rows)

    @property
    def measured(self) -> float | None:
        if self.measurement is None:
            return None
        return math.fsum(r.measured or 0.0 for r in self.rows)

    @property
    def of_roofline(self) -> float | None:
        measured = self.measured
        return self.seconds / measured if measured else None

    @property
    def intensity(self) -> float | None:
        return self.flops / self.bytes if self.bytes else None

    def ridge(self, charged: str) -> float | None:
        """FLOPs per byte where the roof turns flat, at the cache or DRAM bandwidth."""
        bw = self.machine.cache_bandwidth if charged == CACHE else self.machine.bandwidth
        return self.peak / bw if bw else None

    def roof(self, intensity: float, charged: str) -> float:
        """The FLOP/s the roof allows at `intensity` FLOPs per byte, at one bandwidth."""
        bw = self.machine.cache_bandwidth if charged == CACHE else self.machine.bandwidth
        return min(self.peak, bw * intensity)

    @property
    def violations(self) -> tuple[RowTime, ...]:
        return tuple(r for r in self.rows if r.violation)

    @property
    def spearman(self) -> float | None:
        """Rank correlation of predicted and measured row times."""
        if self.measurement is None:
            return None
        return spearman([r.seconds for r in self.rows], [r.measured or 0.0 for r in self.rows])

    def cause(self, row: RowTime) -> str:
        """Why a row beat its bound, from what it reached against what it was charged."""
        if not row.measured:
            return "it took under the whole microsecond onnxruntime's profiler counts in"
        rate, speed = row.flops / row.measured, row.bytes / row.measured
        m = self.machine
        if row.bound == "compute":
            return (
                f"ran at {rate / 1e9:,.1f} GFLOP/s, above the {self.peak / 1e9:,.1f} GFLOP/s"
                " peak: the peak measured lower than the kernel reached (the figures move"
                " from run to run)"
            )
        reached = f"moved its {row.bytes / 1e6:,.1f} MB at {speed / 1e9:,.1f} GB/s"
        if DRAM in row.charged and m.cache_bandwidth and speed <= m.cache_bandwidth:
            return (
                f"{reached}, above DRAM's {m.bandwidth / 1e9:,.1f} GB/s and within the cache's"
                f" {m.cache_bandwidth / 1e9:,.1f}: its tensors were in cache, though over half"
                " the last-level cache"
            )
        return (
            f"{reached}, above the bandwidth it was charged at: its tensors stayed in a faster"
            " level (a cache the rule does not charge), or it moved fewer bytes than the model"
            " counts"
        )


def op_time(
    c: OpCost, batch: int, itemsize: int, machine: Machine, peak: float, rule: str, other_ops: bool
) -> OpTime:
    """One op's bound under the model (the module docstring)."""
    t = TRAFFIC[c.op.kind](c.op)
    weight = (c.weights + c.biases + c.fixed) * itemsize
    read, written = t.read * batch * itemsize, t.written * batch * itemsize
    flops = 2 * c.macs + (c.other.total if other_ops else 0)
    moved = weight + read + written
    in_cache = rule == "cache-aware" and 2 * moved <= machine.llc
    bandwidth = machine.cache_bandwidth if in_cache else machine.bandwidth
    charged = (CACHE if in_cache else DRAM) if moved else ""
    return OpTime(
        c.op.name, c.op.kind, flops, weight, read, written, charged, flops / peak, moved / bandwidth
    )


def predict(
    analysis: Analysis,
    machine: Machine,
    *,
    model: str,
    precision: str | None = None,
    rule: str = "cache-aware",
    other_ops: bool = True,
    expand: bool = False,
    variant: str = "",
) -> Roofline:
    """Every row's and op's bound for `analysis` on `machine` at `precision` (by default
    the one its dtype runs at)."""
    if rule not in RULES:
        raise InputError(f"unknown bandwidth rule {rule!r}", "one of " + ", ".join(RULES))
    precision = precision or DTYPE_PRECISION[analysis.dtype]
    peak = machine.peak(precision)
    applied = rule if machine.cache_bandwidth and machine.llc else "dram"
    times = [
        tuple(
            op_time(c, analysis.batch, analysis.itemsize, machine, peak, applied, other_ops)
            for c in b.ops
        )
        for b in analysis.blocks
    ]
    total = math.fsum(o.seconds for ops in times for o in ops)
    rows = tuple(
        RowTime(
            b.name, b.block.type, ops, math.fsum(o.seconds for o in ops) / total if total else 0.0
        )
        for b, ops in zip(analysis.blocks, times, strict=True)
    )
    return Roofline(
        model,
        analysis.batch,
        analysis.dtype,
        analysis.itemsize,
        analysis.network.aux,
        variant,
        machine,
        precision,
        peak,
        applied,
        rule,
        other_ops,
        expand,
        rows,
    )


def with_times(
    roof: Roofline, ops: dict[str, float], rows: dict[str, float | None], measurement: Measurement
) -> Roofline:
    """`roof` with the measured medians: per op (`ops`) and per row (`rows`), by name (an op
    missing from `ops` ran inside another op's node: its time is in that op's; a row of
    None, every op of it so)."""
    measured = tuple(
        dataclasses.replace(
            r,
            ops=tuple(dataclasses.replace(o, measured=ops.get(o.name)) for o in r.ops),
            measured=rows[r.name],
        )
        for r in roof.rows
    )
    return dataclasses.replace(roof, rows=measured, measurement=measurement)


def spearman(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rank correlation (ties take their average rank); None for fewer than
    two values or a constant list."""

    def ranks(vs: list[float]) -> list[float]:
        order = sorted(range(len(vs)), key=vs.__getitem__)
        out = [0.0] * len(vs)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and vs[order[j + 1]] == vs[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2 + 1
            i = j + 1
        return out

    if len(xs) < 2:
        return None
    rx, ry = ranks(xs), ranks(ys)
    mx, my = math.fsum(rx) / len(rx), math.fsum(ry) / len(ry)
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = math.fsum((a - mx) ** 2 for a in rx)
    syy = math.fsum((b - my) ** 2 for b in ry)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else None


def roofline(
    spec: Spec,
    *,
    machine: Machine | None = None,
    batch: int = 1,
    dtype: str = "float32",
    aux: bool = False,
    variant: str = "",
    precision: str | None = None,
    rule: str = "cache-aware",
    other_ops: bool = True,
    expand: bool = False,
    measure: str | None = None,
    repeats: int = 5,
    llc: int | None = None,
) -> Roofline:
    """`inception-cost time` in one call: `spec` built and costed, every row bounded on
    `machine`; with `measure` ("numpy", or "onnxruntime" for an ONNX model) this machine
    is calibrated again in this process (the figures move between runs), the network run
    and each row's median time set beside its bound."""
    if measure is not None and measure not in RUNTIMES:
        raise InputError(f"unknown runtime {measure!r}", "--measure numpy or onnxruntime")
    if measure == "onnxruntime" and not isinstance(spec, Implementation):
        raise InputError(
            f"--measure onnxruntime runs an ONNX model's graph, and {spec.name} was built from"
            " a layer table: it has no graph to run",
            "--measure numpy (the bundled reference runs the table's network), or the model"
            " exported to ONNX as SPEC",
        )
    if measure and machine is not None:
        raise InputError(
            "--measure times this machine and calibrates it in the same run",
            "no --machine, --peak or --bandwidth with --measure",
        )
    if machine is None and measure is None:
        raise InputError(
            "no machine to bound the network on",
            "--machine NAME, --peak and --bandwidth, or --calibrate",
        )
    if measure and precision not in (None, "fp32", "fp64"):
        raise InputError(
            f"this machine's calibration has no {precision} peak (NumPy multiplies in"
            " float32 and float64)",
            "--precision fp32 or fp64 with --measure",
        )
    check_variant_runs(spec, variant, aux)
    net = build(spec, aux=aux, variant=variant)
    analysis = cost.analyse(net, batch=batch, dtype=dtype)
    settings = {"model": spec.name, "precision": precision, "rule": rule}
    settings |= {"other_ops": other_ops, "expand": expand, "variant": variant}
    if measure is None:
        return predict(analysis, machine, **settings)
    if measure == "onnxruntime":
        return _on_onnxruntime(spec, analysis, settings, repeats, llc)
    # NumPy only when this machine is measured (not for --help or a preset)
    from inception_cost.reference import calibrate, timing

    timing.check(net, batch, dtype)
    roof = predict(analysis, calibrate.calibrate(llc=llc), **settings)
    ops, rows, how = timing.measure(net, batch=batch, dtype=dtype, repeats=repeats)
    return with_times(roof, ops, rows, how)


def _on_onnxruntime(
    model: Implementation, analysis: Analysis, settings: dict, repeats: int, llc: int | None
) -> Roofline:
    """The model run in onnxruntime, refused (a batch it fixes, a dtype) before this machine
    is calibrated, each node timed by onnxruntime's profiler."""
    # onnx and onnxruntime only for an ONNX model's run (a table's never imports them)
    from inception_cost.reference import calibrate, onnx_timing

    session = onnx_timing.Session(model, analysis.batch, analysis.dtype)
    roof = predict(analysis, calibrate.calibrate(llc=llc), **settings)
    return with_times(roof, *session.measure(roof, repeats=repeats))
