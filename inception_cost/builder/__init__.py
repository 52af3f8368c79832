"""Rows -> blocks of primitive ops, every hyper-parameter explicit: `build(spec)`.

Each table row becomes a `network.Block`: a tiny graph of ops (conv, pool, LRN, batch
norm, activations, concat, residual add, linear, dropout, softmax, LeNet-5's subsampling
and RBF units, ShuffleNet's channel split and shuffle) whose inputs name earlier ops.
Shapes are (H, W, C) per image, as the paper writes them; the builder infers them and
rejects layers that cannot exist (a kernel larger than its padded input), then
`validate` refuses a network whose ops cannot be put together. The cost model and the
NumPy reference both read the `Network`, never the spec.

This driver walks the rows (as the variant asked for reads them: typed by the reader)
and builds each in a `Context` of its own: a primitive layer by its function in
`layers.LAYERS`, a module row by the kinds interpreter (`kinds.module`). Both make their
ops through the context's helpers (builder/context.py), below them both.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from inception_cost import validate
from inception_cost.builder.context import Context
from inception_cost.builder.kinds import Sizes, module
from inception_cost.builder.layers import LAYERS
from inception_cost.errors import InputError, nearest
from inception_cost.frontmatter import Variant
from inception_cost.implementation.model import Implementation
from inception_cost.kinds import Kind
from inception_cost.network import Block, Network
from inception_cost.ops import INPUT, Op
from inception_cost.spec.records import Row, Spec
from inception_cost.spec.variants import no_row


def build(spec: Spec, *, aux: bool = False, variant: str = "") -> Network:
    """The network a spec describes; `aux` keeps training-only rows, `variant` reads it as
    one of the spec's variants (a row swapped, other conventions, another input size).

    A stride read from printed sizes (ResNet's stages) is a property of the table as
    printed: it is read at the spec's tabled input and kept at any other input, where the
    stage's output size follows from its strided layers. A model file's network was read
    with it (`Implementation.built`)."""
    if isinstance(spec, Implementation):
        return spec.built(variant)
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
    chosen = _chosen(spec, variant)
    swap = _swap(spec, chosen)
    conventions = (chosen and chosen.conventions) or spec.conventions
    input_shape = (chosen and chosen.input_shape) or spec.input_shape
    shapes = {INPUT: input_shape}
    # a row's output size where only the next row prints it (EfficientNet's resolutions)
    sizes = Sizes(strides, _next_rows(spec.rows))
    blocks: list[Block] = []
    output_of: dict[str, str] = {}
    previous: Row | None = None
    upstream = ""  # the first row whose size departs from the table's, named in errors
    previous_built: Row | None = None
    for row in spec.rows_as(variant):
        source_row = row.input or (previous.name if previous else INPUT)
        previous = row
        if row.train_only and not aux:
            continue
        source = _source(row, source_row, output_of)
        if row.type == "local response norm" and not conventions.lrn_layers:
            output_of[row.name] = source  # left out: the next row reads what it read
            continue
        swapped = swap is not None and swap.name == row.name
        for built in (*spec.ahead[variant], swap) if swapped else (row,):
            ctx = Context(built, conventions, shapes, spec.connection_tables)
            if built.adds:  # a box's closing row: the box's input
                ctx.skip = _source(built, built.adds, output_of)
            try:
                ops = _block(ctx, source, spec.kinds, sizes)
            except InputError as exc:
                if upstream:
                    exc.message += f" (upstream: {upstream})"
                if variant:
                    exc.message = f"variant {variant!r}: {exc.message}"
                raise
            upstream = upstream or _diverges(built, ops, previous_built)
            previous_built = built
            mark = variant if swapped else ""
            blocks.append(Block(built.name, built.type, built, ops, source, row.train_only, mark))
            output_of[built.name] = source = ops[-1].name
    network = Network(spec.name, input_shape, tuple(blocks), conventions, aux)
    return validate.check(network), sizes.read


def _chosen(spec: Spec, variant: str) -> Variant | None:
    """The variant asked for (None: as tabled); a spec without an input size builds none."""
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
    return chosen


def _swap(spec: Spec, chosen: Variant | None) -> Row | None:
    """The row a variant of cells swaps in, as the reader typed it."""
    if not (chosen and chosen.cells):
        return None
    if all(r.name != chosen.row for r in spec.rows):  # rows cut short (a sweep's prefix)
        raise no_row(chosen)
    return spec.swaps[chosen.name]


def _next_rows(rows: tuple[Row, ...]) -> dict[str, Row]:
    """Row name -> the row after it, where that row prints this one's output size as its
    input size and reads it."""
    return {
        a.name: b
        for a, b in pairwise(rows)
        if b.in_size is not None and (b.input or a.name) == a.name
    }


def _source(row: Row, source_row: str, output_of: dict[str, str]) -> str:
    """The tensor a row reads: the network's input, or the output of the row it names."""
    if source_row == INPUT:
        return INPUT
    if source_row in output_of:
        return output_of[source_row]
    raise InputError(
        f"row {row.name!r} reads {source_row!r}, a training-only row left out at inference",
        "an input column naming an inference row, or --aux",
        row.loc,
    )


def _block(ctx: Context, source: str, kinds: dict[str, Kind], sizes: Sizes) -> tuple[Op, ...]:
    """The row's ops: a layer type's own function, or its module kind's declaration."""
    row = ctx.row
    if row.cells.in_channels is not None:
        h, w, c = ctx.shapes[source]
        reads = h * w * c if row.type == "linear" else c
        if reads != row.cells.in_channels:
            raise InputError(
                f"the filter shape says {row.cells.in_channels} input channels;"
                f" row {row.name!r} reads {reads} ({h}x{w}x{c})",
                "the input channels of the row above",
                row.at("shape"),
            )
    if row.type in kinds:
        module(ctx, source, kinds[row.type], sizes)
    else:
        LAYERS[row.type](ctx, source)
    return tuple(ctx.ops)


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
