"""The layer-table reader: spec text -> `Spec`, a typed row per table row.

A spec is a Markdown file (TOML front matter between `+++` lines, then one pipe table
in the paper's own columns) or a CSV file with the same headers. Every row and cell
keeps its file:line:col so that later errors and audit verdicts can point at it.
The format is documented in docs/spec-format.md.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from dataclasses import fields as record_fields
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType

from inception_cost import frontmatter
from inception_cost.cells import (
    Patch,
    Quantity,
    Shape,
    is_empty,
    parse_count,
    parse_filter_shape,
    parse_patch,
    parse_percent,
    parse_quantity,
    parse_shape,
    split_footnote,
    unmark,
)
from inception_cost.columns import (
    BRANCH_FIELDS,
    COLUMNS,
    HEADERS,
    NOTE,
    PAPER_FIELDS,
    norm,
)
from inception_cost.columns import continues as column_continues
from inception_cost.columns import declare as declare_columns
from inception_cost.columns import spans as column_spans
from inception_cost.conventions import Conventions, parse_padding  # noqa: F401 (importers)
from inception_cost.errors import InputError, Location, gather, nearest
from inception_cost.frontmatter import (
    CLAIM_QUANTITIES,
    FrontMatter,
    PaperClaim,
    Places,
    Variant,
    parse_activation,
    read_csv_meta,
    read_footnotes,
    read_toml,
)
from inception_cost.kinds import Kind, builtin, check_row, declare
from inception_cost.table import (  # noqa: F401 (public names importers use)
    CSV_META,
    MAX_SPEC_BYTES,
    STDIN,
    check_chars,
    csv_table,
    read_text,
    split_lines,
    split_markdown,
)

MODELS_DIR = Path(__file__).parent / "models"

REQUIRED_FIELDS = ("type",)
# Canonical row type -> accepted spellings (compared after `_norm`), and the prefix
# that names an unnamed row of that type (conv1, pool1, norm1, ...).
ROW_TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "convolution": (("convolution", "conv", "convolutional"), "conv"),
    "separable convolution": (
        ("separable convolution", "separable conv", "depthwise separable convolution"),
        "conv",
    ),
    "max pool": (("max pool", "maxpool", "max pooling"), "pool"),
    "avg pool": (("avg pool", "average pool", "avgpool", "average pooling", "avg pooling"), "pool"),
    "local response norm": (
        ("local response norm", "local response normalization", "lrn", "norm"),
        "norm",
    ),
    "dropout": (("dropout",), "dropout"),
    "linear": (("linear", "fc", "fully connected", "dense"), "fc"),
    "softmax": (("softmax",), "softmax"),
    "subsampling": (("subsampling", "trainable subsampling"), "subsampling"),
    "rbf": (("rbf", "euclidean rbf", "rbf output", "radial basis function"), "rbf"),
    "batch norm": (("batch norm", "batchnorm", "batch normalization", "bn"), "bn"),
    "flatten": (("flatten",), "flatten"),
    "input image": (("input image", "image", "input"), "input"),
    "global avg pool": (
        ("global avg pool", "global average pool", "global average pooling", "gap", "global pool"),
        "pool",
    ),
}
# Module kinds (inception, residual, fire, ...) are declarations: vocabulary/kinds.toml.
# VGG's Table 1 writes a layer as one token: conv3-64 (3x3, 64 filters), FC-4096.
#: A repeat (a building block's x N, ResNet-1202's is 200; a module's n; a row's or a
#: group's N×) and the layers a table may unroll to: beyond them a network takes minutes
#: and gigabytes to build, so it is refused at once.
MAX_REPEAT = 1_000
MAX_LAYERS = 10_000
# Numbers are ASCII digits only ([0-9], not \d): see cells.MAX_DIGITS.
_CONV_TOKEN = re.compile(r"conv\s*([0-9]+)\s*-\s*([0-9]+)", re.I)
_FC_TOKEN = re.compile(r"fc\s*-\s*([0-9]+)", re.I)
# A layer as a sentence (ResNet's and DenseNet's Table 1): `7 × 7 conv, stride 2`,
# `3 × 3 max pool, stride 2`, `7 × 7 global average pool`, `1000D fully-connected`.
_PHRASE = re.compile(
    r"([0-9]+)\s*[x×]\s*([0-9]+)\s+(?![0-9])(.+?)(?:\s*,\s*stride\s*([0-9]+))?", re.I
)
_TIMES = re.compile(r"(.*?\S)\s*[x×]\s*([0-9]+)")  # a kind's layers, then x N: its repeat
_UNITS = re.compile(r"([0-9][0-9,]*)\s*-?\s*D\s+(.+)")  # 1000D fully-connected: its outputs
_BLOCK_LAYER = re.compile(
    r"([0-9]+)\s*[x×]\s*([0-9]+)\s*,\s*([0-9][0-9,]*?)(?:\s*,\s*C\s*=\s*([0-9]+))?"
)
_BLOCK = re.compile(r"\[(.*)\]\s*[x×*]\s*([0-9]+)")
_STRIDE_ONLY = re.compile(r"(?:stride|s|/)\s*([0-9]+)", re.I)  # a module's patch cell: stride 2


_norm = norm
_TYPE_ALIASES = {_norm(a): t for t, (aliases, _) in ROW_TYPES.items() for a in aliases}


def type_names(kinds: dict[str, Kind]) -> Mapping[str, str]:
    """Normalised spelling -> row type: the primitive layers', then each kind's (a spec's
    own kinds come last, so their spellings win). Read-only: it is built once per set of
    kinds, since every type cell is looked up in it (a variant's rows too)."""
    return _type_index(tuple((kind.name, kind.spellings) for kind in kinds.values()))


@lru_cache(maxsize=32)  # a few sets of kinds per process: the built-in ones, a spec's own
def _type_index(spellings: tuple[tuple[str, tuple[str, ...]], ...]) -> Mapping[str, str]:
    names = dict(_TYPE_ALIASES)
    for name, written in spellings:
        names.update({_norm(s): name for s in written if "{" not in s})
    return MappingProxyType(names)


_OUTPUT_ONLY = ("computed", "verdict")  # columns our own outputs add; ignored on read


@dataclass(frozen=True, slots=True)
class ResidualBlock:
    """A bracketed building block of ResNet's Table 1: [3x3, 64; 3x3, 64] x 2."""

    layers: tuple[tuple[int, int, int], ...]  # (kh, kw, filters) of each conv, in order
    repeat: int
    groups: tuple[int, ...] = ()  # each conv's groups: ResNeXt's `3x3, 128, C=32` (else 1)


@dataclass(frozen=True, slots=True)
class Row:
    """One table row, typed. `raw` and `locs` keep each cell's text and position."""

    index: int
    name: str
    type: str
    loc: Location
    raw: dict[str, str]
    locs: dict[str, Location]
    patch: Patch | None = None
    output: Shape | tuple[int, int] | None = None  # (h, w) where the table prints no channels
    depth: int | None = None
    # a module's counts by column field (#1x1, ..., s1x1, t); 0 is kept as written
    widths: dict[str, int] = field(default_factory=dict)
    pool_modes: dict[str, str] = field(default_factory=dict)  # `avg + 32`: column -> avg
    repeat: int | None = None
    stride: int | None = None  # a stride column, `stride 2` or `Conv dw / s2`
    params: Quantity | None = None
    ops: Quantity | None = None
    input: str | None = None
    train_only: bool = False
    activation: str | None = None
    added: str = ""
    rate: tuple[int, int] | None = None
    multiplier: int | None = None
    filters: int | None = None  # from a type token such as conv3-64 or FC-4096
    groups: int | None = None
    padding: str | int | None = None
    block: ResidualBlock | None = None
    table: str | None = None  # a connection table of the front matter (LeNet's Table I)
    named: bool = False  # the name was written in the spec, not generated
    in_channels: int | None = None  # a filter shape's input channels, checked when built
    # a printed input size (HxWxC, or HxW: EfficientNet's resolution): a claim, audited as
    # the output is, and a row's stride where its kind reads strides from sizes
    in_size: Shape | tuple[int, int] | None = None
    window: tuple[int, int] | None = None  # a global pool's printed window (7 × 7 global ...)
    footnotes: tuple[tuple[str, str], ...] = ()  # (column field, mark) as printed

    def at(self, column: str) -> Location:
        """The location of a cell, or of the row when the cell is absent."""
        return self.locs.get(column, self.loc)


@dataclass(frozen=True, slots=True)
class Spec(FrontMatter):
    """The front matter's settings, claims and variants, and the table's rows."""

    path: str
    rows: tuple[Row, ...]
    columns: tuple[str, ...]  # the column fields the table has, in its order
    overrides: tuple[str, ...] = field(default=())  # settings changed from the file's
    kinds: dict[str, Kind] = field(default_factory=builtin)  # built-in and the spec's own
    footnotes: dict[str, str] = field(default_factory=dict)  # mark -> what the paper says
    # the input size the printed sizes describe, where --input (or a sweep) set another
    tabled_input: Shape | None = None

    def header(self, field: str) -> str:
        """The header a column field prints under (a note column's as the spec wrote it)."""
        return field.removeprefix(NOTE) if field.startswith(NOTE) else COLUMNS[field][0]

    def row(self, name: str) -> Row:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)


