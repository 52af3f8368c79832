"""Each op's and row's time in the NumPy reference: warm-up runs first, then the median of
`repeats` runs, without tracemalloc (which slows a run about 1.26x) and without the
finiteness checks `verify` makes between ops.
"""

from __future__ import annotations

import statistics

from inception_cost import progress
from inception_cost.errors import InputError
from inception_cost.network import Network
from inception_cost.reference import calibrate, executor, memory, weights
from inception_cost.roofline import Measurement

WARMUP = 1


def check(network: Network, batch: int, dtype: str) -> None:
    """A run the reference can make: float32 or float64, and a peak under half the memory
    available (before a calibration that takes seconds, not after it)."""
    if dtype not in memory.ITEMSIZE:
        raise InputError(
            f"the NumPy reference runs float32 or float64, not {dtype}",
            "--dtype float32 or float64 with --measure numpy",
        )
    need = memory.estimate(network, batch, dtype)
    free = memory.available()
    if free is not None and need.total > free // 2:
        raise InputError(
            f"a batch of {batch} in {dtype} needs about {need.total / 1e9:,.2f} GB at its peak"
            f" ({need.peak_op}), over half the {free / 1e9:,.2f} GB available",
            "a smaller --batch",
        )


def samples(
    network: Network, *, batch: int = 1, dtype: str = "float32", repeats: int = 5, seed: int = 0
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Seconds of every op and of every row (its ops summed) in each of `repeats` runs,
    after WARMUP runs."""
    check(network, batch, dtype)
    w = weights.init_weights(network, seed, dtype)
    x = weights.random_input(network.input_shape, batch, seed, dtype)
    per_op: dict[str, list[float]] = {}
    per_row: dict[str, list[float]] = {}
    with progress.task(f"timing {network.name}", WARMUP + repeats) as step:
        for _ in range(WARMUP):
            executor.run(network, w, x, check_finite=False)
            step()
        for _ in range(repeats):
            run = executor.run(network, w, x, check_finite=False)
            step()
            rows: dict[str, float] = {}
            for t in run.trace:
                per_op.setdefault(t.name, []).append(t.seconds)
                rows[t.block] = rows.get(t.block, 0.0) + t.seconds
            for name, seconds in rows.items():
                per_row.setdefault(name, []).append(seconds)
    return per_op, per_row


def measure(
    network: Network, *, batch: int = 1, dtype: str = "float32", repeats: int = 5, seed: int = 0
) -> tuple[dict[str, float], dict[str, float], Measurement]:
    """Median seconds per op and per row (of the row's own total in each run) over
    `repeats` runs after WARMUP, and how they were measured."""
    per_op, per_row = samples(network, batch=batch, dtype=dtype, repeats=repeats, seed=seed)
    how = Measurement("numpy", calibrate.library(), calibrate.threads(), repeats, WARMUP)
    return (
        {k: statistics.median(v) for k, v in per_op.items()},
        {k: statistics.median(v) for k, v in per_row.items()},
        how,
    )
