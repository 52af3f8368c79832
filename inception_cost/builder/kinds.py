"""The kinds interpreter: a module row built from its kind's declaration.

A kind (vocabulary/kinds.toml, a spec's `[kinds.NAME]`; read by inception_cost/kinds.py)
is a stem, branches of primitive layers (`op` one of kinds.OPS) and their join, repeated
where the kind reads a repeat count. `module` builds one row of it from the row's
`ModuleCells`; each layer's op is one branch of `_layer`.
"""

from __future__ import annotations

from fractions import Fraction

from inception_cost.builder.context import Context, divisible
from inception_cost.cells import Shape
from inception_cost.columns import COLUMNS
from inception_cost.errors import InputError
from inception_cost.kinds import Kind, Layer
from inception_cost.ops import (
    Add,
    BatchNorm,
    ChannelShuffle,
    ChannelSplit,
    Concat,
    Conv2d,
    LayerNorm,
    LayerScale,
    Linear,
    ReLU,
    Scale,
    Shortcut,
    pad_amount,
)
from inception_cost.spec.records import ResidualBlock, Row


class Sizes:
    """The strides module rows read from printed sizes (ResNet's stages): `given`, read at
    the table's own input size (None: read them here), and `read`, those read here.
    `next_rows`: a row's name -> the row after it, where that row prints this one's
    output size as its input size (EfficientNet's resolutions)."""

    __slots__ = ("given", "next_rows", "read")

    def __init__(self, given: dict[str, int] | None, next_rows: dict[str, Row]):
        self.given = given
        self.read: dict[str, int] = {}
        self.next_rows = next_rows


class _Unit:
    """One repetition of a module being built: its input, the outputs of its branches
    built so far (a `rest` factor takes the channels they leave), and in a pre-activation
    kind its first convolution's normalized and activated input (`pre`)."""

    __slots__ = ("branches", "input", "pre", "preactivation")

    def __init__(self, src: str, preactivation: bool = False):
        self.input = src
        self.branches: list[str] = []
        self.preactivation = preactivation
        self.pre = ""


def module(ctx: Context, src: str, kind: Kind, sizes: Sizes) -> None:
    """A row of a declared kind: its stem, its branches, their join; repeated where the
    kind reads a repeat count, the first repetition taking the row's stride."""
    row, cells = ctx.row, ctx.row.cells
    kind = kind.under(ctx.conventions)
    act = ctx.activation(ctx.conventions.conv_activation)
    stride = _module_stride(ctx, src, kind, sizes)
    if stride > 1 and not kind.stride and not any(c.stride for c in kind.changes()):
        raise InputError(  # a stride no layer takes would leave the map its size silently
            f"row {row.name!r} strides by {stride}, and kind {kind.name!r} puts a stride in"
            " none of its layers",
            'stride = ["first"] (or a layer\'s name) in the kind',
            row.at("output") or kind.loc,
        )
    repeat = 1
    if kind.repeat == "block":
        repeat = _building_block(row).repeat
    elif kind.repeat:
        repeat = cells.repeat or 1
    for i in range(repeat):
        prefix = repeat_name(row.name, i) if kind.repeat else row.name
        src = _module_once(ctx, kind, src, prefix, stride if i == 0 else 1, act)
    # a kind that shares the row's width among its branches (`output / 2`, `rest`:
    # ShuffleNet V2's unit) must add back up to it; elsewhere the width may feed one
    # layer of several (EfficientNet's head: a 1x1 conv to 1280, then the classifier)
    shares = any(
        "rest" in layer.filters
        or ("output" in layer.filters and any(f[0] == "/" for f in layer.filters))
        for layer in kind.layers()
    )
    out_c = ctx.shapes[src][2]
    if cells.filters is not None and shares and out_c != ctx.width(cells.filters):
        raise InputError(
            f"{row.type} row {row.name!r} comes out with {out_c} channels,"
            f" where it gives {ctx.width(cells.filters)}",
            f"{out_c} output channels, or that cell blank",
            row.at("filters"),
        )