# --------------------------------------------------------------------------- reading


def load(path: str | Path, label: str | None = None) -> Spec:
    """Read a spec file (.csv by suffix, Markdown otherwise); `label` names it in messages.

    Standard input (`-`) is Markdown when its first line is `+++` or has a `|`, else CSV."""
    text = read_text(path)
    if str(path) == STDIN:
        first = next((line.strip() for line in split_lines(text) if line.strip()), "")
        name = label or "<stdin>"
        if first == "+++" or "|" in first:
            return parse_markdown(text, name)
        return parse_csv(text, name)
    name = label or str(path)
    if str(path).lower().endswith(".csv"):
        return parse_csv(text, name)
    return parse_markdown(text, name)


def model_names() -> list[str]:
    """The bundled specs, numbers in names in numeric order (resnet18 before resnet101)."""
    return list(_bundled())


@cache  # package data, fixed while the tool runs; every load and audit asks for it
def _bundled() -> tuple[str, ...]:
    return tuple(
        sorted(
            (p.stem for p in MODELS_DIR.glob("*.md")),
            key=lambda n: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", n)],
        )
    )


def model_path(name: str) -> Path:
    """A bundled spec's file; only the bundled names, never a path (`../models/x`)."""
    path = MODELS_DIR / f"{name}.md"
    if name not in model_names():
        raise InputError(
            f"unknown model {name!r}{nearest(name, model_names())}",
            "one of " + ", ".join(model_names()),
        )
    return path


def load_model(name: str) -> Spec:
    """A bundled spec by name (`googlenet`), located as inception_cost/models/NAME.md."""
    return load(model_path(name), f"inception_cost/models/{name}.md")


def parse_markdown(text: str, path: str = "<spec>") -> Spec:
    """Front matter (optional) then the first pipe table; other prose is ignored."""
    md = split_markdown(text, path)
    meta = read_toml(md.front, path, md.front_line) if md.front else {}
    places = Places(md.front, md.front_line, path, md.opening)
    return _build(meta, md.table, path, md.opening, places)


def parse_csv(text: str, path: str = "<spec>") -> Spec:
    """A CSV table with the same headers. Metadata comes from a first line `# spec: {...}`
    holding the front matter as JSON (as `table --format csv` writes it), or overrides."""
    loc = Location(path, 1, 1)
    first = split_lines(text)[0]
    meta = read_csv_meta(first, path) if first.startswith(CSV_META) else {}
    return _build(meta, csv_table(text, path), path, loc, Places([], 1, path, loc))


# --------------------------------------------------------------------------- building


