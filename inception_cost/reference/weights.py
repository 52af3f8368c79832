"""Seeded weights for the reference network, in a layout other frameworks can load.

`init_weights` returns a dict name -> array: `"<op>.weight"` and `"<op>.bias"` for every
convolution and linear op of the network.

- convolution weight: (kh, kw, Cin / groups, Cout), HWIO as in TensorFlow; for PyTorch's
  (Cout, Cin / groups, kh, kw) use `torch.from_numpy(w).permute(3, 2, 0, 1)`.
- linear weight: (in, out) with `in` flattened in (H, W, C) order; for PyTorch's
  (out, in) use `.T` (and flatten a (C, H, W) input as (H, W, C) first).
- bias: (Cout,) or (out,); absent when the conventions count no biases.
- a convolution with a connection table (LeNet-5's C3): the dense HWIO weight, zero
  wherever the table has no connection (torch can load it and multiply by the mask).
- subsampling: `.weight` the coefficient and `.bias` the bias, one per map.
- RBF: `.weight` (in, units), the fixed centres, uniform in [-1, 1].
- batch norm: `.weight` gamma, `.bias` beta, `.mean` and `.var` the running statistics.
- layer norm: `.weight` gamma, `.bias` beta; layer scale: `.weight` its factors.

He initialisation (normal, std sqrt(2 / fan_in)) keeps activations finite and of order
one through ReLU stacks; biases are uniform in [-0.01, 0.01].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from inception_cost.network import Network
from inception_cost.ops import (
    BatchNorm,
    Conv2d,
    LayerNorm,
    LayerScale,
    Linear,
    Op,
    Rbf,
    Registry,
    Subsample,
)

DTYPES = ("float32", "float64")

Draw = Callable[[np.random.Generator, tuple[int, ...], str], np.ndarray]


class Param(NamedTuple):
    """One array an op is seeded with: its shape, and how its values are drawn."""

    shape: tuple[int, ...]
    draw: Draw  # (generator, shape, dtype) -> the array


#: op kind -> the arrays an op is seeded with, by name (`"<op>.<name>"` in the weights),
#: in the order they are drawn. `init_weights` draws them; `memory.estimate` counts them.
WEIGHTS: Registry[Callable[[Op], dict[str, Param]]] = Registry("seeded weights")


def _uniform(low: float, high: float) -> Draw:
    return lambda rng, shape, dtype: rng.uniform(low, high, shape).astype(dtype)


def _he(fan_in: int, table: tuple[tuple[int, ...], ...] = ()) -> Draw:
    """Normal with std sqrt(2 / fan_in); zero where a connection table has no connection."""

    def draw(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
        weight = rng.standard_normal(shape, dtype=np.dtype(dtype).type)  # no float64 copy
        if table:
            mask = np.zeros(shape[2:], dtype=bool)
            for o, reads in enumerate(table):
                mask[list(reads), o] = True
            weight *= mask
        weight *= np.sqrt(2.0 / fan_in)
        return weight

    return draw


def _bias(op: Conv2d | Linear, weight: Param) -> dict[str, Param]:
    """The weight, and a small bias per output where the conventions count biases."""
    if not op.bias:
        return {"weight": weight}
    return {"weight": weight, "bias": Param((weight.shape[-1],), _uniform(-0.01, 0.01))}


@WEIGHTS.register("conv")
def _conv(op: Conv2d) -> dict[str, Param]:
    """HWIO He-normal, fan-in kh x kw x (Cin / groups), or kh x kw x the most maps an output
    of a connection table reads; then the bias."""
    kh, kw = op.kernel
    shape = (kh, kw, op.in_shapes[0][2] // op.groups, op.out_shape[2])
    reads = max(len(t) for t in op.table) if op.table else shape[2]
    return _bias(op, Param(shape, _he(kh * kw * reads, op.table)))


@WEIGHTS.register("linear")
def _linear(op: Linear) -> dict[str, Param]:
    """(in, out) He-normal, fan-in the flattened input; then the bias."""
    h, w, c = op.in_shapes[0]
    return _bias(op, Param((h * w * c, op.out_shape[2]), _he(h * w * c)))


@WEIGHTS.register("subsample")
def _subsample(op: Subsample) -> dict[str, Param]:
    """A coefficient per map, normal with std 1 / sqrt(k x k) (the window's fan-in), and a
    small bias."""
    kh, kw = op.kernel

    def coefficient(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
        return (rng.standard_normal(shape) / np.sqrt(kh * kw)).astype(dtype)

    c = (op.out_shape[2],)
    return {"weight": Param(c, coefficient), "bias": Param(c, _uniform(-0.01, 0.01))}


@WEIGHTS.register("rbf")
def _rbf(op: Rbf) -> dict[str, Param]:
    """The fixed centres (in, units), uniform in [-1, 1]."""
    h, w, c = op.in_shapes[0]
    return {"weight": Param((h * w * c, op.out_shape[2]), _uniform(-1, 1))}


@WEIGHTS.register("bn")
def _batch_norm(op: BatchNorm) -> dict[str, Param]:
    """gamma and the running variance in [0.5, 1.5], beta and the running mean in
    [-0.1, 0.1], one per channel."""
    c = (op.out_shape[2],)
    near_one, near_zero = _uniform(0.5, 1.5), _uniform(-0.1, 0.1)
    return {
        "weight": Param(c, near_one),
        "bias": Param(c, near_zero),
        "mean": Param(c, near_zero),
        "var": Param(c, near_one),
    }


@WEIGHTS.register("layernorm")
def _layer_norm(op: LayerNorm) -> dict[str, Param]:
    """gamma in [0.5, 1.5] and beta in [-0.1, 0.1], one per channel."""
    c = (op.out_shape[2],)
    return {"weight": Param(c, _uniform(0.5, 1.5)), "bias": Param(c, _uniform(-0.1, 0.1))}


@WEIGHTS.register("layerscale")
def _layer_scale(op: LayerScale) -> dict[str, Param]:
    """A factor per channel in [0.5, 1.5] (trained ConvNeXts start from 1e-6: a map of
    that size would hide what its block computed)."""
    return {"weight": Param((op.out_shape[2],), _uniform(0.5, 1.5))}


@WEIGHTS.register(
    "pool",
    "lrn",
    "relu",
    "tanh",
    "swish",
    "sigmoid",
    "hswish",
    "hsigmoid",
    "gelu",
    "scale",
    "add",
    "shortcut",
    "flatten",
    "concat",
    "split",
    "shuffle",
    "dropout",
    "softmax",
)
def _none(op: Op) -> dict[str, Param]:
    """Nothing: the op has no weights."""
    return {}


def init_weights(network: Network, seed: int = 0, dtype: str = "float32") -> dict[str, np.ndarray]:
    """Every op's arrays (`WEIGHTS`), drawn in the network's order from `seed`."""
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for op in network.ops():
        for name, (shape, draw) in WEIGHTS[op.kind](op).items():
            out[f"{op.name}.{name}"] = draw(rng, shape, dtype)
    return out


def random_input(shape: tuple[int, int, int], batch: int, seed: int = 0, dtype="float32"):
    """A standard-normal batch (N, H, W, C) from `seed` (a stream apart from the weights')."""
    rng = np.random.default_rng([seed, 1])
    return rng.standard_normal((batch, *shape), dtype=np.dtype(dtype).type)
