"""The header: each header cell as the column field it fills.

A header is read by the vocabulary (vocabulary/columns.toml) and the spec's own
`[columns]`; a header our own outputs add (`computed ...`, `verdict ...`) is ignored.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from inception_cost.columns import COLUMNS, HEADERS, NOTE, PAPER_FIELDS, norm
from inception_cost.columns import declare as declare_columns
from inception_cost.errors import InputError, Location, closest
from inception_cost.frontmatter import Places
from inception_cost.table import TableLine, check_chars

REQUIRED_FIELDS = ("type",)
_OUTPUT_ONLY = ("computed", "verdict")  # columns our own outputs add; ignored on read


class Header(NamedTuple):
    """The table's header read: its line, its cells as printed, the field of each (None:
    ignored), the headers the spec reads (normalised header -> field), the lines below."""

    line: int
    cells: list[tuple[str, int]]
    fields: list[str | None]
    aliases: dict[str, str]
    body: list[TableLine]

    @property
    def typed(self) -> str:
        """The field of the type column: `type`, or `nametype` (a layer name/type column)."""
        return "type" if "type" in self.fields else "nametype"

    @property
    def at(self) -> int:
        """The index of the type column."""
        return self.fields.index(self.typed)

    @property
    def columns(self) -> tuple[str, ...]:
        """The column fields the table has, in its order."""
        return tuple(f for f in self.fields if f)

    @property
    def printed(self) -> dict[str, str]:
        """Field -> its header as printed."""
        return {f: t.strip() for f, (t, _) in zip(self.fields, self.cells, strict=True) if f}


def read_header(
    table: list[TableLine], meta: dict, path: str, places: Places
) -> tuple[Header, list[InputError]]:
    """The header (the table's first line) read, and every header refused; a header
    without a type column, or a table without rows, is an error."""
    line, cells = table[0]
    aliases = {**HEADERS, **declare_columns(meta.get("columns", {}), places)}
    fields: list[str | None] = []
    errors: list[InputError] = []  # every header refused, in one run
    for text, col in cells:
        check_chars(text, Location(path, line, col))
        field, error = _field(text, aliases, fields, Location(path, line, col))
        fields.append(field)
        if error:
            errors.append(error)
    header = Header(line, cells, fields, aliases, table[1:])
    if errors:
        return header, errors
    for required in REQUIRED_FIELDS:
        if required not in fields and "nametype" not in fields:
            return header, [
                InputError(
                    f"the header has no {COLUMNS[required][0]!r} column",
                    "the paper's columns: " + ", ".join(COLUMNS[f][0] for f in PAPER_FIELDS),
                    Location(path, line, 1),
                )
            ]
    if len(table) == 1:
        return header, [
            InputError("the table has no rows", "one row per layer", Location(path, line, 1))
        ]
    return header, []


def _field(
    text: str, aliases: dict[str, str], before: list[str | None], loc: Location
) -> tuple[str | None, InputError | None]:
    """A header's field (None: a column our outputs add, or one refused) and why it is
    refused, if it is."""
    key = norm(text)
    if key.startswith(_OUTPUT_ONLY):
        return None, None
    if key not in aliases and (bare := norm(re.sub(r"\(.*?\)", "", text))) in aliases:
        key = bare  # a header's own gloss: s1x1 (#1x1 squeeze)
    if key not in aliases:
        near = closest(key, aliases)
        hint = ""
        if near is not None:  # a note column's field is NOTE + its header
            f = aliases[near]
            hint = f" (did you mean {f[len(NOTE) :] if f.startswith(NOTE) else COLUMNS[f][0]!r}?)"
        return None, InputError(
            f"unknown column {text!r}{hint}",
            "one of "
            + ", ".join(a[0] for a in COLUMNS.values())
            + ", or a [columns] entry naming it (docs/spec-format.md)",
            loc,
        )
    f = aliases[key]
    if f in before:
        return f, InputError(f"column {text!r} appears twice", "each column once", loc)
    return f, None