def repeat_name(row_name: str, i: int) -> str:
    """The i-th (from 0) repetition of a repeated row: conv2_x's conv2_1, bottleneck2's
    bottleneck2/1 (ResNet's Table 1 names its blocks so)."""
    if row_name.endswith("_x"):
        return f"{row_name.removesuffix('_x')}_{i + 1}"
    return f"{row_name}/{i + 1}"


def _building_block(row: Row) -> ResidualBlock:
    if row.cells.block is None:
        raise InputError(
            f"{row.type} row {row.name!r} has no building block",
            "a building block such as [3x3, 64; 3x3, 64] x 2",
            row.at("block"),
        )
    return row.cells.block


def _module_stride(ctx: Context, src: str, kind: Kind, sizes: Sizes) -> int:
    """The row's stride: written (a stride or patch cell), else from the sizes where the
    kind says so (ResNet's stages), else the kind's default."""
    row = ctx.row
    given = row.cells.given_stride
    if kind.stride_from_sizes and row.cells.stride is None and "/" not in row.raw.get("patch", ""):
        given = None  # a kernel alone (MBConv6, k5x5): the sizes give the stride
    if given is not None:
        return given
    if not kind.stride_from_sizes:
        return kind.default_stride
    if sizes.given is not None:
        return sizes.given.get(row.name, kind.default_stride)
    h = ctx.shapes[src][0]
    stride = kind.default_stride
    out_h, where = None, row.at("output")
    if row.output is not None:
        out_h = row.output[0]
    elif row.name in sizes.next_rows:  # the next row's input size: EfficientNet's Table 1
        after = sizes.next_rows[row.name]
        out_h, where = after.in_size[0], after.at("in_size")
    if out_h is not None and out_h != h:
        if h % out_h:
            raise InputError(
                f"output height {out_h} does not divide the input height {h}",
                "an output size that is the input size divided by a whole stride",
                where,
            )
        stride = h // out_h
    sizes.read[row.name] = stride
    return stride


def _module_once(ctx: Context, kind: Kind, src: str, prefix: str, stride: int, act: str) -> str:
    row = ctx.row
    if stride > 1:
        kind = kind.strided_form()  # ShuffleNet V2's unit for spatial down sampling
    unit = _Unit(src, kind.preactivation)
    x = src
    for i, layer in enumerate(kind.stem):
        s = stride if _strided(kind, kind.stem, i, True) else 1
        x = _layer(ctx, unit, layer, x, prefix, s, act)
    outs: list[str] = []
    convs = 0
    for branch in kind.branches:
        if branch.identity:
            outs.append(x)
            continue
        layers = _branch_layers(row, kind, branch)
        if layers is None:
            continue
        y = x
        for i, layer in enumerate(layers):
            if _skipped(row, layer) or (
                layer.skip_if_same and _factors(ctx, unit, layer, y) == ctx.shapes[y][2]
            ):
                continue
            s = stride if _strided(kind, layers, i, not kind.stem) else 1
            before = len(ctx.ops)
            y = _layer(ctx, unit, layer, y, prefix, s, act)
            convs += any(isinstance(op, Conv2d) for op in ctx.ops[before:])
        outs.append(y)
        unit.branches.append(y)
    if kind.require_conv and not convs:
        needs = [COLUMNS[b.needs][0] for b in kind.branches if b.needs]
        raise InputError(
            f"{row.type} row {row.name!r} has no convolution branch",
            "counts in " + ", ".join(needs[:-1]) + " or " + needs[-1],
            row.loc,
        )
    out = _join(ctx, kind, unit, outs, prefix, stride, act)
    for layer in kind.after:
        out = _layer(ctx, unit, layer, out, prefix, 1, act)
    return out


