"""Receptive fields against torch: the input pixels one centre output unit depends on.

Every bundled network runs in torch from its built ops, with one channel per tensor
and positive weights: a convolution is F.conv2d with its kernel, stride, padding (and
dilation); a pool is an average pool with its window and rounding (a max pool's
gradient reaches one pixel only); a global pool, flatten or linear layer averages the
whole map; a concatenation or an add sums its inputs; element-wise ops are identities.
None of this moves a field, and torch does the window arithmetic. The pixels whose
gradient is nonzero must be exactly the computed span, cut to the image, at a few
rows of each network (the first two, the first with branches, the middle, the last).
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from inception_cost.builder import build
from inception_cost.ops import INPUT
from inception_cost.receptive import receptive
from inception_cost.spec.read import load_model, model_names

pytestmark = pytest.mark.torch

torch.set_grad_enabled(True)


def _pair(v):
    return tuple(v) if isinstance(v, tuple) else (v, v)


def _run(op, xs):
    """One op on single-channel tensors (1, 1, H, W), all weights positive."""
    x = xs[0]
    kind = op.kind
    if kind in ("conv", "subsample"):
        kh, kw = op.kernel
        pad = getattr(op, "padding", (0, 0))
        weight = torch.full((1, 1, kh, kw), 1.0 / (kh * kw), dtype=x.dtype)
        dilation = _pair(getattr(op, "dilation", 1))
        return F.conv2d(x, weight, stride=op.stride, padding=pad, dilation=dilation)
    if kind == "pool":
        return F.avg_pool2d(x, op.kernel, op.stride, op.padding, ceil_mode=op.ceil)
    if kind in ("linear", "flatten", "rbf"):
        return x.mean(dim=(2, 3), keepdim=True)
    if kind == "shortcut":
        return x[:, :, :: op.stride, :: op.stride]
    if kind in ("add", "concat"):
        return sum(xs)
    return x  # relu, tanh, bn, lrn, dropout, softmax: point-wise


def _depths(rows) -> list[int]:
    """A few rows: the first two, the first with branches, the middle one, the last."""
    merged = next((i for i, r in enumerate(rows) if r.branches), 0)
    return sorted({0, 1, merged, len(rows) // 2, len(rows) - 1})


def _spans(model: str):
    """Per chosen row: its name, nonzero rows and cols, the computed span's, its size,
    whether the span lies inside the image. Image k of a batch answers for the k-th
    chosen row, so one backward pass gives them all."""
    net = build(load_model(model))
    fields = receptive(net).rows
    chosen = _depths(fields)
    h, w, _ = net.input_shape
    x = torch.ones((len(chosen), 1, h, w), dtype=torch.float64, requires_grad=True)
    values = {INPUT: x}
    units, total = [], 0
    for n, block in enumerate(net.blocks[: chosen[-1] + 1]):
        for op in block.ops:
            y = _run(op, [values[i] for i in op.inputs])
            assert tuple(y.shape[2:]) == op.out_shape[:2], op.name  # torch's arithmetic agrees
            values[op.name] = y
        if n in chosen:
            y, k = values[block.output], chosen.index(n)
            i, j = y.shape[2] // 2, y.shape[3] // 2
            units.append((i, j))
            total = total + y[k, 0, i, j]
    (grad,) = torch.autograd.grad(total, x)
    out = []
    for k, (n, unit) in enumerate(zip(chosen, units, strict=True)):
        row = fields[n]
        seen = grad[k, 0] != 0
        rows = seen.any(dim=1).nonzero().flatten().tolist()
        cols = seen.any(dim=0).nonzero().flatten().tolist()
        (r0, c0), (r1, c1) = row.field.span(unit)
        expected_rows = list(range(max(r0, 0), min(r1, h - 1) + 1))
        expected_cols = list(range(max(c0, 0), min(c1, w - 1) + 1))
        inside = r0 >= 0 and c0 >= 0 and r1 < h and c1 < w
        out.append((row.name, rows, cols, expected_rows, expected_cols, row.field.size, inside))
    return out


@pytest.mark.parametrize("model", model_names())
def test_nonzero_gradient_region_is_the_computed_field(model):
    checked_inside = 0
    for name, rows, cols, expected_rows, expected_cols, size, inside in _spans(model):
        assert (rows, cols) == (expected_rows, expected_cols), name
        if inside:  # the whole field lies in the image: its extent is the size
            assert (len(rows), len(cols)) == size, name
            checked_inside += 1
    assert checked_inside >= 1