def _build(
    meta: dict, table: list[tuple[int, list]], path: str, meta_loc: Location, places: Places
) -> Spec:
    header_line, header = table[0]
    aliases = {**HEADERS, **declare_columns(meta.get("columns", {}), places)}
    fields: list[str | None] = []
    unread: list[InputError] = []  # every header refused, in one run
    for text, col in header:
        check_chars(text, Location(path, header_line, col))
        key = _norm(text)
        if key.startswith(_OUTPUT_ONLY):
            fields.append(None)
            continue
        if key not in aliases and (bare := _norm(re.sub(r"\(.*?\)", "", text))) in aliases:
            key = bare  # a header's own gloss: s1x1 (#1x1 squeeze)
        if key not in aliases:
            near = difflib.get_close_matches(key, aliases, n=1)
            hint = ""
            if near:  # a note column's field is NOTE + its header
                f = aliases[near[0]]
                hint = (
                    f" (did you mean {f[len(NOTE) :] if f.startswith(NOTE) else COLUMNS[f][0]!r}?)"
                )
            unread.append(
                InputError(
                    f"unknown column {text!r}{hint}",
                    "one of "
                    + ", ".join(a[0] for a in COLUMNS.values())
                    + ", or a [columns] entry naming it (docs/spec-format.md)",
                    Location(path, header_line, col),
                )
            )
            fields.append(None)
            continue
        f = aliases[key]
        if f in fields:
            unread.append(
                InputError(
                    f"column {text!r} appears twice",
                    "each column once",
                    Location(path, header_line, col),
                )
            )
        fields.append(f)
    gather(unread)
    for required in REQUIRED_FIELDS:
        if required not in fields and "nametype" not in fields:
            raise InputError(
                f"the header has no {COLUMNS[required][0]!r} column",
                "the paper's columns: " + ", ".join(COLUMNS[f][0] for f in PAPER_FIELDS),
                Location(path, header_line, 1),
            )
    if len(table) == 1:
        raise InputError(
            "the table has no rows", "one row per layer", Location(path, header_line, 1)
        )

    errors: list[InputError] = []
    table = _spanned(table, header, meta.get("columns", {}), places)
    kinds = _kinds(meta.get("kinds", {}), places)
    notes = read_footnotes(meta.get("footnotes", {}), places.at("footnotes"))
    rows: list[Row] = []
    names: dict[str, Row] = {}
    counters: dict[str, int] = {}
    lines = []
    unrolled = 0
    for line, cells in table[1:]:
        if len(cells) != len(fields):
            errors.append(
                InputError(
                    f"row has {len(cells)} cells, the header has {len(fields)}",
                    f"{len(fields)} cells separated by |",
                    Location(path, line, 1),
                )
            )
        else:
            lines.append((line, cells))
    typed = "type" if "type" in fields else "nametype"
    try:
        written = repeated(lines, fields.index(typed), path, errors)
    except InputError as exc:
        errors.append(exc)
        written = []
    claim_rows = _claim_rows(meta.get("claim_rows", {}), places)
    printed = [(ln, cs) for ln, cs, _ in written if _norm(cs[fields.index(typed)][0]) in claim_rows]
    written = [w for w in written if _norm(w[1][fields.index(typed)][0]) not in claim_rows]
    found = {_norm(cs[fields.index(typed)][0]) for _, cs in printed}
    for key, (name, _, _, where) in claim_rows.items():
        if key not in found:
            errors.append(
                InputError(
                    f"claim row {name!r} names no row of the table",
                    "a row whose type cell is that name, as the paper prints it",
                    where,
                )
            )
    symbols = _symbols(meta.get("symbols", {}), places)
    at = fields.index(typed)
    nametype = typed == "nametype"
    written = [
        (ln, each, copy)
        for ln, cells, copy in written
        for each in _each_layer(cells, at, lambda t: _is_type(t, kinds, nametype))
    ]
    above, continued = "", 0
    continues = any(aliases.get(_norm(h)) == "name" for h in column_continues(meta.get("columns")))
    for line, cells, copy in written:
        cells = [(symbols.get(text.strip(), text), col) for text, col in cells]
        if is_empty(cells[at][0]) and above and any(not is_empty(t) for t, _ in cells):
            continued += 1  # a module printed over several lines: ShuffleNet V2's stages
            cells, copy = _with(cells, at, above), continued + 1
        else:
            above, continued = cells[at][0], 0
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
            continue
        if continues and rows and not row.named:
            row = _continued(row, rows[-1], names, kinds)
        names[row.name] = row
        rows.append(row)
        unrolled += len(row.block.layers) * row.block.repeat if row.block else row.repeat or 1
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
    gather(errors)

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
    try:
        rows = _declared_rows(meta.get("rows", {}), rows, aliases, kinds, places)
    except InputError as exc:
        errors.append(exc)
    gather(errors)
    columns = tuple(f for f in fields if f)
    spec = _metadata(meta, path, places, tuple(rows), columns, kinds, notes)
    errors += _width_rows(spec, places)
    for v in spec.variants:
        try:  # fail now, not when the audit first asks
            if v.cells:
                variant_row(spec, v)
            if v.columns:
                variant_rows(spec, v)
        except InputError as exc:
            errors.append(exc)
    try:
        heads = {f: text.strip() for f, (text, _) in zip(fields, header, strict=True) if f}
        claims = _printed_claims(spec, claim_rows, printed, (fields, heads), typed)
        spec = replace(spec, claims=spec.claims + claims)
    except InputError as exc:
        errors.append(exc)
    gather(errors)
    return spec


def _width_rows(spec: Spec, places: Places) -> list[InputError]:
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


def _claim_rows(table: object, places: Places) -> dict[str, tuple[str, str, str, Location]]:
    """`[claim_rows."FLOPs"]`: a table row whose type cell is a claim's name, its cells
    the claim under each column's reading (ShuffleNet V2's FLOPs and # of weights rows).
    Normalised name -> (name, quantity, source, where it is declared)."""
    loc = places.at("claim_rows")
    if not isinstance(table, dict):
        raise InputError("[claim_rows] is not a table", '[claim_rows."FLOPs"]', loc)
    out = {}
    for name, entry in table.items():
        where = places.at("claim_rows", name)
        if not isinstance(entry, dict) or set(entry) - {"quantity", "source"}:
            raise InputError(
                f"claim row {name!r} is not a table of quantity and source",
                'quantity = "macs", source = "Table 5"',
                where,
            )
        quantity = entry.get("quantity")
        if quantity not in CLAIM_QUANTITIES:
            raise InputError(
                f"claim row {name!r}: quantity {quantity!r} is not allowed",
                "one of " + ", ".join(CLAIM_QUANTITIES),
                where,
            )
        out[_norm(name)] = (name, quantity, str(entry.get("source", "")), where)
    return out


def _printed_claims(spec: Spec, declared: dict, printed: list, columns: tuple, typed: str) -> tuple:
    """The claims a claim row prints, one per cell, each about the reading that reads its
    column: the table as tabled, or the variant that reads it (`columns`). `columns` is the
    header's fields and, by field, the header as printed."""
    fields, heads = columns
    taken = {c.id for c in spec.claims}
    readers = {}  # the columns a variant swaps: the field's own (as tabled), and theirs
    for v in spec.variants:
        readers.update({f: "as tabled" for f, _ in v.columns if f in spec.columns})
        readers.update({NOTE + header: v.name for _, header in v.columns})
    out = []
    for line, cells in printed:
        label, quantity, source, _ = declared[_norm(cells[fields.index(typed)][0])]
        for f, (text, col) in zip(fields, cells, strict=True):
            if f in (None, typed) or is_empty(text):
                continue
            where = Location(spec.path, line, col)
            if f not in readers:
                raise InputError(
                    f"claim row {label!r} has a cell under {heads[f]!r}, which no reading reads",
                    "claims under a column a variant swaps (columns = { field = header }) and"
                    " under the field's own column",
                    where,
                )
            printed_value, mark = split_footnote(unmark(text))
            try:
                if mark and mark not in spec.footnotes:
                    raise InputError(
                        f"footnote mark {mark!r} is not explained",
                        f'a [footnotes] entry such as "{mark}" = "what the paper\'s note says"',
                    )
                value = parse_quantity(printed_value, f"claim row {label!r}")
            except InputError as exc:
                exc.where = where
                raise
            reading = readers[f]
            slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
            cid = slug if reading == "as tabled" else f"{slug}-{reading}"
            if cid in taken:
                raise InputError(
                    f"claim row {label!r} gives claim {cid!r} twice, or a [[claims]] entry"
                    " has that id",
                    "one claim row of each name, each cell a claim of its own id",
                    where,
                )
            taken.add(cid)
            out.append(
                PaperClaim(
                    id=cid,
                    text=f"{label}: {text.strip()} (the {heads[f]} column)",
                    source=source,
                    quantity=quantity,
                    value=value,
                    relation="equal",
                    against="",
                    loc=where,
                    reading=reading,
                )
            )
    return tuple(out)


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
    values = _typed_cells(raw, locs, kinds)
    name = values.pop("name", None)
    kind = values["type"]
    if name is not None and copy:
        name = f"{name}_{copy}"
    if name is None:
        prefix = kinds[kind].prefix if kind in kinds else ROW_TYPES[kind][1]
        counters[prefix] = counters.get(prefix, 0) + 1
        name = f"{prefix}{counters[prefix]}"
        while name in names:
            counters[prefix] += 1
            name = f"{prefix}{counters[prefix]}"
    elif name in names:
        where = locs.get("name", locs["type"])
        raise InputError(f"row name {name!r} is used twice", "a unique name per row", where)
    else:
        values["named"] = True
    source = values.get("input")
    if source is not None and source != "input" and source not in names:
        raise InputError(
            f"input {source!r} names no earlier row",
            "the name of a row above this one, or 'input'",
            locs["input"],
        )
    row = Row(index=index, name=name, loc=loc, raw=raw, locs=locs, **values)
    _check_cells(row, kinds)
    return row


