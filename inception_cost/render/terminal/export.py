"""Any rich output as an SVG or HTML file: rich records what it prints and exports it.

`--output FILE.svg` or `FILE.html` with the rich format (the default) writes the same
output a terminal shows, at a file's width (render/terminal/__init__.py `as_text`), for a
slide or a report.

rich's SVG places each run of text at its first cell and pads it with no-break spaces,
trusting the font to be Fira Code, whose every glyph is one cell wide: librsvg and
Inkscape drop the leading spaces, and in their fallback fonts a run drifts off the grid
and block glyphs leave seams between them. `on_grid` rewrites our own export so that it
depends on no font's spaces: each word at its own first cell (librsvg takes one x per
text, not one per glyph), no spaces, and the bar glyphs (█ and the eighth blocks) as
rectangles.
"""

from __future__ import annotations

import html
import io
import re

from rich.cells import cell_len
from rich.console import Console

SUFFIXES = (".svg", ".html")
#: The bar glyphs, as eighths of a cell filled from the left.
BLOCKS = {"█": 8, "▉": 7, "▊": 6, "▋": 5, "▌": 4, "▍": 3, "▎": 2, "▏": 1}

_TEXT = re.compile(
    r'<text class="(?P<cls>[^"]+)" x="(?P<x>[^"]+)" y="(?P<y>[^"]+)"'
    r' textLength="(?P<length>[^"]+)" (?P<rest>[^>]*)>(?P<body>.*?)</text>',
    re.S,
)
_FONT_SIZE = re.compile(r"font-size: (?P<size>[0-9.]+)px")


def page(draw, result, suffix: str, width: int = 100, title: str = "inception-cost", **options):
    """`draw(result, console, **options)` recorded and exported as `suffix` (.svg or .html),
    `width` columns wide."""
    console = Console(
        file=io.StringIO(),
        record=True,
        width=width,
        highlight=False,
        soft_wrap=False,
        force_terminal=True,
    )
    draw(result, console, **options)
    if suffix == ".svg":
        return on_grid(console.export_svg(title=title))
    return console.export_html(inline_styles=True)


def on_grid(svg: str) -> str:
    """rich's SVG with every word placed at its own cell and every bar a rectangle."""
    size = float(_FONT_SIZE.search(svg)["size"])
    return _TEXT.sub(lambda m: _placed(m, size), svg)


def _placed(m: re.Match, size: float) -> str:
    """One of rich's text runs as words at their cells and bars as rectangles."""
    text = html.unescape(m["body"]).replace("\xa0", " ")
    x0, y = float(m["x"]), float(m["y"])
    cell = float(m["length"]) / len(text)  # rich's cell width: a run's length per character
    out, at = [], 0
    for piece in re.findall(r"\s+|[█▉▊▋▌▍▎▏]+|[^\s█▉▊▋▌▍▎▏]+", text):
        left, cells = x0 + at * cell, cell_len(piece)
        if piece[0] in BLOCKS:  # a bar: a rectangle as long as its eighths
            wide = cell * sum(BLOCKS[ch] for ch in piece) / 8
            out.append(
                f'<rect class="{m["cls"]}" x="{_num(left)}" y="{_num(y - 0.75 * size)}"'
                f' width="{_num(wide)}" height="{_num(0.95 * size)}"'
                ' shape-rendering="crispEdges"/>'
            )
        elif not piece.isspace():  # a word at its own first cell, as long as its cells
            out.append(
                f'<text class="{m["cls"]}" x="{_num(left)}" y="{m["y"]}"'
                f' textLength="{_num(cells * cell)}" {m["rest"]}>'
                f"{html.escape(piece, quote=False)}</text>"
            )
        at += cells
    return "".join(out)


def _num(value: float) -> str:
    """A coordinate as rich writes them: at most a few decimals, no trailing zeros."""
    return format(round(value, 3), "g")
