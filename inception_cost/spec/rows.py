"""Each line of the table typed as a row and named: the rows stage.

A row is named by its name cell, or after its type (conv1, inception2, ...); under a
name column that says a blank continues the layer above (DenseNet's), inside that
layer (`Transition Layer (1)/pool`). An `input image` first row gives the input size.
"""

from __future__ import annotations

from dataclasses import replace

from inception_cost.cells import Symbols, is_empty, parse_shape, unmark
from inception_cost.columns import COLUMNS, NOTE
from inception_cost.errors import InputError, Location, nearest
from inception_cost.frontmatter import Places, read_symbols
from inception_cost.kinds import Kind
from inception_cost.spec import layout
from inception_cost.spec.declared import Declared, layers, merged
from inception_cost.spec.readers import read_cells, typed_row
from inception_cost.spec.records import ModuleCells, Row
from inception_cost.spec.repeats import MAX_LAYERS
from inception_cost.spec.types import is_type, prefix

#: The rows refused before the reading stops: every error is reported up to there.
MAX_ERRORS = 100


def symbols(table: object, places: Places) -> Symbols:
    """`[symbols]`: a letter the table prints for a number its text gives (MobileNetV2's
    last row has `k` output channels, the classes: `k = 1000`; RepVGG's widths 64a with
    a = 0.75). A count cell may use them in an expression (`16×k`, `min(64, 64a)`)."""
    return read_symbols(table, places.at("symbols"), places)


