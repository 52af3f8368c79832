"""The built-in row types: one function per primitive layer type, in `LAYERS`.

Each reads its row's `LayerCells` (ctx.row.cells) and makes its ops through the
context; a module row (a declared kind) is built by builder.kinds instead.
"""

from __future__ import annotations

from collections.abc import Callable

from inception_cost.builder.context import Context
from inception_cost.errors import InputError
from inception_cost.ops import (
    Add,
    BatchNorm,
    Dropout,
    Flatten,
    Gelu,
    LayerNorm,
    LayerScale,
    Linear,
    LocalResponseNorm,
    Rbf,
    Softmax,
    Subsample,
)


def convolution(ctx: Context, src: str) -> None:
    """A convolution, after a 1x1 reduction where the row gives one (#3x3 reduce)."""
    row, cells = ctx.row, ctx.row.cells
    patch = ctx.patch()
    filters = ctx.width(ctx.filters("the number of filters"))
    k = patch.kh
    reduce_fields = [f for f in ("n3x3_reduce", "n5x5_reduce") if cells.widths.get(f)]
    if len(reduce_fields) > 1:
        raise InputError(
            "a convolution row has both #3x3 reduce and #5x5 reduce",
            "at most one 1x1 reduction before the convolution",
            row.at(reduce_fields[1]),
        )
    own = {3: "n3x3", 5: "n5x5"}.get(k) if patch.kh == patch.kw else None
    if own and cells.widths.get(own) is not None and cells.widths[own] != filters:
        raise InputError(
            f"inconsistent channel counts: output size has {filters} channels,"
            f" #{k}x{k} says {cells.widths[own]}",
            "the same number of filters in both cells",
            row.at(own),
        )
    act = ctx.activation(ctx.conventions.conv_activation)
    if reduce_fields:
        src = ctx.conv(f"{row.name}/reduce", src, cells.widths[reduce_fields[0]], (1, 1), act=act)
        name = f"{row.name}/{patch.kh}x{patch.kw}"
    else:
        name = row.name
    ctx.conv(
        name,
        src,
        filters,
        (patch.kh, patch.kw),
        patch.stride,
        pad=ctx.pad(ctx.conventions.conv_padding, max(patch.kh, patch.kw), patch.stride),
        groups=cells.groups or 1,
        act=act,
        table=ctx.tables[cells.table] if cells.table else (),
    )


def separable_convolution(ctx: Context, src: str) -> None:
    """A depthwise convolution (times the depth multiplier), then a pointwise one."""
    row = ctx.row
    patch = ctx.patch()
    filters = ctx.width(ctx.filters("the number of filters"))
    in_c = ctx.shapes[src][2]
    depthwise = ctx.conv(
        f"{row.name}/depthwise",
        src,
        in_c * (row.cells.multiplier or 1),
        (patch.kh, patch.kw),
        patch.stride,
        groups=in_c,
        act="none",
        layer=False,
    )
    ctx.conv(
        f"{row.name}/pointwise",
        depthwise,
        filters,
        (1, 1),
        act=ctx.activation(ctx.conventions.conv_activation),
    )


def _pool(ctx: Context, src: str, mode: str) -> None:
    patch = ctx.patch(ctx.conventions.pool_patch)
    pad = ctx.pad(ctx.conventions.pool_padding, patch.kh, patch.stride)
    ceil = ctx.conventions.pool_rounding == "ceil"
    ctx.pool(ctx.row.name, src, mode, (patch.kh, patch.kw), patch.stride, pad, ceil)


def max_pool(ctx: Context, src: str) -> None:
    _pool(ctx, src, "max")


def avg_pool(ctx: Context, src: str) -> None:
    _pool(ctx, src, "avg")


def global_avg_pool(ctx: Context, src: str) -> None:
    """The whole map averaged; a printed window is audited as the row's input size."""
    h, w, _ = ctx.shapes[src]
    ctx.pool(ctx.row.name, src, "avg", (h, w), 1, 0, ceil=False, whole=True)


def local_response_norm(ctx: Context, src: str) -> None:
    lrn = ctx.conventions.lrn
    shape = ctx.shapes[src]
    ctx.add(
        LocalResponseNorm(
            ctx.row.name, (src,), (shape,), shape, lrn.size, lrn.alpha, lrn.beta, lrn.k
        )
    )