def _branch_layers(row: Row, kind: Kind, branch) -> tuple[Layer, ...] | None:
    """A branch's layers for this row; None where its column says "no such branch"."""
    widths = row.cells.widths
    if branch.block:
        return _block_layers(row, _building_block(row), kind.preactivation)
    if branch.needs and not widths.get(branch.needs):
        given = [c for layer in branch.layers for c in layer.columns() if widths.get(c)]
        if given:
            raise InputError(
                f"{COLUMNS[given[0]][0]} is given but {COLUMNS[branch.needs][0]} is blank",
                f"a {COLUMNS[branch.needs][0]} count after its reduction",
                row.at(given[0]),
            )
        return None
    return branch.layers


def _block_layers(row: Row, block: ResidualBlock, preactivation: bool) -> tuple[Layer, ...]:
    """A building block's lines as layers: conv1, conv2, ... (the last without its
    activation, which follows the add, unless every conv is pre-activated), a
    squeeze-and-excitation `se` where printed."""
    last = max(j for j, x in enumerate(block.layers) if x.op != "se")
    out, convs = [], 0
    for j, x in enumerate(block.layers):
        if x.op == "se":  # fc, [16, 256]: 16 units, then the map's channels back
            before = next((y for y in reversed(block.layers[:j]) if y.op == "conv"), None)
            if before is not None and before.filters != x.filters:
                raise InputError(
                    f"{row.type} row {row.name!r}: its fc, [{x.reduced}, {x.filters}] gives"
                    f" back {x.filters} channels to a map of {before.filters}",
                    f"fc, [N, {before.filters}]: the squeeze's units, then the map's channels",
                    row.at("block" if "block" in row.raw else "type"),
                )
            out.append(Layer("se", "se", filters=(str(x.reduced),), ratio=1.0))
            continue
        convs += 1
        filters = ("input",) if x.op == "dwconv" else (str(x.filters),)
        out.append(
            Layer(
                x.op,
                f"conv{convs}",
                x.kernel,
                filters,
                activation=j != last or preactivation,
                groups=x.groups,
            )
        )
    return tuple(out)


def _skipped(row: Row, layer: Layer) -> bool:
    widths = row.cells.widths
    if layer.skip_if_one and widths.get(layer.skip_if_one) == 1:
        return True
    if layer.needs and not widths.get(layer.needs):
        return True
    return layer.optional and not all(widths.get(c) for c in layer.columns())


def _strided(kind: Kind, layers: tuple[Layer, ...], i: int, first: bool) -> bool:
    """Whether the row's stride goes to the i-th of these layers (`first`: these are
    the first layers of the module, where "first" and "first spatial" point)."""
    if layers[i].name in kind.stride:
        return True
    if not first:
        return False
    if "first" in kind.stride:
        return i == 0
    if "first spatial" in kind.stride:
        spatial = [
            j
            for j, layer in enumerate(layers)
            if layer.kernel in ("patch", "whole") or _kernel(layer) != (1, 1)
        ]
        return i == (spatial[0] if spatial else 0)
    return False


def _factors(ctx: Context, unit: _Unit, layer: Layer, src: str) -> int:
    """A layer's filters: the product of its factors (a symbol may be a decimal; the
    product is whole)."""
    row = ctx.row
    out = Fraction(1)
    for f in layer.filters:
        if f.isdigit():
            out *= int(f)
        elif f.startswith("/"):
            out = _divide(row, layer, out, int(f[1:]))
        elif f == "input":
            out *= ctx.shapes[src][2]
        elif f == "block_input":
            out *= ctx.shapes[unit.input][2]
        elif f == "output":
            out *= ctx.width(ctx.filters("the block's output channels"))
        elif f == "rest":
            taken = sum(ctx.shapes[o][2] for o in unit.branches)
            rest = ctx.width(ctx.filters("the block's output channels")) - taken
            if rest < 1:
                raise InputError(
                    f"{row.type} row {row.name!r}: its other branches take"
                    f" {taken} channels, which leaves none of {rest + taken} for"
                    f" {layer.name or 'its last branch'}",
                    f"more than {taken} output channels",
                    row.at("filters" if "filters" in row.locs else "output"),
                )
            out *= rest
        elif row.cells.widths.get(f):
            out *= row.cells.widths[f]
        else:
            raise InputError(
                f"{row.type} row {row.name!r} has no {COLUMNS[f][0]!r} count",
                f"a count in {COLUMNS[f][0]!r} (its {layer.name or 'layer'} reads it)",
                row.at(f),
            )
    if out.denominator != 1:
        raise InputError(
            f"{row.type} row {row.name!r}: {layer.name or 'a layer'} has"
            f" {' * '.join(layer.filters)} = {float(out):g} filters, not a whole number",
            "symbols whose values make whole widths",
            row.loc,
        )
    return int(out)


