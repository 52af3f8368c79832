"""A fitted table drawn directly (render/terminal/drawn.py) is rich's own Table, segment for
segment: same text, same styles, split in the same places (ANSI codes and SVG exports
follow them)."""

import io

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from inception_cost.render.terminal.fit import SECTION, Col, cells, fit
from inception_cost.render.terminal.table import _columns
from inception_cost.report import make_report
from inception_cost.spec.read import load_model


class _Ascii(io.StringIO):
    encoding = "ascii"  # rich draws ASCII rules for a console that cannot encode "─"


def _segments(renderable, width: int, ascii: bool = False) -> list[str]:
    console = Console(file=_Ascii() if ascii else io.StringIO(), width=width)
    return [repr(line) for line in console.render_lines(renderable, pad=False)]


@pytest.fixture(scope="module")
def report_table():
    return _columns(make_report(load_model("googlenet"), expand=True, show_shares=True))


def _small_table():
    cols = [
        Col("name"),
        Col("count", "right", 1),
        Col("note", priority=2, style="dim", wrap=True),
        Col("mark", "right", 3, style="bold"),
    ]
    rows = [
        cells("conv1", "1,024", "one line of prose", Text("12 ✓", style="green")),
        cells("pool", "9 ", "", Text("", style="red")),  # a trailing space, right-justified
        SECTION,
        cells(Text("total", style="bold"), "1,033", "two words", "ok"),
    ]
    return cols, rows


@pytest.mark.parametrize(("width", "ascii"), [(30, False), (100, False), (200, False), (100, True)])
def test_drawn_is_richs_table(report_table, width, ascii):
    for cols, rows in (report_table, _small_table()):
        drawn, _, _ = fit(cols, rows, width)
        assert _segments(drawn, width, ascii) == _segments(drawn.table, width, ascii)


def test_drawn_draws_what_fits_and_hands_the_rest_to_rich():
    cols, rows = _small_table()
    console = Console(file=io.StringIO(), width=100)
    drawn, _, _ = fit(cols, rows, 100)
    assert isinstance(next(iter(drawn.__rich_console__(console, console.options))), Segment)
    narrow = Console(file=io.StringIO(), width=4)  # narrower than the column that stays
    drawn, _, _ = fit(cols, rows, 4)
    assert next(iter(drawn.__rich_console__(narrow, narrow.options))) is drawn.table
    spans = [cells(Text("a") + Text("b", style="bold"), "1", "x", "y")]  # two styles in a cell
    drawn, _, _ = fit(cols, spans, 100)
    assert next(iter(drawn.__rich_console__(console, console.options))) is drawn.table
    assert _segments(drawn, 100) == _segments(drawn.table, 100)
