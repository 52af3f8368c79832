"""`profile`: a bar per row for one quantity, drawn with block characters.

The bar is text (█ and the eighth blocks ▏▎▍▌▋▊▉), so it reads the same without
colour (NO_COLOR, pipes, files); its length is the row's value over the largest row's,
rounded to an eighth of a character: in Markdown 40 characters at most, on a terminal
whatever width the other columns leave (render/terminal/profile.py).
"""

from __future__ import annotations

import json

from inception_cost import __version__
from inception_cost.render.common import csv_text
from inception_cost.shares import decimal, percent

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
MARKDOWN_WIDTH = 40  # characters of the longest bar in Markdown
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


def render(p, fmt: str) -> str:
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
    raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/profile.py)")


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


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
