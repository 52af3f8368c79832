"""The forward kernels of the NumPy reference, channels last: arrays are (N, H, W, C).

Each kernel computes its own output size from the frameworks' rules (it never asks the
cost model), and the two that multiply, `conv2d` and `linear`, also return the
multiply-adds of the operands they actually multiplied. Weights are HWIO for
convolutions, (in, out) for linear layers (see `weights.py`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import as_strided

from inception_cost.ops import (
    Add,
    BatchNorm,
    ChannelShuffle,
    ChannelSplit,
    Concat,
    Conv2d,
    Dropout,
    Flatten,
    Gelu,
    HardSigmoid,
    HardSwish,
    LayerNorm,
    LayerScale,
    Linear,
    LocalResponseNorm,
    Op,
    Pool2d,
    Rbf,
    Registry,
    ReLU,
    Scale,
    Shortcut,
    Sigmoid,
    Softmax,
    Subsample,
    Swish,
    Tanh,
)
from inception_cost.reference import pointwise

Ran = tuple[np.ndarray, int]  # a kernel's output and the multiply-adds it executed
#: op kind -> how the reference runs it: (op, its input arrays, the weights by name,
#: whether it may overwrite its input) -> (output, MACs executed). The executor dispatches
#: through it; the entries read the op's fields and call the kernels below.
KERNELS: Registry[Callable[[Op, list, dict, bool], Ran]] = Registry("NumPy kernel")


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


CHUNK_BYTES = 2 * 2**20  # an LRN block: small enough to stay in a core's L2 cache
#: one im2col chunk: large enough that each GEMM is a few large BLAS calls (on a busy
#: 2-core machine every call's threads must meet, and small calls ran 3-10x slower)
IM2COL_BYTES = 8 * 2**20


def im2col_chunk(n: int, ho: int, wo: int, k_cols: int, itemsize: int) -> tuple[int, int]:
    """(images, output rows) per im2col chunk of at most IM2COL_BYTES (at least one row):
    whole images while one fits, else a few rows of one image."""
    per_image = ho * wo * k_cols * itemsize
    if per_image <= IM2COL_BYTES:
        return max(1, min(n, IM2COL_BYTES // per_image)), ho
    return 1, max(1, min(ho, IM2COL_BYTES // (wo * k_cols * itemsize)))


def conv2d(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    stride: int = 1,
    padding: int = 0,
    groups: int = 1,
) -> tuple[np.ndarray, int]:
    """y[n, i, j, o] = b[o] + sum over (p, q, c) of xpad[n, i*s + p, j*s + q, c] w[p, q, c, o].

    x (N, H, W, Cin), weight (kh, kw, Cin/groups, Cout), bias (Cout,) or None. A 1x1
    convolution without padding is one GEMM over the whole batch (on the strided pixels,
    gathered, at a stride above 1); otherwise the im2col matrix is built a chunk at a time
    (`im2col_chunk`), each chunk one GEMM per group. A depthwise convolution (one input
    and one output channel per group) is one einsum over the strided window views
    instead: a GEMM per channel costs more in calls than in products (EfficientNet-B0's
    1,152 channels). Returns y (N, Ho, Wo, Cout) and the MACs executed.
    """
    n, h, w, cin = x.shape
    kh, kw, cg, cout = weight.shape
    if cin != cg * groups or cout % groups:
        raise ValueError(
            f"{cin} input channels do not fit weights {weight.shape} in {groups} groups"
        )
    ho = out_length(h, kh, stride, padding, False)
    wo = out_length(w, kw, stride, padding, False)
    if kh == kw == 1 and padding == 0 and groups == 1:
        src = x if stride == 1 else np.ascontiguousarray(x[:, ::stride, ::stride][:, :ho, :wo])
        a = src.reshape(n * ho * wo, cin)  # a view at stride 1: no im2col
        y = np.matmul(a, weight.reshape(cin, cout))
        if bias is not None:
            y += bias
        return y.reshape(n, ho, wo, cout), a.shape[0] * a.shape[1] * cout
    xp = np.ascontiguousarray(_pad(x, padding, padding, h + 2 * padding, w + 2 * padding, 0.0))
    # C order: a channel step is one item (numpy lets a size-1 axis carry any stride)
    sn, sh, sw, sc = (*xp.strides[:3], xp.itemsize)
    og, k_cols = cout // groups, kh * kw * cg
    kernels = [weight[..., g * og : (g + 1) * og].reshape(k_cols, og) for g in range(groups)]
    if groups > 1 and cg == og == 1:  # depthwise: one sum over strided views, no GEMMs
        return _depthwise(xp, weight[:, :, 0, :], bias, stride, ho, wo)
    if groups == 1:  # a window row (kw x cin) is one contiguous run of the input row
        shape, steps = (n, ho, wo, kh, kw * cin), (sn, sh * stride, sw * stride, sh, sc)
    else:
        shape, steps = (n, ho, wo, kh, kw, cin), (sn, sh * stride, sw * stride, sh, sw, sc)
    windows = as_strided(xp, shape, steps, writeable=False)
    y = np.empty((n, ho, wo, cout), dtype=x.dtype)
    images, rows = im2col_chunk(n, ho, wo, k_cols, x.itemsize)
    macs = 0
    for i in range(0, n, images):
        for r in range(0, ho, rows):
            out = y[i : i + images, r : r + rows].reshape(-1, cout)
            for g, b in enumerate(kernels):
                part = windows[i : i + images, r : r + rows]
                if groups > 1:
                    part = part[..., g * cg : (g + 1) * cg]
                a = part.reshape(-1, k_cols)  # the im2col chunk: a copy
                np.matmul(a, b, out=out if groups == 1 else out[:, g * og : (g + 1) * og])
                macs += a.shape[0] * a.shape[1] * b.shape[1]
            if bias is not None:
                out += bias  # while the chunk's output is still in cache
    return y, macs


def _depthwise(xp, weight, bias, stride: int, ho: int, wo: int) -> tuple[np.ndarray, int]:
    """y[n, i, j, c] = b[c] + sum over (p, q) of xp[n, i*s + p, j*s + q, c] w[p, q, c], on the
    padded input `xp` (N, Hp, Wp, C) with weight (kh, kw, C). At stride 1 the taps of one
    output row are contiguous runs of wo*C items of an input row, so einsum's inner loop
    runs over whole rows (a weight row tiled wo times), not over C channels at a time:
    2.7x faster at MobileNetV2's 32 channels. Returns y and the MACs executed."""
    n, _, _, c = xp.shape
    kh, kw, _ = weight.shape
    sn, sh, sw, sc = (*xp.strides[:3], xp.itemsize)
    if stride == 1:
        rows = as_strided(xp, (n, ho, kh, kw, wo * c), (sn, sh, sh, sw, sc), writeable=False)
        y = np.einsum("nhpqk,pqk->nhk", rows, np.tile(weight, (1, 1, wo))).reshape(n, ho, wo, c)
    else:
        shape, steps = (n, ho, wo, kh, kw, c), (sn, sh * stride, sw * stride, sh, sw, sc)
        windows = as_strided(xp, shape, steps, writeable=False)
        y = np.einsum("nhwpqc,pqc->nhwc", windows, weight)
    if bias is not None:
        y += bias
    return y, n * ho * wo * kh * kw * c


