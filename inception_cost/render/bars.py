"""`profile`: a bar per row for one quantity, drawn with block characters.

The bar is text (█ and the eighth blocks ▏▎▍▌▋▊▉), so it reads the same without
colour (NO_COLOR, pipes, files); its length is the row's value over the largest row's,
rounded to an eighth of a character, in whatever width the terminal leaves.
"""

from __future__ import annotations

import json

from inception_cost import __version__
from inception_cost.render.common import csv_text, si
from inception_cost.shares import decimal, percent

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
MARKDOWN_WIDTH = 40  # characters of the longest bar in Markdown
BAR_MIN = 10  # the shortest a terminal's longest bar gets
SCHEMA_VERSION = 1


def bar(length, width: int) -> str:
    """`length` (0..1) of `width` characters, to the nearest eighth of a character."""
    eighths = round(length * width * 8)
    full, part = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[part] if part else "")


def read_bar(text: str) -> int:
    """A drawn bar's length in eighths of a character (what tests and readers measure)."""
    text = text.strip()
    return 8 * text.count(FULL) + sum(EIGHTHS.index(ch) for ch in text if ch in EIGHTHS[1:])


def header(p) -> str:
    return (
        f"{p.model}: {p.meaning} per row, batch {p.batch}, {p.dtype}; each bar is the row's"
        f" value over the largest row's; total {p.total:,} {p.unit}"
    )


def _value(p, v: int) -> str:
    return f"{si(v)}" + ("B" if p.unit == "bytes" else "")


def render(p, fmt: str, console=None) -> str | None:
    if fmt == "json":
        return json.dumps(_json(p), indent=2) + "\n"
    if fmt == "csv":
        return csv_text(
            ["row", p.quantity, "share", "length"],
            [[b.name, b.value, decimal(b.share), decimal(b.length)] for b in p.bars],
        )
    if fmt == "markdown":
        out = [f"<!-- inception-cost {__version__} profile -->", "", header(p), ""]
        out += [f"| row | {p.unit} | share | bar |", "|---|---:|---:|---|"]
        for b in p.bars:
            drawn = _code(bar(b.length, MARKDOWN_WIDTH))
            out.append(f"| {b.name} | {b.value:,} | {percent(b.share)} | {drawn} |")
        return "\n".join(out) + "\n"
    _rich(p, console)
    return None


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


def _rich(p, console) -> None:
    """The bars take the width the other columns leave (render/fit.py lays them out); when
    that is under BAR_MIN characters the share column gives way, and the line says so."""
    from rich.cells import cell_len
    from rich.text import Text

    from inception_cost.render.fit import GAP, Col, cells, print_fitted
    from inception_cost.render.terminal import make_console

    console = console or make_console()
    console.print(Text(header(p), style="bold"))
    cols = [Col("row"), Col(p.unit, "right"), Col("share", "right", 1), Col("")]
    texts = [
        (b.name, _value(p, b.value) if b.value else "", percent(b.share) if b.value else "")
        for b in p.bars
    ]
    widest = [
        max(cell_len(t) for t in (c.header, *(r[i] for r in texts))) for i, c in enumerate(cols[:3])
    ]
    width = console.width - sum(widest) - GAP * 3
    if width < BAR_MIN:  # without the share column
        width = console.width - widest[0] - widest[1] - GAP * 2
    width = max(width, BAR_MIN)
    rows = [
        cells(*t, Text(bar(b.length, width), style="cyan"))
        for t, b in zip(texts, p.bars, strict=True)
    ]
    print_fitted(console, cols, rows, "--format csv|json for every column")


def _json(p) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"inception-cost {__version__}",
        "model": p.model,
        "quantity": p.quantity,
        "unit": p.unit,
        "batch": p.batch,
        "dtype": p.dtype,
        "total": p.total,
        "rows": [
            {
                "name": b.name,
                "value": b.value,
                "share": float(decimal(b.share)),
                "length": float(decimal(b.length)),
            }
            for b in p.bars
        ],
    }