def _check_cells(row: Row, kinds: dict[str, Kind]) -> None:
    """Every cell is used or refused: a module row is held to its kind's columns, a layer
    row may not carry a module's counts."""
    if row.type in kinds:
        check_row(kinds[row.type], row, COLUMNS)
        cell = row.raw.get("type", row.raw.get("nametype"))
        for what, given in (("multiplier", row.multiplier), ("rate", row.rate)):
            if given is not None:  # (x48), (40%): a layer's, which no module reads
                raise InputError(
                    f"a {row.type} row takes no {what} {cell!r}",
                    "the module's type alone, with its name in parentheses if any",
                    row.at("type"),
                )
        return
    used = set(_LAYER_COLUMNS.get(row.type, ()))
    for f in row.raw:
        if f == "repeat" and row.repeat == 1:
            continue  # a layer row printed once (ShuffleNet V2's Repeat 1)
        if f in _MODULE_ONLY and f not in used:
            raise InputError(
                f"a {row.type} row does not read {COLUMNS[f][0]!r}",
                "that cell blank, or a module kind that reads it (docs/spec-format.md)",
                row.at(f),
            )
    patched = row.type in _PATCHED
    if row.stride is not None and row.stride > 1 and not (patched and row.patch):
        raise InputError(
            f"a {row.type} row has no place for stride {row.stride}",
            "stride 1, or a row type with a kernel to stride (convolution, pool)",
            row.at("stride"),
        )
    if row.patch is not None and not patched:
        where = "shape" if "shape" in row.raw else "patch"
        raise InputError(
            f"a {row.type} row has no kernel for {row.raw.get(where, str(row.patch))!r}",
            "that cell blank (a kernel is read by convolution, pool and subsampling rows)",
            row.at(where),
        )
    classifier = "shape" in row.raw and unmark(row.raw["shape"]).lower() == "classifier"
    if classifier and row.type != "softmax":
        raise InputError(
            f"a {row.type} row is no classifier",
            "a shape such as 3 × 3 × 3 × 32",
            row.at("shape"),
        )
    if row.multiplier is not None and row.type != "separable convolution":
        raise InputError(
            f"a {row.type} row takes no multiplier x{row.multiplier}",
            "a separable convolution (xN), or a repeat written before the type: 5x conv",
            row.at("type"),
        )


# The columns a layer row reads beyond the common ones; the rest belong to module kinds.
_LAYER_COLUMNS = {
    "convolution": ("n3x3_reduce", "n5x5_reduce", "n3x3", "n5x5"),
}
_MODULE_ONLY = (*BRANCH_FIELDS, "repeat")
_PATCHED = (
    "convolution",
    "separable convolution",
    "max pool",
    "avg pool",
    "subsampling",
)


def _typed_cells(raw: dict[str, str], locs: dict[str, Location], kinds: dict[str, Kind]) -> dict:
    """Parse each cell by its column's reader; errors carry the cell's location. A cell is
    read without the Markdown emphasis around it, and a footnote mark is kept apart."""
    out: dict = {"footnotes": ()}
    typed = ""
    for f, written in raw.items():
        if f.startswith(NOTE):
            continue  # an informational column: kept and echoed, never read
        check_chars(written, locs[f])
        text, mark = split_footnote(unmark(written))
        if mark:
            out["footnotes"] += ((f, mark),)
        try:
            if f in ("type", "nametype"):
                read = _parse_type(text, kinds, f == "nametype")
                for key, columns in _TYPE_GIVES.items():
                    if key in read and (given := sorted(columns & raw.keys())):
                        raise InputError(
                            f"the {COLUMNS[f][0]} cell and the {COLUMNS[given[0]][0]!r} column"
                            f" both give the {key}",
                            "one of the two",
                        )
                for key, value in read.items():
                    out.setdefault(key, value)
                typed = f
            elif f in BRANCH_FIELDS:
                _read_width(f, text, out)
            else:
                _READERS[f](text, out, locs)
        except InputError as exc:
            exc.where = locs[f]
            raise
    _read_captured(out, raw, locs, typed)
    if out.get("type") == "global avg pool" and (patch := out.pop("patch", None)):
        # the window as printed (ShuffleNet V2's GlobalPool 7×7): the whole map, held to
        # the map at the table's input size as a phrase's window is (7 × 7 global ...)
        out.setdefault("window", (patch.kh, patch.kw))
    if out.pop("adaptive", False):
        if out.get("type") not in ("avg pool", "global avg pool"):
            raise InputError(
                f"a {out.get('type')} row cannot be adaptive",
                "(adaptive to 1×1) on an average pool row",
                locs["patch"],
            )
        out["type"] = "global avg pool"  # its window is the whole map, at any input size
    return _fold_shape(out, raw, locs)


def _read_captured(out: dict, raw: dict[str, str], locs: dict, at: str) -> None:
    """The cells a kind's spelling template read from the type cell (`MBConv6, k5x5`:
    expansion 6, patch 5x5), each read as its own column's cell would be."""
    for f, text in out.pop("captured", {}).items():
        if f in raw:
            raise InputError(
                f"{COLUMNS[f][0]!r} is given twice: {text!r} in the type and in its own column",
                "one of the two",
                locs[f],
            )
        locs[f] = locs[at]
        try:
            if f in BRANCH_FIELDS:
                _read_width(f, text, out)
            else:
                _READERS[f](text, out, locs)
            if f == "patch" and "/" in text and "patch" in out:  # k5x5/2: a written stride
                stride = out["patch"].stride
                if out.setdefault("stride", stride) != stride:
                    raise InputError(
                        f"stride {out['stride']} and patch {out['patch']} disagree",
                        "one stride for the row",
                    )
        except InputError as exc:
            exc.where = locs[at]
            raise


