"""The front matter's declarations held as the table's cells are: bounded and readable
(spec/unused.py: used).

Two checks before anything is read (`check`): every text of the front matter is held to
the cells' character rule (no control or invisible character: a title or a footnote is
printed as it is), and each declaration table to `MAX_DECLARED` entries (a paper declares
a few; the reader's work grows with each). One budget after the rows are read
(`check_readings`): every variant reads the rows again, and each reading is built.
"""

from __future__ import annotations

from inception_cost.errors import InputError
from inception_cost.frontmatter import Places
from inception_cost.table import check_chars

#: The entries of one declaration table ([[claims]], [[variants]], [kinds], [symbols],
#: [footnotes], [columns], [rows], [added], [claim_rows], [connection_tables]).
MAX_DECLARED = 200
TABLES = (
    "claims",
    "variants",
    "kinds",
    "symbols",
    "footnotes",
    "columns",
    "rows",
    "added",
    "claim_rows",
    "connection_tables",
)
#: The spellings with {placeholders} of a spec's kinds, all together (EfficientNet's one:
#: `MBConv{expansion}, k{patch}`): each type cell that names no kind is tried on each.
MAX_TEMPLATES = 20
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