def _groups(row: Row, layer: Layer) -> int:
    """A layer's groups: fixed, or read per row or reading (a column, a symbol)."""
    if isinstance(layer.groups, int):
        return layer.groups
    value = row.cells.widths.get(layer.groups)
    if value is None or value <= 0 or Fraction(value).denominator != 1:
        raise InputError(
            f"{row.type} row {row.name!r}: {layer.name or 'a layer'} takes its groups from"
            f" {layer.groups!r}, which gives {value}",
            f"a whole number of groups in {layer.groups!r}",
            row.at(layer.groups) if layer.groups in row.locs else row.loc,
        )
    return int(value)


def _divide(row: Row, layer: Layer, value: Fraction, by: int) -> Fraction:
    if value % by:
        raise InputError(
            f"{row.type} row {row.name!r}: {layer.name or 'a layer'} takes"
            f" 1/{by} of {value} channels, which {by} does not divide",
            f"a channel count divisible by {by}",
            row.at("filters" if "filters" in row.locs else "output"),
        )
    return value // by


def _channel_parts(row: Row, layer: Layer, name: str, shape: Shape) -> int:
    """The channels of each of a split's or shuffle's groups."""
    groups = _groups(row, layer)
    if shape[2] % groups:
        raise InputError(
            f"{name}: {shape[2]} channels do not split into {groups} groups",
            f"a channel count divisible by {groups}",
            row.loc,
        )
    return shape[2] // groups