# What a type cell may give that a column also gives: written once, in either place.
_TYPE_GIVES = {"patch": {"patch", "shape"}, "repeat": {"repeat"}, "filters": {"filters"}}


def _read_width(f: str, text: str, out: dict) -> None:
    if f == "pool_proj":
        mode, width = parse_pool_proj(text)
        if mode:
            out.setdefault("pool_modes", {})[f] = mode
    else:
        width = parse_width(text, COLUMNS[f][0])
    out.setdefault("widths", {})[f] = width


def _read_patch(text: str, out: dict, locs: dict) -> None:
    if m := _STRIDE_ONLY.fullmatch(text):
        out["stride"] = parse_count(m[1], "stride")
        locs.setdefault("stride", locs["patch"])
        return
    if m := _PATCH_FILTERS.fullmatch(text):  # 7x7/2 (x96): the filter count beside it
        text = m[1]
        out["filters"] = parse_count(m[2], "filters")
    elif m := _ADAPTIVE.fullmatch(text):  # 7×7/1 (adaptive to 1×1): a global pool
        parse_patch(m[1])  # the window at the table's own input size, as printed
        out["adaptive"] = True
        return
    out["patch"] = parse_patch(text)


_ADAPTIVE = re.compile(r"(.*?)\s*\(\s*adaptive(?:\s+to\s+1\s*[x×]\s*1)?\s*\)", re.I)
_SQUARE = re.compile(r"([0-9][0-9,]*)\s*²\s*[x×*]\s*([0-9][0-9,]*)")  # MobileNetV2's 112² × 32


def parse_size(text: str) -> Shape:
    """`112x112x64`, `112 × 112 × 64` or `112² × 64`."""
    if m := _SQUARE.fullmatch(text):
        side = parse_count(m[1], "size")
        return (side, side, parse_count(m[2], "channels"))
    return parse_shape(text)


_SIDES = re.compile(r"([0-9][0-9,]*)\s*[x×*]\s*([0-9][0-9,]*)")


def parse_in_size(text: str) -> Shape | tuple[int, int]:
    """A size as `parse_size`, or only its height and width where the table prints the
    channels elsewhere or not at all (ShuffleNet V2's `Output size` 28×28, EfficientNet's
    `Resolution` 224 × 224)."""
    if m := _SIDES.fullmatch(text.strip()):
        return parse_count(m[1], "height"), parse_count(m[2], "width")
    return parse_size(text)


def _read_input(text: str) -> dict:
    """The row this row reads, or (MobileNetV2's `Input` column) its input size."""
    if _SQUARE.fullmatch(text) or re.fullmatch(r"[0-9,\s]+[x×*][0-9,\s]+[x×*][0-9,\s]+", text):
        return {"in_size": parse_size(text)}
    return {"input": text}


def _read_depth(text: str, out: dict, locs: dict) -> None:
    out["depth"] = 0 if text == "0" else parse_count(text, "depth")


def _read_name(text: str, out: dict, locs: dict) -> None:
    if "name" not in out:
        out["name"] = text


_READERS = {
    "patch": _read_patch,
    "output": lambda t, out, _: out.update(output=parse_in_size(t)),
    "depth": _read_depth,
    "filters": lambda t, out, _: out.update(filters=parse_count(t, "filters")),
    "repeat": lambda t, out, _: out.update(repeat=_repeat(t, "module")),
    "stride": lambda t, out, _: out.update(stride=parse_count(t, "stride")),
    "params": lambda t, out, _: out.update(params=parse_quantity(t, "claimed params")),
    "ops": lambda t, out, _: out.update(ops=parse_quantity(t, "claimed ops")),
    "name": _read_name,
    "input": lambda t, out, _: out.update(_read_input(t)),
    "in_size": lambda t, out, _: out.update(in_size=parse_in_size(t)),
    "phase": lambda t, out, _: out.update(train_only=_parse_phase(t)),
    "activation": lambda t, out, _: out.update(activation=parse_activation(t)),
    "added": lambda t, out, _: out.update(added=t),
    "groups": lambda t, out, _: out.update(groups=parse_count(t, "groups")),
    "padding": lambda t, out, _: out.update(padding=parse_padding(t)),
    "block": lambda t, out, _: out.update(block=parse_block(t)),
    "table": lambda t, out, _: out.update(table=t),
    "shape": lambda t, out, _: out.update(shape=parse_filter_shape(t)),
}
_PATCH_FILTERS = re.compile(r"(.*?)\s*\(\s*[x×]\s*([0-9][0-9,]*)\s*\)")


def _fold_shape(out: dict, raw: dict[str, str], locs: dict) -> dict:
    """A filter shape gives the row's kernel, filters and input channels; a stride written
    with the type (`Conv / s2`) or in a stride column joins that kernel or the patch."""
    shape = out.pop("shape", None)
    if shape is not None and shape.kernel is not None:
        if "patch" in out:
            raise InputError(
                "a filter shape and a patch size both give the kernel",
                "one of the two",
                locs["shape"],
            )
        out["patch"] = Patch(*shape.kernel, 1)
    if shape is not None:
        out["in_channels"] = shape.in_channels
        if shape.out_channels is not None and not shape.depthwise:
            out.setdefault("filters", shape.out_channels)
    if out.get("stride") is not None and out.get("patch") is not None:
        patch, stride = out["patch"], out["stride"]
        written = "/" in raw.get("patch", "") or bool(
            (m := _PHRASE.fullmatch(unmark(raw.get("type", "")))) and m[4]
        )
        if written and patch.stride != stride:
            raise InputError(
                f"stride {stride} and patch {patch} disagree",
                "one stride for the row",
                locs.get("stride", locs.get("type")),
            )
        out["patch"] = replace(patch, stride=stride)
    return out


def _repeat(text: str, what: str) -> int:
    """A repeat count (a building block's x N, a row's n, a `N×` before a type), bounded."""
    repeat = parse_count(text, f"{what} repeat")
    if repeat > MAX_REPEAT:
        raise InputError(
            f"a {what} repeated {repeat:,} times", f"a repeat of at most {MAX_REPEAT:,}"
        )
    return repeat


