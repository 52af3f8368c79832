"""Claim rows: a table row whose type cell is a claim's name (ShuffleNet V2's `FLOPs` and
`# of weights` rows), its cells the claim under each column's reading.

`[claim_rows."FLOPs"]` declares one (its quantity and source); `split` takes its lines
out of the table's rows; `printed` reads each of its cells as a paper-level claim about
the reading that reads that cell's column (the table as tabled, or a column variant).
"""

from __future__ import annotations

import re
from dataclasses import replace

from inception_cost.cells import is_empty, parse_quantity, split_footnote, unmark
from inception_cost.columns import NOTE, norm
from inception_cost.errors import InputError, Location, nearest
from inception_cost.frontmatter import CLAIM_QUANTITIES, PaperClaim, Places
from inception_cost.spec.header import Header
from inception_cost.spec.records import Spec

#: Normalised name -> (name as declared, quantity, source, where it is declared, the
#: prefix its cells are in where they print none: a `GFLOPs` row's 4.1 is 4.1G).
Declared = dict[str, tuple[str, str, str, Location, str]]


def declared(table: object, places: Places) -> Declared:
    """`[claim_rows."FLOPs"]`: each claim row the spec declares."""
    loc = places.at("claim_rows")
    if not isinstance(table, dict):
        raise InputError("[claim_rows] is not a table", '[claim_rows."FLOPs"]', loc)
    out = {}
    for name, entry in table.items():
        where = places.at("claim_rows", name)
        if not isinstance(entry, dict) or set(entry) - {"quantity", "source"}:
            raise InputError(
                f"claim row {name!r} is not a table of quantity and source",
                'quantity = "macs", source = "Table 5"',
                where,
            )
        quantity = entry.get("quantity")
        if quantity not in CLAIM_QUANTITIES:
            raise InputError(
                f"claim row {name!r}: quantity {quantity!r} is not allowed"
                + nearest(quantity, CLAIM_QUANTITIES),
                "one of " + ", ".join(CLAIM_QUANTITIES),
                where,
            )
        out[norm(name)] = (name, quantity, str(entry.get("source", "")), where, "")
    return out


def label(cells: list[tuple[str, int]]) -> str:
    """A row's label, normalised: its first printed cell (a claim row's name, `FLOPs`)."""
    printed = next((t for t, _ in cells if not is_empty(t)), "")
    return norm(split_footnote(unmark(printed))[0])


def split(written: list, claim_rows: Declared) -> tuple[list, list, list[InputError]]:
    """The table's lines apart from its claim rows (named by their first printed cell),
    and the claim rows' lines; a declared claim row the table does not have is an error."""
    printed = [(w[0], w[1]) for w in written if label(w[1]) in claim_rows]
    rest = [w for w in written if label(w[1]) not in claim_rows]
    found = {label(cs) for _, cs in printed}
    errors = [
        InputError(
            f"claim row {name!r} names no row of the table",
            "a row whose type cell is that name, as the paper prints it",
            where,
        )
        for key, (name, _, _, where, _) in claim_rows.items()
        if key not in found
    ]
    return rest, printed, errors


def printed(spec: Spec, claim_rows: Declared, lines: list, header: Header, marks: list) -> tuple:
    """The claims a claim row prints, one per cell, each about the reading that reads its
    column: the table as tabled, or the variant that reads it (`columns`); each footnote
    mark a cell carries is added to `marks` (where, mark)."""
    fields, heads = header.fields, header.printed
    taken = {c.id for c in spec.claims}
    readers = {}  # the columns a variant swaps: the field's own (as tabled), and theirs
    for v in spec.variants:
        readers.update({f: "as tabled" for f, _ in v.columns if f in spec.columns})
        readers.update({NOTE + header: v.name for _, header in v.columns})
    out = []
    for line, cells in lines:
        name, quantity, source, _, prefix = claim_rows[label(cells)]
        first = next(i for i, (t, _) in enumerate(cells) if not is_empty(t))
        for i, (f, (text, col)) in enumerate(zip(fields, cells, strict=True)):
            if f is None or i == first or is_empty(text):
                continue
            where = Location(spec.path, line, col)
            if f not in readers:
                raise InputError(
                    f"claim row {name!r} has a cell under {heads[f]!r}, which no reading reads",
                    "claims under a column a variant swaps (columns = { field = header }) and"
                    " under the field's own column",
                    where,
                )
            printed_value, mark = split_footnote(unmark(text))
            if mark:
                marks.append((where, mark))
            value = _value(printed_value, name, where, prefix)
            reading = readers[f]
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            cid = slug if reading == "as tabled" else f"{slug}-{reading}"
            if cid in taken:
                raise InputError(
                    f"claim row {name!r} gives claim {cid!r} twice, or a [[claims]] entry"
                    " has that id",
                    "one claim row of each name, each cell a claim of its own id",
                    where,
                )
            taken.add(cid)
            out.append(
                PaperClaim(
                    id=cid,
                    text=f"{name}: {text.strip()} (the {heads[f]} column)",
                    source=source,
                    quantity=quantity,
                    value=value,
                    relation="equal",
                    against="",
                    loc=where,
                    reading=reading,
                )
            )
    return tuple(out)


def _value(text: str, name: str, where: Location, prefix: str):
    """A claim row's cell; in the row's unit (`GFLOPs`: G) where it prints none."""
    try:
        value = parse_quantity(text, f"claim row {name!r}")
    except InputError as exc:
        exc.where = where
        raise
    if prefix and not value.prefix:
        return replace(value, prefix=prefix, binary=False)
    return value
