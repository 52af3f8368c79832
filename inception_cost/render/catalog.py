"""`inception-cost models` in each format."""

from __future__ import annotations

import json

from inception_cost.render.common import number, si

HEADERS = (
    "name",
    "input",
    "rows",
    "params",
    "MACs",
    "claims hold",
    "claims differ",
    "not checkable",
    "title",
)


def _cells(s) -> list:
    shape = "x".join(map(str, s.input_shape))
    return [
        s.name,
        shape,
        s.rows,
        s.params,
        s.macs,
        s.claims_match,
        s.claims_differ,
        s.unchecked,
        s.title,
    ]


def render_models(items, fmt: str) -> str | None:
    if fmt == "json":
        keys = (
            "name",
            "input",
            "rows",
            "params",
            "macs",
            "claims_hold",
            "claims_differ",
            "not_checkable",
            "title",
        )
        return json.dumps([dict(zip(keys, _cells(s), strict=True)) for s in items], indent=2) + "\n"
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(HEADERS)
        w.writerows(_cells(s) for s in items)
        return buf.getvalue()
    if fmt == "markdown":
        lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += [
            "| " + " | ".join(number(c) if isinstance(c, int) else c for c in _cells(s)) + " |"
            for s in items
        ]
        return "\n".join(lines) + "\n"
    from rich import box
    from rich.table import Table

    from inception_cost.render.terminal import make_console

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    short = {"claims hold": "hold", "claims differ": "differ", "not checkable": "unchecked"}
    lines = []
    for s in items:
        cells = _cells(s)
        cells[3] = number(s.params)
        cells[4] = si(s.macs, 2)
        lines.append([str(c) for c in cells])
    heads = [short.get(h, h) for h in HEADERS]
    widths = [max([len(h), *(len(line[i]) for line in lines)]) for i, h in enumerate(heads)]
    console = make_console()
    # the title gives way: cut to what the other columns leave of the console's width
    room = max(12, console.width - sum(widths[:-1]) - 3 * (len(heads) - 1) - 6)
    for h, width in zip(heads, widths, strict=True):
        table.add_column(
            h,
            justify="left" if h in ("name", "title", "input") else "right",
            no_wrap=True,
            min_width=None if h == "title" else width,
        )
    for line in lines:
        title = line[-1]
        line[-1] = title if len(title) <= room else title[: room - 1] + "…"
        table.add_row(*line)
    console.print(table)
    console.print(
        "params exact (weights + biases, as each spec counts them) · MACs at batch 1, G = 10^9"
        " · hold / differ / unchecked: the spec's row verdicts and paper-level claims"
    )
    return None