def parse_block(text: str) -> ResidualBlock:
    """`[1x1, 64; 3x3, 64; 1x1, 256] x 3`: ResNet's bracketed block and its repeat count;
    ResNeXt's `3x3, 128, C=32` is a convolution in C groups (its cardinality)."""
    m = _BLOCK.fullmatch(text.strip())
    layers, groups = [], []
    for part in m[1].split(";") if m else []:
        lm = _BLOCK_LAYER.fullmatch(part.strip())
        if not lm:
            break
        kh, kw = parse_count(lm[1], "block kernel"), parse_count(lm[2], "block kernel")
        layers.append((kh, kw, parse_count(lm[3], "block filters")))
        groups.append(parse_count(lm[4], "cardinality C") if lm[4] else 1)
    else:
        if m and layers:
            grouped = tuple(groups) if any(g > 1 for g in groups) else ()
            return ResidualBlock(tuple(layers), _repeat(m[2], "building block"), grouped)
    raise InputError(
        f"malformed building block {text.strip()!r}",
        "[KxK, C; KxK, C] x N, as in [3x3, 64; 3x3, 64] x 2, a grouped one as 3x3, 128, C=32",
    )


def parse_width(text: str, what: str) -> int:
    """A module's count: a whole number, `0` kept (the kind says whether it means absent)."""
    return 0 if text.strip() == "0" else parse_count(text, what)


_POOL_PROJ = re.compile(r"(max|avg|average)\s*\+\s*(.+)", re.I)


def parse_pool_proj(text: str) -> tuple[str, int]:
    """`32`, `avg + 32`, `max + pass through` -> (pool kind or "", projection width)."""
    m = _POOL_PROJ.fullmatch(text.strip())
    if not m:
        return "", parse_width(text, "pool proj")
    mode = "avg" if m[1].lower().startswith("av") else "max"
    if _norm(m[2]) in ("passthrough", "pass", "none"):
        return mode, 0
    return mode, parse_width(m[2], "pool proj")


_TYPE_STRIDE = re.compile(r"(.*?)\s*/\s*s\s*([0-9]+)", re.I)  # Conv dw / s2
_NAME_AS_TYPE = re.compile(r"([a-z][a-z ]*?)[\s_]*[0-9]+[a-z]?", re.I)  # conv1, fire2, maxpool1


def _parse_type(text: str, kinds: dict[str, Kind], named: bool = False) -> dict:
    """A type cell: the type (a layer's or a kind's spelling), a `(name, xN, NN%)`
    parenthesis, a `/ sN` stride; in a `layer name/type` column the name is the cell."""
    given: dict = {}
    if sm := _TYPE_STRIDE.fullmatch(text):
        text, given["stride"] = sm[1], parse_count(sm[2], "stride")
    types = type_names(kinds)
    if not named and _norm(text) not in types and (nm := _NAME_AS_TYPE.fullmatch(text)):
        named = _norm(nm[1]) in types  # Conv1, Stage2: a name whose letters give the type
    if named:
        given["name"] = text
        if nm := _NAME_AS_TYPE.fullmatch(text):
            text = nm[1]
    return {**_parse_type_text(text, kinds), **given}


def _parse_type_text(text: str, kinds: dict[str, Kind]) -> dict:
    m = re.fullmatch(r"\s*([^()]*?)\s*(?:\(([^()]*)\))?\s*", text)
    if m and (tm := _CONV_TOKEN.fullmatch(m[1])):
        k = parse_count(tm[1], "kernel size")
        filters = parse_count(tm[2], "filters")
        return {"type": "convolution", "patch": Patch(k, k, 1), "filters": filters}
    if m and (tm := _FC_TOKEN.fullmatch(m[1])):
        return {"type": "linear", "filters": parse_count(tm[1], "units")}
    types = type_names(kinds)
    captured = _templated(m[1], kinds) if m and _norm(m[1]) not in types else None
    if captured:
        types = {**types, _norm(m[1]): captured[0]}
    if m and _norm(m[1]) not in types and (read := _written_out(m[1], types, kinds)):
        if m[2] is not None:  # a spelling as declared wins over these forms
            raise InputError(
                f"{m[1].strip()!r} takes no ({m[2]})", "the layer alone, its name elsewhere"
            )
        return read
    if not m or _norm(m[1]) not in types:
        near = difflib.get_close_matches(_norm(m[1]) if m else _norm(text), types, n=1)
        hint = f" (did you mean {types[near[0]]!r}?)" if near else ""
        raise InputError(
            f"unknown layer type {text.strip()!r}{hint}",
            "one of " + ", ".join([*ROW_TYPES, *kinds]) + " (docs/spec-format.md)",
        )
    out: dict = {"type": types[_norm(m[1])]}
    if captured:
        out["captured"] = captured[1]
    for item in (m[2] or "").split(","):
        item = item.strip()
        if not item:
            continue
        if item.endswith("%"):
            out["rate"] = parse_percent(item)
        elif mm := re.fullmatch(r"(?:x|depth multiplier\s*)([0-9]+)", item, re.I):
            out["multiplier"] = parse_count(mm[1], "depth multiplier")
        elif mm := re.fullmatch(r"stride\s*([0-9]+)", item, re.I):  # (stride 2): not a name
            out["stride"] = parse_count(mm[1], "stride")
        else:
            out["name"] = item
    return out


def _templated(text: str, kinds: dict[str, Kind]) -> tuple[str, dict[str, str]] | None:
    """The kind whose spelling template matches `text`, and the cells it captures."""
    for kind in kinds.values():
        for pattern, fields in kind.templates():
            if m := pattern.fullmatch(text):
                return kind.name, dict(zip(fields, m.groups(), strict=True))
    return None


def _written_out(text: str, types: Mapping[str, str], kinds: dict[str, Kind]) -> dict | None:
    """A layer written as a phrase, a kind's layers bracketed and repeated, a layer's
    outputs before it (Huang et al. 2017's Table 1); None when the text is none of them."""
    if (pm := _PHRASE.fullmatch(text)) and _norm(pm[3]) in types:
        return _phrase(pm, types[_norm(pm[3])])
    tm = _TIMES.fullmatch(text)
    kind = kinds.get(types.get(_norm(tm[1]), "")) if tm else None
    if tm and kind and kind.repeat == "repeat":  # [1 × 1 conv; 3 × 3 conv] × 6
        return {"type": kind.name, "repeat": _repeat(tm[2], "module")}
    if (um := _UNITS.fullmatch(text)) and types.get(_norm(um[2])) == "linear":
        return {"type": "linear", "filters": parse_count(um[1], "units")}
    return None


def _phrase(m: re.Match, kind: str) -> dict:
    """`K × K layer[, stride S]`: the kernel (and stride) written with the layer type; a
    global pool's printed window is the map it averages at the table's input size."""
    kh, kw = parse_count(m[1], "kernel size"), parse_count(m[2], "kernel size")
    stride = parse_count(m[4], "stride") if m[4] else 1
    if kind == "global avg pool" and stride == 1:
        return {"type": kind, "window": (kh, kw)}
    if kind not in _PATCHED:
        raise InputError(
            f"a {kind} has no kernel {kh}x{kw}" + (f" or stride {stride}" if m[4] else ""),
            "a kernel before a convolution or a pool: 3 × 3 max pool, stride 2",
        )
    return {"type": kind, "patch": Patch(kh, kw, stride)}


