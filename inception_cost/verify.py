"""The analysis held against a real run: every op's shape and multiply-adds, executed.

`verify` builds the spec's network once, costs it with the cost model and runs it with
the NumPy reference (whose kernels count their own multiply-adds), then compares op by op.
Before anything is allocated the run's peak memory is estimated and refused if it is
over the limit.
"""

from __future__ import annotations

import dataclasses
import re
import tracemalloc
from dataclasses import dataclass

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.cells import Shape, check_digits
from inception_cost.errors import InputError
from inception_cost.implementation.model import Implementation
from inception_cost.spec.records import Spec
from inception_cost.spec.variants import check_variant_runs

TOLERANCE = {"float32": 1e-4, "float64": 1e-12}  # |sum of a softmax - 1|
#: A row's largest difference from onnxruntime's, over its largest magnitude (onnxruntime
#: runs a float32 model in float32, so float64 runs are held to the same).
RUNTIME_TOLERANCE = 1e-4


@dataclass(frozen=True, slots=True)
class OpCheck:
    name: str
    kind: str
    analytic_shape: Shape
    executed_shape: Shape
    analytic_macs: int
    executed_macs: int
    seconds: float
    finite: bool

    @property
    def ok(self) -> bool:
        return (
            self.analytic_shape == self.executed_shape
            and self.analytic_macs == self.executed_macs
            and self.finite
        )


@dataclass(frozen=True, slots=True)
class BlockCheck:
    name: str
    type: str
    ops: tuple[OpCheck, ...]

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.ops)

    @property
    def analytic_shape(self) -> Shape:
        return self.ops[-1].analytic_shape

    @property
    def executed_shape(self) -> Shape:
        return self.ops[-1].executed_shape

    @property
    def analytic_macs(self) -> int:
        return sum(o.analytic_macs for o in self.ops)

    @property
    def executed_macs(self) -> int:
        return sum(o.executed_macs for o in self.ops)

    @property
    def seconds(self) -> float:
        return sum(o.seconds for o in self.ops)

    @property
    def gflops(self) -> float | None:
        """The block's run speed in GFLOP/s (FLOPs = 2 x MACs); None for no MACs or time."""
        return gflops(self.executed_macs, self.seconds)


def gflops(macs: int, seconds: float) -> float | None:
    """Billions of FLOPs (2 x MACs) per second; None where there is no MAC or no time."""
    return 2 * macs / seconds / 1e9 if seconds > 0 and macs else None


@dataclass(frozen=True, slots=True)
class SoftmaxCheck:
    name: str
    worst: float  # the largest |sum - 1| over the batch's images and positions
    tolerance: float

    @property
    def ok(self) -> bool:
        return self.worst <= self.tolerance


@dataclass(frozen=True, slots=True)
class RuntimeCheck:
    """A row's output from the NumPy run of a model file against onnxruntime's."""

    name: str
    tensor: str  # the model's tensor compared
    worst: float  # the largest |ours - onnxruntime's| over the largest |onnxruntime's|
    tolerance: float = RUNTIME_TOLERANCE

    @property
    def ok(self) -> bool:
        return self.worst <= self.tolerance


@dataclass(frozen=True, slots=True)
class Verification:
    model: str
    batch: int
    dtype: str
    seed: int
    aux: bool
    blocks: tuple[BlockCheck, ...]
    softmax: tuple[SoftmaxCheck, ...]
    estimate: object  # reference.memory.MemoryEstimate
    limit: int  # bytes allowed
    seconds: float
    variant: str = ""  # the alternative reading run, if any
    measured: int = 0  # bytes: weights and input, plus the run's own peak (tracemalloc)
    # a model file run with its own weights: each row against onnxruntime's run
    runtime: tuple[RuntimeCheck, ...] = ()

    @property
    def ok(self) -> bool:
        checks = (*self.blocks, *self.softmax, *self.runtime)
        return all(c.ok for c in checks)

    @property
    def analytic_macs(self) -> int:
        return sum(b.analytic_macs for b in self.blocks)

    @property
    def executed_macs(self) -> int:
        return sum(b.executed_macs for b in self.blocks)

    @property
    def finite(self) -> bool:
        return all(o.finite for b in self.blocks for o in b.ops)

    @property
    def ops(self) -> int:
        """How many ops ran."""
        return sum(len(b.ops) for b in self.blocks)

    @property
    def block_seconds(self) -> float:
        """The blocks' own time summed (the run's `seconds` also holds what lies between)."""
        return sum(b.seconds for b in self.blocks)

    @property
    def gflops(self) -> float | None:
        return gflops(self.executed_macs, self.block_seconds)

    def mismatches(self) -> list[str]:
        """One line per op or check that failed, naming it."""
        out = []
        for b in self.blocks:
            for o in b.ops:
                if o.analytic_shape != o.executed_shape:
                    out.append(
                        f"{o.name}: shape {o.analytic_shape} analysed, {o.executed_shape} run"
                    )
                if o.analytic_macs != o.executed_macs:
                    out.append(
                        f"{o.name}: {o.analytic_macs:,} MACs analysed, {o.executed_macs:,} run"
                    )
                if not o.finite:
                    out.append(f"{o.name}: output has NaN or infinite values")
        out += [
            f"{s.name}: a softmax sums to 1 {s.worst:+.2e} off (tolerance {s.tolerance:.0e})"
            for s in self.softmax
            if not s.ok
        ]
        out += [
            f"{r.name}: differs from onnxruntime's {r.tensor} by {r.worst:.2e} of its largest"
            f" value (tolerance {r.tolerance:.0e})"
            for r in self.runtime
            if not r.ok
        ]
        return out


