"""Cells by column: each cell read by its column's reader, then held to its row's type.

`read_cells` reads a row's cells into values by field (a column's reader, `_READERS`,
for each cell; the type cell by spec.types). `typed_row` makes a `Row` of them: the
fields every row has, and its family's cells (`LayerCells` or `ModuleCells`). A cell
the row's type would not read is refused there, so every cell is used or refused.
"""

from __future__ import annotations

import re
from dataclasses import replace

from inception_cost.cells import (
    Patch,
    Shape,
    Symbols,
    parse_count,
    parse_count_expr,
    parse_filter_shape,
    parse_patch,
    parse_quantity,
    parse_shape,
    repeat_count,
    split_footnote,
    unmark,
)
from inception_cost.columns import BRANCH_FIELDS, COLUMNS, NOTE, norm
from inception_cost.conventions import parse_activation, parse_padding
from inception_cost.errors import InputError, Location
from inception_cost.kinds import Kind
from inception_cost.spec.blocks import parse_block
from inception_cost.spec.records import (
    LAYER_FIELDS,
    MODULE_FIELDS,
    ROW_FIELDS,
    LayerCells,
    ModuleCells,
    Row,
)
from inception_cost.spec.types import PATCHED, read_type, writes_stride
from inception_cost.table import check_chars

_STRIDE_ONLY = re.compile(r"(?:stride|s|/)\s*([0-9]+)", re.I)  # a module's patch cell: stride 2
_ADAPTIVE = re.compile(r"(.*?)\s*\(\s*adaptive(?:\s+to\s+1\s*[x×]\s*1)?\s*\)", re.I)
_SQUARE = re.compile(r"([0-9][0-9,]*)\s*²\s*[x×*]\s*([0-9][0-9,]*)")  # MobileNetV2's 112² × 32
_SIDES = re.compile(r"([0-9][0-9,]*)\s*[x×*]\s*([0-9][0-9,]*)")
_PATCH_FILTERS = re.compile(r"(.*?)\s*\(\s*[x×]\s*([0-9][0-9,]*)\s*\)")
_POOL_PROJ = re.compile(r"(max|avg|average)\s*\+\s*(.+)", re.I)
CHECK_MARKS = ("✓", "✔", "√")  # a module's count column ticked: 1

# What a type cell may give that a column also gives: written once, in either place.
_TYPE_GIVES = {
    "patch": {"patch", "shape"},
    "repeat": {"repeat"},
    "filters": {"filters"},
    "block": {"block"},
}
# The columns a layer row reads beyond the common ones; the rest belong to module kinds.
_LAYER_COLUMNS = {
    "convolution": ("n3x3_reduce", "n5x5_reduce", "n3x3", "n5x5"),
}
_MODULE_ONLY = (*BRANCH_FIELDS, "repeat")


def read_cells(
    raw: dict[str, str],
    locs: dict[str, Location],
    kinds: dict[str, Kind],
    symbols: Symbols | None = None,
) -> dict:
    """Parse each cell by its column's reader; errors carry the cell's location. A cell is
    read without the Markdown emphasis around it, and a footnote mark is kept apart; a
    count may be an expression of `symbols` (`16×k`)."""
    sym = symbols or {}
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
                read = read_type(text, kinds, f == "nametype", sym)
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
                _read_width(f, text, out, sym)
            else:
                _READERS[f](text, out, locs, sym)
        except InputError as exc:
            exc.where = locs[f]
            raise
    _read_captured(out, raw, locs, typed, sym)
    if (kind := kinds.get(out.get("type", ""))) is not None:
        _fixed_values(kind, out, sym, locs.get(typed))
    if (units := out.pop("units", None)) is not None:  # Darknet's Connected | | 1000
        if out.get("type") != "linear" or "filters" in out:
            raise InputError(
                f"a {out.get('type')} row has a count {units} where its kernel goes",
                "a kernel such as 3x3/2 (a count there is a linear row's units)",
                locs["patch"],
            )
        out["filters"] = units
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


