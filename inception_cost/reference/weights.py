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

He initialisation (normal, std sqrt(2 / fan_in)) keeps activations finite and of order
one through ReLU stacks; biases are uniform in [-0.01, 0.01].
"""

from __future__ import annotations

import numpy as np

from inception_cost.network import Network
from inception_cost.ops import BatchNorm, Conv2d, Linear, Rbf, Subsample

DTYPES = ("float32", "float64")


def weight_shape(op) -> tuple[int, ...]:
    """The documented layout of an op's weight."""
    if isinstance(op, Conv2d):
        kh, kw = op.kernel
        return (kh, kw, op.in_shapes[0][2] // op.groups, op.out_shape[2])
    h, w, c = op.in_shapes[0]
    return (h * w * c, op.out_shape[2])


def init_weights(network: Network, seed: int = 0, dtype: str = "float32") -> dict[str, np.ndarray]:
    """He-normal weights and small biases for every conv and linear op, from `seed`."""
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for op in network.ops():
        c = op.out_shape[2]
        if isinstance(op, BatchNorm):
            out[f"{op.name}.weight"] = rng.uniform(0.5, 1.5, c).astype(dtype)
            out[f"{op.name}.bias"] = rng.uniform(-0.1, 0.1, c).astype(dtype)
            out[f"{op.name}.mean"] = rng.uniform(-0.1, 0.1, c).astype(dtype)
            out[f"{op.name}.var"] = rng.uniform(0.5, 1.5, c).astype(dtype)
        elif isinstance(op, Subsample):
            kh, kw = op.kernel
            out[f"{op.name}.weight"] = (rng.standard_normal(c) / np.sqrt(kh * kw)).astype(dtype)
            out[f"{op.name}.bias"] = rng.uniform(-0.01, 0.01, c).astype(dtype)
        elif isinstance(op, Rbf):
            out[f"{op.name}.weight"] = rng.uniform(-1, 1, weight_shape(op)).astype(dtype)
        if not isinstance(op, Conv2d | Linear):
            continue
        shape = weight_shape(op)
        fan_in = int(np.prod(shape[:-1]))
        weight = rng.standard_normal(shape, dtype=np.dtype(dtype).type)  # no float64 copy
        if isinstance(op, Conv2d) and op.table:
            fan_in = op.kernel[0] * op.kernel[1] * max(len(t) for t in op.table)
            mask = np.zeros(shape[2:], dtype=bool)
            for o, reads in enumerate(op.table):
                mask[list(reads), o] = True
            weight *= mask
        weight *= np.sqrt(2.0 / fan_in)
        out[f"{op.name}.weight"] = weight
        if op.bias:
            out[f"{op.name}.bias"] = rng.uniform(-0.01, 0.01, shape[-1]).astype(dtype)
    return out


def random_input(shape: tuple[int, int, int], batch: int, seed: int = 0, dtype="float32"):
    """A standard-normal batch (N, H, W, C) from `seed` (a stream apart from the weights')."""
    rng = np.random.default_rng([seed, 1])
    return rng.standard_normal((batch, *shape), dtype=np.dtype(dtype).type)
