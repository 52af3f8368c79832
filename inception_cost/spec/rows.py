"""Each line of the table typed as a row and named: the rows stage.

A row is named by its name cell, or after its type (conv1, inception2, ...); under a
name column that says a blank continues the layer above (DenseNet's), inside that
layer (`Transition Layer (1)/pool`). An `input image` first row gives the input size.
"""

from __future__ import annotations

import re
from dataclasses import replace

from inception_cost.cells import MAX_DIGITS, is_empty, parse_shape
from inception_cost.errors import InputError, Location
from inception_cost.frontmatter import Places
from inception_cost.kinds import Kind
from inception_cost.spec.layout import MAX_LAYERS
from inception_cost.spec.readers import read_cells, typed_row
from inception_cost.spec.records import ModuleCells, Row
from inception_cost.spec.types import prefix

#: The rows refused before the reading stops: every error is reported up to there.
MAX_ERRORS = 100
#: A symbol's name: a letter (of any script: the paper's α), then letters, digits 0-9 or _.
SYMBOL = re.compile(r"[^\W\d_](?:[^\W\d_]|[0-9_])*")


def symbols(table: object, places: Places) -> dict[str, str]:
    """`[symbols]`: a letter the table prints for a number its text gives (MobileNetV2's
    last row has `k` output channels, the classes: `k = 1000`). A cell that is exactly the
    symbol reads as the number."""
    loc = places.at("symbols")
    if not isinstance(table, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 < v < 10**MAX_DIGITS
        for v in table.values()
    ):
        raise InputError(
            "[symbols] is not a table of positive numbers",
            f"k = 1000: numbers of at most {MAX_DIGITS} digits",
            loc,
        )
    for name in table:
        if not SYMBOL.fullmatch(name):  # "4" = 7 would read every printed 4 as 7
            raise InputError(
                f"symbol {name!r} is not a name",
                "a name as the paper prints it: a letter, then letters, digits 0-9 or _",
                places.at("symbols", name),
            )
    return {k: str(v) for k, v in table.items()}


def read_rows(
    lines: list,
    fields: list[str | None],
    at: int,
    path: str,
    kinds: dict[str, Kind],
    notes: dict[str, str],
    continues: bool,
) -> tuple[list[Row], list[InputError]]:
    """Each line (`layout.continued`'s) as a Row; a row that cannot be read is an error and
    the rest are still read, up to MAX_LAYERS layers. `continues`: a blank name cell
    names the row inside the layer above."""
    rows: list[Row] = []
    errors: list[InputError] = []
    names: dict[str, Row] = {}
    counters: dict[str, int] = {}
    inside: dict[str, int] = {}  # BASE/PREFIX -> the last N a continued row took
    unrolled = 0
    for line, cells, copy, continued in lines:
        try:
            row = _row(len(rows), line, cells, fields, path, names, counters, kinds, copy)
            if continued and row.type not in kinds:
                raise InputError(
                    "row has no type",
                    "a layer type such as convolution (a blank type continues only a"
                    " module row above)",
                    Location(path, line, cells[at][1]),
                )
            for f, mark in row.footnotes:
                if mark not in notes:
                    raise InputError(
                        f"footnote {mark!r} is not explained",
                        f'a [footnotes] entry such as "{mark}" = "what the paper\'s note says"',
                        row.at(f),
                    )
        except InputError as exc:
            errors.append(exc)  # the rest of the table is still read: one run, every error
            if len(errors) == MAX_ERRORS:  # each costs a "did you mean" over every type
                errors.append(
                    InputError(
                        f"the reading stopped at this row after {MAX_ERRORS} errors",
                        "fewer errors per run",
                        Location(path, line, 1),
                    )
                )
                break
            continue
        if continues and rows and not row.named:
            row = _continued(row, rows[-1], names, kinds, inside)
        names[row.name] = row
        rows.append(row)
        unrolled += _layers(row)
        if unrolled > MAX_LAYERS:
            errors.append(
                InputError(
                    f"the table unrolls to more than {MAX_LAYERS:,} layers by this row",
                    f"a network of at most {MAX_LAYERS:,} layers (rows, and convolutions of"
                    " repeated building blocks)",
                    row.loc,
                )
            )
            break
    return rows, errors