def typed_row(values: dict, kinds: dict[str, Kind], **where) -> Row:
    """The values a row's cells read as a Row (`where`: its index, name, named, loc, raw
    and locs): the fields every row has, and the cells of its family. A cell its type
    does not read is refused: a module row is held to its kind's columns, a layer row
    may not carry a module's counts."""
    kind = kinds.get(values["type"])
    if kind is None:
        _check_layer(values, where["raw"], where["locs"], where["loc"])
    family, kept = (LayerCells, LAYER_FIELDS) if kind is None else (ModuleCells, MODULE_FIELDS)
    row = Row(
        type=values["type"],
        cells=family(**{f: values[f] for f in kept if f in values}),
        **where,
        **{f: values[f] for f in ROW_FIELDS if f in values},
    )
    if kind is not None:
        _check_module(kind, row)
        cell = row.raw.get("type", row.raw.get("nametype"))
        for what in ("multiplier", "rate"):
            if values.get(what) is not None:  # (x48), (40%): a layer's, which no module reads
                raise InputError(
                    f"a {row.type} row takes no {what} {cell!r}",
                    "the module's type alone, with its name in parentheses if any",
                    row.at("type"),
                )
    return row


#: Columns every row may carry: its identity and the paper's claims about it.
_COMMON = frozenset(
    {"type", "nametype", "name", "input", "in_size", "phase", "activation", "added", "output"}
    | {"depth", "params", "ops"}
)


def _check_module(kind: Kind, row: Row) -> None:
    """Refuse a cell the kind would not use, a 0 it does not read as "no such branch", and
    a stride it has no place for: nothing a user wrote is silently dropped."""
    cells = row.cells
    if cells.stride is not None and cells.patch is not None and cells.stride != cells.patch.stride:
        raise InputError(
            f"stride {cells.stride} and patch {cells.patch} disagree",
            "one stride for the row",
            row.at("stride"),
        )
    stride = cells.given_stride
    places = {*kind.stride, *(s for _, _, c in kind.when for s in c.stride or ())}
    if stride is not None and stride > 1 and not places:
        where = "stride" if cells.stride is not None else "patch"
        raise InputError(
            f"{_a(kind.name)} row has no place for stride {stride}",
            "stride 1, or a kind that says where its stride goes (stride = [...])",
            row.at(where),
        )
    used = kind.columns()
    layers = kind.layers()
    for f in row.raw:
        if f not in _COMMON and f not in used and f in COLUMNS:
            raise InputError(
                f"{_a(kind.name)} row does not read {COLUMNS[f][0]!r}",
                "that cell blank, or a kind that reads it: "
                + (", ".join(COLUMNS[c][0] for c in sorted(used) if c in COLUMNS) or "none"),
                row.at(f),
            )
    for f in cells.pool_modes:
        if not any(layer.mode_from == f for layer in layers):
            raise InputError(
                f"{_a(kind.name)} row has no pool whose kind {COLUMNS[f][0]!r} could name",
                f"a count alone in {COLUMNS[f][0]!r}",
                row.at(f),
            )
    _check_widths(kind, row)


def _check_widths(kind: Kind, row: Row) -> None:
    cells, layers = row.cells, kind.layers()
    may_be_blank = {b.needs for b in kind.branches if b.needs}
    may_be_blank |= {c for layer in layers if layer.optional for c in layer.columns()}
    for f, value in cells.widths.items():
        if value == 0 and not (kind.zero == "absent" and f in may_be_blank):
            raise InputError(
                f"{COLUMNS[f][0]} is 0, which {_a(kind.name)} row does not read as no such branch",
                "a positive count"
                + (", or a blank cell" if f in may_be_blank else ": the kind needs this column"),
                row.at(f),
            )
    patch_layers = any(layer.kernel == "patch" for layer in layers)
    if cells.patch is not None and not patch_layers:
        kernels = {layer.kernel for layer in layers if layer.name in kind.stride} - {"patch"}
        if (cells.patch.kh, cells.patch.kw) not in {(k, k) for k in kernels}:
            raise InputError(
                f"{_a(kind.name)} row reads only a stride from {COLUMNS['patch'][0]!r},"
                f" and {cells.patch.kh}x{cells.patch.kw} is not the kernel of its strided layers",
                "the stride alone, as in stride 2",
                row.at("patch"),
            )


