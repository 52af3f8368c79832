"""Rows -> blocks of primitive ops, every hyper-parameter explicit.

Each table row becomes a `Block`: a tiny graph of ops (conv, pool, LRN, batch norm,
activations, concat, residual add, linear, dropout, softmax, LeNet-5's subsampling and
RBF units, ShuffleNet's channel split and shuffle) whose inputs name earlier ops.
Shapes are (H, W, C) per image, as the paper writes them; the builder infers them and
rejects layers that cannot exist (a kernel larger than its padded input). The cost model
and the NumPy reference both read this object, never the spec.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

from inception_cost.cells import Shape
from inception_cost.errors import InputError, nearest
from inception_cost.kinds import Kind, Layer, row_stride
from inception_cost.ops import (
    INPUT,
    Add,
    BatchNorm,
    ChannelShuffle,
    ChannelSplit,
    Concat,
    Conv2d,
    Dropout,
    Flatten,
    Linear,
    LocalResponseNorm,
    Op,
    Pool2d,
    Rbf,
    ReLU,
    Scale,
    Shortcut,
    Sigmoid,
    Softmax,
    Subsample,
    Swish,
    Tanh,
    pad_amount,
    window,
)
from inception_cost.spec import COLUMNS, Conventions, Row, Spec, variant_row, variant_rows


@dataclass(frozen=True, slots=True)
class Block:
    """One table row built: its ops in execution order, reading `input`."""

    name: str
    type: str
    row: Row
    ops: tuple[Op, ...]
    input: str
    train_only: bool
    variant: str = ""

    @property
    def output(self) -> str:
        return self.ops[-1].name

    @property
    def out_shape(self) -> Shape:
        return self.ops[-1].out_shape


@dataclass(frozen=True, slots=True)
class Network:
    name: str
    input_shape: Shape
    blocks: tuple[Block, ...]
    conventions: Conventions
    aux: bool  # training-only rows included

    def ops(self):
        for block in self.blocks:
            yield from block.ops


def build(spec: Spec, *, aux: bool = False, variant: str = "") -> Network:
    """The network a spec describes; `aux` keeps training-only rows, `variant` reads it as
    one of the spec's variants (a row swapped, other conventions, another input size).

    A stride read from printed sizes (ResNet's stages) is a property of the table as
    printed: it is read at the spec's tabled input and kept at any other input, where the
    stage's output size follows from its strided layers."""
    tabled = spec.tabled_input or spec.input_shape
    chosen = next((v for v in spec.variants if v.name == variant), None)
    own = (chosen and chosen.input_shape) or spec.input_shape
    if tabled is None or own == tabled or not _reads_strides(spec):
        return _build(spec, aux, variant, None)[0]
    at_table = replace(
        spec,
        input_shape=tabled,
        tabled_input=None,
        variants=tuple(replace(v, input_shape=None) for v in spec.variants),
    )
    return _build(spec, aux, variant, _build(at_table, aux, variant, None)[1])[0]


def _reads_strides(spec: Spec) -> bool:
    return any(spec.kinds[r.type].stride_from_sizes for r in spec.rows if r.type in spec.kinds)


def _build(
    spec: Spec, aux: bool, variant: str, strides: dict[str, int] | None
) -> tuple[Network, dict[str, int]]:
    """The network, and the strides its rows read from printed sizes; `strides` gives
    those rows their strides instead."""
    if spec.input_shape is None:
        raise InputError(
            f"{spec.path} gives no input size",
            'input = "HxWxC" in the front matter, or --input HxWxC',
            f"{spec.path}:1:1",
        )
    chosen = next((v for v in spec.variants if v.name == variant), None)
    if variant and chosen is None:
        names = ", ".join(sorted({v.name for v in spec.variants})) or "none in this spec"
        raise InputError(
            f"unknown variant {variant!r}{nearest(variant, [v.name for v in spec.variants])}",
            f"one of {names}",
        )
    swap = {chosen.row: variant_row(spec, chosen)} if chosen and chosen.cells else {}
    conventions = (chosen and chosen.conventions) or spec.conventions
    input_shape = (chosen and chosen.input_shape) or spec.input_shape
    builder = _Builder(
        conventions, {INPUT: input_shape}, spec.connection_tables, spec.kinds, strides
    )
    # a row's output size where only the next row prints it (EfficientNet's resolutions)
    builder.next_rows = {
        a.name: b
        for a, b in zip(spec.rows, spec.rows[1:], strict=False)
        if b.in_size is not None and (b.input or a.name) == a.name
    }
    blocks: list[Block] = []
    output_of: dict[str, str] = {}
    previous: Row | None = None
    upstream = ""  # the first row whose size departs from the table's, named in errors
    previous_built: Row | None = None
    rows = variant_rows(spec, chosen) if chosen and chosen.columns else spec.rows
    for row in rows:
        source_row = row.input or (previous.name if previous else INPUT)
        previous = row
        if row.train_only and not aux:
            continue
        if source_row == INPUT:
            source = INPUT
        elif source_row in output_of:
            source = output_of[source_row]
        else:
            raise InputError(
                f"row {row.name!r} reads {source_row!r}, a training-only row left out at inference",
                "an input column naming an inference row, or --aux",
                row.loc,
            )
        if row.type == "local response norm" and not conventions.lrn_layers:
            output_of[row.name] = source  # left out: the next row reads what it read
            continue
        built = swap.get(row.name, row)
        try:
            ops = builder.block(built, source)
        except InputError as exc:
            if upstream:
                exc.message += f" (upstream: {upstream})"
            if variant:
                exc.message = f"variant {variant!r}: {exc.message}"
            raise
        upstream = upstream or _diverges(built, ops, previous_built)
        previous_built = built
        blocks.append(
            Block(
                row.name,
                built.type,
                built,
                ops,
                source,
                row.train_only,
                variant if built is not row else "",
            )
        )
        output_of[row.name] = ops[-1].name
    from inception_cost import validate  # it reads this module's ops

    network = Network(spec.name, input_shape, tuple(blocks), conventions, aux)
    return validate.check(network), builder.read


def _diverges(row: Row, ops: tuple[Op, ...], before: Row | None) -> str:
    """Where the computed sizes first leave the printed ones: this row's input size claim
    (caused by the row before) or its output size claim."""
    got_in, got_out = ops[0].in_shapes[0], ops[-1].out_shape
    if row.in_size is not None and row.in_size != got_in[: len(row.in_size)] and before:
        return (
            f"row {before.name!r} at {before.loc} comes out {'x'.join(map(str, got_in))},"
            f" where the next row's input size is {'x'.join(map(str, row.in_size))}"
        )
    if row.output is not None and row.output != got_out[: len(row.output)]:
        return (
            f"row {row.name!r} at {row.loc} comes out {'x'.join(map(str, got_out))},"
            f" where the table prints {'x'.join(map(str, row.output))}"
        )
    return ""


class _Builder:
    """Turns one row into ops, tracking every tensor's shape."""

    def __init__(
        self,
        conventions: Conventions,
        shapes: dict[str, Shape],
        tables: dict[str, tuple[tuple[int, ...], ...]],
        kinds: dict[str, Kind],
        strides: dict[str, int] | None = None,
    ):
        self.conventions = conventions
        self.strides = strides  # rows' strides read at the tabled input, None: read here
        self.read: dict[str, int] = {}  # the strides this build read from printed sizes
        self.next_rows: dict[str, Row] = {}  # row name -> the row after it, printing its input
        self.module_input = INPUT  # the input of the module (one repetition) being built
        self.shapes = shapes
        self.tables = tables
        self.kinds = kinds
        self.branch_outs: list[str] = []  # a module's branches built so far (`rest` reads them)
        self.layers = {
            "convolution": self._convolution,
            "separable convolution": self._separable_convolution,
            "max pool": self._max_pool,
            "avg pool": self._avg_pool,
            "global avg pool": self._global_avg_pool,
            "local response norm": self._local_response_norm,
            "batch norm": self._batch_norm,
            "subsampling": self._subsampling,
            "dropout": self._dropout,
            "flatten": self._flatten,
            "linear": self._linear,
            "rbf": self._rbf,
            "softmax": self._softmax,
        }

    def block(self, row: Row, source: str) -> tuple[Op, ...]:
        """The row's ops: a layer type's own rule, or its module kind's declaration."""
        self.row, self.ops = row, []
        if row.in_channels is not None:
            h, w, c = self.shapes[source]
            reads = h * w * c if row.type == "linear" else c
            if reads != row.in_channels:
                raise InputError(
                    f"the filter shape says {row.in_channels} input channels;"
                    f" row {row.name!r} reads {reads} ({h}x{w}x{c})",
                    "the input channels of the row above",
                    row.at("shape"),
                )
        if row.type in self.kinds:
            self._module(row, source, self.kinds[row.type])
        else:
            self.layers[row.type](row, source)
        return tuple(self.ops)

    # -- helpers -------------------------------------------------------------------
    def _add(self, op: Op) -> str:
        self.ops.append(op)
        self.shapes[op.name] = op.out_shape
        return op.name

    def _window(
        self, src: str, kernel: tuple[int, int], stride: int, pad: int, ceil: bool
    ) -> tuple[int, int]:
        h, w, _ = self.shapes[src]
        try:
            return window(h, w, kernel, stride, pad, ceil)
        except InputError as exc:
            exc.where = self.row.at("shape" if "shape" in self.row.locs else "patch")
            raise

    def _filters(self, what: str) -> int:
        if self.row.filters is not None:
            return self.row.filters
        if self.row.output is not None and len(self.row.output) < 3:
            raise InputError(
                f"{self.row.type} row {self.row.name!r} gives no output channels (its output"
                f" size {'x'.join(map(str, self.row.output))} prints none)",
                f"an output size HxWxC, or a channels column, whose C gives {what}",
                self.row.at("output"),
            )
        if self.row.output is None:
            raise InputError(
                f"{self.row.type} row {self.row.name!r} has no output size",
                f"an output size HxWxC whose C gives {what}",
                self.row.at("output"),
            )
        return self.row.output[2]

    def _width(self, printed: int) -> int:
        """A printed convolution width under the width multiplier: c x alpha to the nearest
        multiple of the divisor, never below it nor 10% under c x alpha (TF-Slim's and
        torchvision's _make_divisible); a row in width_not_reduced is never narrowed."""
        c = self.conventions
        alpha = Fraction(c.width_multiplier)
        if self.row.name in c.width_not_reduced:
            alpha = max(alpha, Fraction(1))
        if alpha == 1:
            return printed
        d, wanted = c.width_divisor, printed * alpha
        width = max(d, math.floor(wanted + Fraction(d, 2)) // d * d)
        return width + d if width < Fraction(9, 10) * wanted else width

    def conv(
        self,
        name: str,
        src: str,
        out_c: int,
        k: tuple[int, int],
        stride: int = 1,
        pad: int | None = None,
        groups: int = 1,
        act: str = "relu",
        layer: bool = True,
        table: tuple[tuple[int, ...], ...] = (),
        norm: bool = True,
        bias: bool = True,
    ) -> str:
        """A convolution, then batch norm where the conventions put one, then `act`."""
        in_shape = self.shapes[src]
        if pad is None:
            pad = pad_amount(self.conventions.conv_padding, max(k))
        if in_shape[2] % groups or out_c % groups:
            raise InputError(
                f"{name}: {in_shape[2]} input and {out_c} output channels do not split into"
                f" {groups} groups",
                "channel counts divisible by the groups",
                self.row.at(
                    "block" if self.row.block and "groups" not in self.row.raw else "groups"
                ),
            )
        if table and (len(table) != out_c or max(max(t) for t in table) >= in_shape[2]):
            raise InputError(
                f"{name}: connection table {self.row.table!r} has {len(table)} output maps"
                f" reading maps up to {max(max(t) for t in table) + 1}; the layer has {out_c}"
                f" outputs and {in_shape[2]} inputs",
                "a table with one column per output map and one row per input map",
                self.row.at("table"),
            )
        c = self.conventions
        norm = c.batch_norm and layer and norm
        ho, wo = self._window(src, k, stride, pad, ceil=False)
        out = self._add(
            Conv2d(
                name,
                (src,),
                (in_shape,),
                (ho, wo, out_c),
                k,
                stride,
                (pad, pad),
                groups,
                bias and c.bias and (c.bn_conv_bias or not norm),
                layer,
                table,
            )
        )
        if norm:
            out = self._add(
                BatchNorm(f"{name}/bn", (out,), (self.shapes[out],), self.shapes[out], c.bn_eps)
            )
        return self.activate(out, act)

    def activate(self, src: str, act: str) -> str:
        """`src` through the named activation (relu, relu6, tanh, swish) or unchanged (none)."""
        if act == "none":
            return src
        shape = self.shapes[src]
        if act == "relu6":
            return self._add(ReLU(f"{src}/relu6", (src,), (shape,), shape, 6))
        kind = {"relu": ReLU, "tanh": Tanh, "swish": Swish}[act]
        return self._add(kind(f"{src}/{act}", (src,), (shape,), shape))

    def pool(
        self,
        name: str,
        src: str,
        mode: str,
        k: tuple[int, int],
        stride: int,
        pad: int,
        ceil: bool,
        whole: bool = False,
    ) -> str:
        in_shape = self.shapes[src]
        ho, wo = self._window(src, k, stride, pad, ceil)
        return self._add(
            Pool2d(
                name,
                (src,),
                (in_shape,),
                (ho, wo, in_shape[2]),
                mode,
                k,
                stride,
                (pad, pad),
                ceil,
                whole,
            )
        )

    def _activation(self, default: str) -> str:
        return self.row.activation or default

    def _patch(self, default=None):
        patch = self.row.patch or default
        if patch is None:
            raise InputError(
                f"{self.row.type} row {self.row.name!r} has no patch size",
                "a patch size/stride such as 3x3/1",
                self.row.at("patch"),
            )
        return patch

    def _pad(self, setting: str | int, k: int) -> int:
        """The row's own padding cell, else the conventions' setting."""
        return pad_amount(self.row.padding if self.row.padding is not None else setting, k)

    # -- one method per row type ---------------------------------------------------
    def _convolution(self, row: Row, src: str) -> None:
        patch = self._patch()
        filters = self._width(self._filters("the number of filters"))
        k = patch.kh
        reduce_fields = [f for f in ("n3x3_reduce", "n5x5_reduce") if row.widths.get(f)]
        if len(reduce_fields) > 1:
            raise InputError(
                "a convolution row has both #3x3 reduce and #5x5 reduce",
                "at most one 1x1 reduction before the convolution",
                row.at(reduce_fields[1]),
            )
        own = {3: "n3x3", 5: "n5x5"}.get(k) if patch.kh == patch.kw else None
        if own and row.widths.get(own) is not None and row.widths[own] != filters:
            raise InputError(
                f"inconsistent channel counts: output size has {filters} channels,"
                f" #{k}x{k} says {row.widths[own]}",
                "the same number of filters in both cells",
                row.at(own),
            )
        act = self._activation(self.conventions.conv_activation)
        if reduce_fields:
            src = self.conv(
                f"{row.name}/reduce", src, row.widths[reduce_fields[0]], (1, 1), act=act
            )
            name = f"{row.name}/{patch.kh}x{patch.kw}"
        else:
            name = row.name
        table = self.tables[row.table] if row.table else ()
        self.conv(
            name,
            src,
            filters,
            (patch.kh, patch.kw),
            patch.stride,
            pad=self._pad(self.conventions.conv_padding, max(patch.kh, patch.kw)),
            groups=row.groups or 1,
            act=act,
            table=table,
        )

    def _separable_convolution(self, row: Row, src: str) -> None:
        patch = self._patch()
        filters = self._width(self._filters("the number of filters"))
        multiplier = row.multiplier or 1
        in_c = self.shapes[src][2]
        depthwise = self.conv(
            f"{row.name}/depthwise",
            src,
            in_c * multiplier,
            (patch.kh, patch.kw),
            patch.stride,
            groups=in_c,
            act="none",
            layer=False,
        )
        self.conv(
            f"{row.name}/pointwise",
            depthwise,
            filters,
            (1, 1),
            act=self._activation(self.conventions.conv_activation),
        )

    def _pool(self, row: Row, src: str, mode: str) -> None:
        patch = self._patch(self.conventions.pool_patch)
        pad = self._pad(self.conventions.pool_padding, patch.kh)
        ceil = self.conventions.pool_rounding == "ceil"
        self.pool(row.name, src, mode, (patch.kh, patch.kw), patch.stride, pad, ceil)

    def _max_pool(self, row: Row, src: str) -> None:
        self._pool(row, src, "max")

    def _avg_pool(self, row: Row, src: str) -> None:
        self._pool(row, src, "avg")

    def _global_avg_pool(self, row: Row, src: str) -> None:
        h, w, _ = self.shapes[src]  # a printed window is audited as its input size
        self.pool(row.name, src, "avg", (h, w), 1, 0, ceil=False, whole=True)

    def _local_response_norm(self, row: Row, src: str) -> None:
        lrn = self.conventions.lrn
        shape = self.shapes[src]
        self._add(
            LocalResponseNorm(
                row.name, (src,), (shape,), shape, lrn.size, lrn.alpha, lrn.beta, lrn.k
            )
        )

    def _batch_norm(self, row: Row, src: str) -> None:
        shape = self.shapes[src]
        self._add(BatchNorm(row.name, (src,), (shape,), shape, self.conventions.bn_eps))

    def _subsampling(self, row: Row, src: str) -> None:
        patch = self._patch()
        h, w, c = self.shapes[src]
        ho, wo = self._window(src, (patch.kh, patch.kw), patch.stride, 0, ceil=False)
        out = self._add(
            Subsample(
                row.name, (src,), ((h, w, c),), (ho, wo, c), (patch.kh, patch.kw), patch.stride
            )
        )
        self.activate(out, self._activation(self.conventions.conv_activation))

    def _dropout(self, row: Row, src: str) -> None:
        shape = self.shapes[src]
        self._add(Dropout(row.name, (src,), (shape,), shape, row.rate or (0, 1)))

    def _flatten(self, row: Row, src: str) -> None:
        h, w, c = shape = self.shapes[src]
        self._add(Flatten(row.name, (src,), (shape,), (1, 1, h * w * c)))

    def _linear(self, row: Row, src: str) -> None:
        shape = self.shapes[src]
        out = self._add(
            Linear(
                row.name,
                (src,),
                (shape,),
                (1, 1, self._filters("the number of units")),
                self.conventions.bias,
            )
        )
        self.activate(out, self._activation("none"))

    def _rbf(self, row: Row, src: str) -> None:
        shape = self.shapes[src]
        self._add(Rbf(row.name, (src,), (shape,), (1, 1, self._filters("the number of units"))))

    def _softmax(self, row: Row, src: str) -> None:
        shape = self.shapes[src]
        self._add(Softmax(row.name, (src,), (shape,), shape))

    # -- module kinds (vocabulary/kinds.toml, a spec's [kinds.NAME]) --------------------
    def _module(self, row: Row, src: str, kind: Kind) -> None:
        """A row of a declared kind: its stem, its branches, their join; repeated where the
        kind reads a repeat count, the first repetition taking the row's stride."""
        kind = kind.under(self.conventions)
        act = self._activation(self.conventions.conv_activation)
        stride = self._module_stride(row, src, kind)
        repeat = 1
        if kind.repeat == "block":
            repeat = self._building_block(row).repeat
        elif kind.repeat:
            repeat = row.repeat or 1
        for i in range(repeat):
            prefix = repeat_name(row.name, i) if kind.repeat else row.name
            src = self._module_once(row, kind, src, prefix, stride if i == 0 else 1, act)
        # a kind that shares the row's width among its branches (`output / 2`, `rest`:
        # ShuffleNet V2's unit) must add back up to it; elsewhere the width may feed one
        # layer of several (EfficientNet's head: a 1x1 conv to 1280, then the classifier)
        shares = any(
            "rest" in layer.filters
            or ("output" in layer.filters and any(f[0] == "/" for f in layer.filters))
            for layer in kind.layers()
        )
        if row.filters is not None and shares and self.shapes[src][2] != self._width(row.filters):
            raise InputError(
                f"{row.type} row {row.name!r} comes out with {self.shapes[src][2]} channels,"
                f" where it gives {self._width(row.filters)}",
                f"{self.shapes[src][2]} output channels, or that cell blank",
                row.at("filters"),
            )

    def _building_block(self, row: Row):
        if row.block is None:
            raise InputError(
                f"{row.type} row {row.name!r} has no building block",
                "a building block such as [3x3, 64; 3x3, 64] x 2",
                row.at("block"),
            )
        return row.block

    def _module_stride(self, row: Row, src: str, kind: Kind) -> int:
        """The row's stride: written (a stride or patch cell), else from the sizes where the
        kind says so (ResNet's stages), else the kind's default."""
        given = row_stride(row)
        if kind.stride_from_sizes and row.stride is None and "/" not in row.raw.get("patch", ""):
            given = None  # a kernel alone (MBConv6, k5x5): the sizes give the stride
        if given is not None:
            return given
        if not kind.stride_from_sizes:
            return kind.default_stride
        if self.strides is not None:
            return self.strides.get(row.name, kind.default_stride)
        h = self.shapes[src][0]
        stride = kind.default_stride
        out_h, where = None, row.at("output")
        if row.output is not None:
            out_h = row.output[0]
        elif row.name in self.next_rows:  # the next row's input size: EfficientNet's Table 1
            after = self.next_rows[row.name]
            out_h, where = after.in_size[0], after.at("in_size")
        if out_h is not None and out_h != h:
            if h % out_h:
                raise InputError(
                    f"output height {out_h} does not divide the input height {h}",
                    "an output size that is the input size divided by a whole stride",
                    where,
                )
            stride = h // out_h
        self.read[row.name] = stride
        return stride

    def _module_once(
        self, row: Row, kind: Kind, src: str, prefix: str, stride: int, act: str
    ) -> str:
        if stride > 1:
            kind = kind.strided_form()  # ShuffleNet V2's unit for spatial down sampling
        x = self.module_input = src
        self.branch_outs = []
        for i, layer in enumerate(kind.stem):
            s = stride if self._strided(kind, kind.stem, i, True) else 1
            x = self._layer(layer, x, prefix, s, act)
        outs: list[str] = []
        convs = 0
        for branch in kind.branches:
            if branch.identity:
                outs.append(x)
                continue
            layers = self._branch_layers(row, branch)
            if layers is None:
                continue
            y = x
            for i, layer in enumerate(layers):
                if self._skipped(row, layer):
                    continue
                s = stride if self._strided(kind, layers, i, not kind.stem) else 1
                before = len(self.ops)
                y = self._layer(layer, y, prefix, s, act)
                convs += any(isinstance(op, Conv2d) for op in self.ops[before:])
            outs.append(y)
            self.branch_outs.append(y)
        if kind.require_conv and not convs:
            needs = [COLUMNS[b.needs][0] for b in kind.branches if b.needs]
            raise InputError(
                f"{row.type} row {row.name!r} has no convolution branch",
                "counts in " + ", ".join(needs[:-1]) + " or " + needs[-1],
                row.loc,
            )
        out = self._join(kind, src, outs, prefix, stride, act)
        for layer in kind.after:
            out = self._layer(layer, out, prefix, 1, act)
        return out

    def _branch_layers(self, row: Row, branch) -> tuple[Layer, ...] | None:
        """A branch's layers for this row; None where its column says "no such branch"."""
        if branch.block:
            block = self._building_block(row)
            last = len(block.layers) - 1
            groups = block.groups or (1,) * len(block.layers)
            return tuple(
                Layer("conv", f"conv{j + 1}", (kh, kw), (str(c),), activation=j != last, groups=g)
                for j, ((kh, kw, c), g) in enumerate(zip(block.layers, groups, strict=True))
            )
        if branch.needs and not row.widths.get(branch.needs):
            given = [c for layer in branch.layers for c in layer.columns() if row.widths.get(c)]
            if given:
                raise InputError(
                    f"{COLUMNS[given[0]][0]} is given but {COLUMNS[branch.needs][0]} is blank",
                    f"a {COLUMNS[branch.needs][0]} count after its reduction",
                    row.at(given[0]),
                )
            return None
        return branch.layers

    def _skipped(self, row: Row, layer: Layer) -> bool:
        if layer.skip_if_one and row.widths.get(layer.skip_if_one) == 1:
            return True
        return layer.optional and not all(row.widths.get(c) for c in layer.columns())

    @staticmethod
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

    def _factors(self, layer: Layer, src: str) -> int:
        """A layer's filters: the product of its factors."""
        out = 1
        for f in layer.filters:
            if f.isdigit():
                out *= int(f)
            elif f.startswith("/"):
                out = self._divide(layer, out, int(f[1:]))
            elif f == "input":
                out *= self.shapes[src][2]
            elif f == "block_input":
                out *= self.shapes[self.module_input][2]
            elif f == "output":
                out *= self._width(self._filters("the block's output channels"))
            elif f == "rest":
                taken = sum(self.shapes[o][2] for o in self.branch_outs)
                rest = self._width(self._filters("the block's output channels")) - taken
                if rest < 1:
                    raise InputError(
                        f"{self.row.type} row {self.row.name!r}: its other branches take"
                        f" {taken} channels, which leaves none of {rest + taken} for"
                        f" {layer.name or 'its last branch'}",
                        f"more than {taken} output channels",
                        self.row.at("filters" if "filters" in self.row.locs else "output"),
                    )
                out *= rest
            elif self.row.widths.get(f):
                out *= self.row.widths[f]
            else:
                raise InputError(
                    f"{self.row.type} row {self.row.name!r} has no {COLUMNS[f][0]!r} count",
                    f"a count in {COLUMNS[f][0]!r} (its {layer.name or 'layer'} reads it)",
                    self.row.at(f),
                )
        return out

    def _divide(self, layer: Layer, value: int, by: int) -> int:
        if value % by:
            raise InputError(
                f"{self.row.type} row {self.row.name!r}: {layer.name or 'a layer'} takes"
                f" 1/{by} of {value} channels, which {by} does not divide",
                f"a channel count divisible by {by}",
                self.row.at("filters" if "filters" in self.row.locs else "output"),
            )
        return value // by

    def _channel_parts(self, layer: Layer, name: str, shape: Shape) -> int:
        """The channels of each of a split's or shuffle's groups."""
        if shape[2] % layer.groups:
            raise InputError(
                f"{name}: {shape[2]} channels do not split into {layer.groups} groups",
                f"a channel count divisible by {layer.groups}",
                self.row.loc,
            )
        return shape[2] // layer.groups

    def _layer(self, layer: Layer, src: str, prefix: str, stride: int, act: str) -> str:
        name = f"{prefix}/{layer.name}" if layer.name else prefix
        shape = self.shapes[src]
        if layer.op == "split":
            part = self._channel_parts(layer, name, shape)
            out_shape = (shape[0], shape[1], part)
            return self._add(
                ChannelSplit(name, (src,), (shape,), out_shape, layer.groups, layer.part)
            )
        if layer.op == "shuffle":
            self._channel_parts(layer, name, shape)
            return self._add(ChannelShuffle(name, (src,), (shape,), shape, layer.groups))
        if layer.op == "bn":
            return self._add(BatchNorm(name, (src,), (shape,), shape, self.conventions.bn_eps))
        if layer.op == "relu":
            return self._add(ReLU(name, (src,), (shape,), shape))
        if layer.op == "se":
            return self._squeeze_excite(layer, src, name, act if layer.activation else "none")
        if layer.op == "linear":
            units = (1, 1, self._factors(layer, src))
            bias = layer.bias and self.conventions.bias
            out = self._add(Linear(name, (src,), (shape,), units, bias))
            return self.activate(out, act if layer.activation else "none")
        if layer.kernel == "whole":
            return self.pool(name, src, layer.mode, shape[:2], 1, 0, ceil=False, whole=True)
        k = _kernel(layer) if layer.kernel != "patch" else self._patch_kernel()
        if layer.op == "pool":
            mode = self.row.pool_modes.get(layer.mode_from, layer.mode)
            pad = self._layer_pad(layer.padding, self.conventions.pool_padding, max(k))
            ceil = (
                self.conventions.pool_rounding == "ceil"
                if layer.rounding == "convention"
                else layer.rounding == "ceil"
            )
            return self.pool(name, src, mode, k, stride, pad, ceil)
        filters = self._factors(layer, src)
        return self.conv(
            name,
            src,
            filters,
            k,
            stride,
            pad=self._layer_pad(layer.padding, self.conventions.conv_padding, max(k)),
            groups=shape[2] if layer.op == "dwconv" else layer.groups,
            act=act if layer.activation else "none",
            norm=layer.norm,
            bias=layer.bias,
        )

    def _squeeze_excite(self, layer: Layer, src: str, name: str, act: str) -> str:
        """Squeeze-and-excitation (Hu et al.; EfficientNet's MBConv): the map averaged to
        1x1, a 1x1 reduce to `ratio` of the layer's filters (rounded down) through `act`,
        a 1x1 expand back, a sigmoid, and each channel of the map times its gate."""
        h, w, c = shape = self.shapes[src]
        of = self._factors(layer, src) if layer.filters else c
        reduced = int(Fraction(repr(layer.ratio)) * of)  # exact: 0.25 of 16 is 4
        if reduced < 1:
            raise InputError(
                f"{self.row.type} row {self.row.name!r}: squeeze-and-excitation ratio"
                f" {layer.ratio} of {of} channels leaves no channel",
                f"a ratio of at least 1/{of}, or a wider block",
                self.row.loc,
            )
        pooled = self.pool(f"{name}/squeeze", src, "avg", (h, w), 1, 0, ceil=False, whole=True)
        bias = layer.bias
        reduce = self.conv(
            f"{name}/reduce", pooled, reduced, (1, 1), pad=0, act=act, norm=False, bias=bias
        )
        expand = self.conv(
            f"{name}/expand", reduce, c, (1, 1), pad=0, act="none", norm=False, bias=bias
        )
        gates = (1, 1, c)
        gate = self._add(Sigmoid(f"{expand}/sigmoid", (expand,), (gates,), gates))
        return self._add(Scale(f"{name}/scale", (src, gate), (shape, gates), shape))

    def _patch_kernel(self) -> tuple[int, int]:
        patch = self._patch()
        return patch.kh, patch.kw

    def _layer_pad(self, padding: str | int, setting: str | int, k: int) -> int:
        if padding == "convention":
            return self._pad(setting, k)
        return pad_amount(padding, k)

    def _join(
        self, kind: Kind, src: str, outs: list[str], prefix: str, stride: int, act: str
    ) -> str:
        if kind.join == "concat":
            if len(outs) == 1:
                return outs[0]
            shapes = tuple(self.shapes[o] for o in outs)
            h, w, _ = shapes[0]
            if any(s[:2] != (h, w) for s in shapes):
                raise InputError(
                    f"{self.row.type} row {self.row.name!r}: its branches come out"
                    f" {', '.join('x'.join(map(str, s[:2])) for s in shapes)}",
                    "branches of one size to concatenate (their strides and padding)",
                    self.row.loc,
                )
            out_shape = (h, w, sum(s[2] for s in shapes))
            return self._add(Concat(f"{prefix}/output", tuple(outs), shapes, out_shape))
        x = outs[0]
        out_shape = self.shapes[x]
        if kind.shortcut == "none":
            added = self._add(
                Add(f"{prefix}/add", tuple(outs), tuple(self.shapes[o] for o in outs), out_shape)
            )
            return self.activate(added, act) if kind.join_activation else added
        hi, wi, ci = self.shapes[src]
        shortcut = src
        if kind.shortcut == "if same shape" and self.shapes[src] != out_shape:
            return x
        if stride != 1 or ci != out_shape[2]:
            if self.conventions.shortcut == "projection":
                shortcut = self.conv(
                    f"{prefix}/projection", src, out_shape[2], (1, 1), stride, 0, act="none"
                )
            else:
                shortcut = self._add(
                    Shortcut(f"{prefix}/shortcut", (src,), ((hi, wi, ci),), out_shape, stride)
                )
        added = self._add(
            Add(f"{prefix}/add", (x, shortcut), (out_shape, self.shapes[shortcut]), out_shape)
        )
        return self.activate(added, act) if kind.join_activation else added


def repeat_name(row_name: str, i: int) -> str:
    """The i-th (from 0) repetition of a repeated row: conv2_x's conv2_1, bottleneck2's
    bottleneck2/1 (ResNet's Table 1 names its blocks so)."""
    if row_name.endswith("_x"):
        return f"{row_name.removesuffix('_x')}_{i + 1}"
    return f"{row_name}/{i + 1}"


def _kernel(layer: Layer) -> tuple[int, int]:
    k = layer.kernel
    return k if isinstance(k, tuple) else (int(k), int(k))
