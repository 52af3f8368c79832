"""Variants and overrides: the rows as another reading reads them, typed when the spec is
read, and the settings the command line changes.

A `[[variants]]` entry of cells swaps
one row (GoogLeNet's conv1 as a separable convolution), one of columns reads every row
from other columns (ShuffleNet V2's 0.5× widths). Each such row is typed here, its
errors naming the variant, so that building a variant reads rows and never cells.
"""

from __future__ import annotations

from dataclasses import replace

from inception_cost.cells import Shape, is_empty
from inception_cost.columns import NOTE
from inception_cost.errors import InputError, nearest
from inception_cost.frontmatter import Places, Variant
from inception_cost.kinds import Kind
from inception_cost.spec import layout
from inception_cost.spec.declared import layers
from inception_cost.spec.readers import read_cells, typed_row
from inception_cost.spec.records import Row, Spec
from inception_cost.spec.types import is_type


def typed(spec: Spec) -> tuple[Spec, list[InputError]]:
    """The spec with the rows each variant reads anew, typed now rather than when the
    variant is built; an error names its variant."""
    swaps: dict[str, Row] = {}
    ahead: dict[str, tuple[Row, ...]] = {}
    read_as: dict[str, dict[str, Row]] = {}
    errors = []
    for v in spec.variants:
        try:
            if v.cells:
                *before, swaps[v.name] = _swapped(spec, v)
                ahead[v.name] = tuple(before)
            if v.columns or v.symbols:
                anew = zip(spec.rows, _read_anew(spec, v), strict=True)
                read_as[v.name] = {r.name: a for r, a in anew}
        except InputError as exc:
            errors.append(exc)
    return replace(spec, swaps=swaps, ahead=ahead, read_as=read_as), errors


def no_row(variant: Variant) -> InputError:
    """A variant of cells whose row the spec does not have."""
    return InputError(
        f"variant {variant.name!r} names no row {variant.row!r}",
        "the name of a table row such as conv1",
        variant.loc,
    )


def _swapped(spec: Spec, variant: Variant) -> tuple[Row, ...]:
    """The rows as the variant reads its row: the original row with some cells replaced;
    a type of several layers (`2× [conv dw / s1; conv / s1]`, `global average pool, fc`)
    is a row per layer, the last keeping the row's name and its other cells."""
    try:
        row = spec.row(variant.row)
    except KeyError:
        raise no_row(variant) from None
    # a cell the variant writes blank (or "-") blanks the row's, as in the table
    raw = {k: v for k, v in {**row.raw, **dict(variant.cells)}.items() if not is_empty(v)}
    locs = {**row.locs, **{k: variant.loc for k, _ in variant.cells}}
    typed = "type" if "type" in raw else "nametype"
    symbols = symbols_of(spec, variant)
    parts = [
        x
        for part in layers(raw.get(typed, ""))
        for x in layout.each_layer([(part, 1)], 0, lambda t: is_type(t, spec.kinds, False, symbols))
    ]
    if len(parts) <= 1:
        return (_variant_retyped(spec, row, raw, locs, variant),)
    out = []
    for i, part in enumerate(parts[:-1]):
        one = replace(row, name=f"{row.name}/{i + 1}", named=False, input=None)
        out.append(
            _variant_retyped(spec, one, {"type": part[0][0]}, {"type": locs[typed]}, variant)
        )
    last = _variant_retyped(spec, row, {**raw, typed: parts[-1][0][0]}, locs, variant)
    return (*out, replace(last, input=None))


def symbols_of(spec: Spec, variant: Variant | None) -> dict:
    """The symbols a reading reads its cells with: the spec's, and the variant's own."""
    return {**spec.symbols, **dict(variant.symbols)} if variant else spec.symbols


def _read_anew(spec: Spec, variant: Variant) -> tuple[Row | None, ...]:
    """Every row as a column variant reads it: each of its fields from the note column it
    names (ShuffleNet V2 0.5×: the output channels from the 0.5× column); None for a row
    whose type it reads from a blank (a layer that network does not have)."""
    for field_, header in variant.columns:
        if NOTE + header not in spec.columns:
            raise InputError(
                f"variant {variant.name!r} reads {field_} from column {header!r}, which is no"
                " note column of the table",
                'a column declared under [columns] as "note"',
                variant.loc,
            )
    fixed = {f"rows.{e.name}": {f for f, _ in e.cells} for e in spec.entries}
    rows: list[Row | None] = []
    for row in spec.rows:
        raw, locs = dict(row.raw), dict(row.locs)
        if row.declared.startswith("added.") or (row.added and not _printed_for(row, variant)):
            # no cell of the table (an [added] entry, or a row the spec form writes with
            # its `added` source and no cell of this reading): every reading's
            rows.append(
                row if not variant.symbols else _variant_retyped(spec, row, raw, locs, variant)
            )
            continue
        for field_, header in variant.columns:
            if field_ in fixed.get(row.declared, ()):
                continue  # the front matter's cell, in every reading
            if field_ in ("type", "nametype") and NOTE + header not in row.raw:
                raw = {}  # a blank beside the network columns' layers: not in this one
                break
            raw.pop(field_, None)
            locs.pop(field_, None)
            if NOTE + header in row.raw:
                raw[field_], locs[field_] = row.raw[NOTE + header], row.locs[NOTE + header]
        rows.append(_variant_retyped(spec, row, raw, locs, variant) if raw else None)
    return tuple(rows)


