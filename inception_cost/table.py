"""Table reading: spec text -> the layer table's cells, each with its file:line:col.

A Markdown spec is optional TOML front matter between `+++` lines, then one pipe table;
a CSV spec is the table alone. This module finds the front matter's lines and the
table's cells; it knows nothing of what a column means (spec/ types the cells,
frontmatter.py reads the settings).
"""

from __future__ import annotations

import csv
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from inception_cost.cells import decode
from inception_cost.errors import InputError, Location

#: One table line: its 1-based line number and its cells, each with its 1-based column.
TableLine = tuple[int, list[tuple[str, int]]]


@dataclass(frozen=True, slots=True)
class Markdown:
    """A Markdown spec split: its front matter's lines (where the first of them is) and its
    table, header first."""

    front: list[str]
    front_line: int  # the line number of front[0]
    opening: Location  # the first line of the spec (the opening +++)
    table: list[TableLine]


def split_markdown(text: str, path: str) -> Markdown:
    """Front matter (optional) then the first pipe table; other prose is ignored."""
    lines = split_lines(text)
    front: list[str] = []
    start = 0
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if lines[first].strip() == "+++":
        end = next((i for i in range(first + 1, len(lines)) if lines[i].strip() == "+++"), None)
        if end is None:
            raise InputError(
                "front matter opened with +++ is never closed",
                "a closing +++ line",
                Location(path, first + 1, 1),
            )
        front = lines[first + 1 : end]
        start = end + 1
    table = _find_table(lines, start, path)
    return Markdown(front, first + 2, Location(path, first + 1, 1), table)


#: The first line of a CSV that carries its front matter: this, then the front matter as
#: one line of JSON (frontmatter.read_csv_meta reads it).
CSV_META = "# spec: "


def csv_table(text: str, path: str) -> list[TableLine]:
    """A CSV table's lines, header first, blank lines and a first `# spec: ` line skipped."""
    lines = split_lines(text)
    start = 1 if lines[0].startswith(CSV_META) else 0
    table: list[TableLine] = []
    for number, line in enumerate(lines[start:], start + 1):
        if not line.strip():
            continue
        if len(line) > csv.field_size_limit():
            raise InputError(
                f"line of {len(line):,} characters",
                f"CSV lines of at most {csv.field_size_limit():,} characters",
                Location(path, number, 1),
            )
        try:
            fields = next(csv.reader([line]))
        except csv.Error as exc:
            raise InputError(
                f"malformed CSV line: {exc}", "comma-separated cells", Location(path, number, 1)
            ) from None
        cells, pos = [], 0
        for value in fields:
            found = line.find(value, pos) if value else pos
            col = (found if found >= 0 else pos) + 1
            cells.append((decode(value), col))
            pos = max(pos, col - 1 + len(value)) + 1
        table.append((number, cells))
    if not table:
        raise InputError(
            "no layer table found", "a header line of column names", Location(path, start + 1, 1)
        )
    return table


#: The largest spec read, in bytes: a paper's table is a few KiB; this refuses endless input.
MAX_SPEC_BYTES = 16 * 1024 * 1024


#: The SPEC argument that reads standard input (`pbpaste | inception-cost table -`).
STDIN = "-"


def read_text(path: str | Path) -> str:
    """The file's text, or an `InputError` that says why it cannot be read.

    Regular files only (a FIFO or device could block or never end) and at most
    `MAX_SPEC_BYTES`; `-` reads standard input under the same cap."""
    p = Path(path)
    where = f"{'<stdin>' if str(path) == STDIN else p}:1:1"
    if str(path) == STDIN:
        data = sys.stdin.buffer.read(MAX_SPEC_BYTES + 1)
        p = Path("<stdin>")
    else:
        try:
            mode = p.stat().st_mode
            if stat.S_ISDIR(mode):
                raise InputError(f"{p} is a directory", "a spec file (.md or .csv)", where)
            if not stat.S_ISREG(mode):
                raise InputError(
                    f"{p} is not a regular file (a FIFO, socket or device)",
                    "a spec file, or - to read standard input",
                    where,
                )
            with p.open("rb") as fh:
                data = fh.read(MAX_SPEC_BYTES + 1)
        except FileNotFoundError:  # no line or column to point at
            raise InputError(f"no such file {p}", "an existing spec file (.md or .csv)") from None
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise InputError(f"cannot read {p}: {reason}", "a readable file", where) from None
    if len(data) > MAX_SPEC_BYTES:
        raise InputError(
            f"{p} is larger than {MAX_SPEC_BYTES // (1024 * 1024)} MiB",
            "a spec of at most 16 MiB (a layer table is a few KiB)",
            where,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"byte 0x{data[exc.start]:02x} is not UTF-8", "a UTF-8 text file", f"{p}:{line}:{col}"
        ) from None
    if not text.strip():
        raise InputError(f"{p} is empty", "a front matter and a layer table", where)
    return text


