"""Repeat marks and the boxes of rows they repeat.

A mark is printed before a row's type (`5× Conv dw / s1`: MobileNet's Table 1 as the
PDF's text gives it), in a column of its own (`2×` under a blank header, Darknet's), or
around a group (`5× [` ... `]`). A group's brackets say which rows it repeats. A mark
without them repeats a box of rows that starts at its row and ends at a `Residual` (or
`Shortcut`) row, which adds the box's input to its output, or before the first row whose
printed size differs. Where the rows after the mark keep its size, the box could be any
of them: each length is a candidate, and the one the printed sizes and claims support is
taken (spec/read.py), or the reader asks at the mark. One row is never repeated alone
without saying so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from inception_cost.cells import is_empty, repeat_count, split_footnote, unmark
from inception_cost.columns import norm
from inception_cost.errors import InputError, Location

#: The layers a table may unroll to: beyond them a network takes minutes and gigabytes
#: to build, so it is refused at once.
MAX_LAYERS = 10_000
#: The longest box a mark without brackets is read as, where its rows keep its size.
MAX_BOX = 6
# `5× conv`, and `3×Inception` as Inception v3's Table 1 prints it: a letter may follow the
# × directly (a digit may not: `3x3 conv` is a kernel, not a repeat).
REPEAT = re.compile(
    r"([0-9]+)\s*[x×](?:\s+|(?=[^\W\d_]))(?![\[0-9])(.+)|([0-9]+)\s*[x×]\s*\[\s*(.*)", re.S
)
_MARK = re.compile(r"([0-9]+)\s*[x×]|[x×]\s*([0-9]+)")  # a mark in a column of its own
CLOSERS = ("residual", "shortcut")  # a row that closes its box, adding the box's input


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A mark whose box the print leaves open: where it is, as printed, and the box
    lengths (rows from its own) its rows allow."""

    loc: Location
    line: int
    text: str
    lengths: tuple[int, ...]
    lines: tuple[int, ...]  # the line of each row the longest box takes


@dataclass(frozen=True, slots=True)
class Columns:
    """Where a line's type, repeat mark and printed sizes are (indexes of its cells), and
    which type cells read whole as one type (`1 × min(64, 64a)`, a kind's spelling: no
    mark before a type)."""

    at: int
    marks: int | None = None
    sized: tuple[int, ...] = ()
    block: int | None = None
    whole: Callable[[str], bool] = lambda text: False


def unrolled(
    table: list, cols: Columns, path: str, choices: dict[int, int] | None = None
) -> tuple[list, list[InputError], list[Ambiguous]]:
    """The lines with their repeats written out, each with its copy number (0 when not
    repeated) and, for a row that closes a box, (the box's first line, its copy). A
    repeat count out of bounds is an error and its rows are read once; a group that does
    not parse is an error and no line is read. `choices`: a box length for a mark whose
    box the print leaves open (by its line); without one its box is its row alone, and
    the mark is in the ambiguous list."""
    errors: list[InputError] = []
    ambiguous: list[Ambiguous] = []
    try:
        out = _unrolled(table, cols, path, choices or {}, errors, ambiguous)
    except InputError as exc:
        return [], [*errors, exc], []
    return out, errors, ambiguous


def _unrolled(table, cols, path, choices, errors, ambiguous) -> list:
    out: list = []
    i = 0
    while i < len(table):
        line, cells = table[i]
        text, col = cells[cols.at]
        mark = _mark(cells, cols, path, line)
        whole = cols.whole(unmark(text))  # a kind's spelling: `[60, s1]×3` closes no group
        m = None if whole else REPEAT.fullmatch(unmark(text))
        if m and m[4] is not None:  # N× [ ... ]: the group its brackets close
            group, i = _group(table, i, cols.at, m[4].strip(), path)
            _copies(out, group, _times(m[3], line, col, path, errors), line, col, path)
            i += 1
            continue
        if not m and not whole and unmark(text).endswith("]"):
            raise InputError(
                "a ] closes no repeated group",
                "N× [ on the group's first row, or a kind whose spelling reads the cell"
                ' ([kinds.NAME] spellings = ["[{filters}, s{stride}]"])',
                Location(path, line, col),
            )
        if m and mark:
            raise InputError(
                "a row with two repeat marks",
                "one mark: before its type or in the marks column",
                Location(path, line, col),
            )
        if not m and not mark:
            if _closes(cells, cols):
                raise InputError(
                    f"a {unmark(text)} row has no building block, and no repeat mark above"
                    " it opens a box of rows for it to close (adding the box's input)",
                    "a building block such as [3x3, 64; 3x3, 64] x 2, or a mark (1×) on the"
                    " first row of the box it closes",
                    Location(path, line, col),
                )
            out.append((line, cells, 0, None))
            i += 1
            continue
        if m:
            times_text, where = m[1], (cols.at, col)
            cells = _with(cells, cols.at, m[2])
        else:
            times_text, where = mark[0], (cols.marks, cells[cols.marks][1])
            cells = _with(cells, cols.marks, "")
        before = len(errors)
        times = _times(times_text, line, where[1], path, errors)
        end = (  # a count out of bounds is refused: its row is read once, no box weighed
            i
            if len(errors) > before
            else _box(table, i, cols, line, where[1], path, choices, ambiguous, text)
        )
        box = [(line, cells), *table[i + 1 : end + 1]]
        _copies(out, box, times, line, where[1], path, closes=_closes(table[end][1], cols))
        i = end + 1
    return out