def _layers(row: Row) -> int:
    """The layers a row unrolls to: a module's building block times its repeat, or its
    repeat; a layer row is one."""
    cells = row.cells
    if not isinstance(cells, ModuleCells):
        return 1
    return len(cells.block.layers) * cells.block.repeat if cells.block else cells.repeat or 1


def _row(
    index: int,
    line: int,
    cells: list[tuple[str, int]],
    fields: list[str | None],
    path: str,
    names: dict[str, Row],
    counters: dict[str, int],
    kinds: dict[str, Kind],
    copy: int = 0,
) -> Row:
    raw: dict[str, str] = {}
    locs: dict[str, Location] = {}
    for f, (text, col) in zip(fields, cells, strict=True):
        if f is None or is_empty(text):
            continue
        raw[f] = text
        locs[f] = Location(path, line, col)
    loc = Location(path, line, cells[0][1] if cells else 1)
    if "type" not in raw and "nametype" not in raw:
        raise InputError("row has no type", "a layer type such as convolution", loc)
    values = read_cells(raw, locs, kinds)
    name = values.pop("name", None)
    named = name is not None
    if name is not None and copy:
        name = f"{name}_{copy}"
    if name is None:
        first = prefix(values["type"], kinds)
        counters[first] = counters.get(first, 0) + 1
        name = f"{first}{counters[first]}"
        while name in names:
            counters[first] += 1
            name = f"{first}{counters[first]}"
    elif name in names:
        where = locs.get("name", locs["type"])
        raise InputError(f"row name {name!r} is used twice", "a unique name per row", where)
    source = values.get("input")
    if source is not None and source != "input" and source not in names:
        raise InputError(
            f"input {source!r} names no earlier row",
            "the name of a row above this one, or 'input'",
            locs["input"],
        )
    return typed_row(
        values, kinds, index=index, name=name, named=named, loc=loc, raw=raw, locs=locs
    )


def _continued(
    row: Row, above: Row, names: dict[str, Row], kinds: dict[str, Kind], inside: dict[str, int]
) -> Row:
    """A row whose name cell is blank, where the name column says a blank continues the
    layer above (DenseNet's transition pool, its classifier), is named inside it:
    `Transition Layer (1)/pool`. `inside` keeps the last number each BASE/PREFIX took, so
    a run of such rows is named in one pass (not each from 1 again)."""
    base = above.name.rsplit("/", 1)[0] if above.raw.get("name") is None else above.name
    kind = kinds.get(names[base].type) if base in names else None
    taken = {f"{base}/{layer.name}" for layer in kind.layers()} if kind else set()
    first = prefix(row.type, kinds)
    stem = f"{base}/{first}"
    n = inside.get(stem, 0) + 1
    name = stem if n == 1 else f"{stem}{n}"
    while name in names or name in taken:  # nor one of the base row's own op names
        n += 1
        name = f"{stem}{n}"
    inside[stem] = n
    return replace(row, name=name)


def image_input(meta: dict, rows: list[Row]) -> tuple[dict, list[Row]]:
    """An `input image` first row gives the input size (and must agree with the front
    matter's); the rows after it are the network's."""
    if rows[0].type == "input image":
        image, rows = rows[0], [replace(r, index=r.index - 1) for r in rows[1:]]
        meta = _image_input(meta, image)
    for r in rows:
        if r.type == "input image":
            raise InputError(
                "an input image row below the first row",
                "the input image as the table's first row",
                r.loc,
            )
    return meta, rows


def _image_input(meta: dict, image: Row) -> dict:
    if image.output is None:
        raise InputError(
            "the input image row has no size", "its size in the output size column", image.loc
        )
    written = meta.get("input")
    shape = image.output
    if len(shape) == 2:  # the channels in their own column
        if image.cells.filters is None:
            raise InputError(
                "the input image row gives no channels",
                "HxWxC, or the channels in the output channels column",
                image.at("output"),
            )
        shape = (*shape, image.cells.filters)
    size = "x".join(map(str, shape))
    if written and isinstance(written, str) and parse_shape(written) != shape:
        raise InputError(
            f"the input image row is {size}, the front matter's input {written}",
            "one input size",
            image.at("output"),
        )
    return {**meta, "input": size}
