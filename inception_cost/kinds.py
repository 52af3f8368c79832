"""Module kinds as data: a block of a table row declared as branches of primitive layers.

The built-in kinds (GoogLeNet's inception module, ResNet's residual stage, SqueezeNet's
fire module, MobileNet's depthwise convolution and MobileNetV2's bottleneck, DenseNet's
dense block, Inception v2's module and v3's grid reduction, ShuffleNet V2's unit) live in
`vocabulary/kinds.toml`; a spec declares its own under `[kinds.NAME]` in the same
syntax (docs/spec-format.md, "Module kinds"). This module reads and checks the
declarations (`kind_checks.py` a layer's filters and every form a kind takes);
`kind_tables.py` writes a kind back as its table (`extends`, `--format spec`);
`builder/kinds.py` builds a row from one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from inception_cost.cells import BOUND, MAX_DIGITS
from inception_cost.columns import norm
from inception_cost.conventions import CONVENTIONS, parse_activation
from inception_cost.errors import InputError, Location, nearest
from inception_cost.kind_checks import FACTOR, check_form, filters, forms

KINDS_FILE = Path(__file__).parent / "vocabulary" / "kinds.toml"
OPS = ("conv", "dwconv", "pool", "bn", "relu", "split", "shuffle", "se", "linear")
OPS += ("layernorm", "layerscale")
GATES = ("sigmoid", "hsigmoid")  # a squeeze-and-excitation's gate
JOINS = ("concat", "add")
SHORTCUTS = ("none", "convention", "if same shape")
ZERO = ("error", "absent")
# The settings a kind may switch on, and their values (the conventions declared `switch`).
SWITCHES: dict[str, tuple[str, ...]] = {d.name: d.values for d in CONVENTIONS if d.switch}
_SPECIAL = ("input", "block_input", "output", "rest")  # factors that name no column
#: A kind's branches and layers together, and its spellings: a block of a table row has a
#: few of each, and the reader matches every type cell against the spellings and checks
#: every module row against the layers.
MAX_KIND_LAYERS = 100
MAX_SPELLINGS = 10
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")  # a spelling's {field}: MBConv{expansion}


@dataclass(frozen=True, slots=True)
class Layer:
    """One primitive layer of a branch; `filters` is a product of factors."""

    op: str  # one of OPS
    name: str  # the op's name inside the block; "" names it after the row
    # pixels, "patch": the row's patch cell, or "whole": a pool over the whole map
    kernel: int | str | tuple[int, int] = 1
    # numbers, column fields, `input`, `block_input`, `output`, `rest`; "/2"
    filters: tuple[str, ...] = ()
    padding: str | int = "convention"  # convention | same | valid | N
    mode: str = "max"  # a pool's kind
    mode_from: str = ""  # the column whose cell names the pool (`avg + 32`)
    rounding: str = "convention"  # a pool's output size: convention | floor | ceil
    # followed by the row's activation (true), none (false), or the one named ("relu")
    activation: bool | str = True
    norm: bool = True  # followed by batch norm where the conventions put one
    # a bias: None where the conventions say (`bias`, and none before batch norm), else
    # this layer's own (`bias = true` keeps one whatever the conventions say)
    bias: bool | None = None
    optional: bool = False  # skipped when its filters' column is blank (or 0)
    skip_if_one: str = ""  # skipped when this column reads 1 (MobileNetV2's t = 1)
    skip_if_same: bool = False  # skipped where its width is its input's (MobileNetV3's exp 16)
    needs: str = ""  # skipped when this column is blank or 0 (MobileNetV3's SE column)
    # a conv's groups (ResNeXt's cardinality C); a split's or shuffle's; or the column or
    # symbol that gives them per row or per reading (ShuffleNet's g)
    groups: int | str = 1
    part: int = 1  # which of a split's `groups` equal parts of the channels it keeps
    # squeeze-and-excitation (op "se"): its reduced width is this ratio of `filters`
    # (default the layer's input channels), rounded down, then where `divisor` is given to
    # its nearest multiple (torchvision's _make_divisible: MobileNetV3); `gate` its gate
    ratio: float = 0.0
    divisor: int = 0
    gate: str = "sigmoid"

    def columns(self) -> tuple[str, ...]:
        """The columns (or symbols) its widths, its `needs` and its groups read."""
        read = (*self.filters, self.needs) if self.needs else self.filters
        named = tuple(f for f in read if not f.isdigit() and f[0] != "/" and f not in _SPECIAL)
        return (*named, self.groups) if isinstance(self.groups, str) else named


@dataclass(frozen=True, slots=True)
class Branch:
    layers: tuple[Layer, ...] = ()
    needs: str = ""  # the column whose blank (or 0) cell means "no such branch"
    block: str = ""  # the layers are the building-block cell of this column (ResNet)
    identity: bool = False  # the module's input itself (DenseNet's concatenation)


@dataclass(frozen=True, slots=True)
class Change:
    """What a setting's value changes in a kind: layers dropped or replaced, the stride."""

    drop: tuple[str, ...] = ()
    replace: tuple[tuple[str, tuple[Layer, ...]], ...] = ()
    stride: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    title: str
    spellings: tuple[str, ...]
    prefix: str  # names an unnamed row: inception1, fire2, ...
    branches: tuple[Branch, ...]
    stem: tuple[Layer, ...] = ()
    join: str = "concat"
    shortcut: str = "none"
    join_activation: bool = False
    stride: tuple[str, ...] = ()  # layer names, "first" or "first spatial"
    stride_from_sizes: bool = False
    default_stride: int = 1
    repeat: str = ""  # "block" (the building block's x N) or a column field
    zero: str = "error"  # what a 0 in a column the kind may leave blank means
    require_conv: bool = False
    when: tuple[tuple[str, str, Change], ...] = ()
    loc: Location | str | None = None
    after: tuple[Layer, ...] = ()  # layers after the join (ShuffleNet's channel shuffle)
    strided: Change | None = None  # how a unit with a stride > 1 differs (ShuffleNet V2)
    # each convolution's batch norm and activation before it, not after (BN-ReLU-conv:
    # pre-activation ResNet, DenseNet); a projection shortcut reads the first's
    preactivation: bool = False

    def changes(self) -> tuple[Change, ...]:
        return tuple(c for _, _, c in self.when) + ((self.strided,) if self.strided else ())

    def layers(self) -> tuple[Layer, ...]:
        every = [*self.stem, *(layer for b in self.branches for layer in b.layers), *self.after]
        for change in self.changes():
            every += [layer for _, layers in change.replace for layer in layers]
        return tuple(every)

    def templates(self) -> tuple[tuple[re.Pattern, tuple[str, ...]], ...]:
        """The spellings with {field} placeholders, as patterns and the fields they fill."""
        return tuple(template(s) for s in self.spellings if _PLACEHOLDER.search(s))

    def columns(self) -> frozenset[str]:
        """The column fields a row of this kind reads."""
        layers = self.layers()  # gathered once: check_row asks for every module row
        cols = {c for layer in layers for c in layer.columns()}
        cols |= {layer.mode_from for layer in layers if layer.mode_from}
        cols |= {layer.skip_if_one for layer in layers if layer.skip_if_one}
        cols |= {b.needs for b in self.branches if b.needs}
        cols |= {b.block for b in self.branches if b.block}
        if self.repeat and self.repeat != "block":
            cols.add(self.repeat)
        if any(layer.kernel == "patch" for layer in layers) or self.stride:
            cols |= {"patch", "stride"}
        if any(layer.kernel == "patch" for layer in layers):
            cols |= {"padding", "shape"}
        if any({"output", "rest"} & set(layer.filters) for layer in layers):
            cols.add("filters")
        return frozenset(cols)

    def strided_form(self) -> Kind:
        """The kind of a unit that strides: as declared under `strided`, else itself."""
        return self.apply(self.strided) if self.strided else self

    def under(self, settings) -> Kind:
        """The kind as the conventions' switches shape it (naive, two 3x3, ...)."""
        kind = self
        for setting, value, change in self.when:
            if getattr(settings, setting) == value:
                kind = kind.apply(change)
        return kind

    def apply(self, change: Change) -> Kind:
        """The kind with one change made: layers dropped or replaced, the stride moved."""
        swap = dict(change.replace)

        def edit(layers: tuple[Layer, ...]) -> tuple[Layer, ...]:
            out: list[Layer] = []
            for layer in layers:
                if layer.name not in change.drop:
                    out.extend(swap.get(layer.name, (layer,)))
            return tuple(out)

        return replace(
            self,
            stem=edit(self.stem),
            branches=tuple(replace(b, layers=edit(b.layers)) for b in self.branches),
            after=edit(self.after),
            stride=self.stride if change.stride is None else change.stride,
        )


