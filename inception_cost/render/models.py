"""`inception-cost models` in each format: the bundled specs, their totals and claim counts."""

from __future__ import annotations

import json

from inception_cost import __version__
from inception_cost.render.common import csv_text, number

#: 2: an object ({schema_version, tool, models}) instead of a bare list (docs/json.md).
#: 3: claims_differ counts what --fail-on mismatch fails; claims_truncated, variants added.
SCHEMA_VERSION = 3
HEADERS = (
    "name",
    "input",
    "rows",
    "params",
    "MACs",
    "claims hold",
    "claims differ",
    "truncated",
    "not checkable",
    "variants",
    "title",
)


def cells_of(s) -> list:
    shape = "x".join(map(str, s.input_shape))
    return [
        s.name,
        shape,
        s.rows,
        s.params,
        s.macs,
        s.claims_match,
        s.claims_differ,
        s.claims_truncated,
        s.unchecked,
        " ".join(s.variants),
        s.title,
    ]


def render(items, fmt: str) -> str:
    if fmt == "json":
        keys = (
            "name",
            "input",
            "rows",
            "params",
            "macs",
            "claims_hold",
            "claims_differ",
            "claims_truncated",
            "not_checkable",
            "variants",
            "title",
        )
        data = {
            "schema_version": SCHEMA_VERSION,
            "tool": f"inception-cost {__version__}",
            "models": [
                dict(zip(keys, cells_of(s), strict=True)) | {"variants": list(s.variants)}
                for s in items
            ],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return csv_text(list(HEADERS), (cells_of(s) for s in items))
    if fmt == "markdown":
        lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += [
            "| " + " | ".join(number(c) if isinstance(c, int) else c for c in cells_of(s)) + " |"
            for s in items
        ]
        return "\n".join(lines) + "\n"
    raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/models.py)")
