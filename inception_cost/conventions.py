"""The counting conventions, each declared once: a field of `Conventions` with its default,
a comment saying what it means, and a `Convention` saying how it is read, written and
shown (its allowed values, its words in the output header, whether it shapes the
network). The spec's `[conventions]` reader and writer (side by side below), the JSON
settings, the header and the command-line choices all follow from these fields.

A new convention is one field here plus its effect: where builder/ builds the layers,
or, for a `switch`, a module kind's `when` table (vocabulary/kinds.toml); then its row in
docs/conventions.md (tests/test_conventions.py) and its key in schemas/table.schema.json.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from typing import Any

from inception_cost.cells import Patch, parse_patch, whole_number
from inception_cost.columns import norm
from inception_cost.errors import InputError, Location, check_keys, nearest

#: The widest LRN window a spec may ask for (AlexNet's is 5): each output sums this many
#: maps, so a wider one only costs time.
MAX_LRN_SIZE = 10_000

#: The activations a convolution (`conv_activation`), a row's activation cell or a kind's
#: layer may name; `leaky relu` may carry its slope (`leaky relu 0.1`).
ACTIVATIONS = (
    "relu",
    "relu6",
    "leaky relu",
    "tanh",
    "swish",
    "hswish",
    "gelu",
    "gelu tanh",
    "sigmoid",
    "hsigmoid",
    "none",
)
#: Other spellings papers and frameworks print, compared as `norm` compares headers:
#: MobileNetV3's NL column writes RE and HS.
_SPELLED = {"re": "relu", "silu": "swish", "hs": "hswish", "hardswish": "hswish"}
_SPELLED |= {"hardsigmoid": "hsigmoid", "linear": "none", "identity": "none"}
_LEAKY = re.compile(r"(?:leaky\s*[-_ ]?\s*relu|lrelu)\s*\(?\s*([0-9]*\.?[0-9]+)?\s*\)?", re.I)
#: The slope of a leaky ReLU named without one: torch's nn.LeakyReLU default.
LEAKY_SLOPE = 0.01

MAX_WIDTH_MULTIPLIER = 16  # beyond it a network's channels run to the millions


@dataclass(frozen=True, slots=True)
class Lrn:
    """Local response normalization across channels (Caffe's formula, BVLC's values)."""

    size: int = 5
    alpha: float = 0.0001
    beta: float = 0.75
    k: float = 1.0


def _one_of(d: Convention, value: object) -> object:
    if value not in d.values:
        raise InputError(
            f"{d.name} = {value!r} is not allowed{nearest(value, d.values)}",
            "one of " + ", ".join(map(str, d.values)),
        )
    return value


@dataclass(frozen=True, slots=True)
class Convention:
    """How one setting is read, written and shown."""

    values: tuple = ()  # the allowed values, where they are a fixed list
    read: Callable[[Convention, object], Any] = _one_of  # a value as given -> the setting
    write: Callable[[Any], Any] = lambda value: value  # the setting -> a TOML or JSON value
    shapes: bool = False  # shapes the network: written and shown only where not the default
    header: str = ""  # the header part it is shown in: convolutions, pooling or ops
    op: str = ""  # shown only when the network has an op of this kind
    words: Callable[[Any], str] | None = None  # its words in the header, from the Conventions
    under: str = ""  # matters only while this other setting is on: written with it
    switch: bool = False  # a module kind may switch on it (vocabulary/kinds.toml `when`)
    in_json: bool = True  # listed in the JSON settings (table.schema.json)
    name: str = ""  # the field's name, filled in below
    default: Any = None  # the field's default, filled in below


def _setting(default: Any, **declared: Any) -> Any:
    """A field of `Conventions`: its default, and how it is read, written and shown."""
    return field(default=default, metadata={"convention": Convention(**declared)})


def _flag(d: Convention, value: object) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{d.name} must be true or false", f"{d.name} = {str(d.default).lower()}")
    return value


def parse_activation(value: object) -> str:
    """An activation as printed -> its name in ACTIVATIONS: `HS` is hswish, `leaky ReLU
    (0.1)` the leaky ReLU of slope 0.1, written `leaky relu 0.1`."""
    text = value.strip() if isinstance(value, str) else ""
    if m := _LEAKY.fullmatch(text):
        if m[1] is None:
            return "leaky relu"
        if not 0 < float(m[1]) < 1:
            raise InputError(f"leaky ReLU slope {m[1]} is not allowed", "a slope above 0, below 1")
        return f"leaky relu {m[1]}"
    names = {norm(a): a for a in ACTIVATIONS} | _SPELLED
    if norm(text) in names and text:
        return names[norm(text)]
    raise InputError(
        f"unknown activation {value!r}",
        ", ".join(ACTIVATIONS[:-1]) + " or none (a leaky relu with its slope: leaky relu 0.1)",
    )


def leaky_slope(activation: str) -> float:
    """The slope of a `leaky relu` activation name (LEAKY_SLOPE where none is written)."""
    return float(activation.removeprefix("leaky relu").strip() or LEAKY_SLOPE)


def _activation(d: Convention, value: object) -> str:
    return parse_activation(value)


def _padding(d: Convention, value: object) -> str | int:
    return parse_padding(value, d.name)


def _patch(d: Convention, value: object) -> Patch:
    return parse_patch(str(value))


def _eps(d: Convention, value: object) -> float:
    if not _finite(value) or value <= 0:
        raise InputError(f"{d.name} must be a positive number", f"{d.name} = 1e-5")
    return float(value)


def _lrn(d: Convention, value: object) -> Lrn:
    check_keys(value, {"size", "alpha", "beta", "k"}, "[conventions.lrn]", None)
    lrn = Lrn(**value)
    if isinstance(lrn.size, bool) or not isinstance(lrn.size, int) or lrn.size < 1:
        raise InputError("lrn size must be a positive integer", "size = 5")
    if lrn.size > MAX_LRN_SIZE:
        raise InputError(f"lrn size {lrn.size} is too wide", f"at most {MAX_LRN_SIZE:,}")
    for key in ("alpha", "beta", "k"):
        value = getattr(lrn, key)
        if not _finite(value) or value < 0 or (key == "k" and value == 0):
            raise InputError(
                f"lrn {key} = {value!r} is not allowed",
                "a finite number, >= 0 (k > 0), such as alpha = 0.0001",
            )
    return lrn


def _multiplier(d: Convention, value: object) -> str:
    """A positive decimal, kept as written so counts stay exact."""
    text = str(value).strip() if not isinstance(value, bool) else ""
    try:
        ok = 0 < Fraction(text) <= MAX_WIDTH_MULTIPLIER
    except (ValueError, ZeroDivisionError):
        ok = False
    if not ok or not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        raise InputError(
            f"{d.name} {value!r} is not allowed",
            f"a decimal above 0 and at most {MAX_WIDTH_MULTIPLIER}, such as 1.4 or 0.35",
        )
    return text


def _divisor(d: Convention, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(f"{d.name} {value!r} is not allowed", "a whole number, such as 8")
    return value


def _row_names(d: Convention, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InputError(f"{d.name} is not a list of row names", f'{d.name} = ["conv2"]')
    return tuple(value)


def _finite(value: object) -> bool:
    """A real number from TOML or JSON that is not a boolean, NaN or infinite."""
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def parse_padding(value: object, what: str = "padding") -> str | int:
    """`same`, `valid` or a whole number of pixels on each side."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("same", "valid"):
            return v
        if v[:1].isdigit():
            return whole_number(v, what, minimum=0)
    raise InputError(f"{what} {value!r} is not allowed", "same, valid or a whole number N >= 0")


