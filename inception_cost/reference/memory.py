"""How many bytes a reference run needs at its peak, known before anything is allocated.

The estimate walks the executor's schedule: all weights, the input batch, every live
activation (freed after its last reader; a ReLU on a dying input writes in place) and the
largest temporary each kernel makes (the padded input and im2col matrix of a
convolution, the padded input and one-direction partial result of a pooling, the padded
squares and the sum of an LRN).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from inception_cost.network import INPUT, Network, Op
from inception_cost.reference.executor import last_readers
from inception_cost.reference.weights import weight_shape

ITEMSIZE = {"float32": 4, "float64": 8}


@dataclass(frozen=True, slots=True)
class MemoryEstimate:
    weights: int  # bytes
    peak_activations: int  # bytes of activations live at the peak
    peak_workspace: int  # bytes of the kernel temporaries at the peak
    peak_op: str  # the op at the peak

    @property
    def total(self) -> int:
        return self.weights + self.peak_activations + self.peak_workspace


def _elements(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def workspace(op: Op, batch: int) -> int:
    """Elements of the temporaries `op`'s kernel allocates besides its output."""
    (h, w, c), out = op.in_shapes[0], op.out_shape
    if op.kind == "conv":
        kh, kw = op.kernel
        if (kh, kw, op.stride, op.padding[0]) == (1, 1, 1, 0):
            return 0
        p = op.padding[0]
        padded = (h + 2 * p) * (w + 2 * p) * c if p else 0
        return batch * (padded + out[0] * out[1] * kh * kw * c // op.groups)
    if op.kind == "pool":
        kh, kw = op.kernel
        hn, wn = (out[0] - 1) * op.stride + kh, (out[1] - 1) * op.stride + kw
        return batch * (hn * wn * c + out[0] * wn * c)
    if op.kind == "lrn":
        return batch * h * w * (2 * c + op.size - 1)
    if op.kind == "softmax":
        return batch * _elements(out)
    return 0


def estimate(network: Network, batch: int, dtype: str = "float32") -> MemoryEstimate:
    """The peak bytes of `executor.run` on a batch of `batch` in `dtype`."""
    size = ITEMSIZE[dtype]
    weights = 0
    for op in network.ops():
        if op.kind in ("conv", "linear"):
            shape = weight_shape(op)
            weights += _elements(shape) + (shape[-1] if op.bias else 0)
    last = last_readers(network)
    live = {INPUT: batch * _elements(network.input_shape)}
    peak = (sum(live.values()), 0, "input")
    for i, op in enumerate(network.ops()):
        inplace = op.kind in ("relu", "dropout") and last.get(op.inputs[0]) == i
        new = 0 if inplace else batch * _elements(op.out_shape)
        held = sum(live.values()) + new
        scratch = workspace(op, batch)
        if held + scratch > peak[0] + peak[1]:
            peak = (held, scratch, op.name)
        for name in op.inputs:
            if last.get(name) == i:
                live.pop(name, None)
        live[op.name] = new if not inplace else batch * _elements(op.out_shape)
    return MemoryEstimate(weights * size, peak[0] * size, peak[1] * size, peak[2])


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