@lru_cache(maxsize=4096)  # every type cell is matched against every kind's templates: a
# spec's 200 kinds of 10 spellings compiled once, not once per row (re's cache holds 512)
def template(spelling: str) -> tuple[re.Pattern, tuple[str, ...]]:
    """`MBConv{expansion}, k{patch}` as a pattern over a type cell: letters and digits as
    written (any case), spaces and punctuation optional, each {field} a captured cell."""
    parts, fields, at = [], [], 0
    for m in _PLACEHOLDER.finditer(spelling):
        parts.append(_literal(spelling[at : m.start()]))
        parts.append(r"\s*(.+?)\s*")
        fields.append(m[1])
        at = m.end()
    parts.append(_literal(spelling[at:]))
    return re.compile("".join(parts), re.I), tuple(fields)


def _literal(text: str) -> str:
    """Letters and digits as written; a times sign (× or x) as one; a square bracket as
    written (it groups: `[{filters}, s{stride}]` is no `3×3, 24, s2`); other punctuation and
    spaces optional."""
    return "".join(
        r"\s*[x×*]\s*"
        if ch == "×"
        else re.escape(ch)
        if ch.isalnum()
        else rf"\s*\{ch}\s*"
        if ch in "[]"
        else r"[\W_]*"
        for ch in text
    )