def _a(name: str) -> str:
    return ("an " if name[:1] in "aeiou" else "a ") + name


def _check_layer(values: dict, raw: dict[str, str], locs: dict, loc: Location) -> None:
    row_type = values["type"]
    used = set(_LAYER_COLUMNS.get(row_type, ()))
    for f in raw:
        if f == "repeat" and values.get("repeat") == 1:
            continue  # a layer row printed once (ShuffleNet V2's Repeat 1)
        if f in _MODULE_ONLY and f not in used:
            raise InputError(
                f"a {row_type} row does not read {COLUMNS[f][0]!r}",
                "that cell blank, or a module kind that reads it (docs/spec-format.md)",
                locs.get(f, loc),
            )
    patched = row_type in PATCHED
    stride, patch = values.get("stride"), values.get("patch")
    if stride is not None and stride > 1 and not (patched and patch):
        raise InputError(
            f"a {row_type} row has no place for stride {stride}",
            "stride 1, or a row type with a kernel to stride (convolution, pool)",
            locs.get("stride", loc),
        )
    if patch is not None and not patched:
        where = "shape" if "shape" in raw else "patch"
        raise InputError(
            f"a {row_type} row has no kernel for {raw.get(where, str(patch))!r}",
            "that cell blank (a kernel is read by convolution, pool and subsampling rows)",
            locs.get(where, loc),
        )
    classifier = "shape" in raw and unmark(raw["shape"]).lower() == "classifier"
    if classifier and row_type != "softmax":
        raise InputError(
            f"a {row_type} row is no classifier",
            "a shape such as 3 × 3 × 3 × 32",
            locs.get("shape", loc),
        )
    multiplier = values.get("multiplier")
    if multiplier is not None and row_type != "separable convolution":
        raise InputError(
            f"a {row_type} row takes no multiplier x{multiplier}",
            "a separable convolution (xN), or a repeat written before the type: 5x conv",
            locs.get("type", loc),
        )


def _read_captured(out: dict, raw: dict[str, str], locs: dict, at: str, sym: Symbols) -> None:
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
            if f == "patch" and re.fullmatch(r"[0-9][0-9,]*", text.strip()):
                parse_patch(text)  # a kernel, not a count: refused as a patch cell
            if f in BRANCH_FIELDS:
                _read_width(f, text, out, sym)
            else:
                _READERS[f](text, out, locs, sym)
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


def _fixed_values(kind: Kind, out: dict, sym: Symbols, where: Location | None) -> None:
    """The values a kind's layers read by name that are no branch's width: a symbol of
    the reading (ShuffleNet's g), or the row's groups cell; kept with its widths."""
    for name in {c for layer in kind.layers() for c in layer.columns()}:
        if name in BRANCH_FIELDS:
            continue
        if name in COLUMNS:
            if name in out:
                out.setdefault("widths", {})[name] = out.pop(name)
        elif name in sym:
            out.setdefault("widths", {})[name] = sym[name]
        else:
            raise InputError(
                f"kind {kind.name!r} reads {name!r}, which is neither a column nor a symbol"
                " this reading declares",
                f"[symbols] {name} = its value, or a reading's own (symbols = {{ {name} = ... }})",
                where,
            )


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
        written = "/" in raw.get("patch", "") or writes_stride(unmark(raw.get("type", "")))
        if written and patch.stride != stride:
            raise InputError(
                f"stride {stride} and patch {patch} disagree",
                "one stride for the row",
                locs.get("stride", locs.get("type")),
            )
        out["patch"] = replace(patch, stride=stride)
    return out


# --------------------------------------------------------------------------- one per column


def _read_width(f: str, text: str, out: dict, sym: Symbols) -> None:
    if f == "pool_proj":
        mode, width = parse_pool_proj(text, sym)
        if mode:
            out.setdefault("pool_modes", {})[f] = mode
    else:
        width = parse_width(text, COLUMNS[f][0], sym)
    out.setdefault("widths", {})[f] = width


