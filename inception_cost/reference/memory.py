"""How many bytes a reference run needs at its peak, known before anything is allocated.

The estimate walks the executor's schedule: all weights, the input batch, every live
activation (freed after its last reader; a ReLU on a dying input writes in place) and the
largest temporary each kernel makes (a convolution's padded input and two im2col chunks, a
pooling's one-direction partial result, an LRN block's squares).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from inception_cost.memory import live_peak
from inception_cost.network import Network
from inception_cost.ops import (
    Conv2d,
    Gelu,
    LayerNorm,
    LocalResponseNorm,
    Op,
    Pool2d,
    Registry,
    ReLU,
    Softmax,
)
from inception_cost.reference import kernels, pointwise
from inception_cost.reference.weights import WEIGHTS

ITEMSIZE = {"float32": 4, "float64": 8}
#: Python objects a run allocates besides its arrays (a trace record per op, dict entries,
#: array headers, per-channel factors), an allowance measured with tracemalloc (under
#: 50 KB on every bundled network; docs/memory.md) so the estimate bounds the run.
BOOKKEEPING = 64 * 1024
BOOKKEEPING_PER_OP = 512


@dataclass(frozen=True, slots=True)
class MemoryEstimate:
    weights: int  # bytes
    peak_activations: int  # bytes of activations live at the peak
    peak_workspace: int  # bytes of the kernel temporaries at the peak
    peak_op: str  # the op at the peak
    process: int = 0  # bytes the process already holds (interpreter, libraries), if counted
    bookkeeping: int = 0  # the allowance for the run's Python objects

    @property
    def run(self) -> int:
        """The bytes of the run itself: arrays at the peak and the bookkeeping allowance."""
        return self.weights + self.peak_activations + self.peak_workspace + self.bookkeeping

    @property
    def total(self) -> int:
        return self.process + self.run


def _elements(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


#: op kind -> the elements of the temporaries its kernel allocates besides its output:
#: (op, batch, itemsize) -> elements.
WORKSPACE: Registry[Callable[[Op, int, int], int]] = Registry("kernel workspace")


@WORKSPACE.register("conv")
def _conv(op: Conv2d, batch: int, itemsize: int) -> int:
    """The padded input (where there is padding) and the im2col chunks alive at once; none
    for a 1x1 stride-1 convolution, whose GEMM reads the input itself (a strided one's
    pixels are gathered first); a depthwise one's padded input only."""
    (h, w, c), out = op.in_shapes[0], op.out_shape
    kh, kw = op.kernel
    p = op.padding[0]
    if (kh, kw, p, op.groups) == (1, 1, 0, 1):
        # the GEMM reads the input itself, or the strided pixels gathered
        return 0 if op.stride == 1 else batch * out[0] * out[1] * c
    padded = batch * (h + 2 * p) * (w + 2 * p) * c if p else 0
    if 1 < op.groups == c == out[2]:
        return padded  # depthwise: one einsum over views of the padded input
    k_cols = kh * kw * c // op.groups
    images, rows = kernels.im2col_chunk(batch, out[0], out[1], k_cols, itemsize)
    chunk = images * rows * out[1] * k_cols
    # the next chunk is copied while the last one is still bound: two at once
    chunks = 2 if -(-batch // images) * -(-out[0] // rows) * op.groups > 1 else 1
    return padded + chunks * chunk


@WORKSPACE.register("pool")
def _pool(op: Pool2d, batch: int, itemsize: int) -> int:
    """The first sweep's result (over rows), and for max pooling one image's output."""
    (_, w, c), out = op.in_shapes[0], op.out_shape
    rows = out[0] * w * c  # the first sweep's result
    if op.mode == "max":
        return rows + out[0] * out[1] * c  # one image at a time
    return batch * rows


@WORKSPACE.register("lrn")
def _lrn(op: LocalResponseNorm, batch: int, itemsize: int) -> int:
    """The squares and a square root of one block of positions."""
    c = op.in_shapes[0][2]
    step = max(1, kernels.CHUNK_BYTES // 8 // (c * itemsize))
    return 2 * step * c


@WORKSPACE.register("softmax")
def _softmax(op: Softmax, batch: int, itemsize: int) -> int:
    """x - max, before the exponential is taken in its buffer."""
    return batch * _elements(op.out_shape)


@WORKSPACE.register("relu")
def _relu(op: ReLU, batch: int, itemsize: int) -> int:
    """The leaky ReLU's products slope x; ReLU and ReLU6 work in their output."""
    return batch * _elements(op.out_shape) if op.slope else 0


@WORKSPACE.register("gelu")
def _gelu(op: Gelu, batch: int, itemsize: int) -> int:
    """The exact form's one chunk of erf (its Python floats and their array), in elements;
    the tanh form works in its output."""
    return 0 if op.approximate == "tanh" else -(-pointwise.ERF_CHUNK_BYTES // itemsize)


@WORKSPACE.register("layernorm")
def _layer_norm(op: LayerNorm, batch: int, itemsize: int) -> int:
    """The mean and the variance of each position."""
    h, w, _ = op.out_shape
    return pointwise.LAYER_NORM_TEMPORARIES * batch * h * w


@WORKSPACE.register(
    "linear",
    "subsample",
    "rbf",
    "bn",
    "tanh",
    "swish",
    "sigmoid",
    "hswish",
    "hsigmoid",
    "layerscale",
    "scale",
    "add",
    "shortcut",
    "flatten",
    "concat",
    "split",
    "shuffle",
    "dropout",
)
def _none(op: Op, batch: int, itemsize: int) -> int:
    """None counted: the kernel writes only its output (NumPy's own temporaries aside)."""
    return 0


def estimate(network: Network, batch: int, dtype: str = "float32") -> MemoryEstimate:
    """The peak bytes of `executor.run` on a batch of `batch` in `dtype`: the library's
    live-tensor walk (`inception_cost.memory.live_peak`) plus each kernel's temporaries."""
    size = ITEMSIZE[dtype]
    # the seeded arrays, counted from their shapes (nothing is drawn)
    params = (p for op in network.ops() for p in WEIGHTS[op.kind](op).values())
    weights = sum(_elements(p.shape) for p in params)

    def scratch(op: Op) -> int:
        return WORKSPACE[op.kind](op, batch, size)

    # verify holds the input batch for the whole run, so it is never freed here
    peak = live_peak(network, batch, scratch, keep_input=True)
    ops = sum(1 for _ in network.ops())
    return MemoryEstimate(
        weights * size,
        peak.live * size,
        peak.scratch * size,
        peak.op,
        bookkeeping=BOOKKEEPING + BOOKKEEPING_PER_OP * ops,
    )


def resident() -> int:
    """Bytes this process holds in memory now (0 where /proc does not say)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def available() -> int | None:
    """Bytes the system can give without swapping (MemAvailable), if it says."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
