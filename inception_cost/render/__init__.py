"""Readers of a result, one module per command's result: render/NAME.py writes the text
formats (CSV, JSON, Markdown) and imports neither numpy nor rich; render/terminal/NAME.py
draws the result with rich. `text` picks the module for the format, so a scripted
`--format csv` run starts without rich.
"""

from __future__ import annotations

import importlib

FORMATS = ("rich", "markdown", "csv", "json")
#: `table` also writes the Markdown spec form, which reads back as a spec.
TABLE_FORMATS = (*FORMATS, "spec")
#: The formats that print no variant and no paper-level claim: `make_report` need not judge
#: them, each reading being a network built and costed (GoogLeNet's: four, one AlexNet).
UNJUDGED = ("csv",)


def text(
    module: str,
    result,
    fmt: str,
    *,
    name: str = "render",
    tty: bool = False,
    suffix: str = "",
    **options,
) -> str:
    """`result` in `fmt` by `name` of render/MODULE.py; for rich, by render/terminal/MODULE.py
    as a terminal (`tty`) or a pipe would show it, or as an SVG or HTML page for those
    `suffix`es. `options` go to the renderer (receptive's `expand`)."""
    if fmt != "rich":
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)(
            result, fmt, **options
        )
    terminal = importlib.import_module(f"{__name__}.terminal")
    draw = getattr(importlib.import_module(f"{__name__}.terminal.{module}"), name)
    return terminal.as_text(draw, result, tty=tty, suffix=suffix, **options)
