"""The forms a module kind may take, each checked where the kind is declared.

A kind's `when` switches (GoogLeNet's `inception = "naive"`) and its strided form
(ShuffleNet V2's unit for down sampling) change its layers; every form a row may build is
checked when the kind is read (kinds.declare), so that a kind which builds nothing, names
two layers alike or adds its shortcut to branches it would drop is refused at its
`[kinds.NAME]` line, for every command alike, and never reaches the builder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inception_cost.errors import InputError

if TYPE_CHECKING:
    from inception_cost.kinds import Kind


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
