"""The table's lines as the rows to read: what the paper printed once for several rows
written out for each, before any cell is typed.

Each stage takes and gives lines of cells: `counted` keeps the lines with as many cells
as the header; `spanned` fills a blank cell of a column that spans another (DenseNet's
`7 × 7 conv, stride 2` printed across two columns); `unrolled` writes out repeats
(`5× conv`, `5× [` ... `]` over a group of rows); `each_layer` splits a type cell naming
layers one after another (`1000D fully-connected, softmax`); `continued` gives a line
with a blank type cell the type of the module printed above it (ShuffleNet V2's stages
over several lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from inception_cost.cells import is_empty, repeat_count, unmark
from inception_cost.columns import norm
from inception_cost.columns import spans as column_spans
from inception_cost.errors import InputError, Location
from inception_cost.frontmatter import Places

#: The layers a table may unroll to: beyond them a network takes minutes and gigabytes
#: to build, so it is refused at once.
MAX_LAYERS = 10_000

# `5× conv`, and `3×Inception` as Inception v3's Table 1 prints it: a letter may follow the
# × directly (a digit may not: `3x3 conv` is a kernel, not a repeat).
_REPEAT = re.compile(
    r"([0-9]+)\s*[x×](?:\s+|(?=[^\W\d_]))(?![\[0-9])(.+)|([0-9]+)\s*[x×]\s*\[\s*(.*)", re.S
)
_STRIDE_PART = re.compile(r"stride\s*[0-9]+", re.I)


def counted(body: list, width: int, path: str) -> tuple[list, list[InputError]]:
    """The lines with one cell per header cell; each other line is an error."""
    lines, errors = [], []
    for line, cells in body:
        if len(cells) != width:
            errors.append(
                InputError(
                    f"row has {len(cells)} cells, the header has {width}",
                    f"{width} cells separated by |",
                    Location(path, line, 1),
                )
            )
        else:
            lines.append((line, cells))
    return lines, errors


def spanned(table: list, header: list, declared: object, places: Places) -> list:
    """A blank cell in a column that `spans` another repeats that column's cell: the
    paper printed it once across both (DenseNet's `7 × 7 conv, stride 2`)."""
    keys = [norm(text) for text, _ in header]
    out = table
    for declared_header, spanning in column_spans(declared).items():
        column, source = norm(declared_header), norm(spanning)
        if source not in keys:
            raise InputError(
                f"column {declared_header!r} spans {spanning!r}, which the table does not have",
                "a header of the table",
                places.at("columns", declared_header),
            )
        if column not in keys:
            continue
        at, src = keys.index(column), keys.index(source)
        out = [
            (line, [*cells[:at], cells[src], *cells[at + 1 :]] if is_empty(cells[at][0]) else cells)
            if len(cells) == len(keys)
            else (line, cells)
            for line, cells in out
        ]
    return out


def filled(table: list, columns: tuple[int, ...]) -> list:
    """One column per network (SENet's Table 1): a line that prints a cell under the first
    only prints it once across them all, and each network reads it (a blank beside other
    printed cells is a layer that network does not have)."""
    if not columns:
        return table
    first, rest = columns[0], columns[1:]
    out = []
    for line, cells in table:
        if (
            len(cells) > max(columns)
            and not is_empty(cells[first][0])
            and all(is_empty(cells[k][0]) for k in rest)
        ):
            cells = [
                (cells[first][0], c) if k in rest else (t, c) for k, (t, c) in enumerate(cells)
            ]
        out.append((line, cells))
    return out


def unrolled(lines: list, at: int, path: str) -> tuple[list, list[InputError]]:
    """The lines with their repeats written out: `5× conv` is five rows, and
    `5× [conv dw / s1` ... `conv / s1]` five times the group it brackets. Each line comes
    with its copy number (0 when not repeated). A repeat count out of bounds is an error
    and its rows are read once; a group that does not parse is an error and no line is
    read."""
    errors: list[InputError] = []
    try:
        return _unrolled(lines, at, path, errors), errors
    except InputError as exc:
        return [], [*errors, exc]


def _unrolled(
    table: list, at: int, path: str, errors: list[InputError]
) -> list[tuple[int, list, int]]:
    out: list[tuple[int, list, int]] = []
    i = 0
    while i < len(table):
        line, cells = table[i]
        text, col = cells[at]
        m = _REPEAT.fullmatch(unmark(text))
        if not m:
            if unmark(text).endswith("]"):
                raise InputError(
                    "a ] closes no repeated group",
                    "N× [ on the group's first row",
                    Location(path, line, col),
                )
            out.append((line, cells, 0))
            i += 1
            continue
        if m[2] is not None:  # one row
            group = [(line, _with(cells, at, m[2]))]
        else:
            group, i = _group(table, i, at, m[4].strip(), path)
        try:
            times = repeat_count(m[1] or m[3], "row")
        except InputError as exc:  # the group is still read once: its rows' errors too
            exc.where = exc.where or Location(path, line, col)
            errors.append(exc)
            times = 1
        if len(out) + times * len(group) > MAX_LAYERS:
            raise InputError(
                f"the table unrolls to more than {MAX_LAYERS:,} layers by this repeat",
                f"a network of at most {MAX_LAYERS:,} layers",
                Location(path, line, col),
            )
        for copy in range(1, times + 1):
            out.extend((ln, cs, copy) for ln, cs in group)
        i += 1
    return out


def _group(table: list, i: int, at: int, first: str, path: str) -> tuple[list, int]:
    """The rows a `N× [` on line i opens, up to the one whose type ends in `]`; and the
    index of that last row."""
    line, cells = table[i]
    col = cells[at][1]
    if first in ("", "]"):
        raise InputError(
            "a repeat over an empty group",
            "N× [first row ... last row] around the rows it repeats",
            Location(path, line, col),
        )
    end = next((j for j in range(i, len(table)) if _closes(table[j][1][at][0])), None)
    if end is None:
        raise InputError(
            "a repeated group opened here is never closed",
            "a ] after the type of its last row",
            Location(path, line, col),
        )
    group = [(line, _with(cells, at, first)), *table[i + 1 : end + 1]]
    return [(ln, _with(cs, at, _unclose(cs[at][0]))) for ln, cs in group], end


def each_layer(
    cells: list, at: int, is_type: Callable[[str], bool], alike: tuple[int, ...] = ()
) -> list[list]:
    """A type cell naming layers one after another (DenseNet's `1000D fully-connected,
    softmax`, ResNet's stem `7×7, 64, stride 2; 3×3 max pool, stride 2`) is a row per
    layer: `;` and commas outside brackets split it, where what they split is not one
    layer already (`conv, 7 × 7, 64, stride 2`, `MBConv6, k5x5`) and a `stride S` part
    stays with its layer. The row's other cells go with its last layer, whose output is
    the row's; the layers before it have only their type."""
    text, col = cells[at]
    if is_type(text.strip()):
        return [cells]
    layers: list[tuple[int, str]] = []
    for offset, piece in _split(text, ";"):
        if is_type(piece.strip()):
            layers.append((offset, piece))
            continue
        merged: list[tuple[int, str]] = []
        for at_, part in _split(piece, ","):
            if merged and (_STRIDE_PART.fullmatch(part.strip()) or not part.strip()):
                merged[-1] = (merged[-1][0], merged[-1][1] + "," + part)
            else:
                merged.append((offset + at_, part))
        layers += merged
    if len(layers) == 1 or not all(is_type(part.strip()) for _, part in layers):
        return [cells]
    out = []
    same = [k for k in alike if k != at and cells[k][0] == text]  # each network reads it
    for i, (offset, part) in enumerate(layers):
        lead = len(part) - len(part.lstrip())
        row = list(cells) if i == len(layers) - 1 else [("", c) for _, c in cells]
        row[at] = (part.strip(), col + offset + lead)
        for k in same:
            row[k] = (part.strip(), cells[k][1])
        out.append(row)
    return out


def _split(text: str, sep: str) -> list[tuple[int, str]]:
    """`text` split at `sep` outside brackets and parentheses: (offset, part) each."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in "([") - (ch in ")]")
        if ch == sep and depth == 0:
            parts.append((start, text[start:i]))
            start = i + 1
    return [*parts, (start, text[start:])]


def continued(written: list, at: int) -> list:
    """Each line with whether its blank type cell continues the module printed above it
    (a module printed over several lines: ShuffleNet V2's stages), whose type it then
    takes, as the next copy."""
    out = []
    above, run = "", 0
    for line, cells, copy in written:
        if is_empty(cells[at][0]) and above and any(not is_empty(t) for t, _ in cells):
            run += 1
            cells, copy = _with(cells, at, above), run + 1
        else:
            above, run = cells[at][0], 0
        out.append((line, cells, copy, bool(run)))
    return out


def _closes(text: str) -> bool:
    return unmark(text).endswith("]")


def _unclose(text: str) -> str:
    t = unmark(text)
    return t[:-1].strip() if t.endswith("]") else t


def _with(cells: list, at: int, text: str) -> list:
    return [*cells[:at], (text, cells[at][1]), *cells[at + 1 :]]