def default_limit() -> int:
    """Half of the memory the system has available now (4 GiB if it does not say)."""
    from inception_cost.reference import memory  # see `verify`

    free = memory.available()
    return free // 2 if free else 4 * 2**30


def verify(
    spec: Spec,
    *,
    aux: bool = False,
    batch: int = 1,
    seed: int = 0,
    dtype: str = "float32",
    max_memory: int | None = None,
    variant: str = "",
) -> Verification:
    """Run `spec`'s network on a seeded batch and compare it with the analysis, op by op."""
    # NumPy only when a network runs: --help and completion load every command's module
    from inception_cost.reference import executor, memory, weights

    if dtype not in memory.ITEMSIZE:
        raise InputError(f"the reference runs float32 or float64, not {dtype}", "--dtype float32")
    check_variant_runs(spec, variant, aux)
    net = build(spec, aux=aux, variant=variant)
    model = spec if isinstance(spec, Implementation) else None
    limit = max_memory if max_memory is not None else default_limit()
    need = dataclasses.replace(memory.estimate(net, batch, dtype), process=memory.resident())
    if need.total > limit:
        raise InputError(
            f"a batch of {batch} in {dtype} needs about {_gb(need.total)} at its peak"
            f" ({need.peak_op}), over the {_gb(limit)} limit",
            "a smaller --batch or a larger --max-memory",
        )
    analysis = cost.analyse(net, batch=batch)
    w = weights.init_weights(net, seed, dtype) if model is None else _own_weights(model, net, dtype)
    x = weights.random_input(net.input_shape, batch, seed, dtype)
    held = sum(a.nbytes for a in w.values()) + x.nbytes
    keep = frozenset(b.output for b in net.blocks) if model is not None else frozenset()
    run, peak = _traced(lambda: executor.run(net, w, x, keep=keep))
    executed = {t.name: t for t in run.trace}
    blocks = tuple(
        BlockCheck(
            b.name,
            b.block.type,
            tuple(
                OpCheck(
                    c.op.name,
                    c.op.kind,
                    c.op.out_shape,
                    tuple(executed[c.op.name].out_shape),
                    c.macs,
                    executed[c.op.name].macs,
                    executed[c.op.name].seconds,
                    bool(executed[c.op.name].finite),
                )
                for c in b.ops
            ),
        )
        for b in analysis.blocks
    )
    softmax = tuple(
        SoftmaxCheck(name, float(abs(out.sum(axis=3) - 1).max()), TOLERANCE[dtype])
        for name, out in run.outputs.items()
        if executed[name].kind == "softmax"
    )
    return Verification(
        spec.name,
        batch,
        dtype,
        seed,
        aux,
        blocks,
        softmax,
        need,
        limit,
        run.seconds,
        variant,
        held + peak,
        _against_runtime(model, net, run, x) if model is not None else (),
    )


def _own_weights(model: Implementation, net, dtype: str) -> dict:
    from inception_cost.reference import onnx_run  # onnx and NumPy: a model file's run

    return onnx_run.weights(model, net, dtype)


def _against_runtime(model: Implementation, net, run, x) -> tuple[RuntimeCheck, ...]:
    """Each row's output against onnxruntime's value of the model's tensor it is."""
    from inception_cost.reference import onnx_run  # onnxruntime: a model file's run

    ops = {op.name: op for op in net.ops()}
    rows = [(b.name, b.output, model.tensors[b.output]) for b in net.blocks]
    theirs = onnx_run.runtime_outputs(model, sorted({t for _, _, t in rows}), x)
    return tuple(
        RuntimeCheck(
            name,
            tensor,
            onnx_run.worst(run.outputs[op], theirs[tensor], ops[op], op in model.channels_last),
        )
        for name, op, tensor in rows
    )


def _traced(call):
    """`call()` and the most bytes it held at once above what was allocated before it:
    tracemalloc sees every NumPy array buffer (NumPy reports them to it)."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    try:
        result = call()
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if started:
            tracemalloc.stop()
    return result, peak


def _gb(n: int) -> str:
    return f"{n / 1e9:,.2f} GB"


def parse_bytes(text: str) -> int:
    """`512M`, `2G`, `1.5GiB`, `800MB`, `1000000` -> bytes (K/M/G = 10^3.., Ki/Mi/Gi = 2^10..)."""
    check_digits(text, "memory size")
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(i?)B?\s*", text, re.I)
    if not m or (m[3] and not m[2]):
        raise InputError(
            f"memory size {text.strip()!r} is not understood", "a size such as 4G, 512M or 2GiB"
        )
    power = " KMGT".index(m[2].upper() or " ")
    scale = (1024 if m[3] else 1000) ** power
    whole, _, frac = m[1].partition(".")
    value = (int(whole + frac) * scale) // 10 ** len(frac)
    if value <= 0:
        raise InputError("--max-memory must be positive", "a size such as 4G")
    return value