def read_rows(
    lines: list,
    fields: list[str | None],
    at: int,
    path: str,
    kinds: dict[str, Kind],
    continues: bool,
    symbols: Symbols,
    entries: dict[str, Declared],
) -> tuple[list[Row], list[InputError]]:
    """Each line (`layout.continued`'s) as a Row; a row that cannot be read is an error and
    the rest are still read, up to MAX_LAYERS layers. `continues`: a blank name cell
    names the row inside the layer above. A `[rows.NAME]` entry (`entries`) is read with
    its row's cells, before them."""
    reader = _Reader(fields, path, kinds, symbols, entries)
    rows: list[Row] = []
    errors: list[InputError] = []
    inside: dict[str, int] = {}  # BASE/PREFIX -> the last N a continued row took
    unrolled = 0
    firsts: dict[tuple[int, int], int] = {}  # (line, copy) -> its first row
    for line, cells, copy, continued, closes in lines:
        firsts.setdefault((line, copy), len(rows))
        try:
            read = reader.line(
                len(rows), line, cells, copy, closes and _box_input(rows, firsts, closes)
            )
            if continued and read[-1].type not in kinds:
                raise InputError(
                    "row has no type",
                    "a layer type such as convolution (a blank type continues only a"
                    " module row above)",
                    Location(path, line, cells[at][1]),
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
        for row in read:
            if continues and rows and not row.named:
                row = _continued(row, rows[-1], reader.names, kinds, inside)
            reader.names[row.name] = row
            rows.append(row)
            unrolled += _layers(row)
        if unrolled > MAX_LAYERS:
            errors.append(
                InputError(
                    f"the table unrolls to more than {MAX_LAYERS:,} layers by this row",
                    f"a network of at most {MAX_LAYERS:,} layers (rows, and convolutions of"
                    " repeated building blocks)",
                    rows[-1].loc,
                )
            )
            break
    else:  # every row read: an entry no row took names none
        errors += [
            InputError(
                f"[rows.{name}] names no row{nearest(name, reader.names)}",
                "a row name such as conv1 (the name the outputs show)",
                entry.loc,
            )
            for name, entry in entries.items()
            if name not in reader.used
        ]
    return rows, errors


def added_rows(rows: list[Row], entries: dict[str, Declared], reader_args: tuple) -> list[Row]:
    """The rows with each `[added.NAME]` entry's rows where it says (after or before a
    row): a row the table leaves out, read from the entry's cells and shown as added."""
    reader = _Reader(*reader_args, {})
    reader.names.update({r.name: r for r in rows})
    out = list(rows)
    for name, entry in entries.items():
        anchor = entry.after or entry.before
        at = next((i for i, r in enumerate(out) if r.name == anchor), None)
        if at is None:
            raise InputError(
                f"[added.{name}] goes {'after' if entry.after else 'before'} {anchor!r},"
                f" which is no row{nearest(anchor, [r.name for r in out])}",
                "the name of a row of the table",
                entry.loc,
            )
        if name in reader.names:
            raise InputError(
                f"[added.{name}] is named as a row of the table",
                "a name of its own for the added row",
                entry.loc,
            )
        raw, locs = merged({}, {}, entry)
        made = reader.layers(0, entry.loc, raw, locs, 0, name)
        made = [
            replace(r, declared=f"added.{name}", printed=None, added=r.added or entry.source)
            for r in made
        ]
        for r in made:
            reader.names[r.name] = r
        at += 1 if entry.after else 0
        out[at:at] = made
    return [replace(r, index=i) for i, r in enumerate(out)]


class _Reader:
    """Reads table lines as rows, naming each (a name cell, else its type's prefix and a
    count), with the `[rows.NAME]` entries read before the printed cells."""

    def __init__(self, fields, path, kinds, symbols, entries):
        self.fields, self.path, self.kinds, self.symbols = fields, path, kinds, symbols
        self.entries = entries
        self.names: dict[str, Row] = {}
        self.counters: dict[str, int] = {}
        self.used: set[str] = set()

    def line(self, index: int, line: int, cells: list, copy: int, adds=None) -> list[Row]:
        raw: dict[str, str] = {}
        locs: dict[str, Location] = {}
        for f, (text, col) in zip(self.fields, cells, strict=True):
            if f is None or is_empty(text):
                continue
            raw[f] = text
            locs[f] = Location(self.path, line, col)
        loc = Location(self.path, line, cells[0][1] if cells else 1)
        key = _printed_name(raw, copy)
        if adds:  # a Residual row closing its box: the box's input added to the row above
            return [
                replace(
                    self._one(index, loc, {**raw, "type": "residual add"}, locs, copy),
                    raw=raw,
                    adds=adds,
                )
            ]
        if key in self.entries:
            return self._declared(index, loc, raw, locs, copy, self.entries[key], None)
        row = self._one(index, loc, raw, locs, copy)
        if row.name in self.entries and not row.named:  # an entry for a generated name
            return self._declared(index, loc, raw, locs, copy, self.entries[row.name], row.name)
        return [row]

    def _declared(self, index, loc, raw, locs, copy, entry: Declared, name) -> list[Row]:
        """A printed row read with a `[rows.NAME]` entry's cells in place of its own."""
        self.used.add(entry.name)
        cells, where = merged(raw, locs, entry)
        printed = tuple(raw.items())
        made = self.layers(index, loc, cells, where, copy, name)
        source = f"rows.{entry.name}"
        return [
            replace(r, declared=source, printed=printed if r is made[-1] else None) for r in made
        ]

    def layers(self, index, loc, raw, locs, copy, name=None) -> list[Row]:
        """The rows of one line's cells: a row per layer its type cell names (`N× [a; b]`,
        `a, b`), the row's other cells with the last, which keeps `name`."""
        typed = "type" if "type" in raw else "nametype"
        parts = layers(raw.get(typed, ""))
        parts = [p for part in parts for p in _each(part, self.kinds, self.symbols)]
        if len(parts) <= 1:
            return [self._one(index, loc, raw, locs, copy, name)]
        out = []
        for part in parts[:-1]:
            out.append(self._one(index + len(out), loc, {"type": part}, {"type": locs[typed]}))
            self.names[out[-1].name] = out[-1]
        last = {**raw, typed: parts[-1]}
        out.append(self._one(index + len(out), loc, last, locs, copy, name))
        return out

    def _one(self, index, loc, raw, locs, copy=0, name=None) -> Row:
        return _row(
            index, loc, raw, locs, self.names, self.counters, self.kinds, copy, self.symbols, name
        )


def _box_input(rows: list[Row], firsts: dict, opens: tuple[int, int]) -> str:
    """The input of the box a Residual row closes: the row before the box's first row."""
    start = firsts[opens]
    return rows[start - 1].name if start > 0 else "input"


def _each(text: str, kinds, symbols) -> list[str]:
    """A type cell's layers one after another (`1000-d fc, softmax`), as the table reads
    them; a spelling with a comma (`MBConv6, k5x5`) stays whole."""
    cells = layout.each_layer([(text, 1)], 0, lambda t: is_type(t, kinds, False, symbols))
    return [c[0][0] for c in cells]


def _printed_name(raw: dict[str, str], copy: int) -> str:
    """The name a row's printed cells give it, before they are read: its name cell (or a
    layer name/type cell), numbered as a repeated row's copies are."""
    name = raw.get("name") or raw.get("nametype") or ""
    name = unmark(name)
    return f"{name}_{copy}" if name and copy else name


def _layers(row: Row) -> int:
    """The layers a row unrolls to: a module's building block times its repeat, or its
    repeat; a layer row is one."""
    cells = row.cells
    if not isinstance(cells, ModuleCells):
        return 1
    return len(cells.block.layers) * cells.block.repeat if cells.block else cells.repeat or 1


def _row(
    index: int,
    loc: Location,
    raw: dict[str, str],
    locs: dict[str, Location],
    names: dict[str, Row],
    counters: dict[str, int],
    kinds: dict[str, Kind],
    copy: int = 0,
    symbols: Symbols | None = None,
    forced: str | None = None,
) -> Row:
    if "type" not in raw and "nametype" not in raw:
        raise InputError("row has no type", "a layer type such as convolution", loc)
    values = read_cells(raw, locs, kinds, symbols)
    name = values.pop("name", None)
    named = name is not None
    if name is not None and copy:
        name = f"{name}_{copy}"
    if forced is not None:
        name = forced
    elif name is None:
        first = prefix(values["type"], kinds)
        counters[first] = counters.get(first, 0) + 1
        name = f"{first}{counters[first]}"
        while name in names:
            counters[first] += 1
            name = f"{first}{counters[first]}"
    elif name in names:
        where = locs.get("name", locs.get("type", loc))
        raise InputError(f"row name {name!r} is used twice", "a unique name per row", where)
    for key, source in (("input", values.get("input")), ("type", values.get("adds"))):
        if source is not None and source != "input" and source not in names:
            raise InputError(
                f"{'input' if key == 'input' else 'the row it adds'} {source!r} names no"
                " earlier row",
                "the name of a row above this one, or 'input'",
                locs.get(key, loc),
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


#: What an input image row may print: its size (and channels), its name and type.
_IMAGE_CELLS = frozenset({"type", "nametype", "name", "output", "in_size", "filters"})


def _image_input(meta: dict, image: Row) -> dict:
    for f in image.raw:
        if f.startswith(NOTE) or f in _IMAGE_CELLS or (f == "depth" and image.depth == 0):
            continue
        raise InputError(
            f"the input image row builds nothing, so its {COLUMNS[f][0]!r} cell"
            f" {image.raw[f]!r} has no layer to be held against",
            "that cell blank (or a depth of 0) on the input image row",
            image.at(f),
        )
    if image.output is None:
        raise InputError(
            "the input image row has no size", "its size in the output size column", image.loc
        )
    written = meta.get("input")
    declared = parse_shape(written) if written and isinstance(written, str) else None
    shape = image.output
    if len(shape) == 2 and image.cells.filters is not None:  # the channels in their own column
        shape = (*shape, image.cells.filters)
    elif len(shape) == 2 and declared:  # `224×224 | image`: the declared input's channels
        shape = (*shape, declared[-1])
    elif len(shape) == 2:
        raise InputError(
            "the input image row gives no channels",
            "HxWxC, the channels in the output channels column, or the front matter's"
            ' input = "HxWxC"',
            image.at("output"),
        )
    size = "x".join(map(str, shape))
    if declared and declared != shape:
        raise InputError(
            f"the input image row is {size}, the front matter's input {written}",
            "one input size",
            image.at("output"),
        )
    return {**meta, "input": size}