def _read_patch(text: str, out: dict, locs: dict, sym: Symbols) -> None:
    if text.strip().lower() == "global":  # YOLO9000's Avgpool | Global: the whole map
        out["adaptive"] = True
        return
    if re.fullmatch(r"[0-9][0-9,]*", text.strip()):  # a count alone: a linear row's units
        out["units"] = parse_count(text, "units")
        return
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


def parse_size(text: str) -> Shape:
    """`112x112x64`, `112 × 112 × 64` or `112² × 64`."""
    if m := _SQUARE.fullmatch(text):
        side = parse_count(m[1], "size")
        return (side, side, parse_count(m[2], "channels"))
    return parse_shape(text)


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


def _read_depth(text: str, out: dict, locs: dict, sym: Symbols) -> None:
    out["depth"] = 0 if text == "0" else parse_count(text, "depth")


def _read_name(text: str, out: dict, locs: dict, sym: Symbols) -> None:
    if "name" not in out:
        out["name"] = text


def _read_output(text: str, out: dict, locs: dict, sym: Symbols) -> None:
    """An output size, or a count alone: the channels of a 1x1 map (Darknet-19's Avgpool
    `1000`, after a global pool), audited as 1x1xC."""
    if re.fullmatch(r"[0-9][0-9,]*", text.strip()):
        out["output"] = (1, 1, parse_count(text, "channels"))
    else:
        out["output"] = parse_in_size(text)


_READERS = {
    "patch": _read_patch,
    "output": _read_output,
    "depth": _read_depth,
    "filters": lambda t, out, _, sym: out.update(filters=parse_count_expr(t, sym, "filters")),
    "repeat": lambda t, out, _, sym: out.update(repeat=repeat_count(t, "module", sym)),
    "stride": lambda t, out, _, sym: out.update(stride=parse_count_expr(t, sym, "stride")),
    "params": lambda t, out, _, sym: out.update(params=parse_quantity(t, "claimed params")),
    "ops": lambda t, out, _, sym: out.update(ops=parse_quantity(t, "claimed ops")),
    "name": _read_name,
    "input": lambda t, out, _, sym: out.update(_read_input(t)),
    "in_size": lambda t, out, _, sym: out.update(in_size=parse_in_size(t)),
    "phase": lambda t, out, _, sym: out.update(train_only=_parse_phase(t)),
    "activation": lambda t, out, _, sym: out.update(activation=parse_activation(t)),
    "added": lambda t, out, _, sym: out.update(added=t),
    "groups": lambda t, out, _, sym: out.update(groups=parse_count_expr(t, sym, "groups")),
    "padding": lambda t, out, _, sym: out.update(padding=parse_padding(t)),
    "block": lambda t, out, _, sym: out.update(block=parse_block(t, sym)),
    "table": lambda t, out, _, sym: out.update(table=t),
    "shape": lambda t, out, _, sym: out.update(shape=parse_filter_shape(t)),
}


def parse_width(text: str, what: str, symbols: Symbols | None = None) -> int:
    """A module's count: a whole number or an expression of the spec's symbols, `0` kept
    (the kind says whether it means absent); a check mark is 1, the layer its column
    switches on (MobileNetV3's SE ✓)."""
    if text.strip() in CHECK_MARKS:
        return 1
    return 0 if text.strip() == "0" else parse_count_expr(text, symbols or {}, what)


def parse_pool_proj(text: str, symbols: Symbols | None = None) -> tuple[str, int]:
    """`32`, `avg + 32`, `max + pass through` -> (pool kind or "", projection width)."""
    m = _POOL_PROJ.fullmatch(text.strip())
    if not m:
        return "", parse_width(text, "pool proj", symbols)
    mode = "avg" if m[1].lower().startswith("av") else "max"
    if norm(m[2]) in ("passthrough", "pass", "none"):
        return mode, 0
    return mode, parse_width(m[2], "pool proj", symbols)


def _parse_phase(text: str) -> bool:
    key = norm(text)
    if key in ("train", "training", "trainingonly", "trainonly"):
        return True
    if key in ("inference", "both", "all", "test"):
        return False
    raise InputError(f"unknown phase {text.strip()!r}", "train (training only) or inference")