def _parse_phase(text: str) -> bool:
    key = _norm(text)
    if key in ("train", "training", "trainingonly", "trainonly"):
        return True
    if key in ("inference", "both", "all", "test"):
        return False
    raise InputError(f"unknown phase {text.strip()!r}", "train (training only) or inference")


# `5× conv`, and `3×Inception` as Inception v3's Table 1 prints it: a letter may follow the
# × directly (a digit may not: `3x3 conv` is a kernel, not a repeat).
_REPEAT = re.compile(
    r"([0-9]+)\s*[x×](?:\s+|(?=[^\W\d_]))(?![\[0-9])(.+)|([0-9]+)\s*[x×]\s*\[\s*(.*)", re.S
)


def repeated(
    table: list, at: int, path: str, errors: list[InputError]
) -> list[tuple[int, list, int]]:
    """The table rows with their repeats written out: `5× conv` is five rows, and
    `5× [conv dw / s1` ... `conv / s1]` five times the group it brackets. Each row comes
    with its copy number (0 when not repeated). A repeat count out of bounds goes to
    `errors` and its rows are read once."""
    out: list[tuple[int, list, int]] = []
    i = 0
    while i < len(table):
        line, cells = table[i]
        text, col = cells[at]
        m = _REPEAT.fullmatch(unmark(text))
        if not m:
            if unmark(text).endswith("]"):
                raise InputError(
                    "a ] closes no repeated group",
                    "N× [ on the group's first row",
                    Location(path, line, col),
                )
            out.append((line, cells, 0))
            i += 1
            continue
        if m[2] is not None:  # one row
            group = [(line, _with(cells, at, m[2]))]
        else:
            first = m[4].strip()
            if first in ("", "]"):
                raise InputError(
                    "a repeat over an empty group",
                    "N× [first row ... last row] around the rows it repeats",
                    Location(path, line, col),
                )
            end = next((j for j in range(i, len(table)) if _closes(table[j][1][at][0])), None)
            if end is None:
                raise InputError(
                    "a repeated group opened here is never closed",
                    "a ] after the type of its last row",
                    Location(path, line, col),
                )
            group = [(line, _with(cells, at, first)), *table[i + 1 : end + 1]]
            group = [(ln, _with(cs, at, _unclose(cs[at][0]))) for ln, cs in group]
            i = end
        try:
            times = _repeat(m[1] or m[3], "row")
        except InputError as exc:  # the group is still read once: its rows' errors too
            exc.where = exc.where or Location(path, line, col)
            errors.append(exc)
            times = 1
        if len(out) + times * len(group) > MAX_LAYERS:
            raise InputError(
                f"the table unrolls to more than {MAX_LAYERS:,} layers by this repeat",
                f"a network of at most {MAX_LAYERS:,} layers",
                Location(path, line, col),
            )
        for copy in range(1, times + 1):
            out.extend((ln, cs, copy) for ln, cs in group)
        i += 1
    return out


_STRIDE_PART = re.compile(r"stride\s*[0-9]+", re.I)


def _is_type(text: str, kinds: dict[str, Kind], nametype: bool) -> bool:
    try:
        _parse_type(unmark(text), kinds, nametype)
    except InputError:
        return False
    return True


def _each_layer(cells: list, at: int, is_type: Callable[[str], bool]) -> list[list]:
    """A type cell naming layers one after another (DenseNet's `1000D fully-connected,
    softmax`) is a row per layer: commas outside brackets split it, a `stride S` part
    stays with its layer. The row's other cells go with its last layer, whose output is
    the row's; the layers before it have only their type."""
    text, col = cells[at]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in "([") - (ch in ")]")
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    merged: list[str] = []
    for part in parts:
        if merged and (_STRIDE_PART.fullmatch(part.strip()) or not part.strip()):
            merged[-1] += "," + part
        else:
            merged.append(part)
    if len(merged) == 1 or not all(is_type(part.strip()) for part in merged):
        return [cells]  # one layer, or one type whose spelling has a comma (MBConv6, k5x5)
    offset = 0
    out = []
    for i, part in enumerate(merged):
        lead = len(part) - len(part.lstrip())
        row = list(cells) if i == len(merged) - 1 else [("", c) for _, c in cells]
        row[at] = (part.strip(), col + offset + lead)
        out.append(row)
        offset += len(part) + 1
    return out


def _continued(row: Row, above: Row, names: dict[str, Row], kinds: dict[str, Kind]) -> Row:
    """A row whose name cell is blank, where the name column says a blank continues the
    layer above (DenseNet's transition pool, its classifier), is named inside it:
    `Transition Layer (1)/pool`."""
    base = above.name.rsplit("/", 1)[0] if above.raw.get("name") is None else above.name
    prefix = kinds[row.type].prefix if row.type in kinds else ROW_TYPES[row.type][1]
    kind = kinds.get(names[base].type) if base in names else None
    taken = {f"{base}/{layer.name}" for layer in kind.layers()} if kind else set()
    name, n = f"{base}/{prefix}", 1
    while name in names or name in taken:  # nor one of the base row's own op names
        n += 1
        name = f"{base}/{prefix}{n}"
    return replace(row, name=name)


def _spanned(table: list, header: list, declared: object, places: Places) -> list:
    """A blank cell in a column that `spans` another repeats that column's cell: the
    paper printed it once across both (DenseNet's `7 × 7 conv, stride 2`)."""
    keys = [_norm(text) for text, _ in header]
    out = table
    for declared_header, spanned in column_spans(declared).items():
        column, source = _norm(declared_header), _norm(spanned)
        if source not in keys:
            raise InputError(
                f"column {declared_header!r} spans {spanned!r}, which the table does not have",
                "a header of the table",
                places.at("columns", declared_header),
            )
        if column not in keys:
            continue
        at, src = keys.index(column), keys.index(source)
        out = [
            (line, [*cells[:at], cells[src], *cells[at + 1 :]] if is_empty(cells[at][0]) else cells)
            if len(cells) == len(keys)
            else (line, cells)
            for line, cells in out
        ]
    return out


def _closes(text: str) -> bool:
    return unmark(text).endswith("]")


def _unclose(text: str) -> str:
    t = unmark(text)
    return t[:-1].strip() if t.endswith("]") else t


def _with(cells: list, at: int, text: str) -> list:
    return [*cells[:at], (text, cells[at][1]), *cells[at + 1 :]]


