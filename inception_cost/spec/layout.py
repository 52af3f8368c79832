"""The table's lines as the rows to read: what the paper printed once for several rows
written out for each, before any cell is typed.

Each stage takes and gives lines of cells: `counted` keeps the lines with as many cells
as the header; `spanned` fills a blank cell of a column that spans another (DenseNet's
`7 × 7 conv, stride 2` printed across two columns), `filled` one printed once across
the networks' columns; repeats are written out in spec/repeats.py; `each_layer` splits
a type cell naming layers one after another (`1000D fully-connected, softmax`);
`continued` gives a line with a blank type cell the type of the module printed above it
(ShuffleNet V2's stages over several lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from inception_cost.cells import is_empty
from inception_cost.columns import norm
from inception_cost.columns import spans as column_spans
from inception_cost.errors import InputError, Location
from inception_cost.frontmatter import Places

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
    printed cells, or a dash under a network, is a layer that network does not have:
    ThunderNet's Conv5 `1×1, 512 | - | -`)."""
    if not columns:
        return table
    first, rest = columns[0], columns[1:]
    out = []
    for line, cells in table:
        if (
            len(cells) > max(columns)
            and not is_empty(cells[first][0])
            and all(not cells[k][0].strip() for k in rest)
        ):
            cells = [
                (cells[first][0], c) if k in rest else (t, c) for k, (t, c) in enumerate(cells)
            ]
        out.append((line, cells))
    return out


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
    for line, cells, copy, closes in written:
        if is_empty(cells[at][0]) and above and any(not is_empty(t) for t, _ in cells):
            run += 1
            cells, copy = _with(cells, at, above), run + 1
        else:
            above, run = cells[at][0], 0
        out.append((line, cells, copy, bool(run), closes))
    return out


def _with(cells: list, at: int, text: str) -> list:
    return [*cells[:at], (text, cells[at][1]), *cells[at + 1 :]]
