"""The column vocabulary: which header fills which field, and the field's role.

Read from `vocabulary/columns.toml` (package data); a spec adds its own headers under
`[columns]`: `"header" = "field"` for another name of a known column, or
`"header" = "note"` for a column kept and echoed but never used.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from inception_cost.errors import InputError
from inception_cost.records import dataclass

COLUMNS_FILE = Path(__file__).parent / "vocabulary" / "columns.toml"
ROLES = (
    "kind",
    "name",
    "source",
    "patch",
    "stride",
    "output size",
    "input size",
    "width",
    "count",
    "claim",
    "setting",
    "note",
)
NOTE = "note:"  # the field of a spec's informational column is NOTE + its header


def norm(text: str) -> str:
    """A header or spelling compared without case, spaces or punctuation; x and × alike."""
    return re.sub(r"[^0-9a-z]", "", text.lower().replace("×", "x"))


@dataclass(frozen=True, slots=True)
class Column:
    field: str
    role: str
    headers: tuple[str, ...]
    paper: bool = False


def _load() -> tuple[Column, ...]:
    table = tomllib.loads(COLUMNS_FILE.read_text(encoding="utf-8"))
    out = []
    for entry in table["column"]:
        column = Column(
            entry["field"], entry["role"], tuple(entry["headers"]), entry.get("paper", False)
        )
        assert column.role in ROLES, column
        out.append(column)
    return tuple(out)


VOCABULARY = _load()
#: Column field -> accepted headers, the first the one messages and outputs print.
COLUMNS: dict[str, tuple[str, ...]] = {c.field: c.headers for c in VOCABULARY}
ROLE = {c.field: c.role for c in VOCABULARY}
PAPER_FIELDS = tuple(c.field for c in VOCABULARY if c.paper)
#: The counts a module kind reads; `0` may mean "no such branch" (the kind says).
BRANCH_FIELDS = tuple(c.field for c in VOCABULARY if c.role == "width" and c.field != "block")
HEADERS = {norm(h): c.field for c in VOCABULARY for h in c.headers}


def declare(table: object, places) -> dict[str, str]:
    """A spec's `[columns]`: normalised header -> field (or NOTE + header); `places` gives
    each entry's line (frontmatter.Places)."""
    if not isinstance(table, dict):
        raise InputError(
            "[columns] is not a table", '"header as printed" = "field"', places.at("columns")
        )
    out: dict[str, str] = {}
    for header, field in table.items():
        loc = places.at("columns", header)
        key = norm(header)
        if not key:
            raise InputError(f"column {header!r} has no letters or digits", "a header", loc)
        if key in HEADERS:
            raise InputError(
                f"column {header!r} is built in (it reads as {COLUMNS[HEADERS[key]][0]!r})",
                "a header the vocabulary does not have, or no declaration",
                loc,
            )
        if field == "note":
            out[key] = NOTE + header
        elif isinstance(field, str) and field in COLUMNS:
            out[key] = field
        else:
            raise InputError(
                f"column {header!r} = {field!r} names no field",
                "note (kept, never used) or a field: " + ", ".join(COLUMNS),
                loc,
            )
    return out
