"""Seeded weights for the reference network, in a layout other frameworks can load.

`init_weights` returns a dict name -> array: `"<op>.weight"` and `"<op>.bias"` for every
convolution and linear op of the network.

- convolution weight: (kh, kw, Cin / groups, Cout), HWIO as in TensorFlow; for PyTorch's
  (Cout, Cin / groups, kh, kw) use `torch.from_numpy(w).permute(3, 2, 0, 1)`.
- linear weight: (in, out) with `in` flattened in (H, W, C) order; for PyTorch's
  (out, in) use `.T` (and flatten a (C, H, W) input as (H, W, C) first).
- bias: (Cout,) or (out,); absent when the conventions count no biases.

He initialisation (normal, std sqrt(2 / fan_in)) keeps activations finite and of order
one through ReLU stacks; biases are uniform in [-0.01, 0.01].
"""

from __future__ import annotations

import numpy as np

from inception_cost.network import Conv2d, Linear, Network

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
        if not isinstance(op, Conv2d | Linear):
            continue
        shape = weight_shape(op)
        fan_in = int(np.prod(shape[:-1]))
        weight = rng.standard_normal(shape, dtype=np.dtype(dtype).type)  # no float64 copy
        weight *= np.sqrt(2.0 / fan_in)
        out[f"{op.name}.weight"] = weight
        if op.bias:
            out[f"{op.name}.bias"] = rng.uniform(-0.01, 0.01, shape[-1]).astype(dtype)
    return out


def random_input(shape: tuple[int, int, int], batch: int, seed: int = 0, dtype="float32"):
    """A standard-normal batch (N, H, W, C) from `seed` (a stream apart from the weights')."""
    rng = np.random.default_rng([seed, 1])
    return rng.standard_normal((batch, *shape), dtype=np.dtype(dtype).type)
