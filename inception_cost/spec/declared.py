"""The front matter's declarations held as the table's cells are: bounded, readable, used.

Two checks before anything is read (`check`): every text of the front matter is held to
the cells' character rule (no control or invisible character: a title or a footnote is
printed as it is), and each declaration table to `MAX_DECLARED` entries (a paper declares
a few; the reader's work grows with each). One budget after the rows are read
(`check_readings`): every variant reads the rows again, and each reading is built.

And one stage after the spec is read (`unused`): every declaration some cell or row uses,
or reported with its line, "declared but never used", as a finding of the audit (an error
under `table --strict`): a symbol no cell prints, a footnote no cell carries, a `[columns]`
header the table lacks, a connection table no row names, a kind no row is of.
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
from inception_cost.table import check_chars

#: The entries of one declaration table ([[claims]], [[variants]], [kinds], [symbols],
#: [footnotes], [columns], [rows], [claim_rows], [connection_tables]).
MAX_DECLARED = 200
TABLES = (
    "claims",
    "variants",
    "kinds",
    "symbols",
    "footnotes",
    "columns",
    "rows",
    "claim_rows",
    "connection_tables",
)
#: The spellings with {placeholders} of a spec's kinds, all together (EfficientNet's one:
#: `MBConv{expansion}, k{patch}`): each type cell that names no kind is tried on each.
MAX_TEMPLATES = 20
_WORD = re.compile(r"\w+")
#: The rows the reader types, every reading together: each variant reads the rows anew
#: (a column variant) and builds them; rows times readings, at most this many.
MAX_READINGS = 100_000


def check(meta: dict, places: Places) -> None:
    """The front matter's texts and the size of each declaration table."""
    _texts(meta, places)
    for key in TABLES:
        entries = meta.get(key)
        if isinstance(entries, dict | list) and len(entries) > MAX_DECLARED:
            raise InputError(
                f"{key} declares {len(entries):,} entries",
                f"at most {MAX_DECLARED} (a paper's table needs a few)",
                places.at(key),
            )
    kinds = meta.get("kinds")
    spelled = [
        s
        for kind in (kinds.values() if isinstance(kinds, dict) else ())
        if isinstance(kind, dict) and isinstance(kind.get("spellings"), list)
        for s in kind["spellings"]
        if isinstance(s, str) and "{" in s
    ]
    if len(spelled) > MAX_TEMPLATES:
        raise InputError(
            f"[kinds] declares {len(spelled)} spellings with {{placeholders}}",
            f"at most {MAX_TEMPLATES}: every type cell is matched against each of them",
            places.at("kinds"),
        )


def _texts(meta: dict, places: Places) -> None:
    """Every key and string of the front matter, at its entry's line: a control, format or
    invisible character is refused, as it is in a cell (a line break only in a text).
    Walked with a stack of its own: a JSON front matter may nest as deep as its parser
    allows, deeper than this function's callers leave room for."""
    todo: list[tuple[object, tuple]] = [(meta, ())]
    while todo:
        value, path = todo.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                _text(str(key), (*path, key), places)
                todo.append((item, (*path, key)))
        elif isinstance(value, list):
            todo += [(item, (*path, i)) for i, item in enumerate(value)]
        elif isinstance(value, str):
            _text(value.replace("\n", " "), path, places)


def _text(text: str, path: tuple, places: Places) -> None:
    if text.isprintable():  # the entry's line only for a text refused
        return
    loc = places.at(*path)
    try:
        check_chars(text, loc)
    except InputError as exc:
        exc.where = loc  # the entry's line: a column inside a TOML string says little
        raise


def check_readings(rows: int, meta: dict, places: Places) -> None:
    """Rows times readings (the table's and each variant's) within MAX_READINGS."""
    variants = meta.get("variants")
    readings = 1 + (len(variants) if isinstance(variants, list) else 0)
    if rows * readings > MAX_READINGS:
        raise InputError(
            f"{rows:,} rows read {readings} ways (the table and each variant) is more than"
            f" {MAX_READINGS:,} row readings",
            f"at most {max(0, MAX_READINGS // rows - 1):,} variants of a table of {rows:,} rows",
            places.at("variants"),
        )


@dataclass(frozen=True, slots=True)
class Unused:
    """A declaration nothing uses: where it is declared, what it is, why it is unused."""

    loc: Location
    what: str  # `[symbols] k`
    why: str  # `no cell prints k`

    def __str__(self) -> str:
        return f"{self.loc}: {self.what} is declared but never used: {self.why}"


def unused(spec: Spec, meta: dict, header: Header, places: Places) -> tuple[Unused, ...]:
    """Each declaration of the front matter that no cell or row of the spec uses."""
    texts = [t for _, cells in header.body for t, _ in cells]
    texts += _declared_cells(meta)
    rows = _every_row(spec)
    out: list[Unused] = []
    words = {w for t in texts for w in _WORD.findall(t)}  # a symbol's name is a word
    for name in _entries(meta, "symbols"):
        if name not in words:
            where = places.at("symbols", name)
            out.append(Unused(where, f"[symbols] {name}", f"no cell is {name}"))
    marks = {split_footnote(unmark(t))[1] for t in texts} - {""}
    for mark in _entries(meta, "footnotes"):
        if mark not in marks:
            why = "an empty mark" if not mark else f"no cell carries {mark}"
            out.append(Unused(places.at("footnotes", mark), f"[footnotes] {mark!r}", why))
    heads = {norm(t) for t, _ in header.cells} | {
        norm(re.sub(r"\(.*?\)", "", t)) for t, _ in header.cells
    }
    for head in _entries(meta, "columns"):
        if norm(head) not in heads:
            out.append(
                Unused(
                    places.at("columns", head),
                    f"[columns] {head!r}",
                    "the table has no such header",
                )
            )
    tables = {r.cells.table for r in rows if isinstance(r.cells, LayerCells)}
    for name in _entries(meta, "connection_tables"):
        if name not in tables:
            out.append(
                Unused(
                    places.at("connection_tables", name),
                    f"[connection_tables] {name!r}",
                    "no row names it in its connection table cell",
                )
            )
    types = {r.type for r in rows}
    for name in _entries(meta, "kinds"):
        if name not in types and name not in builtin():
            out.append(Unused(places.at("kinds", name), f"[kinds.{name}]", "no row is of it"))
    return tuple(sorted(out, key=lambda u: (u.loc.line, u.what)))


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
    """The cells the front matter writes: `[rows.NAME]` entries and variants' cells."""
    out: list[str] = []
    for entry in (meta.get("rows") or {}).values() if isinstance(meta.get("rows"), dict) else ():
        if isinstance(entry, dict):
            out += [str(v) for k, v in entry.items() if k != "source"]
    for variant in meta.get("variants") or () if isinstance(meta.get("variants"), list) else ():
        if isinstance(variant, dict):
            out += [str(v) for v in variant.values() if isinstance(v, str | int)]
    return out


def _every_row(spec: Spec) -> list[Row]:
    """The rows as tabled and as each variant reads them."""
    rows = [*spec.rows, *spec.swaps.values()]
    for anew in spec.read_as.values():
        rows += anew.values()
    return rows