def _layer(
    ctx: Context, unit: _Unit, layer: Layer, src: str, prefix: str, stride: int, act: str
) -> str:
    """One layer of the kind (its `op`), reading `src`; the name of its output."""
    name = f"{prefix}/{layer.name}" if layer.name else prefix
    shape = ctx.shapes[src]
    conventions = ctx.conventions
    if layer.op == "split":
        part = _channel_parts(ctx.row, layer, name, shape)
        out_shape = (shape[0], shape[1], part)
        groups = _groups(ctx.row, layer)
        return ctx.add(ChannelSplit(name, (src,), (shape,), out_shape, groups, layer.part))
    if layer.op == "shuffle":
        _channel_parts(ctx.row, layer, name, shape)
        return ctx.add(ChannelShuffle(name, (src,), (shape,), shape, _groups(ctx.row, layer)))
    if layer.op == "bn":
        return ctx.add(BatchNorm(name, (src,), (shape,), shape, conventions.bn_eps))
    if layer.op == "relu":
        return ctx.add(ReLU(name, (src,), (shape,), shape))
    if layer.op == "layernorm":
        return ctx.add(LayerNorm(name, (src,), (shape,), shape))
    if layer.op == "layerscale":
        return ctx.add(LayerScale(name, (src,), (shape,), shape))
    act = _activation(layer, act)
    if layer.op == "se":
        return _squeeze_excite(ctx, unit, layer, src, name, act)
    if layer.op == "linear":
        units = (1, 1, _factors(ctx, unit, layer, src))
        out = ctx.add(Linear(name, (src,), (shape,), units, _bias(layer, conventions)))
        return ctx.activate(out, act)
    if layer.kernel == "whole":
        return ctx.pool(name, src, layer.mode, shape[:2], 1, 0, ceil=False, whole=True)
    k = _kernel(layer) if layer.kernel != "patch" else _patch_kernel(ctx)
    if layer.op == "pool":
        mode = ctx.row.cells.pool_modes.get(layer.mode_from, layer.mode)
        pad = _layer_pad(ctx, layer.padding, conventions.pool_padding, max(k), stride)
        ceil = (
            conventions.pool_rounding == "ceil"
            if layer.rounding == "convention"
            else layer.rounding == "ceil"
        )
        return ctx.pool(name, src, mode, k, stride, pad, ceil)
    filters = _factors(ctx, unit, layer, src)
    pad = _layer_pad(ctx, layer.padding, conventions.conv_padding, max(k), stride)
    groups = shape[2] if layer.op == "dwconv" else _groups(ctx.row, layer)
    if not unit.preactivation:
        return ctx.conv(
            name, src, filters, k, stride, pad, groups, act, norm=layer.norm, bias=layer.bias
        )
    # BN-ReLU-conv: the batch norm and activation on the input; the conv keeps its bias
    # only where it would before a batch norm (frameworks write these convs without one)
    normed = conventions.batch_norm and layer.norm
    x = (
        ctx.add(BatchNorm(f"{name}/bn", (src,), (shape,), shape, conventions.bn_eps))
        if normed
        else src
    )
    x = ctx.activate(x, act)
    unit.pre = unit.pre or x
    bias = layer.bias
    if bias is None:  # the conventions': a conv before a batch norm has none unless they say
        bias = conventions.bias and (conventions.bn_conv_bias or not conventions.batch_norm)
    return ctx.conv(name, x, filters, k, stride, pad, groups, "none", norm=False, bias=bias)


def _activation(layer: Layer, act: str) -> str:
    """A layer's activation: the row's (`act`), none, or the one the layer names."""
    if isinstance(layer.activation, str):
        return layer.activation
    return act if layer.activation else "none"


def _squeeze_excite(ctx: Context, unit: _Unit, layer: Layer, src: str, name: str, act: str) -> str:
    """Squeeze-and-excitation (Hu et al.; EfficientNet's MBConv): the map averaged to
    1x1, a 1x1 reduce to `ratio` of the layer's filters (rounded down; then to a multiple
    of `divisor` where it has one, MobileNetV3's) through `act`, a 1x1 expand back, the
    gate (a sigmoid, MobileNetV3's h-sigmoid), and each channel of the map times its gate."""
    h, w, c = shape = ctx.shapes[src]
    of = _factors(ctx, unit, layer, src) if layer.filters else c
    reduced = int(Fraction(repr(layer.ratio)) * of)  # exact: 0.25 of 16 is 4
    if layer.divisor:
        reduced = divisible(reduced, layer.divisor)
    if reduced < 1:
        raise InputError(
            f"{ctx.row.type} row {ctx.row.name!r}: squeeze-and-excitation ratio"
            f" {layer.ratio} of {of} channels leaves no channel",
            f"a ratio of at least 1/{of}, or a wider block",
            ctx.row.loc,
        )
    pooled = ctx.pool(f"{name}/squeeze", src, "avg", (h, w), 1, 0, ceil=False, whole=True)
    bias = layer.bias
    reduce = ctx.conv(
        f"{name}/reduce", pooled, reduced, (1, 1), pad=0, act=act, norm=False, bias=bias
    )
    expand = ctx.conv(f"{name}/expand", reduce, c, (1, 1), pad=0, act="none", norm=False, bias=bias)
    gate = ctx.activate(expand, layer.gate)
    return ctx.add(Scale(f"{name}/scale", (src, gate), (shape, (1, 1, c)), shape))


def _bias(layer: Layer, conventions) -> bool:
    """A linear layer's bias: its own where the kind says, else the conventions'."""
    return conventions.bias if layer.bias is None else layer.bias