def padding_text(value: str | int) -> str:
    if value == "same":
        return "same padding ((k-1)/2 each side)"
    if value == "valid":
        return "no padding"
    return f"{value} px padding"


def _batch_norm_words(c: Conventions) -> str:
    words = f"batch norm after every convolution (eps {c.bn_eps})"
    return words + ("" if c.bn_conv_bias else ", which replaces the convolution's bias")


@dataclass(frozen=True, slots=True)
class Conventions:
    """How the table's rows become layers. Each is a named, documented setting."""

    # how a pooling output size rounds
    pool_rounding: str = _setting(
        "ceil",
        values=("ceil", "floor"),
        header="pooling",
        words=lambda c: f"{c.pool_rounding} rounding",
    )
    # same: (k-1)//2 each side | valid: 0 | N
    conv_padding: str | int = _setting(
        "same",
        read=_padding,
        header="convolutions",
        words=lambda c: padding_text(c.conv_padding),
    )
    # the same for stand-alone pooling rows
    pool_padding: str | int = _setting(
        "valid",
        read=_padding,
        header="pooling",
        words=lambda c: padding_text(c.pool_padding),
    )
    # convolution and linear layers carry a bias term
    bias: bool = _setting(
        True,
        values=(True, False),
        read=_flag,
        header="convolutions",
        words=lambda c: "biases" if c.bias else "no biases",
    )
    # the activation after every convolution
    conv_activation: str = _setting(
        "relu",
        values=ACTIVATIONS,
        read=_activation,
        header="convolutions",
        words=lambda c: c.conv_activation,
    )
    # Caffe's across-channel LRN: window size, alpha, beta, k
    lrn: Lrn = _setting(
        Lrn(),
        read=_lrn,
        write=lambda lrn: {"size": lrn.size, "alpha": lrn.alpha, "beta": lrn.beta, "k": lrn.k},
        header="ops",
        op="lrn",
        words=lambda c: f"LRN across {c.lrn.size} channels",
    )
    # the window of a pool row that gives none (VGG: 2x2/2)
    pool_patch: Patch | None = _setting(
        None,
        read=_patch,
        write=lambda patch: str(patch) if patch else None,
        shapes=True,
        words=lambda c: f"pool rows without a patch use {c.pool_patch}",
    )
    # batch norm after every convolution, before its activation
    batch_norm: bool = _setting(
        False,
        values=(True, False),
        read=_flag,
        shapes=True,
        words=_batch_norm_words,
    )
    # a convolution followed by batch norm keeps its bias
    bn_conv_bias: bool = _setting(
        False,
        values=(True, False),
        read=_flag,
        shapes=True,
        words=lambda c: "convolutions keep their bias before batch norm",
    )
    # batch norm's epsilon: changes values, never counts
    bn_eps: float = _setting(1e-5, read=_eps, under="batch_norm")
    # where a downsampling residual block strides: its first conv | its first 3x3
    residual_stride: str = _setting(
        "first",
        values=("first", "3x3"),
        shapes=True,
        switch=True,
        words=lambda c: (
            f"a downsampling block strides in its {c.residual_stride}"
            + (" convolution" if c.residual_stride == "first" else "")
        ),
    )
    # what a residual adds where its shape changes
    shortcut: str = _setting(
        "projection",
        values=("projection", "zero-pad"),
        shapes=True,
        switch=True,
        words=lambda c: f"{c.shortcut} shortcuts where a block's shape changes",
    )
    # an inception module's 5x5 branch: 5x5 | two 3x3 | 3x3 (torchvision)
    inception_5x5: str = _setting(
        "5x5",
        values=("5x5", "two 3x3", "3x3"),
        shapes=True,
        switch=True,
        words=lambda c: (
            "each inception 5x5 is two stacked 3x3"
            if c.inception_5x5 == "two 3x3"
            else "each inception #5x5 branch is one 3x3 convolution (torchvision's googlenet.py)"
        ),
    )
    # reduced (Figure 2b) | naive (Figure 2a): no 1x1 reductions
    inception: str = _setting(
        "reduced",
        values=("reduced", "naive"),
        shapes=True,
        switch=True,
        words=lambda c: "naive inception modules (no 1x1 reductions or pool projections)",
    )
    # false: the table's LRN rows are left out (torchvision)
    lrn_layers: bool = _setting(
        True,
        values=(True, False),
        read=_flag,
        shapes=True,
        words=lambda c: "the table's local response normalizations left out",
        in_json=False,
    )
    # MobileNet's width multiplier: each printed convolution width c becomes c x this,
    # rounded to a multiple of `width_divisor` (TF-Slim's and torchvision's _make_divisible)
    width_multiplier: str = _setting(
        "1",
        read=_multiplier,
        shapes=True,
        words=lambda c: (
            f"width multiplier {c.width_multiplier}: each printed convolution"
            f" width times {c.width_multiplier}, to the nearest multiple of {c.width_divisor}"
            " (never 10% under)"
        ),
        in_json=False,
    )
    width_divisor: int = _setting(
        8,
        read=_divisor,
        shapes=True,
        words=lambda c: f"widths rounded to multiples of {c.width_divisor}",
        in_json=False,
    )
    # rows a multiplier below 1 leaves as printed
    width_not_reduced: tuple[str, ...] = _setting(
        (),
        read=_row_names,
        write=list,
        shapes=True,
        words=lambda c: f"{', '.join(c.width_not_reduced)} never narrower than printed",
        in_json=False,
    )

    def changed(self) -> tuple[str, ...]:
        """The network-shaping settings that differ from the defaults (for the header)."""
        return tuple(d.name for d in CONVENTIONS if d.shapes and getattr(self, d.name) != d.default)