def _mark(cells, cols: Columns, path: str, line: int) -> tuple[str] | None:
    """A row's mark in the marks column (`2×`, `×2`): its count as printed."""
    if cols.marks is None or is_empty(cells[cols.marks][0]):
        return None
    text = split_footnote(unmark(cells[cols.marks][0]))[0]
    if m := _MARK.fullmatch(text):
        return (m[1] or m[2],)
    raise InputError(
        f"repeat mark {text!r} is not a count",
        "a mark such as 2× or ×2",
        Location(path, line, cells[cols.marks][1]),
    )


def _times(text: str, line: int, col: int, path: str, errors: list) -> int:
    try:
        return repeat_count(text, "row")
    except InputError as exc:  # the rows are still read once: their errors too
        exc.where = exc.where or Location(path, line, col)
        errors.append(exc)
        return 1


def _box(table, i, cols, line, col, path, choices, ambiguous, text) -> int:
    """The last row of the box a mark on row i repeats: a closing `Residual` row, else the
    row before the printed size changes (or another mark); where several rows keep the
    size, the chosen length, else the row alone (and the mark is ambiguous)."""
    j = i + 1
    while j < len(table) and not _marked(table[j][1], cols):
        if _closes(table[j][1], cols):
            return j
        if not _same_size(table[i][1], table[j][1], cols):
            break
        j += 1
    run = j - i
    if run == 1:
        return i
    lengths = tuple(range(1, min(run, MAX_BOX) + 1))
    lines = tuple(table[k][0] for k in range(i, i + lengths[-1]))
    ambiguous.append(Ambiguous(Location(path, line, col), line, unmark(text), lengths, lines))
    chosen = choices.get(line, 1)
    return i + chosen - 1


def _marked(cells, cols: Columns) -> bool:
    if cols.marks is not None and not is_empty(cells[cols.marks][0]):
        return True
    text = unmark(cells[cols.at][0])
    return bool(REPEAT.fullmatch(text)) and not cols.whole(text)


def _closes(cells, cols: Columns) -> bool:
    """A `Residual` (or `Shortcut`) row with no building block: it closes a box."""
    if norm(split_footnote(unmark(cells[cols.at][0]))[0]) not in CLOSERS:
        return False
    return cols.block is None or is_empty(cells[cols.block][0])


def _same_size(a, b, cols: Columns) -> bool:
    """Whether row b prints the size row a prints (a blank says nothing against it)."""
    for k in cols.sized:
        ta, tb = norm(unmark(a[k][0])), norm(unmark(b[k][0]))
        if ta and tb and ta != tb:
            return False
    return True


def _copies(out: list, box: list, times: int, line: int, col: int, path: str, closes=False):
    if len(out) + times * len(box) > MAX_LAYERS:
        raise InputError(
            f"the table unrolls to more than {MAX_LAYERS:,} layers by this repeat",
            f"a network of at most {MAX_LAYERS:,} layers",
            Location(path, line, col),
        )
    for copy in range(1, times + 1):
        out.extend(
            (ln, cs, copy, (box[0][0], copy) if closes and k == len(box) - 1 else None)
            for k, (ln, cs) in enumerate(box)
        )


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
    end = next((j for j in range(i, len(table)) if unmark(table[j][1][at][0]).endswith("]")), None)
    if end is None:
        raise InputError(
            "a repeated group opened here is never closed",
            "a ] after the type of its last row",
            Location(path, line, col),
        )
    group = [(line, _with(cells, at, first)), *table[i + 1 : end + 1]]
    return [(ln, _with(cs, at, _unclose(cs[at][0]))) for ln, cs in group], end


def _unclose(text: str) -> str:
    t = unmark(text)
    return t[:-1].strip() if t.endswith("]") else t


def _with(cells: list, at: int, text: str) -> list:
    return [*cells[:at], (text, cells[at][1]), *cells[at + 1 :]]
