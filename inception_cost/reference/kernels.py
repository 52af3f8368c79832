"""The forward kernels of the NumPy reference, channels last: arrays are (N, H, W, C).

Each kernel computes its own output size from the frameworks' rules (it never asks the
cost model), and the two that multiply, `conv2d` and `linear`, also return the
multiply-adds of the operands they actually multiplied. Weights are HWIO for
convolutions, (in, out) for linear layers (see `weights.py`).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided


def out_length(size: int, k: int, stride: int, pad: int, ceil: bool) -> int:
    """PyTorch/Caffe window count; in ceil mode the last window must start inside the
    input or its left padding (torch's pooling_output_shape)."""
    span = size + 2 * pad - k
    if span < 0:
        raise ValueError(f"a {k}-wide window does not fit {size} + 2 x {pad} padding")
    n = (span + (stride - 1 if ceil else 0)) // stride + 1
    if ceil and (n - 1) * stride >= size + pad:
        n -= 1
    return n


def _pad(x: np.ndarray, ph: int, pw: int, h_to: int, w_to: int, fill: float) -> np.ndarray:
    """x placed at (ph, pw) in an (N, h_to, w_to, C) array of `fill`, cropped to fit."""
    n, h, w, c = x.shape
    if (ph, pw, h_to, w_to) == (0, 0, h, w):
        return x
    out = np.full((n, h_to, w_to, c), fill, dtype=x.dtype)
    hh, ww = min(h, h_to - ph), min(w, w_to - pw)
    out[:, ph : ph + hh, pw : pw + ww] = x[:, :hh, :ww]
    return out


def conv2d(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    stride: int = 1,
    padding: int = 0,
    groups: int = 1,
) -> tuple[np.ndarray, int]:
    """y[n, i, j, o] = b[o] + sum over (p, q, c) of xpad[n, i*s + p, j*s + q, c] w[p, q, c, o].

    x (N, H, W, Cin), weight (kh, kw, Cin/groups, Cout), bias (Cout,) or None. One GEMM
    per group on the im2col matrix (N*Ho*Wo, kh*kw*Cin/groups); a 1x1 stride-1
    convolution is a GEMM on x itself. Returns y (N, Ho, Wo, Cout) and the MACs executed.
    """
    n, h, w, cin = x.shape
    kh, kw, cg, cout = weight.shape
    if cin != cg * groups or cout % groups:
        raise ValueError(
            f"{cin} input channels do not fit weights {weight.shape} in {groups} groups"
        )
    ho = out_length(h, kh, stride, padding, False)
    wo = out_length(w, kw, stride, padding, False)
    og = cout // groups
    if kh == kw == 1 and stride == 1 and padding == 0:
        windows = x[:, :, :, None, None, :]  # a view: the GEMM reads x itself
    else:
        xp = _pad(x, padding, padding, h + 2 * padding, w + 2 * padding, 0.0)
        sn, sh, sw, sc = xp.strides
        shape, steps = (n, ho, wo, kh, kw, cin), (sn, sh * stride, sw * stride, sh, sw, sc)
        windows = as_strided(xp, shape, steps, writeable=False)
    m = n * ho * wo
    if groups == 1:
        a = windows.reshape(m, kh * kw * cin)  # the im2col copy
        y = a @ weight.reshape(kh * kw * cin, cout)
        macs = a.shape[0] * a.shape[1] * cout
    else:
        y = np.empty((m, cout), dtype=x.dtype)
        macs = 0
        for g in range(groups):
            a = windows[..., g * cg : (g + 1) * cg].reshape(m, kh * kw * cg)
            b = weight[..., g * og : (g + 1) * og].reshape(kh * kw * cg, og)
            np.matmul(a, b, out=y[:, g * og : (g + 1) * og])
            macs += a.shape[0] * a.shape[1] * b.shape[1]
    if bias is not None:
        y += bias
    return y.reshape(n, ho, wo, cout), macs


def _windows(xp: np.ndarray, k: int, stride: int, count: int, axis: int, reduce) -> np.ndarray:
    """Reduce `k` strided slices along `axis` (1 = H, 2 = W): one pass per kernel tap."""
    index = [slice(None)] * 4
    index[axis] = slice(0, stride * (count - 1) + 1, stride)
    out = xp[tuple(index)].copy()
    for i in range(1, k):
        index[axis] = slice(i, i + stride * (count - 1) + 1, stride)
        reduce(out, xp[tuple(index)], out=out)
    return out


def _pool_sizes(x, kernel, stride, padding, ceil):
    """Output size and the padded extent its windows span."""
    _, h, w, _ = x.shape
    (kh, kw), (ph, pw) = kernel, padding
    ho, wo = out_length(h, kh, stride, ph, ceil), out_length(w, kw, stride, pw, ceil)
    return ho, wo, (ho - 1) * stride + kh, (wo - 1) * stride + kw


def max_pool2d(
    x: np.ndarray, kernel: tuple[int, int], stride: int, padding=(0, 0), ceil: bool = False
) -> np.ndarray:
    """y[n, i, j, c] = max over the window at (i*s - p, j*s - p); padding never wins.

    Separable: a max over kh rows, then over kw columns. (N, H, W, C) -> (N, Ho, Wo, C).
    """
    ho, wo, hn, wn = _pool_sizes(x, kernel, stride, padding, ceil)
    xp = _pad(x, padding[0], padding[1], hn, wn, -np.inf)
    rows = _windows(xp, kernel[0], stride, ho, 1, np.maximum)
    return _windows(rows, kernel[1], stride, wo, 2, np.maximum)


def avg_pool2d(
    x: np.ndarray, kernel: tuple[int, int], stride: int, padding=(0, 0), ceil: bool = False
) -> np.ndarray:
    """y = window sum / window size, the size clipped to the padded input as Caffe and
    torch (count_include_pad) do: padding counts, overhang past it does not."""
    _, h, w, _ = x.shape
    ho, wo, hn, wn = _pool_sizes(x, kernel, stride, padding, ceil)
    (kh, kw), (ph, pw) = kernel, padding
    xp = _pad(x, ph, pw, hn, wn, 0.0)
    total = _windows(_windows(xp, kh, stride, ho, 1, np.add), kw, stride, wo, 2, np.add)
    starts_h, starts_w = np.arange(ho) * stride - ph, np.arange(wo) * stride - pw
    dh = np.minimum(starts_h + kh, h + ph) - starts_h
    dw = np.minimum(starts_w + kw, w + pw) - starts_w
    total /= np.outer(dh, dw).astype(x.dtype)[None, :, :, None]
    return total


def local_response_norm(
    x: np.ndarray, size: int = 5, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> np.ndarray:
    """Caffe's across-channel LRN: y = x / (k + alpha/size * sum of x^2 over `size`
    channels centred on c)^beta; the window is zero-padded at the channel ends."""
    n, h, w, c = x.shape
    before = size // 2
    sq = np.zeros((n, h, w, c + size - 1), dtype=x.dtype)
    np.multiply(x, x, out=sq[..., before : before + c])
    acc = sq[..., :c].copy()
    for i in range(1, size):
        acc += sq[..., i : i + c]
    del sq
    acc *= alpha / size
    acc += k
    if beta == 0.75:  # s^-0.75 = r * sqrt(r) with r = s^-0.5: two square roots, no pow
        np.sqrt(acc, out=acc)
        np.reciprocal(acc, out=acc)
        acc *= np.sqrt(acc)
    else:
        np.power(acc, -beta, out=acc)
    acc *= x
    return acc


def relu(x: np.ndarray, inplace: bool = False) -> np.ndarray:
    """max(x, 0), elementwise."""
    return np.maximum(x, 0, out=x if inplace else None)


def concat(xs: list[np.ndarray]) -> np.ndarray:
    """Join on channels, in order."""
    return np.concatenate(xs, axis=3)


def linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None) -> tuple[np.ndarray, int]:
    """y = flatten(x) W + b with x flattened in (H, W, C) order; W is (in, out).

    Returns y (N, 1, 1, out) and the MACs executed (N x in x out).
    """
    n = x.shape[0]
    flat = x.reshape(n, -1)
    y = flat @ weight
    if bias is not None:
        y += bias
    return y.reshape(n, 1, 1, -1), flat.shape[0] * flat.shape[1] * weight.shape[1]


def dropout(x: np.ndarray) -> np.ndarray:
    """Identity: inference scales nothing (the frameworks scale at training time)."""
    return x


def softmax(x: np.ndarray) -> np.ndarray:
    """exp(x - max) / sum over channels at each position: stable for large inputs."""
    e = np.exp(x - x.max(axis=3, keepdims=True))
    e /= e.sum(axis=3, keepdims=True)
    return e
