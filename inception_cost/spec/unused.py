"""Every declaration of the front matter used, or reported: the last stage of the reader.

A declaration nothing uses is said with its line, "declared but never used", as a finding
of the audit (an error under `table --strict`): a symbol no cell, declared cell or kind
reads, a footnote no cell carries (or an empty mark), a `[columns]` header the table
lacks, a connection table no row names, a kind no row is of (nor extended by one that
is). A `[rows]`, `[added]` or `[claim_rows]` entry that names no row is an error of its
own stage, never a finding here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inception_cost.cells import split_footnote, unmark
from inception_cost.columns import norm
from inception_cost.errors import InputError, Location, gather
from inception_cost.frontmatter import Places
from inception_cost.kinds import builtin
from inception_cost.spec.header import Header
from inception_cost.spec.records import LayerCells, Row, Spec

#: A name in a cell, as an expression reads it (`64a`: a; `16×k`: k; `min(64, 64a)`).
_NAME = re.compile(r"[^\W\d_][^\W_]*")
#: The keys of a variant or an entry that are not cells.
_NOT_CELLS = {"row", "name", "title", "source", "conventions", "input", "columns", "symbols"}
_NOT_CELLS |= {"after", "before"}


@dataclass(frozen=True, slots=True)
class Unused:
    """A declaration nothing uses: where it is declared, what it is, why it is unused."""

    loc: Location
    what: str  # `[symbols] k`
    why: str  # `no cell is k`

    def __str__(self) -> str:
        return f"{self.loc}: {self.what} is declared but never used: {self.why}"


def unused(
    spec: Spec, meta: dict, header: Header, places: Places, heads: list[str]
) -> tuple[Unused, ...]:
    """Each declaration of the front matter that no cell or row of the spec uses; `heads`
    are the texts of the table's header lines as printed (both lines of a two-line one)."""
    cells = [t for _, line in header.body for t, _ in line] + _declared_cells(meta)
    rows = _every_row(spec)
    out = _symbols(spec, meta, cells, places) + _footnotes(meta, cells + heads, places)
    printed = {norm(t) for t in heads} | {norm(re.sub(r"\(.*?\)", "", t)) for t in heads}
    for head in _entries(meta, "columns"):
        if norm(head) not in printed:
            why = "the table has no such header"
            out.append(Unused(places.at("columns", head), f"[columns] {head!r}", why))
    tables = {r.cells.table for r in rows if isinstance(r.cells, LayerCells)}
    for name in _entries(meta, "connection_tables"):
        if name not in tables:
            where, what = places.at("connection_tables", name), f"[connection_tables] {name!r}"
            out.append(Unused(where, what, "no row names it in its connection table cell"))
    used = _kinds_used(meta, {r.type for r in rows})
    for name in _entries(meta, "kinds"):
        if name not in used and name not in builtin():
            out.append(Unused(places.at("kinds", name), f"[kinds.{name}]", "no row is of it"))
    return tuple(sorted(out, key=lambda u: (u.loc.line, u.what)))


def _symbols(spec: Spec, meta: dict, cells: list[str], places: Places) -> list[Unused]:
    """`[symbols]` and each variant's `symbols`: a name some cell, declared cell or kind
    reads (a kind's filters or groups may name a symbol)."""
    names = {n for t in cells for n in _NAME.findall(t)}
    names |= {n[1:] for n in names if n[:1] in "xX"}  # 16xk: 16 × k
    names |= {c for kind in spec.kinds.values() for x in kind.layers() for c in x.columns()}
    out = [
        Unused(places.at("symbols", name), f"[symbols] {name}", f"no cell is {name}")
        for name in _entries(meta, "symbols")
        if name not in names
    ]
    variants = meta.get("variants")
    for i, v in enumerate(variants if isinstance(variants, list) else ()):
        own = v.get("symbols") if isinstance(v, dict) else None
        for name in own if isinstance(own, dict) else ():
            if name not in names:
                what = f"variant {v.get('name')!r}'s symbol {name}"
                out.append(Unused(places.at("variants", i), what, f"no cell is {name}"))
    return out


def _footnotes(meta: dict, texts: list[str], places: Places) -> list[Unused]:
    marks = {split_footnote(unmark(t))[1] for t in texts} - {""}
    out = []
    for mark in _entries(meta, "footnotes"):
        if mark not in marks:
            why = "an empty mark" if not mark else f"no cell carries {mark}"
            out.append(Unused(places.at("footnotes", mark), f"[footnotes] {mark!r}", why))
    return out


def _kinds_used(meta: dict, types: set[str]) -> set[str]:
    """The kinds rows are of, and each kind one of those extends (and so on)."""
    kinds = meta.get("kinds")
    kinds = kinds if isinstance(kinds, dict) else {}
    used, todo = set(), list(types)
    while todo:
        name = todo.pop()
        if name in used:
            continue
        used.add(name)
        base = kinds.get(name, {}).get("extends") if isinstance(kinds.get(name), dict) else None
        if isinstance(base, str):
            todo.append(base)
    return used


def strictly(spec: Spec) -> None:
    """`table --strict`: each unused declaration an error at its line, all in one run."""
    gather(
        [
            InputError(
                f"{u.what} is declared but never used: {u.why}",
                "a use in the table, or no such declaration",
                u.loc,
            )
            for u in spec.unused
        ]
    )


def _entries(meta: dict, key: str) -> list[str]:
    table = meta.get(key)
    return [str(k) for k in table] if isinstance(table, dict) else []


def _declared_cells(meta: dict) -> list[str]:
    """The cells the front matter writes: `[rows]` and `[added]` entries, variants."""
    out: list[str] = []
    for key in ("rows", "added"):
        table = meta.get(key)
        for entry in table.values() if isinstance(table, dict) else ():
            if isinstance(entry, dict):
                out += [str(v) for k, v in entry.items() if k not in _NOT_CELLS]
    variants = meta.get("variants")
    for variant in variants if isinstance(variants, list) else ():
        if isinstance(variant, dict):
            out += [str(v) for k, v in variant.items() if k not in _NOT_CELLS]
    return out


def _every_row(spec: Spec) -> list[Row]:
    """The rows as tabled and as each variant reads them."""
    rows = [*spec.rows, *spec.swaps.values(), *(r for rs in spec.ahead.values() for r in rs)]
    for anew in spec.read_as.values():
        rows += [r for r in anew.values() if r is not None]
    return rows