def _patch_kernel(ctx: Context) -> tuple[int, int]:
    patch = ctx.patch()
    return patch.kh, patch.kw


def _layer_pad(ctx: Context, padding: str | int, setting: str | int, k: int, stride: int) -> int:
    if padding == "convention":
        return ctx.pad(setting, k, stride)
    return pad_amount(padding, k, stride)


def _join(
    ctx: Context, kind: Kind, unit: _Unit, outs: list[str], prefix: str, stride: int, act: str
) -> str:
    """The branches joined: concatenated on channels, or added (with the shortcut the
    conventions give where the shape changes), then the join's activation if the kind
    has one. A pre-activation kind's projection reads its first convolution's normalized
    input and has no batch norm of its own (pre-activation ResNet)."""
    shapes, src = ctx.shapes, unit.input
    if kind.join == "concat":
        if len(outs) == 1:
            return outs[0]
        joined = tuple(shapes[o] for o in outs)
        h, w, _ = joined[0]
        if any(s[:2] != (h, w) for s in joined):
            raise _branch_sizes(ctx, kind, outs)
        out_shape = (h, w, sum(s[2] for s in joined))
        return ctx.add(Concat(f"{prefix}/output", tuple(outs), joined, out_shape))
    x = outs[0]
    out_shape = shapes[x]
    if kind.shortcut == "none":
        added = ctx.add(
            Add(f"{prefix}/add", tuple(outs), tuple(shapes[o] for o in outs), out_shape)
        )
        return ctx.activate(added, act) if kind.join_activation else added
    hi, wi, ci = shapes[src]
    shortcut = src
    if kind.shortcut == "if same shape" and shapes[src] != out_shape:
        return x
    if stride != 1 or ci != out_shape[2]:
        c = ctx.conventions
        if c.shortcut == "projection" and kind.preactivation:
            bias = c.bn_conv_bias or not c.batch_norm
            shortcut = ctx.conv(
                f"{prefix}/projection",
                unit.pre or src,
                out_shape[2],
                (1, 1),
                stride,
                0,
                act="none",
                norm=False,
                bias=bias,
            )
        elif c.shortcut == "projection":
            shortcut = ctx.conv(
                f"{prefix}/projection", src, out_shape[2], (1, 1), stride, 0, act="none"
            )
        else:
            shortcut = ctx.add(
                Shortcut(f"{prefix}/shortcut", (src,), ((hi, wi, ci),), out_shape, stride)
            )
    added = ctx.add(Add(f"{prefix}/add", (x, shortcut), (out_shape, shapes[shortcut]), out_shape))
    return ctx.activate(added, act) if kind.join_activation else added


def _branch_sizes(ctx: Context, kind: Kind, outs: list[str]) -> InputError:
    """Branches of several sizes: each named with its size, and the setting that rounds a
    pool of the kind's (one that follows `pool_rounding`) where it is `ceil`."""
    sizes = ", ".join(f"{o} {'x'.join(map(str, ctx.shapes[o][:2]))}" for o in outs)
    rounded = [
        layer.name
        for layer in kind.layers()
        if layer.op == "pool" and layer.rounding == "convention" and layer.kernel != "whole"
    ]
    cause = ""
    if rounded and ctx.conventions.pool_rounding == "ceil":
        cause = (
            f' (pool_rounding = "ceil" rounds its pool {rounded[0]!r} up; the kind may'
            f' give it its own: layers.{rounded[0]} = {{ rounding = "floor" }})'
        )
    return InputError(
        f"{ctx.row.type} row {ctx.row.name!r}: its branches come out {sizes}{cause}",
        "branches of one size to concatenate (their strides, padding and rounding)",
        ctx.row.loc,
    )


def _kernel(layer: Layer) -> tuple[int, int]:
    k = layer.kernel
    return k if isinstance(k, tuple) else (int(k), int(k))