#: Every convention's declaration, in the order of the fields (and so of the JSON settings).
CONVENTIONS: tuple[Convention, ...] = tuple(
    replace(f.metadata["convention"], name=f.name, default=f.default) for f in fields(Conventions)
)
DECLARED = {d.name: d for d in CONVENTIONS}


def read(table: object, loc: Location) -> Conventions:
    """A spec's `[conventions]` (TOML, or the CSV's `# spec:` JSON line): every key one
    declared here, every value one its declaration allows; the first error at `loc`."""
    check_keys(table, set(DECLARED), "[conventions]", loc)
    try:
        return Conventions(
            **{d.name: d.read(d, table[d.name]) for d in CONVENTIONS if d.name in table}
        )
    except InputError as exc:
        exc.where = exc.where or loc
        raise


def toml_lines(c: Conventions, value: Callable[[object], str]) -> list[str]:
    """`[conventions]` as the bundled specs write it, which `read` reads back: the counting
    settings always, a network-shaping one where it is not the default, one that matters
    under another while that one is on, then the sub-tables (`[conventions.lrn]`)."""
    plain, tables = [], []
    for d in CONVENTIONS:
        x = d.write(getattr(c, d.name))
        if isinstance(x, dict):
            tables += ["", f"[conventions.{d.name}]", *(f"{k} = {value(v)}" for k, v in x.items())]
        elif not (d.shapes or d.under):
            plain.append(f"{d.name} = {value(x)}")
    shaped = [f"{k} = {value(DECLARED[k].write(getattr(c, k)))}" for k in c.changed()]
    under = [
        f"{d.name} = {value(d.write(getattr(c, d.name)))}"
        for d in CONVENTIONS
        if d.under and getattr(c, d.under)
    ]
    return ["[conventions]", *plain, *shaped, *under, *tables]