# --------------------------------------------------------------------------- reading


@cache
def builtin() -> dict[str, Kind]:
    """The kinds shipped with the tool, by name."""
    table = tomllib.loads(KINDS_FILE.read_text(encoding="utf-8"))
    where = "inception_cost/vocabulary/kinds.toml"
    return {name: declare(name, t, f"{where}:1:1", set()) for name, t in table.items()}


def declare(name: str, table: object, loc: Location | str, columns: set[str]) -> Kind:
    """A kind from its TOML table; `columns`, when given, are the fields it may read."""
    what = f"kind {name!r}"
    _keys(
        table,
        {
            "title",
            "spellings",
            "prefix",
            "branches",
            "stem",
            "join",
            "shortcut",
            "join_activation",
            "stride",
            "stride_from_sizes",
            "default_stride",
            "repeat",
            "zero",
            "require_conv",
            "when",
            "after",
            "strided",
            "preactivation",
        },
        what,
        loc,
    )
    assert isinstance(table, dict)
    branches = table.get("branches")
    if not isinstance(branches, list) or not branches:
        raise InputError(f"{what} has no branches", "branches = [{ layers = [...] }]", loc)
    spellings = table.get("spellings", [name.replace("_", " ")])
    if (
        not isinstance(spellings, list)
        or not 0 < len(spellings) <= MAX_SPELLINGS
        or not all(isinstance(s, str) and norm(s) for s in spellings)
    ):
        raise InputError(
            f"{what}: spellings is not a list of names",
            f'spellings = ["fire"]: 1 to {MAX_SPELLINGS} names, each with a letter or digit'
            " (a-z, 0-9: a type cell is matched on those)",
            loc,
        )
    kind = Kind(
        name=name,
        title=_text(table, "title", "", what, loc),
        spellings=tuple(spellings),
        prefix=_text(table, "prefix", name.replace("_", ""), what, loc),
        branches=tuple(_branch(b, what, loc) for b in branches),
        stem=_layers(table.get("stem", []), what, loc),
        join=_pick(table, "join", JOINS, what, loc),
        shortcut=_pick(table, "shortcut", SHORTCUTS, what, loc),
        join_activation=_flag(table, "join_activation", False, what, loc),
        stride=_names(table.get("stride", []), f"{what} stride", loc),
        stride_from_sizes=_flag(table, "stride_from_sizes", False, what, loc),
        default_stride=_whole(table.get("default_stride", 1), f"{what} default_stride", loc),
        repeat=_text(table, "repeat", "", what, loc),
        zero=_pick(table, "zero", ZERO, what, loc),
        require_conv=_flag(table, "require_conv", False, what, loc),
        when=_when(table.get("when", {}), what, loc),
        loc=loc,
        after=_layers(table.get("after", []), what, loc),
        strided=_change(table["strided"], f"{what} strided", loc) if "strided" in table else None,
        preactivation=_flag(table, "preactivation", False, what, loc),
    )
    if len(kind.branches) + len(kind.layers()) > MAX_KIND_LAYERS:
        raise InputError(
            f"{what} declares {len(kind.branches)} branches and {len(kind.layers())} layers",
            f"at most {MAX_KIND_LAYERS} branches and layers together (a block of a table row)",
            loc,
        )
    _check(kind, what, loc, columns)
    return kind


