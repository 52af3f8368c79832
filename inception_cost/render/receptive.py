"""`receptive` as text: per row (per op with --expand) size, stride, padding, centre.

Markdown shows one line per row with its paths; CSV one line per row or op; JSON
everything, sizes as ints and centres as numbers (halves are exact in binary). The
terminal's is render/terminal/receptive.py; nothing here computes a field.
"""

from __future__ import annotations

import json
from fractions import Fraction

from inception_cost import __version__
from inception_cost.cells import format_shape
from inception_cost.conventions import padding_text
from inception_cost.receptive import Field, Receptive
from inception_cost.render.common import csv_text

SCHEMA_VERSION = 1
HEADERS = ["row", "type", "output", "size", "stride", "padding", "centre", "aligned", "paths"]


def render(result: Receptive, fmt: str, expand: bool = False) -> str:
    if fmt == "json":
        return json.dumps(_json(result, expand), indent=2) + "\n"
    if fmt == "csv":
        return _csv(result, expand)
    if fmt == "markdown":
        return _markdown(result, expand)
    raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/receptive.py)")


def header_lines(r: Receptive) -> list[str]:
    """The definitions and the padding convention, each line under 100 columns."""
    n = r.network
    c = n.conventions
    h, w, _ = n.input_shape
    return [
        f"{n.name}: receptive fields on the {h}x{w} input"
        + (f", variant {r.variant}" if r.variant else "")
        + " (Araujo, Norris and Sim, Distill 2019)",
        "size: input pixels one unit sees, padding included · stride: input pixels between units",
        "padding P: unit i sees from pixel i x stride - P · centre: (size - 1)/2 - P, of unit 0",
        f"padding equal on both sides (Caffe): conv {padding_text(c.conv_padding)},"
        f" pool {padding_text(c.pool_padding)}",
        "TF 'SAME' pads an odd pixel right: TF tables differ in padding and centre, not size or"
        " stride",
        "paths: a row's field is its largest path's; aligned: all paths into a merge share"
        " stride and centre",
        "global pools, flatten and linear layers see their whole input map (grows with the input)",
    ]


def number(value: Fraction) -> str:
    """An exact half or whole number, printed exactly."""
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def pair(values) -> str:
    """One value when height and width agree, else HxW."""
    a, b = values
    if isinstance(a, Fraction):
        a, b = number(a), number(b)
    return str(a) if a == b else f"{a}x{b}"


def paths_text(row, labels: bool = True) -> str:
    """Each path's field size, with its label (the op ending it) unless `labels` is off."""
    if not labels:
        return " ".join(pair(b.field.size) for b in row.branches)
    return " · ".join(f"{short_label(b.label)} {pair(b.field.size)}" for b in row.branches)


def short_label(label: str) -> str:
    return label.rsplit("/", 1)[-1]


def _cells(f: Field) -> list[str]:
    return [pair(f.size), pair(f.stride), pair(f.padding), pair(f.centre)]


def lines_of(r: Receptive, expand: bool, labels: bool = True) -> list[tuple[str, list[str]]]:
    """(style, cells) per row, then per op under it with --expand."""
    out = []
    for row in r.rows:
        b = row.block
        out.append(
            (
                "row",
                [
                    b.name,
                    b.type,
                    format_shape(b.out_shape),
                    *_cells(row.field),
                    "yes" if row.aligned else "NO",
                    paths_text(row, labels),
                ],
            )
        )
        if expand:
            for o in row.ops:
                merge = len(o.op.inputs) > 1
                out.append(
                    (
                        "op",
                        [
                            "  " + o.op.name,
                            o.op.kind,
                            format_shape(o.op.out_shape),
                            *_cells(o.field),
                            ("yes" if o.aligned else "NO") if merge else "",
                            "",
                        ],
                    )
                )
    return out


def verdict_line(r: Receptive) -> str:
    if r.aligned:
        return "every path into every merge is centre-aligned"
    bad = ", ".join(row.name for row in r.rows if not row.aligned)
    return f"misaligned paths in {bad}: receptive_field would refuse this graph"


def _markdown(r: Receptive, expand: bool) -> str:
    out = [f"<!-- inception-cost {__version__} receptive -->", ""]
    out += [f"{line.strip()}  " for line in header_lines(r)]
    out += ["", "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for _, cells in lines_of(r, expand):
        cells = [c.replace("|", "\\|") for c in cells]
        cells[0] = cells[0].replace("  ", "&nbsp;&nbsp;", 1)
        out.append("| " + " | ".join(cells) + " |")
    out += ["", verdict_line(r)]
    return "\n".join(out) + "\n"


CSV_HEADERS = [
    "model",
    "row",
    "op",
    "kind",
    "output",
    "size_h",
    "size_w",
    "stride_h",
    "stride_w",
    "padding_h",
    "padding_w",
    "centre_h",
    "centre_w",
    "aligned",
    "paths",
]


def _csv(r: Receptive, expand: bool) -> str:
    rows = []
    for row in r.rows:
        paths = ";".join(f"{b.label}={pair(b.field.size)}" for b in row.branches)
        items = [(o.op.name, o.op.kind, o.op.out_shape, o.field, o.aligned, "") for o in row.ops]
        if not expand:
            items = [("", row.block.type, row.block.out_shape, row.field, row.aligned, paths)]
        for name, kind, shape, f, aligned, path_sizes in items:
            rows.append(
                [
                    r.network.name,
                    row.name,
                    name,
                    kind,
                    format_shape(shape),
                    *f.size,
                    *f.stride,
                    *f.padding,
                    *(number(c) for c in f.centre),
                    aligned,
                    path_sizes,
                ]
            )
    return csv_text(CSV_HEADERS, rows)


def _field_json(f: Field) -> dict:
    return {
        "size": list(f.size),
        "stride": list(f.stride),
        "padding": list(f.padding),
        "centre": [float(c) for c in f.centre],
    }


def _json(r: Receptive, expand: bool) -> dict:
    n = r.network
    rows = []
    for row in r.rows:
        entry = {
            "name": row.name,
            "type": row.block.type,
            "output": list(row.block.out_shape),
            **_field_json(row.field),
            "aligned": row.aligned,
            "paths": [{"label": b.label, **_field_json(b.field)} for b in row.branches],
        }
        if expand:
            entry["ops"] = [
                {
                    "name": o.op.name,
                    "kind": o.op.kind,
                    "output": list(o.op.out_shape),
                    **_field_json(o.field),
                    "aligned": o.aligned,
                }
                for o in row.ops
            ]
        rows.append(entry)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"inception-cost {__version__}",
        "model": n.name,
        "input": list(n.input_shape),
        "variant": r.variant,
        "padding": {
            "convolutions": n.conventions.conv_padding,
            "pooling": n.conventions.pool_padding,
        },
        "aligned": r.aligned,
        "rows": rows,
    }
