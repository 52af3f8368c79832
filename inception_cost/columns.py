"""The column vocabulary: which header fills which field, and the field's role.

Read from `vocabulary/columns.toml` (package data); a spec adds its own headers under
`[columns]`: `"header" = "field"` for another name of a known column, or
`"header" = "note"` for a column kept and echoed but never used. A built-in header is
read otherwise only when the spec says which reading it replaces:
`"Layers" = { field = "name", rebinds = "repeat" }` (DenseNet's Table 1 names its stages
under `Layers`, which elsewhere is a repeat count).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from inception_cost.errors import InputError, closest

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


_NOT_KEPT = re.compile(r"[^0-9a-z]")  # compiled once: `norm` runs on every header and type cell


def norm(text: str) -> str:
    """A header or spelling compared without case, spaces or punctuation; x and × alike."""
    return _NOT_KEPT.sub("", text.lower().replace("×", "x"))


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
        key = norm(header)  # "" is the blank header cell (a column of names, of marks)
        if isinstance(field, dict):
            field = _entry(header, key, field, loc)
        elif key in HEADERS:
            built_in = HEADERS[key]
            raise InputError(
                f"column {header!r} is built in (it reads as {COLUMNS[built_in][0]!r})",
                "a header the vocabulary does not have, no declaration, or a rebinding:"
                f' "{header}" = {{ field = "note", rebinds = "{built_in}" }}',
                loc,
            )
        if field == "note":
            out[key] = NOTE + header
        elif isinstance(field, str) and field in COLUMNS:
            out[key] = field
        else:
            raise InputError(
                f"column {header!r} = {field!r} names no field{_near_field(field)}",
                "note (kept, never used) or a field: " + ", ".join(COLUMNS),
                loc,
            )
    return out


def _near_field(word: object) -> str:
    """` (did you mean 'patch'?)` for the field whose name or header spelling is nearest
    a misspelt `[columns]` target (`kernal` -> 'patch', which `kernel` names)."""
    spellings = {h: f for f, headers in COLUMNS.items() for h in (f, "note", *headers)}
    spellings["note"] = "note"
    near = closest(str(word), list(spellings))
    if near is None:
        return ""
    field = spellings[near]
    return f" (did you mean {field!r}{'' if near == field else f', which {near!r} names'}?)"


def _entry(header: str, key: str, entry: dict, loc) -> object:
    """`{ field = ..., rebinds = ..., spans = ... }`: a built-in header read as another
    field, the reading it replaces written out so that no known column changes meaning by
    accident; `spans`, the column whose cell a blank one here repeats (a cell the paper
    prints once across both, as DenseNet's Table 1 does its shared layers)."""
    if "field" not in entry or not set(entry) <= {"field", "rebinds", "spans", "blank"}:
        raise InputError(
            f"column {header!r} is a table of {', '.join(sorted(entry)) or 'nothing'}",
            '{ field = "name", rebinds = "the field a built-in header reads" } and'
            ' optionally spans = "the header whose cell a blank one repeats"',
            loc,
        )
    built_in = HEADERS.get(key)
    if built_in and "rebinds" not in entry:
        raise InputError(
            f"column {header!r} is built in (it reads as {built_in!r}) and says no rebinds",
            f'rebinds = "{built_in}", the reading it replaces',
            loc,
        )
    if entry.get("rebinds") != built_in:
        raise InputError(
            f"column {header!r} rebinds {entry.get('rebinds')!r}, but "
            + (f"it reads as {built_in!r}" if built_in else "it is not built in"),
            f'rebinds = "{built_in}"' if built_in else "no rebinds",
            loc,
        )
    if entry.get("blank", "continues") != "continues" or (
        "blank" in entry and entry["field"] != "name"
    ):
        raise InputError(
            f"column {header!r}: blank = {entry['blank']!r} is not allowed",
            'blank = "continues" on the name column: a blank name continues the layer above',
            loc,
        )
    if "spans" in entry and not isinstance(entry["spans"], str):
        raise InputError(f"column {header!r}: spans is not a header", 'spans = "header"', loc)
    return entry["field"]


def continues(table: object) -> list[str]:
    """The headers declared `blank = "continues"`: a blank cell names the row inside the
    layer above."""
    if not isinstance(table, dict):
        return []
    return [h for h, e in table.items() if isinstance(e, dict) and e.get("blank") == "continues"]


def spans(table: object) -> dict[str, str]:
    """The declared `spans`: header -> the header whose cell a blank one repeats."""
    if not isinstance(table, dict):
        return {}
    return {h: e["spans"] for h, e in table.items() if isinstance(e, dict) and "spans" in e}
