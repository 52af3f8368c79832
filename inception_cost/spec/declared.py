"""Rows the front matter declares: `[rows.NAME]`, a printed row's cells as the paper's text
or its reference implementation says them, applied before the row is read (so an entry
can rescue a cell the reader cannot read); `[added.NAME]`, a row the table leaves out (a
classifier head, a downsampling layer between stages), read where it says and shown as
added, not printed. Both take a column's header or its field as a key, and a blank
(`""` or `-`) blanks the cell; a type of several layers (`global average pool, 1000-d
fc`, `2× [conv dw / s1; conv / s1]`) is a row per layer, as in the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inception_cost.cells import is_empty, repeat_count, unmark
from inception_cost.columns import COLUMNS, norm
from inception_cost.errors import InputError, Location
from inception_cost.frontmatter import Places
from inception_cost.spec.repeats import REPEAT

_META = {"rows": ("source",), "added": ("source", "after", "before")}
_GROUP = re.compile(r"([0-9]+)\s*[x×]\s*\[(.*)\]\s*", re.S)  # 2× [conv dw / s1; conv / s1]


@dataclass(frozen=True, slots=True)
class Declared:
    """One `[rows.NAME]` or `[added.NAME]` entry: its cells by field as written ("" blanks
    one), its source, where it is, and for an added row the row it goes after."""

    name: str
    cells: tuple[tuple[str, str], ...]
    source: str
    loc: Location
    after: str = ""  # [added]: the row it follows ("" before the first: `before`)
    before: str = ""


def entries(table: object, section: str, aliases: dict[str, str], places: Places) -> dict:
    """The entries of `[rows]` or `[added]` by name; a key that is no column's header nor
    field, an entry without a source or without cells, is an error at the entry."""
    if not isinstance(table, dict):
        raise InputError(
            f"[{section}] is not a table", f"[{section}.NAME] sections", places.at(section)
        )
    out = {}
    for name, entry in table.items():
        loc = places.at(section, name)
        if not isinstance(entry, dict) or not isinstance(entry.get("source"), str):
            raise InputError(
                f"[{section}.{name}] gives no source",
                'source = "where the paper or its reference implementation says it"',
                loc,
            )
        cells = []
        for key, value in entry.items():
            if key in _META[section]:
                continue
            field = aliases.get(norm(key), key if key in COLUMNS else None)
            if field is None or not isinstance(value, str | int) or isinstance(value, bool):
                raise InputError(
                    f"[{section}.{name}]: {key!r} is not a column",
                    "source, or a column's header or field (type, patch, output, ...) = text",
                    loc,
                )
            cells.append((field, str(value)))
        if not cells:
            raise InputError(f"[{section}.{name}] declares no cell", "a column header = text", loc)
        where = {k: entry[k] for k in ("after", "before") if k in entry}
        if section == "added" and (
            len(where) != 1 or not all(isinstance(v, str) for v in where.values())
        ):
            raise InputError(
                f"[{section}.{name}] says not where it goes",
                'after = "ROW" or before = "ROW": the row of the table it follows or precedes',
                loc,
            )
        out[name] = Declared(name, tuple(cells), entry["source"], loc, **where)
    return out


def merged(raw: dict, locs: dict, entry: Declared) -> tuple[dict, dict]:
    """The row's cells with an entry's: each replaces or fills its cell, a blank one blanks
    it; a type where the table's type column names its rows (`layer name/type`) keeps the
    printed name as the row's name."""
    raw, locs = dict(raw), dict(locs)
    for field, text in entry.cells:
        if field == "type" and "nametype" in raw:
            named = raw.pop("nametype")
            raw.setdefault("name", named)
            locs.setdefault("name", locs.pop("nametype"))
        if is_empty(text):
            raw.pop(field, None)
            locs.pop(field, None)
        else:
            raw[field], locs[field] = text, entry.loc
    return raw, locs


def layers(text: str) -> list[str]:
    """A type cell's layers as the table would write them out: `N× [a; b]` and `N× a`
    repeated, then layers one after another split at commas outside brackets (the
    caller keeps a type whose spelling has a comma whole)."""
    t = unmark(text)
    if m := _GROUP.fullmatch(t):
        inner = [part.strip() for part in m[2].split(";") if part.strip()]
        times = repeat_count(m[1], "group")
        return [x for _ in range(times) for part in inner for x in layers(part)]
    if (m := REPEAT.fullmatch(t)) and m[2] is not None:  # 5× conv dw / s1
        return [x for _ in range(repeat_count(m[1], "row")) for x in layers(m[2])]
    return [t]