def batch_norm(ctx: Context, src: str) -> None:
    shape = ctx.shapes[src]
    ctx.add(BatchNorm(ctx.row.name, (src,), (shape,), shape, ctx.conventions.bn_eps))


def subsampling(ctx: Context, src: str) -> None:
    """LeNet-5's trainable subsampling, then the row's activation."""
    patch = ctx.patch()
    h, w, c = ctx.shapes[src]
    ho, wo = ctx.window(src, (patch.kh, patch.kw), patch.stride, 0, ceil=False)
    out = ctx.add(
        Subsample(
            ctx.row.name, (src,), ((h, w, c),), (ho, wo, c), (patch.kh, patch.kw), patch.stride
        )
    )
    ctx.activate(out, ctx.activation(ctx.conventions.conv_activation))


def layer_norm(ctx: Context, src: str) -> None:
    """Layer norm over the channels at each position (ConvNeXt's `LN` rows), then the
    row's activation (none unless its cell names one)."""
    shape = ctx.shapes[src]
    out = ctx.add(LayerNorm(ctx.row.name, (src,), (shape,), shape))
    ctx.activate(out, ctx.activation("none"))


def gelu(ctx: Context, src: str) -> None:
    """GELU in its exact (erf) form, as a table prints it on a row of its own (its
    activation cell, if any, follows it)."""
    shape = ctx.shapes[src]
    out = ctx.add(Gelu(ctx.row.name, (src,), (shape,), shape))
    ctx.activate(out, ctx.activation("none"))


def layer_scale(ctx: Context, src: str) -> None:
    """A learned factor per channel, then the row's activation (none unless named)."""
    shape = ctx.shapes[src]
    out = ctx.add(LayerScale(ctx.row.name, (src,), (shape,), shape))
    ctx.activate(out, ctx.activation("none"))


def dropout(ctx: Context, src: str) -> None:
    shape = ctx.shapes[src]
    ctx.add(Dropout(ctx.row.name, (src,), (shape,), shape, ctx.row.cells.rate or (0, 1)))


def flatten(ctx: Context, src: str) -> None:
    h, w, c = shape = ctx.shapes[src]
    ctx.add(Flatten(ctx.row.name, (src,), (shape,), (1, 1, h * w * c)))


def linear(ctx: Context, src: str) -> None:
    """A fully connected layer, then the row's activation (none unless it names one)."""
    shape = ctx.shapes[src]
    units = (1, 1, ctx.filters("the number of units"))
    out = ctx.add(Linear(ctx.row.name, (src,), (shape,), units, ctx.conventions.bias))
    ctx.activate(out, ctx.activation("none"))


def rbf(ctx: Context, src: str) -> None:
    shape = ctx.shapes[src]
    ctx.add(Rbf(ctx.row.name, (src,), (shape,), (1, 1, ctx.filters("the number of units"))))


def residual_add(ctx: Context, src: str) -> None:
    """A box's closing row (Darknet's `Residual`): the box's input added to the output of
    the row above; two shapes are refused (validate)."""
    if not ctx.skip:
        raise InputError(
            f"residual add row {ctx.row.name!r} adds no box's input",
            "a repeat mark on its box's first row, or (from ROW) naming the row whose output"
            " it adds",
            ctx.row.at("type"),
        )
    shapes = (ctx.shapes[src], ctx.shapes[ctx.skip])
    ctx.add(Add(ctx.row.name, (src, ctx.skip), shapes, shapes[0]))


def softmax(ctx: Context, src: str) -> None:
    shape = ctx.shapes[src]
    ctx.add(Softmax(ctx.row.name, (src,), (shape,), shape))


#: Each primitive row type (spec.types.ROW_TYPES but the input image) and its builder.
LAYERS: dict[str, Callable[[Context, str], None]] = {
    "convolution": convolution,
    "separable convolution": separable_convolution,
    "max pool": max_pool,
    "avg pool": avg_pool,
    "global avg pool": global_avg_pool,
    "local response norm": local_response_norm,
    "batch norm": batch_norm,
    "subsampling": subsampling,
    "dropout": dropout,
    "flatten": flatten,
    "layer norm": layer_norm,
    "gelu": gelu,
    "layer scale": layer_scale,
    "linear": linear,
    "rbf": rbf,
    "softmax": softmax,
    "residual add": residual_add,
}