def _check(kind: Kind, what: str, loc, columns: set[str]) -> None:
    if kind.join == "add" and kind.shortcut == "none" and len(kind.branches) < 2:
        raise InputError(
            f"{what} adds a single branch to nothing",
            'shortcut = "convention" or "if same shape", or two branches',
            loc,
        )
    if kind.shortcut != "none" and kind.join != "add":
        raise InputError(f"{what} has a shortcut but joins by {kind.join}", 'join = "add"', loc)
    for where, form in forms(kind):
        check_form(form, f"{what}{where}", loc)
    named = {layer.name for layer in kind.layers()}
    for target in {*kind.stride, *(s for c in kind.changes() for s in c.stride or ())}:
        if target not in named and target not in ("first", "first spatial"):
            raise InputError(
                f"{what}: stride goes to {target!r}, which is no layer of it",
                "a layer name, first or first spatial",
                loc,
            )
    if kind.default_stride > 1 and not kind.stride:
        raise InputError(
            f"{what} has a default stride but no layer to put it in",
            'stride = ["LAYER"]',
            loc,
        )
    for change in kind.changes():
        for gone in [*change.drop, *(n for n, _ in change.replace)]:
            if gone not in named:
                raise InputError(
                    f"{what}: a setting drops or replaces {gone!r}, which is no layer of it",
                    "the name of one of its layers",
                    loc,
                )
    for _, fields in kind.templates():
        for field in fields:
            if field not in kind.columns():
                raise InputError(
                    f"{what}: a spelling fills {{{field}}}, which no layer of it reads",
                    "a placeholder for a column its layers read: "
                    + ", ".join(sorted(kind.columns())),
                    loc,
                )
    if columns:
        for column in sorted(kind.columns() - columns):
            raise InputError(
                f"{what} reads column {column!r}, which the vocabulary does not have",
                "a column field such as " + ", ".join(sorted(columns)[:6]) + ", ...",
                loc,
            )


