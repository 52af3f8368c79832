"""Terminal tables that fit the terminal: whole columns left out by priority, never a
number cut off, and a line saying what was left out and how to see it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from inception_cost.render.terminal.prose import Hanging


@dataclass(frozen=True, slots=True)
class Col:
    """A column: its header, alignment and priority (0 always stays; lower stays first)."""

    header: str
    justify: str = "left"
    priority: int = 0
    style: str | None = None
    wrap: bool = False  # prose that may wrap at spaces (a title), never a number
    # shown only with the column before it, whose value it judges (a claim): never alone
    paired: bool = False


SECTION = None  # a row that is this value starts a new section (a rule before totals)


#: While a file is drawn, the width each fitted table needs to show every column: a file
#: is drawn as wide as its widest table (render/terminal/__init__.py `as_text`).
NEEDED: ContextVar[list[int] | None] = ContextVar("needed", default=None)

GAP = 3  # between two columns: a space of padding each side of a blank rule
WRAP_MIN = 28  # the narrowest a wrapping prose column gets


def _text(cell) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def _widths(cols: list[Col], rows: list) -> list[tuple[int, int]]:
    """Each column's (narrowest, widest) width: prose may wrap at spaces, nothing else."""
    out = []
    for i, c in enumerate(cols):
        texts = [c.header] + [_text(r[i]) for r in rows if r is not SECTION]
        widest = max(cell_len(t) for t in texts)
        longest = max((cell_len(w) for t in texts for w in t.split()), default=widest)
        out.append(
            # prose wraps only into a column wide enough to read (WRAP_MIN), never narrower
            (min(widest, max(longest, WRAP_MIN)) if c.wrap else widest, widest)
        )
    return out


def _table(cols: list[Col], rows: list, keep: list[int], widths) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1))
    for i in keep:
        c = cols[i]
        table.add_column(
            Text(c.header),  # not markup for rich to parse
            justify=c.justify,
            no_wrap=not c.wrap,
            style=c.style,
            min_width=widths[i][0],
        )
    for row in rows:
        if row is SECTION:
            table.add_section()
        else:
            table.add_row(*(row[i] for i in keep))
    return table


def _units(cols: list[Col]) -> list[list[int]]:
    """Each column with the paired column after it, if any: what stays or goes together."""
    return [
        [i, *([i + 1] if i + 1 < len(cols) and cols[i + 1].paired else [])]
        for i, c in enumerate(cols)
        if not c.paired
    ]


def drop_order(cols: list[Col]) -> list[list[int]]:
    """The columns that may give way, as the units they go in, the first to go first: by
    priority, the highest number first, then from the right; a paired column goes with
    the column before it."""
    units = [u for u in _units(cols) if cols[u[0]].priority]
    return sorted(units, key=lambda u: (cols[u[0]].priority, u[0]), reverse=True)


def fit(cols: list[Col], rows: list, width: int, indent: int = 0) -> tuple[Table, list[str], int]:
    """The table with the columns that fit `width`, in their own order; the headers left
    out; and the width that shows every column on one line.

    Columns give way in one order (`drop_order`) and only in it: a column stays only if
    every column after it in that order stays, so what a width shows is monotonic in the
    width, and a paired column (a claim) is never shown without its value. `indent`: how
    far in the table is printed (what a file's width must add to show every column)."""
    widths = _widths(cols, rows)

    def need(keep, widest=False) -> int:
        return sum(widths[i][widest] for i in keep) + GAP * (len(keep) - 1)

    keep = [i for u in _units(cols) if not cols[u[0]].priority for i in u]
    for unit in reversed(drop_order(cols)):
        if need([*keep, *unit]) > width:
            break
        keep += unit
    keep.sort()
    needed = NEEDED.get()
    if needed is not None:
        needed.append(need(range(len(cols)), True) + indent)
    left = [cols[i].header for i in range(len(cols)) if i not in keep]
    return _table(cols, rows, keep, widths), left, need(range(len(cols)), True)


def left_out_line(left: list[str], full: int, width: int, elsewhere: str) -> Text | None:
    """`left out at 80 columns: type, act. (all columns from 111: COLUMNS=111, or ...)`."""
    if not left:
        return None
    return Text(
        f"left out at {width} columns: {', '.join(left)} (all from COLUMNS={full}, or {elsewhere})",
        style="dim",
    )


def cells(*values) -> list:
    """A row's cells as rich Text (plain strings stay as given)."""
    return [v if isinstance(v, Text) else Text(str(v)) for v in values]


def print_fitted(console: Console, cols: list[Col], rows: list, elsewhere: str, indent: int = 0):
    """Print the table fitted to the console's width (less `indent`) and, when columns
    were left out, the line that says which and how to see them."""
    width = console.width - indent
    table, left, full = fit(cols, rows, width, indent)
    console.print(Padding(table, (0, 0, 0, indent)) if indent else table)
    note = left_out_line(left, full + indent, console.width, elsewhere)
    if note:
        console.print(Hanging(note, indent))
