"""What a module kind declares, checked where it is declared (kinds.declare): a layer's
`filters` expression, and every form the kind may take.

A `filters` product is held to the cells' rule: whole numbers in the digits 0-9, none 0,
of at most MAX_DIGITS digits together (`BOUND`). A kind's `when` switches (GoogLeNet's
`inception = "naive"`) and its strided form (ShuffleNet V2's unit for down sampling)
change its layers; every form a row may build is checked, so that a kind which builds
nothing, names two layers alike or adds its shortcut to branches it would drop is refused
at its `[kinds.NAME]` line, for every command alike, and never reaches the builder.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from inception_cost.cells import BOUND, MAX_DIGITS
from inception_cost.errors import InputError

if TYPE_CHECKING:
    from inception_cost.kinds import Kind

FACTOR = re.compile(r"[0-9]+|[a-z_][a-z0-9_]*")  # ASCII digits only (cells.check_digits)


def filters(text: object, what: str, loc) -> tuple[str, ...]:
    """A layer's `filters` (`"input * expansion"`, `"output / 2"`) as its factors, then its
    divisor: `("input", "expansion")`, `("output", "/2")`."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        raise InputError(f"{what}: filters is not text", 'filters = "n1x1"', loc)
    factors = _factors(text)
    shown = text if len(text) <= 40 else text[:40] + "..."
    if factors is None:
        raise InputError(
            f"{what}: filters {shown!r} is not a product of factors",
            f"positive whole numbers (the digits 0-9, at most {MAX_DIGITS} of them), column"
            " fields, input, output or rest joined by *, and at most a whole-number divisor:"
            ' "input * expansion", "output / 2"',
            loc,
        )
    if any(f.lstrip("/").isdigit() and int(f.lstrip("/")) == 0 for f in factors):
        raise InputError(
            f"{what}: filters {shown!r} has a factor 0 (a map of no channels)",
            "positive factors",
            loc,
        )
    if math.prod(int(f) for f in factors if f.isdigit()) >= BOUND:
        raise InputError(
            f"{what}: filters {shown!r} comes to more than {MAX_DIGITS} digits",
            f"a width of at most {MAX_DIGITS} digits, as a cell's",
            loc,
        )
    return factors


def _factors(text: str) -> tuple[str, ...] | None:
    """`a * b / 2` as ("a", "b", "/2"): the factors, then the divisor; None if malformed."""
    if not text.strip():
        return ()
    product, slash, divisor = text.partition("/")
    factors = tuple(f.strip() for f in product.split("*"))
    if slash:
        factors += (f"/{divisor.strip()}",)
    for f in factors:
        number = f.removeprefix("/")
        if not FACTOR.fullmatch(number) or (f[0] == "/" and not number.isdigit()):
            return None
        if number.isdigit() and len(number) > MAX_DIGITS:
            return None
    return tuple(f"/{int(f[1:])}" if f[0] == "/" else f for f in factors)


def forms(kind: Kind) -> list[tuple[str, Kind]]:
    """Every form a row of the kind may build: under each value of each setting it switches
    on (and none of them), and each of those strided; with how to name it in a message."""
    settings: dict[str, set[str]] = {}
    for setting, value, _ in kind.when:
        settings.setdefault(setting, set()).add(value)
    out = [("", kind)]
    for setting, values in settings.items():
        out += [
            (f"{where} where {setting} = {value!r}", _switched(form, setting, value))
            for where, form in out
            for value in sorted(values)
        ]
    if kind.strided:
        out += [(f"{where} in its strided form", form.strided_form()) for where, form in out]
    return out


def _switched(kind: Kind, setting: str, value: str) -> Kind:
    for s, v, change in kind.when:
        if (s, v) == (setting, value):
            kind = kind.apply(change)
    return kind


def check_form(form: Kind, what: str, loc) -> None:
    """A form builds at least one layer, each under a name of its own; an add with a
    shortcut has the one branch it adds the shortcut to; a kind that must build a
    convolution has one."""
    layers = [*form.stem, *(x for b in form.branches for x in b.layers), *form.after]
    if not layers and not any(b.block for b in form.branches):
        raise InputError(
            f"{what} builds no layer (a branch that is the module's input is not one)",
            "at least one layer: layers = [{ op = ... }], or block = COLUMN",
            loc,
        )
    names = [x.name for x in layers]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(
            f"{what} names two layers {twice[0]!r}" + (" (after the row)" if not twice[0] else ""),
            "a name of its own for each layer of a branch, stem and after (each op is ROW/NAME)",
            loc,
        )
    if form.shortcut != "none" and (len(form.branches) != 1 or form.branches[0].identity):
        raise InputError(
            f"{what} adds its shortcut to {len(form.branches)} branches"
            + (", the module's input" if form.branches[0].identity else ""),
            "one branch of layers (or a block), to which the shortcut is added",
            loc,
        )
    convs = any(x.op in ("conv", "dwconv") for x in layers) or any(b.block for b in form.branches)
    if form.require_conv and not convs:
        raise InputError(
            f"{what} requires a convolution (require_conv) but has none",
            'a layer of op = "conv" or "dwconv", or no require_conv',
            loc,
        )