def _branch(table: object, what: str, loc) -> Branch:
    _keys(table, {"layers", "needs", "block", "identity"}, f"{what} branch", loc)
    assert isinstance(table, dict)
    branch = Branch(
        layers=_layers(table.get("layers", []), what, loc),
        needs=_text(table, "needs", "", what, loc),
        block=_text(table, "block", "", what, loc),
        identity=_flag(table, "identity", False, what, loc),
    )
    if sum((bool(branch.layers), bool(branch.block), branch.identity)) != 1:
        raise InputError(
            f"{what} has a branch that is not exactly one of layers, block or identity",
            "layers = [...], block = COLUMN or identity = true",
            loc,
        )
    return branch


def _layers(items: object, what: str, loc) -> tuple[Layer, ...]:
    if not isinstance(items, list):
        raise InputError(f"{what}: layers is not a list", "layers = [{ op = ... }, ...]", loc)
    return tuple(_layer(item, what, loc) for item in items)


def _layer(table: object, what: str, loc) -> Layer:
    keys = {f for f in Layer.__dataclass_fields__}
    _keys(table, keys, f"{what} layer", loc)
    assert isinstance(table, dict)
    op = _pick(table, "op", OPS, what, loc, required=True)
    name = _text(table, "name", "", what, loc)
    kernel = table.get("kernel", 1)
    if kernel == "whole" and op != "pool":
        raise InputError(
            f"{what} layer {name!r}: only a pool's kernel is the whole map",
            'op = "pool", kernel = "whole"',
            loc,
        )
    if kernel not in ("patch", "whole"):
        kernel = _whole(kernel, f"{what} layer {name!r} kernel", loc)
    factors = filters(table.get("filters", ""), f"{what} layer {name!r}", loc)
    if op in ("conv", "linear") and not factors:
        raise InputError(f"{what} layer {name!r} has no filters", 'filters = "COLUMN"', loc)
    ratio = table.get("ratio", 0.0)
    if (op == "se") != ("ratio" in table) or ("ratio" in table and not _is_ratio(ratio)):
        raise InputError(
            f"{what} layer {name!r}: ratio {ratio!r} is not allowed",
            "a ratio above 0 and at most 1 on an se layer (its reduced width over its"
            " filters), as ratio = 0.25; no ratio on other layers",
            loc,
        )
    padding = table.get("padding", "convention")
    if not (padding in ("convention", "same", "valid") or _is_whole(padding)):
        raise InputError(
            f"{what} layer {name!r}: padding {padding!r} is not allowed",
            "convention, same, valid or a whole number",
            loc,
        )
    groups = table.get("groups", 1)
    if not (isinstance(groups, str) and FACTOR.fullmatch(groups) and not groups.isdigit()):
        groups = _whole(groups, f"{what} layer {name!r} groups", loc)
    part = _whole(table.get("part", 1), f"{what} layer {name!r} part", loc)
    if isinstance(groups, int) and part > groups:
        raise InputError(
            f"{what} layer {name!r}: part {part} of {groups} groups",
            f"a part from 1 to {groups}",
            loc,
        )
    return Layer(
        op=op,
        name=name,
        kernel=kernel,
        filters=factors,
        padding=padding,
        mode=_pick(table, "mode", ("max", "avg"), what, loc),
        mode_from=_text(table, "mode_from", "", what, loc),
        rounding=_pick(table, "rounding", ("convention", "floor", "ceil"), what, loc),
        activation=_activation(table, f"{what} layer {name!r}", loc),
        norm=_flag(table, "norm", True, what, loc),
        bias=None if "bias" not in table else _flag(table, "bias", True, what, loc),
        optional=_flag(table, "optional", False, what, loc),
        skip_if_one=_text(table, "skip_if_one", "", what, loc),
        skip_if_same=_flag(table, "skip_if_same", False, what, loc),
        needs=_text(table, "needs", "", what, loc),
        groups=groups,
        part=part,
        ratio=float(ratio),
        **_gate(table, op, f"{what} layer {name!r}", loc),
    )