def toml_inline(c: Conventions, base: Conventions, value: Callable[[object], str]) -> str:
    """A variant's conventions as an inline table: the settings that differ from `base`."""

    def inline(x: object) -> str:
        if isinstance(x, dict):
            return "{ " + ", ".join(f"{k} = {inline(v)}" for k, v in x.items()) + " }"
        return value(x)

    return inline(
        {
            d.name: d.write(getattr(c, d.name))
            for d in CONVENTIONS
            if getattr(c, d.name) != getattr(base, d.name)
        }
    )


def json_settings(c: Conventions) -> dict:
    """The settings in the JSON output, in the order of the fields."""
    return {d.name: d.write(getattr(c, d.name)) for d in CONVENTIONS if d.in_json}


def header_line(c: Conventions) -> str:
    """The counting settings in force, by the layers they apply to (the header's second line)."""
    parts = {"convolutions": "conv", "pooling": "pool"}  # part -> its label, as the table's types
    return " · ".join(f"{label}: {', '.join(words(c, part))}" for part, label in parts.items())


def words(c: Conventions, header: str, ops: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The header words of the settings shown in `header` (convolutions, pooling, or ops:
    those whose op kind is among `ops`), or with `network` the network-shaping ones that
    differ from the defaults."""
    if header == "network":
        return [DECLARED[k].words(c) for k in c.changed()]
    return [
        d.words(c)
        for d in CONVENTIONS
        if d.header == header and d.words and (not d.op or d.op in ops)
    ]