def split_lines(text: str) -> list[str]:
    """Lines as editors number them: split at \n (and \r\n) only, unlike `splitlines`,
    which also splits at form feeds and other separators a cell must not hide."""
    return [line.removesuffix("\r") for line in text.split("\n")]


_PIPE = re.compile(r"(?<!\\)\|")  # a cell boundary; `\|` is a literal pipe


def _split_row(line: str) -> list[tuple[str, int]]:
    """Cells of a pipe-table line with their 1-based columns; `\\|` is a literal pipe."""
    pos = line.index("|") + 1 if line.lstrip().startswith("|") else 0  # outer pipes optional
    cells: list[tuple[str, int]] = []
    for part in _PIPE.split(line[pos:]):
        text = decode(part.strip().replace("\\|", "|"))
        cells.append((text, pos + len(part) - len(part.lstrip()) + 1))
        pos += len(part) + 1
    if cells and not cells[-1][0] and line.rstrip().endswith("|"):
        cells.pop()  # the closing pipe
    return cells


def _has_pipe(line: str) -> bool:
    return "|" in line.replace("\\|", "")


_SEPARATOR_CELL = re.compile(r":?-+:?")
_SEPARATOR_CHARS = re.compile(r"[\s|:-]*")


def _is_separator(line: str) -> bool:
    """A line like |---|:--:|; asked of the line below every table row, so a line with any
    other character (a row) is refused before it is split into cells."""
    if not _SEPARATOR_CHARS.fullmatch(line):
        return False
    cells = _split_row(line) if _has_pipe(line) else []
    return bool(cells) and all(_SEPARATOR_CELL.fullmatch(c) for c, _ in cells)


def _find_table(lines: list[str], start: int, path: str) -> list[tuple[int, list]]:
    """The table's lines. It starts at a line opening with `|` (or a piped line over a
        separator row); rows may lack outer pipes; blank lines inside it are skipped; it ends
        at the first line of prose. After it, a piped line outside a later table (a header over
    a separator row, ignored) is an error: a row is read or refused, never dropped."""
    rows: list[tuple[int, list]] = []
    end = len(lines)
    for i in range(start, len(lines)):
        stripped = lines[i].strip()
        if not rows:
            opens = stripped.startswith("|") or (
                _has_pipe(stripped) and i + 1 < len(lines) and _is_separator(lines[i + 1])
            )
            if opens:
                rows.append((i + 1, _split_row(lines[i])))
        elif _has_pipe(stripped) and not (
            len(rows) > 1 and i + 1 < len(lines) and _is_separator(lines[i + 1])
        ):
            rows.append((i + 1, _split_row(lines[i])))
        elif stripped:
            end = i
            break
    other_table = False  # a later table (header over a separator row) is the spec's notes
    for i in range(end, len(lines)):
        if not _has_pipe(lines[i]):
            other_table = False
        elif i + 1 < len(lines) and _is_separator(lines[i + 1]):
            other_table = True
        elif not other_table:
            raise InputError(
                f"a table line after the table ended (prose at line {end + 1})",
                "one layer table with its rows together (write \\| for a | in prose)",
                Location(path, i + 1, 1),
            )
    if not rows:
        raise InputError(
            "no layer table found",
            "a Markdown pipe table whose header names the paper's columns (type, ...)",
            Location(path, start + 1, 1),
        )
    if len(rows) < 2 or not all(_SEPARATOR_CELL.fullmatch(c) for c, _ in rows[1][1]):
        line = rows[1][0] if len(rows) > 1 else rows[0][0]
        raise InputError(
            "the table's second line is not a separator row",
            "a line like |---|---| under the header",
            Location(path, line, 1),
        )
    return [rows[0], *rows[2:]]


def check_chars(text: str, loc: Location) -> None:
    """A cell with a control, format (zero-width) or separator character is refused, not
    read with the character stripped: what is invisible must not change what is read."""
    if text.isprintable():  # most cells: no character of those categories (nor Zs, Cn)
        return
    for i, c in enumerate(text):
        if c != "\t" and unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp"):
            name = unicodedata.name(c, "a control character")
            raise InputError(
                f"cell has the invisible character U+{ord(c):04X} ({name})",
                "printable text only",
                Location(loc.path, loc.line, loc.col + i),
            )