def _activation(table: dict, what: str, loc) -> bool | str:
    """A layer's activation: true (the row's), false (none), or the name of one."""
    value = table.get("activation", True)
    if isinstance(value, bool):
        return value
    try:
        return parse_activation(value)
    except InputError as exc:
        raise InputError(f"{what}: {exc.message}", f"true, false or {exc.expected}", loc) from None


def _gate(table: dict, op: str, what: str, loc) -> dict:
    """A squeeze-and-excitation layer's gate and the multiple its reduced width rounds to."""
    gate, divisor = table.get("gate", "sigmoid"), table.get("divisor", 0)
    if op != "se" and ("gate" in table or "divisor" in table):
        raise InputError(f"{what}: only an se layer has a gate or a divisor", 'op = "se"', loc)
    if gate not in GATES:
        raise InputError(f"{what}: gate {gate!r} is not allowed", " or ".join(GATES), loc)
    if "divisor" in table:
        divisor = _whole(divisor, f"{what} divisor", loc)
    return {"gate": gate, "divisor": divisor}


def _when(table: object, what: str, loc) -> tuple[tuple[str, str, Change], ...]:
    _keys(table, set(SWITCHES), f"{what} when", loc)
    assert isinstance(table, dict)
    out = []
    for setting, values in table.items():
        _keys(values, set(SWITCHES[setting]), f"{what} when.{setting}", loc)
        for value, change in values.items():
            out.append((setting, value, _change(change, f"{what} when.{setting}", loc)))
    return tuple(out)


def _change(change: object, what: str, loc) -> Change:
    _keys(change, {"drop", "replace", "stride"}, what, loc)
    assert isinstance(change, dict)
    swap = change.get("replace", {})
    _keys(swap, set(swap) if isinstance(swap, dict) else set(), f"{what} replace", loc)
    return Change(
        drop=_names(change.get("drop", []), f"{what} drop", loc),
        replace=tuple((k, _layers(v, what, loc)) for k, v in swap.items()),
        stride=_names(change["stride"], f"{what} stride", loc) if "stride" in change else None,
    )


# --------------------------------------------------------------------------- checks


def _keys(table: object, allowed: set[str], where: str, loc) -> None:
    if not isinstance(table, dict):
        raise InputError(f"{where} is not a table", "a TOML table", loc)
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputError(
            f"unknown key {unknown[0]!r} in {where}{nearest(unknown[0], allowed)}",
            "one of " + ", ".join(sorted(allowed)),
            loc,
        )


def _text(table: dict, key: str, default: str, what: str, loc) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise InputError(f"{what}: {key} must be a string", f'{key} = "..."', loc)
    return value


def _flag(table: dict, key: str, default: bool, what: str, loc) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise InputError(f"{what}: {key} must be true or false", f"{key} = {default}", loc)
    return value


def _pick(table: dict, key: str, allowed: tuple[str, ...], what, loc, required=False) -> str:
    if required and key not in table:
        raise InputError(f"{what}: a layer has no {key}", "one of " + ", ".join(allowed), loc)
    value = table.get(key, allowed[0])
    if value not in allowed:
        raise InputError(
            f"{what}: {key} = {value!r} is not allowed{nearest(value, allowed)}",
            "one of " + ", ".join(allowed),
            loc,
        )
    return value


def _names(value: object, what: str, loc) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{what} is not a list of names", '["3x3", "pool"]', loc)
    return tuple(value)


def _is_ratio(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1


def _is_whole(value: object) -> bool:
    """A whole number of at most MAX_DIGITS digits, as a cell's."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < BOUND


def _whole(value: object, what: str, loc) -> int:
    if not _is_whole(value) or value == 0:
        raise InputError(
            f"{what} must be a positive whole number",
            f"a number such as 3, of at most {MAX_DIGITS} digits",
            loc,
        )
    return int(value)