def _printed_for(row: Row, variant: Variant) -> bool:
    """Whether the row has a cell under a column the variant reads its type from."""
    return any(
        NOTE + header in row.raw for f, header in variant.columns if f in ("type", "nametype")
    )


def _variant_retyped(spec: Spec, row: Row, raw: dict, locs: dict, variant: Variant) -> Row:
    """`row` read again from the cells a variant gives it; its errors name the variant."""
    try:
        return _retyped(row, raw, locs, spec.kinds, symbols_of(spec, variant))
    except InputError as exc:
        exc.message = f"variant {variant.name!r}: {exc.message}"
        raise


def _retyped(row: Row, raw: dict, locs: dict, kinds: dict[str, Kind], symbols=None) -> Row:
    """`row`, where it is and what it is called, read from these cells."""
    values = read_cells(raw, locs, kinds, symbols)
    values.pop("name", None)
    return typed_row(
        values,
        kinds,
        index=row.index,
        name=row.name,
        named=row.named,
        loc=row.loc,
        raw=raw,
        locs=locs,
    )


def width_rows(spec: Spec, places: Places) -> list[InputError]:
    """A row named in width_not_reduced (the spec's or a variant's) that the table lacks."""
    names = {r.name for r in spec.rows}
    settings = [(spec.conventions, places.at("conventions", "width_not_reduced"))]
    settings += [
        (v.conventions, v.loc)
        for v in spec.variants
        if v.conventions and v.conventions.width_not_reduced != spec.conventions.width_not_reduced
    ]
    return [
        InputError(
            f"width_not_reduced names no row {name!r}{nearest(name, names)}",
            "the name of a convolution row, such as conv2",
            loc,
        )
        for c, loc in settings
        for name in c.width_not_reduced
        if name not in names
    ]


def check_variant_runs(spec: Spec, variant: str, aux: bool) -> None:
    """A variant of a training-only row changes nothing at inference: say so, not run it."""
    chosen = next((v for v in spec.variants if v.name == variant), None)
    if chosen and chosen.cells and not aux and spec.row(chosen.row).train_only:
        raise InputError(
            f"variant {variant!r} changes {chosen.row!r}, a training-only row left out",
            "--aux to include the training-only rows",
            chosen.loc,
        )


def with_overrides(
    spec: Spec,
    *,
    input_shape: Shape | None = None,
    bias: bool | None = None,
    pool_rounding: str | None = None,
    conv_padding: str | int | None = None,
) -> Spec:
    """The spec with settings given on the command line; the file itself is untouched.

    The command line wins over the file everywhere, its variants included: a variant with
    its own conventions or input size gets the same settings, so `--no-bias --variant X`
    counts no biases in X too."""
    changed: list[str] = list(spec.overrides)
    updates = {
        k: v
        for k, v in (
            ("bias", bias),
            ("pool_rounding", pool_rounding),
            ("conv_padding", conv_padding),
        )
        if v is not None
    }
    conv = replace(spec.conventions, **updates)
    changed += [k for k in updates if updates[k] != getattr(spec.conventions, k)]
    shape, given = spec.input_shape, list(spec.given)
    if input_shape is not None and shape is None:  # not a change: the spec gives none
        shape = input_shape
        given.append("input")
    elif input_shape is not None and input_shape != shape:
        shape = input_shape
        changed.append("input")
    variants = tuple(
        replace(
            v,
            conventions=v.conventions and replace(v.conventions, **updates),
            input_shape=None if input_shape is not None else v.input_shape,
        )
        for v in spec.variants
    )
    return replace(
        spec,
        input_shape=shape,
        conventions=conv,
        variants=variants,
        overrides=tuple(changed),
        given=tuple(given),
        tabled_input=spec.tabled_input or (spec.input_shape if shape != spec.input_shape else None),
    )