def _image_input(meta: dict, image: Row) -> dict:
    """An `input image` first row gives the input size (and must agree with the front
    matter's)."""
    if image.output is None:
        raise InputError(
            "the input image row has no size", "its size in the output size column", image.loc
        )
    written = meta.get("input")
    shape = image.output
    if len(shape) == 2:  # the channels in their own column
        if image.filters is None:
            raise InputError(
                "the input image row gives no channels",
                "HxWxC, or the channels in the output channels column",
                image.at("output"),
            )
        shape = (*shape, image.filters)
    size = "x".join(map(str, shape))
    if written and isinstance(written, str) and parse_shape(written) != shape:
        raise InputError(
            f"the input image row is {size}, the front matter's input {written}",
            "one input size",
            image.at("output"),
        )
    return {**meta, "input": size}


# --------------------------------------------------------------------------- metadata


def _metadata(
    meta: dict,
    path: str,
    places: Places,
    rows: tuple[Row, ...],
    columns: tuple[str, ...],
    kinds: dict[str, Kind],
    notes: dict[str, str],
) -> Spec:
    front = frontmatter.read(meta, path, places)
    for row in rows:
        if row.table is not None and row.table not in front.connection_tables:
            raise InputError(
                f"connection table {row.table!r} is not in the front matter",
                "a [connection_tables] entry of that name",
                row.at("table"),
            )
    return Spec(
        **{f.name: getattr(front, f.name) for f in record_fields(FrontMatter)},
        path=path,
        rows=rows,
        columns=columns,
        kinds=kinds,
        footnotes=notes,
    )


def _kinds(table: object, places: Places) -> dict[str, Kind]:
    """The built-in kinds and the spec's own `[kinds.NAME]` (docs/spec-format.md)."""
    if not isinstance(table, dict):
        raise InputError("[kinds] is not a table", "[kinds.NAME] sections", places.at("kinds"))
    kinds = dict(builtin())
    for name, declared in table.items():
        loc = places.at("kinds", name)
        if name in kinds or _norm(name) in _TYPE_ALIASES:
            raise InputError(
                f"kind {name!r} is built in",
                "another name for your kind (its spellings may still read the same cells)",
                loc,
            )
        kinds[name] = declare(name, declared, loc, set(COLUMNS))
    return kinds


def _symbols(table: object, places) -> dict[str, str]:
    """`[symbols]`: a letter the table prints for a number its text gives (MobileNetV2's
    last row has `k` output channels, the classes: `k = 1000`). A cell that is exactly the
    symbol reads as the number."""
    loc = places.at("symbols")
    if not isinstance(table, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in table.values()
    ):
        raise InputError("[symbols] is not a table of positive numbers", "k = 1000", loc)
    return {k: str(v) for k, v in table.items()}


def _declared_rows(
    table: object, rows: list[Row], aliases: dict[str, str], kinds: dict[str, Kind], places
) -> list[Row]:
    """`[rows.NAME]`: how the spec reads a printed row where the paper's text or its
    reference implementation says what the cells do not (MobileNetV2's `k` classes, its
    classifier a linear layer). Each entry names its `source`; its other keys are column
    headers whose text replaces or fills the row's cell, shown in every output."""
    if not isinstance(table, dict):
        raise InputError("[rows] is not a table", "[rows.NAME] sections", places.at("rows"))
    by_name = {r.name: i for i, r in enumerate(rows)}
    out = list(rows)
    for name, entry in table.items():
        loc = places.at("rows", name)
        if name not in by_name:
            near = difflib.get_close_matches(name, by_name, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise InputError(f"[rows.{name}] names no row{hint}", "a row name such as conv1", loc)
        if not isinstance(entry, dict) or not isinstance(entry.get("source"), str):
            raise InputError(
                f"[rows.{name}] gives no source",
                'source = "where the paper or its reference implementation says it"',
                loc,
            )
        cells = {k: v for k, v in entry.items() if k != "source"}
        if not cells:
            raise InputError(f"[rows.{name}] declares no cell", "a column header = text", loc)
        for key, value in cells.items():
            if _norm(key) not in aliases or not isinstance(value, str | int):
                raise InputError(
                    f"[rows.{name}]: {key!r} is not a column", "source, or a column header", loc
                )
        row = out[by_name[name]]
        raw = {**row.raw, **{aliases[_norm(k)]: str(v) for k, v in cells.items()}}
        locs = {**row.locs, **{aliases[_norm(k)]: loc for k in cells}}
        values = _typed_cells(raw, locs, kinds)
        values.pop("name", None)
        out[by_name[name]] = replace(row, raw=raw, locs=locs, **values)
        _check_cells(out[by_name[name]], kinds)
    return out


def variant_row(spec: Spec, variant: Variant) -> Row:
    """The row as the variant reads it: the original row with some cells replaced."""
    try:
        row = spec.row(variant.row)
    except KeyError:
        raise InputError(
            f"variant {variant.name!r} names no row {variant.row!r}",
            "the name of a table row such as conv1",
            variant.loc,
        ) from None
    # a cell the variant writes blank (or "-") blanks the row's, as in the table
    raw = {k: v for k, v in {**row.raw, **dict(variant.cells)}.items() if not is_empty(v)}
    locs = {**row.locs, **{k: variant.loc for k, _ in variant.cells}}
    return _retyped(spec, row, raw, locs, variant)


def _retyped(spec: Spec, row: Row, raw: dict, locs: dict, variant: Variant) -> Row:
    """`row` read again from the cells a variant gives it; its errors name the variant."""
    try:
        values = _typed_cells(raw, locs, spec.kinds)
        values.pop("name", None)
        new = replace(row, raw=raw, locs=locs, **values)
        _check_cells(new, spec.kinds)
    except InputError as exc:
        exc.message = f"variant {variant.name!r}: {exc.message}"
        raise
    return new


def variant_rows(spec: Spec, variant: Variant) -> tuple[Row, ...]:
    """Every row as a column variant reads it: each of its fields from the note column it
    names (ShuffleNet V2 0.5×: the output channels from the 0.5× column)."""
    for field_, header in variant.columns:
        if NOTE + header not in spec.columns:
            raise InputError(
                f"variant {variant.name!r} reads {field_} from column {header!r}, which is no"
                " note column of the table",
                'a column declared under [columns] as "note"',
                variant.loc,
            )
    rows = []
    for row in spec.rows:
        raw, locs = dict(row.raw), dict(row.locs)
        for field_, header in variant.columns:
            raw.pop(field_, None)
            locs.pop(field_, None)
            if NOTE + header in row.raw:
                raw[field_], locs[field_] = row.raw[NOTE + header], row.locs[NOTE + header]
        rows.append(_retyped(spec, row, raw, locs, variant))
    return tuple(rows)


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
    shape = spec.input_shape
    if input_shape is not None and input_shape != shape:
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
        tabled_input=spec.tabled_input or (spec.input_shape if shape != spec.input_shape else None),
    )
