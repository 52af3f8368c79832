"""A kind as the TOML table that declares it: what `extends = "KIND"` starts from
(`extend`), and the `[kinds.NAME]` lines `--format spec` writes back (`to_toml`).

kinds.py reads a declaration into a `Kind`; this module goes the other way.
"""

from __future__ import annotations

from inception_cost.errors import InputError
from inception_cost.kinds import Branch, Change, Kind, Layer, declare


def extend(name: str, table: dict, base: Kind, loc, columns: set[str]) -> Kind:
    """A kind declared as another with only its changes written (`extends = "KIND"`): the
    keys it gives replace the base's, `layers.NAME = { ... }` changes fields of the base's
    layer of that name (wherever it occurs), and it reads the cells its own name spells
    unless it gives `spellings` (the base keeps its own)."""
    what = f"kind {name!r}"
    edits = table.get("layers", {})
    if not isinstance(edits, dict) or not all(isinstance(e, dict) for e in edits.values()):
        raise InputError(
            f"{what}: layers is not a table of the layers it changes",
            'layers.pool = { rounding = "floor" }: a layer of the base kind by name, then'
            " the fields that change",
            loc,
        )
    own = {k: v for k, v in table.items() if k not in ("extends", "layers")}
    merged = {**kind_table(base), "spellings": [name.replace("_", " ")], **own}
    found: set[str] = set()
    for layer in _layer_tables(merged):
        if layer.get("name") in edits:
            layer.update(edits[layer["name"]])
            found.add(layer["name"])
    for missing in sorted(set(edits) - found):
        names = sorted({layer.get("name", "") for layer in _layer_tables(merged)} - {""})
        raise InputError(
            f"{what} changes layer {missing!r}, which {base.name!r} does not have",
            "one of its layers: " + ", ".join(names),
            loc,
        )
    return declare(name, merged, loc, columns)


def kind_table(kind: Kind) -> dict:
    """A kind as the TOML table that declares it (the table `extends` starts from)."""
    table: dict = {
        "title": kind.title,
        "spellings": list(kind.spellings),
        "prefix": kind.prefix,
        "join": kind.join,
        "shortcut": kind.shortcut,
        "join_activation": kind.join_activation,
        "stride": list(kind.stride),
        "stride_from_sizes": kind.stride_from_sizes,
        "default_stride": kind.default_stride,
        "repeat": kind.repeat,
        "zero": kind.zero,
        "require_conv": kind.require_conv,
        "preactivation": kind.preactivation,
        "branches": [_branch_table(b) for b in kind.branches],
    }
    if kind.stem:
        table["stem"] = [_layer_table(x) for x in kind.stem]
    if kind.after:
        table["after"] = [_layer_table(x) for x in kind.after]
    if kind.when:
        when: dict = {}
        for setting, value, change in kind.when:
            when.setdefault(setting, {})[value] = _change_table(change)
        table["when"] = when
    if kind.strided:
        table["strided"] = _change_table(kind.strided)
    return table


def _branch_table(branch: Branch) -> dict:
    out: dict = {}
    if branch.layers:
        out["layers"] = [_layer_table(x) for x in branch.layers]
    if branch.needs:
        out["needs"] = branch.needs
    if branch.block:
        out["block"] = branch.block
    if branch.identity:
        out["identity"] = True
    return out


def _change_table(change: Change) -> dict:
    out: dict = {}
    if change.drop:
        out["drop"] = list(change.drop)
    if change.replace:
        out["replace"] = {n: [_layer_table(x) for x in layers] for n, layers in change.replace}
    if change.stride is not None:
        out["stride"] = list(change.stride)
    return out


def _layer_table(layer: Layer) -> dict:
    """A layer as its TOML table: its op and name, and the fields not at their default."""
    base = Layer(layer.op, layer.name)
    out: dict = {"op": layer.op, "name": layer.name}
    for key in Layer.__dataclass_fields__:
        got = getattr(layer, key)
        if key in ("op", "name") or got == getattr(base, key):
            continue
        if key == "filters":
            got = _filters_text(got)
        elif key == "kernel" and isinstance(got, tuple):
            got = got[0]
        out[key] = got
    return out


def _filters_text(factors: tuple[str, ...]) -> str:
    return " * ".join(f for f in factors if f[0] != "/") + "".join(
        f" / {f[1:]}" for f in factors if f[0] == "/"
    )


def _layer_tables(table: dict) -> list[dict]:
    """Every layer table of a kind's table: its stem, branches, after, and the layers its
    settings and strided form put in."""
    layers = [*table.get("stem", []), *table.get("after", [])]
    layers += [x for b in table.get("branches", []) for x in b.get("layers", [])]
    changes = [c for values in table.get("when", {}).values() for c in values.values()]
    changes += [table["strided"]] if "strided" in table else []
    layers += [x for c in changes for xs in c.get("replace", {}).values() for x in xs]
    return [x for x in layers if isinstance(x, dict)]


def to_toml(kind: Kind, value) -> list[str]:
    """A declared kind as the `[kinds.NAME]` lines that read back as it (Markdown output);
    `value` writes one TOML value."""
    base = Kind(kind.name, "", (), "", ())
    lines = [f"[kinds.{value(kind.name)}]"]
    for key in ("title", "spellings", "prefix", "join", "shortcut", "join_activation"):
        got = getattr(kind, key)
        lines.append(f"{key} = {value(list(got) if isinstance(got, tuple) else got)}")
    optional = ("stride", "stride_from_sizes", "default_stride", "repeat", "zero")
    for key in (*optional, "require_conv", "preactivation"):
        if getattr(kind, key) != getattr(base, key):
            got = getattr(kind, key)
            lines.append(f"{key} = {value(list(got) if isinstance(got, tuple) else got)}")
    if kind.stem:
        lines.append(f"stem = [{', '.join(_layer_toml(x, value) for x in kind.stem)}]")
    branches = []
    for b in kind.branches:
        parts = [f"needs = {value(b.needs)}"] if b.needs else []
        if b.layers:
            parts.append(f"layers = [{', '.join(_layer_toml(x, value) for x in b.layers)}]")
        parts += [f"block = {value(b.block)}"] if b.block else []
        parts += ["identity = true"] if b.identity else []
        branches.append("{ " + ", ".join(parts) + " }")
    lines.append(f"branches = [{', '.join(branches)}]")
    if kind.after:
        lines.append(f"after = [{', '.join(_layer_toml(x, value) for x in kind.after)}]")
    heads = [(f"{value(kind.name)}.when.{s}.{value(c)}", change) for s, c, change in kind.when]
    heads += [(f"{value(kind.name)}.strided", kind.strided)] if kind.strided else []
    for head, change in heads:
        lines.append(f"[kinds.{head}]")
        lines += [f"drop = {value(list(change.drop))}"] if change.drop else []
        lines += [f"stride = {value(list(change.stride))}"] if change.stride is not None else []
        for name, layers in change.replace:
            lines.append(
                f"replace.{value(name)} = [{', '.join(_layer_toml(x, value) for x in layers)}]"
            )
    return lines


def _layer_toml(layer: Layer, value) -> str:
    parts = [f"{key} = {value(got)}" for key, got in _layer_table(layer).items()]
    return "{ " + ", ".join(parts) + " }"