def _sweep(x: np.ndarray, k: int, stride: int, pad: int, count: int, axis: int, reduce, fill):
    """Reduce the k taps of each window along `axis` (1 = H, 2 = W) without padding x:
    each tap touches only the outputs whose window it falls in inside the input, so
    padding cells are never read (they would add 0 to a sum and never win a max)."""
    size = x.shape[axis]

    def at(a, sl):
        index = [slice(None)] * 4
        index[axis] = sl
        return a[tuple(index)]

    taps = []
    for t in range(k):
        lo = max(0, -(-(pad - t) // stride))  # first output whose tap t is inside
        hi = min(count, (size - 1 - t + pad) // stride + 1)
        if lo < hi:
            src = slice(lo * stride - pad + t, (hi - 1) * stride - pad + t + 1, stride)
            taps.append((lo, hi, src))
    full = next((tap for tap in taps if tap[:2] == (0, count)), None)
    if full is not None:
        out = at(x, full[2]).copy()
        taps.remove(full)
    else:
        shape = list(x.shape)
        shape[axis] = count
        out = np.full(shape, fill, dtype=x.dtype)
    for lo, hi, src in taps:
        part = at(out, slice(lo, hi))
        reduce(part, at(x, src), out=part)
    return out


def _pool_sizes(x, kernel, stride, padding, ceil):
    _, h, w, _ = x.shape
    (kh, kw), (ph, pw) = kernel, padding
    return out_length(h, kh, stride, ph, ceil), out_length(w, kw, stride, pw, ceil)


def max_pool2d(
    x: np.ndarray, kernel: tuple[int, int], stride: int, padding=(0, 0), ceil: bool = False
) -> np.ndarray:
    """y[n, i, j, c] = max over the window at (i*s - p, j*s - p); padding never wins.

    Separable: a max over kh rows, then over kw columns. (N, H, W, C) -> (N, Ho, Wo, C).
    """
    ho, wo = _pool_sizes(x, kernel, stride, padding, ceil)
    y = np.empty((x.shape[0], ho, wo, x.shape[3]), dtype=x.dtype)
    for i in range(x.shape[0]):  # an image at a time: its passes stay in cache
        rows = _sweep(x[i : i + 1], kernel[0], stride, padding[0], ho, 1, np.maximum, -np.inf)
        y[i : i + 1] = _sweep(rows, kernel[1], stride, padding[1], wo, 2, np.maximum, -np.inf)
    return y


def avg_pool2d(
    x: np.ndarray, kernel: tuple[int, int], stride: int, padding=(0, 0), ceil: bool = False
) -> np.ndarray:
    """y = window sum / window size, the size clipped to the padded input as Caffe and
    torch (count_include_pad) do: padding counts, overhang past it does not."""
    _, h, w, _ = x.shape
    ho, wo = _pool_sizes(x, kernel, stride, padding, ceil)
    (kh, kw), (ph, pw) = kernel, padding
    rows = _sweep(x, kh, stride, ph, ho, 1, np.add, 0.0)
    total = _sweep(rows, kw, stride, pw, wo, 2, np.add, 0.0)
    starts_h, starts_w = np.arange(ho) * stride - ph, np.arange(wo) * stride - pw
    dh = np.minimum(starts_h + kh, h + ph) - starts_h
    dw = np.minimum(starts_w + kw, w + pw) - starts_w
    total /= np.outer(dh, dw).astype(x.dtype)[None, :, :, None]
    return total


@KERNELS.register("pool")
def _pool(op: Pool2d, xs: list, weights: dict, inplace: bool) -> Ran:
    """`max_pool2d` or `avg_pool2d`, by the op's mode."""
    pool = max_pool2d if op.mode == "max" else avg_pool2d
    return pool(xs[0], op.kernel, op.stride, op.padding, op.ceil), 0


def local_response_norm(
    x: np.ndarray, size: int = 5, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> np.ndarray:
    """Caffe's across-channel LRN: y = x / (k + alpha/size * sum of x^2 over `size`
    channels centred on c)^beta; the window is cut at the channel ends (zero padding).

    Computed a block of positions at a time (CHUNK_BYTES / 4 each), so its dozen
    elementwise passes run in cache rather than over the whole tensor in memory.
    """
    c = x.shape[3]
    flat = x.reshape(-1, c)
    y = np.empty_like(flat)
    step = max(1, CHUNK_BYTES // 8 // (c * x.itemsize))
    for r in range(0, flat.shape[0], step):
        block, acc = flat[r : r + step], y[r : r + step]
        sq = block * block
        acc[...] = sq
        for d in range(1, min(size // 2, c - 1) + 1):  # channels before c
            acc[:, d:] += sq[:, : c - d]
        for d in range(1, min((size - 1) // 2, c - 1) + 1):  # channels after c
            acc[:, : c - d] += sq[:, d:]
        acc *= alpha / size
        acc += k
        if beta == 0.75:  # s^0.75 = sqrt(s) * sqrt(sqrt(s)): two square roots, no pow
            np.sqrt(acc, out=acc)
            acc *= np.sqrt(acc)
        else:
            np.power(acc, beta, out=acc)
        np.divide(block, acc, out=acc)
    return y.reshape(x.shape)


@KERNELS.register("lrn")
def _lrn(op: LocalResponseNorm, xs: list, weights: dict, inplace: bool) -> Ran:
    """`local_response_norm` with the op's size, alpha, beta and k."""
    return local_response_norm(xs[0], op.size, op.alpha, op.beta, op.k), 0


def relu(x: np.ndarray, inplace: bool = False, cap: float = 0) -> np.ndarray:
    """max(x, 0), elementwise; with a cap, min(max(x, 0), cap) (ReLU6)."""
    y = np.maximum(x, 0, out=x if inplace else None)
    return np.minimum(y, cap, out=y) if cap else y


@KERNELS.register("relu")
def _relu(op: ReLU, xs: list, weights: dict, inplace: bool) -> Ran:
    """`relu` (ReLU6 with a cap; the leaky ReLU with a slope), over its input where the
    input dies here."""
    if op.slope:
        return pointwise.leaky_relu(xs[0], op.slope, inplace), 0
    return relu(xs[0], inplace, op.cap), 0


@KERNELS.register("hswish")
def _hswish(op: HardSwish, xs: list, weights: dict, inplace: bool) -> Ran:
    """`pointwise.hard_swish`."""
    return pointwise.hard_swish(xs[0]), 0


@KERNELS.register("hsigmoid")
def _hsigmoid(op: HardSigmoid, xs: list, weights: dict, inplace: bool) -> Ran:
    """`pointwise.hard_sigmoid`."""
    return pointwise.hard_sigmoid(xs[0]), 0


@KERNELS.register("gelu")
def _gelu(op: Gelu, xs: list, weights: dict, inplace: bool) -> Ran:
    """`pointwise.gelu` in the op's form."""
    return pointwise.gelu(xs[0], op.approximate), 0


@KERNELS.register("layernorm")
def _layer_norm(op: LayerNorm, xs: list, weights: dict, inplace: bool) -> Ran:
    """`pointwise.layer_norm` with the op's gamma and beta."""
    gamma, beta = weights[f"{op.name}.weight"], weights[f"{op.name}.bias"]
    return pointwise.layer_norm(xs[0], gamma, beta, op.eps), 0


@KERNELS.register("layerscale")
def _layer_scale(op: LayerScale, xs: list, weights: dict, inplace: bool) -> Ran:
    """`pointwise.layer_scale` with the op's factors."""
    return pointwise.layer_scale(xs[0], weights[f"{op.name}.weight"]), 0


def concat(xs: list[np.ndarray]) -> np.ndarray:
    """Join on channels, in order."""
    return np.concatenate(xs, axis=3)


@KERNELS.register("concat")
def _concat(op: Concat, xs: list, weights: dict, inplace: bool) -> Ran:
    """`concat` of the inputs, in order."""
    return concat(xs), 0


def channel_split(x: np.ndarray, groups: int, part: int) -> np.ndarray:
    """The `part`-th (from 1) of `groups` equal slices of the channels."""
    size = x.shape[3] // groups
    return x[..., (part - 1) * size : part * size]


@KERNELS.register("split")
def _split(op: ChannelSplit, xs: list, weights: dict, inplace: bool) -> Ran:
    """`channel_split`: the op's part of its groups."""
    return channel_split(xs[0], op.groups, op.part), 0


def channel_shuffle(x: np.ndarray, groups: int) -> np.ndarray:
    """Channels as a (groups, C/groups) grid, transposed: output j * groups + g is input
    g * C/groups + j (ShuffleNet's reshape, transpose, flatten)."""
    n, h, w, c = x.shape
    return x.reshape(n, h, w, groups, c // groups).swapaxes(3, 4).reshape(n, h, w, c)


@KERNELS.register("shuffle")
def _shuffle(op: ChannelShuffle, xs: list, weights: dict, inplace: bool) -> Ran:
    """`channel_shuffle` in the op's groups."""
    return channel_shuffle(xs[0], op.groups), 0


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


@KERNELS.register("linear")
def _linear(op: Linear, xs: list, weights: dict, inplace: bool) -> Ran:
    """`linear` with the op's weight and bias (none when biases are not counted)."""
    return linear(xs[0], weights.get(f"{op.name}.weight"), weights.get(f"{op.name}.bias"))


def dropout(x: np.ndarray) -> np.ndarray:
    """Identity: inference scales nothing (the frameworks scale at training time)."""
    return x


@KERNELS.register("dropout")
def _dropout(op: Dropout, xs: list, weights: dict, inplace: bool) -> Ran:
    """`dropout`: the input itself."""
    return dropout(xs[0]), 0


def softmax(x: np.ndarray) -> np.ndarray:
    """exp(x - max) / sum over channels at each position: stable for large inputs."""
    e = np.exp(x - x.max(axis=3, keepdims=True))
    e /= e.sum(axis=3, keepdims=True)
    return e


@KERNELS.register("softmax")
def _softmax(op: Softmax, xs: list, weights: dict, inplace: bool) -> Ran:
    """`softmax` over channels."""
    return softmax(xs[0]), 0


def conv2d_table(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    table: tuple[tuple[int, ...], ...],
    stride: int = 1,
    padding: int = 0,
) -> tuple[np.ndarray, int]:
    """A convolution whose output map o reads only the input maps `table[o]` (LeNet-5's
    C3). `weight` is HWIO with zeros outside the table (the layout torch can load); only
    the connected weights are multiplied, and only those MACs are counted."""
    outs, macs = [], 0
    for o, reads in enumerate(table):
        idx = list(reads)
        y, m = conv2d(x[..., idx], weight[:, :, idx, o : o + 1], None, stride, padding)
        outs.append(y)
        macs += m
    y = np.concatenate(outs, axis=3)
    if bias is not None:
        y += bias
    return y, macs


@KERNELS.register("conv")
def _conv(op: Conv2d, xs: list, weights: dict, inplace: bool) -> Ran:
    """`conv2d`, or `conv2d_table` for a convolution with a connection table."""
    w, b = weights.get(f"{op.name}.weight"), weights.get(f"{op.name}.bias")
    if op.table:
        return conv2d_table(xs[0], w, b, op.table, op.stride, op.padding[0])
    return conv2d(xs[0], w, b, op.stride, op.padding[0], op.groups)


def subsample(
    x: np.ndarray, coef: np.ndarray, bias: np.ndarray, kernel: tuple[int, int], stride: int
) -> tuple[np.ndarray, int]:
    """LeNet-5's subsampling: coef[c] x (sum of the window) + bias[c], computed as the
    depthwise convolution whose k x k weights are all coef[c], so each input of a
    window is multiplied once: the k x k connections the paper counts."""
    c = x.shape[3]
    tied = np.broadcast_to(coef, (*kernel, 1, c)).astype(x.dtype)
    return conv2d(x, tied, bias, stride, 0, groups=c)


@KERNELS.register("subsample")
def _subsample(op: Subsample, xs: list, weights: dict, inplace: bool) -> Ran:
    """`subsample` with the op's coefficients and biases."""
    coef, bias = weights.get(f"{op.name}.weight"), weights.get(f"{op.name}.bias")
    return subsample(xs[0], coef, bias, op.kernel, op.stride)


def batch_norm(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    mean: np.ndarray,
    var: np.ndarray,
    eps: float,
) -> np.ndarray:
    """Inference batch norm, folded to one multiply and one add per element, a block of
    positions at a time (CHUNK_BYTES / 8 each) so the add finds the product in cache."""
    scale = (gamma / np.sqrt(var + eps)).astype(x.dtype)
    shift = (beta - mean * scale).astype(x.dtype)
    c = x.shape[3]
    flat = x.reshape(-1, c)
    y = np.empty_like(flat)
    step = max(1, CHUNK_BYTES // 8 // (c * x.itemsize))
    for r in range(0, flat.shape[0], step):
        out = y[r : r + step]
        np.multiply(flat[r : r + step], scale, out=out)
        out += shift
    return y.reshape(x.shape)


@KERNELS.register("bn")
def _batch_norm(op: BatchNorm, xs: list, weights: dict, inplace: bool) -> Ran:
    """`batch_norm` with the op's gamma, beta and running statistics."""
    gamma, beta = weights.get(f"{op.name}.weight"), weights.get(f"{op.name}.bias")
    mean, var = weights[f"{op.name}.mean"], weights[f"{op.name}.var"]
    return batch_norm(xs[0], gamma, beta, mean, var, op.eps), 0


@KERNELS.register("tanh")
def _tanh(op: Tanh, xs: list, weights: dict, inplace: bool) -> Ran:
    """`pointwise.scaled_tanh` with the op's amplitude and slope."""
    return pointwise.scaled_tanh(xs[0], op.amplitude, op.slope), 0


@KERNELS.register("sigmoid")
def _sigmoid(op: Sigmoid, xs: list, weights: dict, inplace: bool) -> Ran:
    """`pointwise.sigmoid`."""
    return pointwise.sigmoid(xs[0]), 0


@KERNELS.register("swish")
def _swish(op: Swish, xs: list, weights: dict, inplace: bool) -> Ran:
    """`pointwise.swish`."""
    return pointwise.swish(xs[0]), 0


def scale(x: np.ndarray, gates: np.ndarray) -> np.ndarray:
    """Each channel of x (N, H, W, C) times its gate, gates (N, 1, 1, C)."""
    return x * gates


@KERNELS.register("scale")
def _scale(op: Scale, xs: list, weights: dict, inplace: bool) -> Ran:
    """`scale`: the map (first input) times the gates (second)."""
    return scale(xs[0], xs[1]), 0


def rbf(x: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, int]:
    """Euclidean RBF units: y[n, i] = sum_j (x[n, j] - w[j, i])^2, w (in, units).

    Expanded as |x|^2 - 2 x.w + |w|^2 so the products are one GEMM; returns y
    (N, 1, 1, units) and the square-accumulates counted, N x in x units.
    """
    n = x.shape[0]
    flat = x.reshape(n, -1)
    y = (flat * flat).sum(axis=1, keepdims=True) - 2 * (flat @ centres)
    y += (centres * centres).sum(axis=0)
    return y.reshape(n, 1, 1, -1), n * centres.shape[0] * centres.shape[1]


@KERNELS.register("rbf")
def _rbf(op: Rbf, xs: list, weights: dict, inplace: bool) -> Ran:
    """`rbf` with the op's fixed centres."""
    return rbf(xs[0], weights.get(f"{op.name}.weight"))


def add(xs: list[np.ndarray]) -> np.ndarray:
    """Element-wise sum: a residual connection."""
    y = xs[0] + xs[1]
    for more in xs[2:]:
        y += more
    return y


@KERNELS.register("add")
def _add(op: Add, xs: list, weights: dict, inplace: bool) -> Ran:
    """`add` of the inputs."""
    return add(xs), 0


def zero_pad_shortcut(x: np.ndarray, stride: int, channels: int) -> np.ndarray:
    """ResNet's option A: every `stride`-th position, zeros appended up to `channels`."""
    sub = x[:, ::stride, ::stride, :]
    out = np.zeros((*sub.shape[:3], channels), dtype=x.dtype)
    out[..., : x.shape[3]] = sub
    return out


@KERNELS.register("shortcut")
def _shortcut(op: Shortcut, xs: list, weights: dict, inplace: bool) -> Ran:
    """`zero_pad_shortcut` to the op's stride and output channels."""
    return zero_pad_shortcut(xs[0], op.stride, op.out_shape[2]), 0


def flatten(x: np.ndarray) -> np.ndarray:
    """(N, H, W, C) -> (N, 1, 1, H*W*C), in (H, W, C) order: a view."""
    return x.reshape(x.shape[0], 1, 1, -1)


@KERNELS.register("flatten")
def _flatten(op: Flatten, xs: list, weights: dict, inplace: bool) -> Ran:
    """`flatten`: a view."""
    return flatten(xs[0]), 0
