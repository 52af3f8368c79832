"""Run a `Network` forward with the NumPy kernels and record what really executed.

The executor walks the ops in the network's order, frees each activation after its
last reader, lets a ReLU overwrite an input nobody reads later, and returns the outputs
(ops no other op reads) and a trace: per op, the executed shapes, the multiply-adds the
kernels counted, whether the output is finite, and the time it took.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from inception_cost import progress
from inception_cost.cells import Shape
from inception_cost.memory import last_readers
from inception_cost.network import Network
from inception_cost.ops import INPUT
from inception_cost.reference.kernels import KERNELS


@dataclass(frozen=True, slots=True)
class OpTrace:
    name: str
    kind: str
    block: str
    in_shapes: tuple[Shape, ...]  # per image, as executed
    out_shape: Shape
    macs: int  # for the whole batch, counted by the kernel
    seconds: float
    finite: bool | None  # None when not checked


@dataclass(frozen=True, slots=True)
class Run:
    outputs: dict[str, np.ndarray]  # op name -> (N, H, W, C) for ops no other op reads
    trace: tuple[OpTrace, ...]
    batch: int
    seconds: float


def run(
    network: Network,
    weights: dict[str, np.ndarray],
    x: np.ndarray,
    *,
    check_finite: bool = True,
    keep: frozenset[str] = frozenset(),
) -> Run:
    """Forward `x` (N, H, W, C) through `network`, each block a step of its progress; the
    outputs of the ops in `keep` are returned too (verify MODEL.onnx compares each row's
    with onnxruntime's)."""
    last = last_readers(network)
    env: dict[str, np.ndarray] = {INPUT: x}
    trace: list[OpTrace] = []
    index = 0
    start = time.perf_counter()
    with progress.task(f"running {network.name}", len(network.blocks)) as step:
        for block in network.blocks:
            for op in block.ops:
                xs = [env[name] for name in op.inputs]
                # the input dies here (the caller's batch never does): the kernel may
                # overwrite it
                inplace = (
                    last.get(op.inputs[0]) == index
                    and op.inputs[0] != INPUT
                    and op.inputs[0] not in keep
                )
                t0 = time.perf_counter()
                y, macs = KERNELS[op.kind](op, xs, weights, inplace)
                seconds = time.perf_counter() - t0
                # min and max propagate NaN and meet any infinity, without a mask array
                finite = None
                if check_finite:
                    finite = bool(np.isfinite(y.min()) and np.isfinite(y.max()))
                trace.append(
                    OpTrace(
                        op.name,
                        op.kind,
                        block.name,
                        tuple(a.shape[1:] for a in xs),
                        y.shape[1:],
                        macs,
                        seconds,
                        finite,
                    )
                )
                for name in op.inputs:
                    if last.get(name) == index and name not in keep:
                        del env[name]
                env[op.name] = y
                index += 1
            step()
    outputs = {name: a for name, a in env.items() if name not in last or name in keep}
    return Run(outputs, tuple(trace), x.shape[0], time.perf_counter() - start)
