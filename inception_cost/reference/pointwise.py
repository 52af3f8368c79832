"""The NumPy kernels of the point-wise activations and scalings beyond ReLU: GELU, the
hard swish and sigmoid, the leaky ReLU, layer norm over channels and layer scale (the
later networks', 2016-2023), the sigmoid and swish, and LeNet-5's scaled tanh.

Channels last, (N, H, W, C), like every kernel of the reference; none multiplies
operands a MAC counts, so none counts any. `kernels.KERNELS` calls these.
"""

from __future__ import annotations

import math

import numpy as np

#: Elements per chunk of `erf`: NumPy has no erf, so each chunk goes through the C
#: library's erf (math.erf) as Python floats, one chunk alive at a time.
ERF_CHUNK = 1 << 15
#: The bytes a chunk of `erf` holds besides the arrays: a list of Python floats (a
#: pointer and a float object, 32 bytes each) and the float64 array they fill (8 bytes).
ERF_CHUNK_BYTES = ERF_CHUNK * (32 + 8)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function of every element, computed over `x` itself (a fresh array the
    caller owns), as the C library's erf does in double precision."""
    flat = x.reshape(-1)
    for start in range(0, flat.size, ERF_CHUNK):
        part = flat[start : start + ERF_CHUNK]
        part[...] = np.fromiter(map(math.erf, part.tolist()), np.float64, count=part.size)
    return x


def gelu(x: np.ndarray, approximate: str = "none") -> np.ndarray:
    """x Phi(x): exact, 0.5 x (1 + erf(x / sqrt 2)); `tanh`, 0.5 x (1 + tanh(sqrt(2 / pi)
    (x + 0.044715 x^3))), in that order of operations (torch's)."""
    one = x.dtype.type
    if approximate == "tanh":
        y = x * x
        y *= x
        y *= one(0.044715)
        y += x
        y *= one(math.sqrt(2 / math.pi))
        np.tanh(y, out=y)
    else:
        y = erf(x * one(1 / math.sqrt(2)))
    y += one(1)
    y *= x
    y *= one(0.5)
    return y


def hard_swish(x: np.ndarray) -> np.ndarray:
    """MobileNetV3's h-swish, x ReLU6(x + 3) / 6."""
    y = x + x.dtype.type(3)
    np.clip(y, 0, 6, out=y)
    y *= x
    y /= x.dtype.type(6)
    return y


def hard_sigmoid(x: np.ndarray) -> np.ndarray:
    """MobileNetV3's h-sigmoid, ReLU6(x + 3) / 6."""
    y = x + x.dtype.type(3)
    np.clip(y, 0, 6, out=y)
    y /= x.dtype.type(6)
    return y


def leaky_relu(x: np.ndarray, slope: float, inplace: bool = False) -> np.ndarray:
    """max(x, slope x) for 0 < slope < 1, over `x` where it may be overwritten; the
    products are its one temporary."""
    scaled = x * x.dtype.type(slope)
    return np.maximum(x, scaled, out=x if inplace else None)


#: Per-position temporaries of `layer_norm`, each (N, H, W, 1): the mean, and the
#: variance (made its inverse square root in place).
LAYER_NORM_TEMPORARIES = 2


def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """Layer norm over the channels at each position: (x - mean) / sqrt(var + eps) x gamma
    + beta, the (biased) variance over C, as torch's layer_norm."""
    c = x.shape[-1]
    mean = x.mean(axis=-1, keepdims=True)
    y = x - mean
    var = np.einsum("...c,...c->...", y, y)[..., None]
    var /= c
    var += x.dtype.type(eps)
    np.sqrt(var, out=var)
    np.reciprocal(var, out=var)
    y *= var
    y *= gamma
    y += beta
    return y


def layer_scale(x: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Each channel times its learned factor."""
    return x * gamma


def scaled_tanh(x: np.ndarray, amplitude: float, slope: float) -> np.ndarray:
    """LeNet-5's squashing function A tanh(S x)."""
    y = np.tanh(x * x.dtype.type(slope))
    y *= x.dtype.type(amplitude)
    return y


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)), written as (1 + tanh(x / 2)) / 2, which does not overflow; in
    one buffer, its output (no temporaries: reference/memory.py counts none)."""
    y = np.multiply(x, 0.5)
    np.tanh(y, out=y)
    y += 1
    y *= 0.5
    return y


def swish(x: np.ndarray) -> np.ndarray:
    """x * sigmoid(x) (SiLU), in the output's buffer."""
    y = sigmoid(x)
    y *= x
    return y
