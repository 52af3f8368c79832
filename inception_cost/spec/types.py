"""Type cells: what a row is, read from its type cell as the paper prints it.

A type cell is a primitive layer's spelling (`convolution`, `max pool`, `FC`), a module
kind's (`inception`, `MBConv6, k5x5`), a token (VGG's `conv3-64`, `FC-4096`), a phrase
(ResNet's and DenseNet's `7 × 7 conv, stride 2`, `1000D fully-connected`), with a
`(name, xN, NN%)` parenthesis or a `/ sN` stride. Module kinds are declarations
(vocabulary/kinds.toml, a spec's `[kinds.NAME]`), read here with the spec's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from inception_cost.cells import (
    Patch,
    Symbols,
    parse_count,
    parse_percent,
    repeat_count,
    unmark,
)
from inception_cost.columns import COLUMNS, norm
from inception_cost.errors import InputError, closest, nearest
from inception_cost.frontmatter import Places
from inception_cost.kind_tables import extend
from inception_cost.kinds import Kind, builtin, declare
from inception_cost.spec.blocks import parse_block

# Canonical row type -> accepted spellings (compared after `norm`), and the prefix
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
    "linear": (("linear", "fc", "fully connected", "dense", "connected"), "fc"),
    "softmax": (("softmax",), "softmax"),
    "subsampling": (("subsampling", "trainable subsampling"), "subsampling"),
    "rbf": (("rbf", "euclidean rbf", "rbf output", "radial basis function"), "rbf"),
    "batch norm": (("batch norm", "batchnorm", "batch normalization", "bn"), "bn"),
    "flatten": (("flatten",), "flatten"),
    "layer norm": (("layer norm", "layernorm", "layer normalization", "ln"), "ln"),
    "gelu": (("gelu",), "gelu"),
    "layer scale": (("layer scale", "layerscale"), "layerscale"),
    # a box's closing row (Darknet's `Residual`, under a repeat mark): the box's input
    # added to the row above's output
    "residual add": (("residual add", "shortcut add"), "add"),
    "input image": (("input image", "image", "input"), "input"),
    "global avg pool": (
        ("global avg pool", "global average pool", "global average pooling", "gap", "global pool"),
        "pool",
    ),
}
#: The layer types with a kernel to read (and to stride).
PATCHED = ("convolution", "separable convolution", "max pool", "avg pool", "subsampling")
# VGG's Table 1 writes a layer as one token: conv3-64 (3x3, 64 filters), FC-4096.
# Numbers are ASCII digits only ([0-9], not \d): see cells.MAX_DIGITS.
_CONV_TOKEN = re.compile(r"conv\s*([0-9]+)\s*-\s*([0-9]+)", re.I)
_FC_TOKEN = re.compile(r"fc\s*-\s*([0-9]+)", re.I)
# A layer as a sentence (ResNet's and DenseNet's Table 1): `7 × 7 conv, stride 2`,
# `3 × 3 max pool, stride 2`, `7 × 7 global average pool`, `1000D fully-connected`; the
# stride may be written `s2` (ThunderNet's `3×3 maxpool, s2`).
_STRIDE = r"(?:stride\s*|s)([0-9]+)"
PHRASE = re.compile(rf"([0-9]+)\s*[x×]\s*([0-9]+)\s+(?![0-9])(.+?)(?:\s*,\s*{_STRIDE})?", re.I)
_TIMES = re.compile(r"(.*?\S)\s*[x×]\s*([0-9]+)")  # a kind's layers, then x N: its repeat
# A type and its kernel after a comma: MobileNetV3's `conv2d, 1x1`, `pool, 7x7`.
_TYPE_KERNEL = re.compile(r"(.*?[a-z].*?)\s*,\s*([0-9]+)\s*[x×]\s*([0-9]+)", re.I)
_UNITS = re.compile(r"([0-9][0-9,]*)\s*-?\s*D\s+(.+)", re.I)  # 1000D fully-connected, 1000-d fc
# A layer listed as SENet's and ResNet's tables print it: `conv, 7 × 7, 64, stride 2`,
# `max pool, 3 × 3, stride 2`, `7×7, 64, stride 2` (a convolution: a width, no type),
# `3×3, 24, s2` (ThunderNet's).
_LISTED = re.compile(
    r"(?:(?P<type>[^\W\d][^,]*?)\s*,\s*)?(?P<kh>[0-9]+)\s*[x×]\s*(?P<kw>[0-9]+)"
    r"(?:\s*,\s*(?P<c>[^,]+?))??(?:\s*,\s*(?:stride\s*|s)(?P<s>[0-9]+))?",
    re.I,
)
_TYPE_STRIDE = re.compile(r"(.*?)\s*/\s*s\s*([0-9]+)", re.I)  # Conv dw / s2
# conv1, fire2, maxpool1: the letters end at a letter, so a run of spaces is passed once
_NAME_AS_TYPE = re.compile(r"([a-z](?:[a-z ]*[a-z])?)[\s_]*+[0-9]+[a-z]?", re.I)
# a type, then its (parenthesis): the type ends at a character that is no space, so that
# a run of spaces is passed once (a lazy type between two \s* took time cubic in its length)
_TYPE_PARTS = re.compile(r"((?:[^()]*[^()\s])?)\s*+(?:\(([^()]*)\))?")

_TYPE_ALIASES = {norm(a): t for t, (aliases, _) in ROW_TYPES.items() for a in aliases}


def type_names(kinds: dict[str, Kind]) -> Mapping[str, str]:
    """Normalised spelling -> row type: the primitive layers', then each kind's (a spec's
    own kinds come last, so their spellings win). Read-only: it is built once per set of
    kinds, since every type cell is looked up in it (a variant's rows too)."""
    return _type_index(tuple((kind.name, kind.spellings) for kind in kinds.values()))


@lru_cache(maxsize=32)  # a few sets of kinds per process: the built-in ones, a spec's own
def _type_index(spellings: tuple[tuple[str, tuple[str, ...]], ...]) -> Mapping[str, str]:
    names = dict(_TYPE_ALIASES)
    for name, written in spellings:
        names.update({norm(s): name for s in written if "{" not in s})
    return MappingProxyType(names)


def prefix(row_type: str, kinds: dict[str, Kind]) -> str:
    """What names an unnamed row of this type: conv (conv1, conv2, ...), inception, ..."""
    return kinds[row_type].prefix if row_type in kinds else ROW_TYPES[row_type][1]


def declared_kinds(
    table: object, places: Places, symbols: set[str] = frozenset()
) -> dict[str, Kind]:
    """The built-in kinds and the spec's own `[kinds.NAME]` (docs/spec-format.md); a
    layer may read a column or one of `symbols` (the names the spec's readings bind)."""
    if not isinstance(table, dict):
        raise InputError("[kinds] is not a table", "[kinds.NAME] sections", places.at("kinds"))
    kinds = dict(builtin())
    for name, declared in table.items():
        loc = places.at("kinds", name)
        if name in kinds or norm(name) in _TYPE_ALIASES:
            raise InputError(
                f"kind {name!r} is built in",
                "another name for your kind (its spellings may still read the same cells)",
                loc,
            )
        base = declared.get("extends") if isinstance(declared, dict) else None
        if base is None:
            kinds[name] = declare(name, declared, loc, set(COLUMNS) | symbols)
        elif not isinstance(base, str) or base not in kinds:
            raise InputError(
                f"kind {name!r} extends {base!r}, which is no kind{nearest(str(base), kinds)}",
                "a built-in kind or one declared above it: " + ", ".join(kinds),
                loc,
            )
        else:
            kinds[name] = extend(name, declared, kinds[base], loc, set(COLUMNS) | symbols)
    return kinds


def is_type(
    text: str, kinds: dict[str, Kind], nametype: bool, symbols: Symbols | None = None
) -> bool:
    """Whether a type cell's text reads as a type."""
    try:
        read_type(unmark(text), kinds, nametype, symbols)
    except InputError:
        return False
    return True


def kinds_spell(text: str, kinds: dict[str, Kind], named: bool, symbols: Symbols) -> bool:
    """Whether a type cell reads whole as a kind's spelling template (`{repeat} ×
    {filters}` reads `2 × 64a`): a `2 ×` there is the kind's, not a repeat mark."""
    if not any(k.templates() for k in kinds.values()) or not is_type(text, kinds, named, symbols):
        return False
    return _templated(text.strip(), kinds) is not None


def read_type(
    text: str, kinds: dict[str, Kind], named: bool = False, symbols: Symbols | None = None
) -> dict:
    """A type cell: the type (a layer's or a kind's spelling), a `(name, xN, NN%)`
    parenthesis, a `/ sN` stride; in a `layer name/type` column the name is the cell. A
    bracketed building block (`[3x3, 64; 3x3, 64] x 2`) is a residual stage, or where it
    is one layer printed once (`[3×3, 16]`) that layer; its widths may use `symbols`."""
    if text.startswith("[") and (block := _bracketed(text, symbols or {})):
        return block
    given: dict = {}
    if sm := _TYPE_STRIDE.fullmatch(text):
        text, given["stride"] = sm[1], parse_count(sm[2], "stride")
    types = type_names(kinds)
    if not named and norm(text) not in types and (nm := _NAME_AS_TYPE.fullmatch(text)):
        # Conv1, MaxPool: a name whose letters give a layer type; a module kind only where
        # the spec declares it (a Stage2 is never another paper's unit by its name alone)
        named = _named_type(types.get(norm(nm[1]), ""), kinds)
    if named:
        given["name"] = text
        if nm := _NAME_AS_TYPE.fullmatch(text):
            text = nm[1]
    return {**_read_type_text(text, kinds), **given}


def _bracketed(text: str, symbols: Symbols) -> dict | None:
    """A bracketed building block in a type cell (SENet's, ConvNeXt's network columns):
    a residual stage of the built-in kind; one layer without a repeat is that layer. A
    bracket that is no block (`[8 × 8]`, a window alone) is None: read as other cells."""
    try:
        block = parse_block(text, symbols)
    except InputError as exc:
        if "malformed building block" in exc.message:
            return None
        raise
    if len(block.layers) == 1 and block.repeat == 1 and block.layers[0].op != "se":
        layer = block.layers[0]
        patch = Patch(*layer.kernel, 1)
        if layer.op == "dwconv":
            return {"type": "depthwise convolution", "patch": patch}
        out = {"type": "convolution", "patch": patch, "filters": layer.filters}
        return out if layer.groups == 1 else {**out, "groups": layer.groups}
    return {"type": "residual", "block": block}


def _named_type(row_type: str, kinds: dict[str, Kind]) -> bool:
    """Whether a name's letters may give its row this type: a layer type's, or a kind's the
    spec declares (the built-in kinds are read only where a type cell spells them)."""
    if row_type in ROW_TYPES:
        return True
    return row_type in kinds and kinds[row_type] is not builtin().get(row_type)


def _read_type_text(text: str, kinds: dict[str, Kind]) -> dict:
    m = _TYPE_PARTS.fullmatch(text.strip())
    if m and (tm := _CONV_TOKEN.fullmatch(m[1])):
        k = parse_count(tm[1], "kernel size")
        filters = parse_count(tm[2], "filters")
        return {"type": "convolution", "patch": Patch(k, k, 1), "filters": filters}
    if m and (tm := _FC_TOKEN.fullmatch(m[1])):
        return {"type": "linear", "filters": parse_count(tm[1], "units")}
    types = type_names(kinds)
    if m and m[2] is not None and re.search(r"\b(?:min|max)$", m[1]):
        whole = _templated(text.strip(), kinds)  # 1 × min(64, 64a): no parenthesis of items
        if whole:
            return {"type": whole[0], "captured": whole[1]}
    captured = _templated(m[1], kinds) if m and norm(m[1]) not in types else None
    if captured:
        types = {**types, norm(m[1]): captured[0]}
    if m and norm(m[1]) not in types and (read := _written_out(m[1], types, kinds)):
        if m[2] is not None:  # a spelling as declared wins over these forms
            raise InputError(
                f"{m[1].strip()!r} takes no ({m[2]})", "the layer alone, its name elsewhere"
            )
        return read
    if not m or norm(m[1]) not in types:
        near = closest(norm(m[1]) if m else norm(text), types)
        hint = f" (did you mean {types[near]!r}?)" if near is not None else ""
        raise InputError(
            f"unknown layer type {text.strip()!r}{hint}",
            "one of " + ", ".join([*ROW_TYPES, *kinds]) + " (docs/spec-format.md)",
        )
    out: dict = {"type": types[norm(m[1])]}
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
        elif (mm := re.fullmatch(r"from\s+(\S.*)", item)) and out["type"] == "residual add":
            out["adds"] = mm[1].strip()  # the row whose output it adds (a box's input)
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
    if (pm := PHRASE.fullmatch(text)) and norm(pm[3]) in types:
        return _phrase(pm, types[norm(pm[3])])
    if (lm := _LISTED.fullmatch(text)) and (lm["c"] or lm["type"]):
        listed = types.get(norm(lm["type"] or "conv"))
        if listed in ROW_TYPES:
            return _listed(lm, listed)
    kind = types.get(norm(tk[1]), "") if (tk := _TYPE_KERNEL.fullmatch(text)) else ""
    if kind in PATCHED or kind in kinds:  # a kind's spelling and its kernel: `conv2d, 1x1`
        k = parse_count(tk[2], "kernel size"), parse_count(tk[3], "kernel size")
        return {"type": kind, "patch": Patch(*k, 1)}
    tm = _TIMES.fullmatch(text)
    kind = kinds.get(types.get(norm(tm[1]), "")) if tm else None
    if tm and kind and kind.repeat == "repeat":  # [1 × 1 conv; 3 × 3 conv] × 6
        return {"type": kind.name, "repeat": repeat_count(tm[2], "module")}
    if (um := _UNITS.fullmatch(text)) and types.get(norm(um[2])) == "linear":
        return {"type": "linear", "filters": parse_count(um[1], "units")}
    return None


def writes_stride(text: str) -> bool:
    """Whether a type cell writes its layer's stride (`3 × 3 max pool, stride 2`,
    `conv, 4×4, 96, stride 4`), which a stride column must then agree with."""
    if m := PHRASE.fullmatch(text):
        return bool(m[4])
    return bool((lm := _LISTED.fullmatch(text)) and lm["s"])


def _listed(m: re.Match, kind: str) -> dict:
    """`conv, 7 × 7, 64, stride 2`: the type, kernel, width and stride, in that order."""
    out = _phrase_parts(kind, m["kh"], m["kw"], m["s"])
    if m["c"] is not None:
        if kind not in ("convolution", "separable convolution", "linear"):
            raise InputError(
                f"a {kind} has no width {m['c'].strip()!r}",
                "a width after a convolution's kernel only: conv, 3 × 3, 64",
            )
        out["filters"] = parse_count(m["c"], "filters")
    return out


def _phrase_parts(kind: str, kh_text: str, kw_text: str, stride_text: str | None) -> dict:
    kh, kw = parse_count(kh_text, "kernel size"), parse_count(kw_text, "kernel size")
    stride = parse_count(stride_text, "stride") if stride_text else 1
    if kind == "global avg pool" and stride == 1:
        return {"type": kind, "window": (kh, kw)}
    if kind not in PATCHED:
        raise InputError(
            f"a {kind} has no kernel {kh}x{kw}" + (f" or stride {stride}" if stride_text else ""),
            "a kernel before a convolution or a pool: 3 × 3 max pool, stride 2",
        )
    return {"type": kind, "patch": Patch(kh, kw, stride)}


def _phrase(m: re.Match, kind: str) -> dict:
    """`K × K layer[, stride S]`: the kernel (and stride) written with the layer type; a
    global pool's printed window is the map it averages at the table's input size."""
    return _phrase_parts(kind, m[1], m[2], m[4])
