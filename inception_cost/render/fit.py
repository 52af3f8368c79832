"""Terminal tables that fit the terminal: whole columns left out by priority, never a
number cut off, and a line saying what was left out and how to see it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text


@dataclass(frozen=True, slots=True)
class Col:
    """A column: its header, alignment and priority (0 always stays; lower stays first)."""

    header: str
    justify: str = "left"
    priority: int = 0
    style: str | None = None


SECTION = None  # a row that is this value starts a new section (a rule before totals)


def _table(cols: list[Col], rows: list, keep: list[int]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1))
    for i in keep:
        c = cols[i]
        table.add_column(c.header, justify=c.justify, no_wrap=True, style=c.style)
    for row in rows:
        if row is SECTION:
            table.add_section()
        else:
            table.add_row(*(row[i] for i in keep))
    return table


def _width(table: Table) -> int:
    console = Console(file=io.StringIO(), width=100_000)
    return Measurement.get(console, console.options, table).maximum


def fit(cols: list[Col], rows: list, width: int) -> tuple[Table, list[str], int]:
    """The table with the columns that fit `width`, most important first, in their own
    order; the headers left out; and the width that shows every column."""
    order = sorted(range(len(cols)), key=lambda i: cols[i].priority)
    keep: list[int] = [i for i in order if cols[i].priority == 0]
    for i in order:
        if cols[i].priority == 0:
            continue
        trial = sorted([*keep, i])
        if _width(_table(cols, rows, trial)) <= width:
            keep = trial
    full = _width(_table(cols, rows, list(range(len(cols)))))
    left = [cols[i].header for i in range(len(cols)) if i not in keep]
    return _table(cols, rows, sorted(keep)), left, full


def left_out_line(left: list[str], full: int, width: int, elsewhere: str) -> Text | None:
    """`left out at 80 columns: type, act. (all columns from 111: COLUMNS=111, or ...)`."""
    if not left:
        return None
    return Text(
        f"left out at {width} columns: {', '.join(left)} (all of them from {full} columns,"
        f" e.g. COLUMNS={full}; or {elsewhere})",
        style="dim",
    )


def cells(*values) -> list:
    """A row's cells as rich Text (plain strings stay as given)."""
    return [v if isinstance(v, Text) else Text(str(v)) for v in values]
