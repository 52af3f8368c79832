"""Any rich output as an SVG or HTML file: rich records what it prints and exports it.

`--output FILE.svg` or `FILE.html` with the rich format (the default) writes the same
table a terminal shows, 100 columns wide, for a slide or a report.
"""

from __future__ import annotations

import io

from rich.console import Console

SUFFIXES = (".svg", ".html")


def page(draw, result, suffix: str, title: str = "inception-cost", **options) -> str:
    """`draw(result, console, **options)` recorded and exported as `suffix` (.svg or .html)."""
    console = Console(
        file=io.StringIO(),
        record=True,
        width=100,
        highlight=False,
        soft_wrap=False,
        force_terminal=True,
    )
    draw(result, console, **options)
    if suffix == ".svg":
        return console.export_svg(title=title)
    return console.export_html(inline_styles=True)
