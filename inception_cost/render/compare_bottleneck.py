"""`compare-bottleneck` as text: the notes' examples, or a network's modules.

Markdown prints each example's words, paths, saving and verdicts; CSV is one row per
computed quantity (claims and verdicts beside it) or per module; JSON has everything
with exact ints. The terminal's is render/terminal/compare_bottleneck.py.
"""

from __future__ import annotations

import json
from fractions import Fraction

from inception_cost import __version__
from inception_cost.bottleneck import Comparison, Example, Way
from inception_cost.cells import format_shape
from inception_cost.naive import NetworkComparison
from inception_cost.render.common import GLYPH, LEGEND, csv_text

#: 2: each ratio also as a number (macs_ratio_value, params_ratio_value).
#: 3: a network's `compared` (what its modules are) and `naive_is` (the naive module).
SCHEMA_VERSION = 3
UNITS = "MACs = multiply-adds of the convolution or dense layers; weights exclude biases"
NETWORK_UNITS = (
    "MACs = multiply-adds of conv and linear layers; params include biases; inference rows only"
)


def render(result, fmt: str) -> str:
    """`result` (examples or a network comparison) as text in `fmt` (csv, json, markdown)."""
    network = isinstance(result, NetworkComparison)
    if fmt == "json":
        return json.dumps(_network_json(result) if network else _examples_json(result), indent=2)
    if fmt == "csv":
        return _network_csv(result) if network else _examples_csv(result)
    if fmt == "markdown":
        return _network_markdown(result) if network else _examples_markdown(result)
    raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/compare_bottleneck.py)")


# -- words shared by every format ------------------------------------------------------


def ratio(value: Fraction | None) -> str:
    return "-" if value is None else f"{float(value):,.1f}x"


def saving_line(c: Comparison) -> str:
    """What the alternative saves or costs, each quantity worded from its own numbers:
    `21.4x fewer MACs (95.3% saved)`, or `17.4% more MACs (1.2x)`, never `0.9x fewer`."""
    r = c.macs_ratio
    if r is None:
        return (
            f"{c.baseline.macs:,} MACs against none ({c.alternative.other:,} other ops: the"
            f" averaging's adds and divides); {c.baseline.weights:,} weights against"
            f" {c.alternative.weights:,}"
        )
    params = (
        compared(c.params_ratio, "weights", saved=False)
        if c.params_ratio
        else f"{c.baseline.weights:,} weights against none"
    )
    line = f"{compared(r, 'MACs')}; {params}"
    return f"the alternative costs more: {line}" if r < 1 else line


def compared(baseline_per_alternative: Fraction, what: str, saved: bool = True) -> str:
    """One quantity of the alternative against the baseline, more or fewer as it is."""
    r = baseline_per_alternative
    if r == 1:
        return f"the same {what}"
    if r > 1:
        return f"{ratio(r)} fewer {what}" + (f" ({float((1 - 1 / r) * 100):.1f}% saved)" * saved)
    return f"{float((1 / r - 1) * 100):.1f}% more {what} ({ratio(1 / r)})"


def quote_line(ex: Example) -> str:
    """The source and the notes' words, with an English rendering where they are Korean."""
    if not ex.quote:
        return ex.source
    english = f" (in English: “{ex.quote_en}”)" if ex.quote_en else ""
    return f"{ex.source}: “{ex.quote}”{english}"


def layers_of(way: Way) -> list[tuple[str, str, str, str]]:
    """(label, output, weights, MACs) for the way, then each layer when there are several."""
    rows = [(way.label, format_shape(way.out_shape), f"{way.weights:,}", f"{way.macs:,}")]
    if len(way.layers) > 1:
        rows += [
            (f"↳ {c.op.name}", format_shape(c.op.out_shape), f"{c.weights:,}", f"{c.macs:,}")
            for c in way.layers
        ]
    return rows


def check_line(check) -> str:
    note = f"; {check.note}" if check.note else ""
    return (
        f"{GLYPH[check.status]} {check.quantity}: claimed {check.claimed}, computed"
        f" {check.computed}: {check.status}{note}"
    )


def module_cells(m) -> list[str]:
    n, b = m.naive, m.built
    return [
        m.name,
        format_shape(m.in_shape),
        format_shape(n.block.out_shape),
        format_shape(b.block.out_shape),
        f"{n.params:,}",
        f"{b.params:,}",
        f"{n.macs:,}",
        f"{b.macs:,}",
        ratio(m.macs_ratio),
    ]


MODULE_HEADERS = [
    "module",
    "input",
    "naive output",
    "built output",
    "naive params",
    "built params",
    "naive MACs",
    "built MACs",
    "naive/built MACs",
]


def network_total(nc: NetworkComparison) -> list[str]:
    return [
        "network",
        "",
        format_shape(nc.naive_out),
        format_shape(nc.built_out),
        f"{nc.naive.params:,}",
        f"{nc.built.params:,}",
        f"{nc.naive.macs:,}",
        f"{nc.built.macs:,}",
        ratio(nc.macs_ratio),
    ]


def network_summary(nc: NetworkComparison) -> str:
    return (
        f"Built naive, {nc.model} would need {nc.naive.macs:,} MACs and {nc.naive.params:,}"
        f" params: {float(nc.macs_ratio):.1f}x the MACs and"
        f" {float(nc.params_ratio):.1f}x the params of the network"
        f" as built ({nc.built.macs:,} MACs, {nc.built.params:,} params)."
    )


# -- markdown ----------------------------------------------------------------------------


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return out


def _examples_markdown(examples: tuple[Example, ...]) -> str:
    out = [f"<!-- inception-cost {__version__} compare-bottleneck -->", "", f"{UNITS}. {LEGEND}."]
    for ex in examples:
        out += [
            "",
            f"## {ex.id}. {ex.title}",
            "",
            quote_line(ex),
        ]
        for r in ex.readings:
            out += ["", f"**Reading: {r.reading}** ({r.setting})", ""]
            rows = [list(x) for x in layers_of(r.baseline) + layers_of(r.alternative)]
            out += _md_table(["path", "output", "weights", "MACs"], rows)
            out += ["", f"- saving: {saving_line(r)}"]
            out += [f"- note: {f}" for f in r.findings]
            out += [f"- {check_line(c)}" for c in r.checks]
        if ex.lesson:
            out += ["", f"Lesson: {ex.lesson}"]
    return "\n".join(out) + "\n"


def _network_markdown(nc: NetworkComparison) -> str:
    out = [
        f"<!-- inception-cost {__version__} compare-bottleneck --model {nc.model} -->",
        "",
        f"{NETWORK_UNITS}. Each {nc.unit} against the naive module on the input the built"
        f" network gives it; naive = {nc.naive_is}. The network row builds every one naive.",
        "",
        *_md_table(MODULE_HEADERS, [*map(module_cells, nc.modules), network_total(nc)]),
        "",
        network_summary(nc),
    ]
    return "\n".join(out) + "\n"


# -- csv ----------------------------------------------------------------------------------


def _examples_csv(examples: tuple[Example, ...]) -> str:
    rows = []
    for ex in examples:
        for r in ex.readings:
            checks = {c.quantity: c for c in r.checks}
            for name, value in r.quantities:
                c = checks.get(name)
                rows.append(
                    [
                        ex.id,
                        r.reading,
                        r.setting,
                        name,
                        value,
                        c.claimed if c else "",
                        c.status if c else "",
                        c.note if c else "",
                    ]
                )
    headers = ["example", "reading", "setting", "quantity", "computed", "claimed", "verdict"]
    return csv_text([*headers, "note"], rows)


def _network_csv(nc: NetworkComparison) -> str:
    """Counts as plain integers and each ratio as a number (naive / built, 6 digits)."""

    def plain(cells: list[str], ratios) -> list:
        return [c.replace(",", "") for c in cells[:-1]] + [_decimal(r) for r in ratios]

    rows = [plain(module_cells(m), (m.macs_ratio, m.params_ratio)) for m in nc.modules]
    rows.append(plain(network_total(nc), (nc.macs_ratio, nc.params_ratio)))
    return csv_text([*MODULE_HEADERS, "naive/built params"], rows)


def _decimal(value: Fraction) -> float:
    return round(float(value), 6)


# -- json -----------------------------------------------------------------------------------


def _way_json(p: Way) -> dict:
    return {
        "label": p.label,
        "output": list(p.out_shape),
        "weights": p.weights,
        "biases": p.biases,
        "macs": p.macs,
        "layers": [
            {
                "name": c.op.name,
                "kind": c.op.kind,
                "input": list(c.op.in_shapes[0]),
                "output": list(c.op.out_shape),
                "weights": c.weights,
                "macs": c.macs,
                "other_ops": c.other.total,
            }
            for c in p.layers
        ],
    }


def _fraction(value: Fraction | None) -> list[int] | None:
    return None if value is None else [value.numerator, value.denominator]


def _examples_json(examples: tuple[Example, ...]) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"inception-cost {__version__}",
        "units": UNITS,
        "examples": [
            {
                "id": ex.id,
                "title": ex.title,
                "source": ex.source,
                "quote": ex.quote,
                "quote_en": ex.quote_en,
                "lesson": ex.lesson,
                "readings": [
                    {
                        "reading": r.reading,
                        "setting": r.setting,
                        "baseline": _way_json(r.baseline),
                        "alternative": _way_json(r.alternative),
                        "macs_ratio": _fraction(r.macs_ratio),
                        "macs_ratio_value": None
                        if r.macs_ratio is None
                        else _decimal(r.macs_ratio),
                        "quantities": dict(r.quantities),
                        "checks": [
                            {
                                "quantity": c.quantity,
                                "text": c.text,
                                "claimed": c.claimed,
                                "computed": r.quantity(c.quantity),
                                "verdict": c.status,
                                "note": c.note,
                            }
                            for c in r.checks
                        ],
                        "findings": list(r.findings),
                    }
                    for r in ex.readings
                ],
            }
            for ex in examples
        ],
    }


def _counts(x) -> dict:
    """A block's or a network's exact counts."""
    return {"weights": x.weights, "biases": x.biases, "params": x.params, "macs": x.macs}


def _network_json(nc: NetworkComparison) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"inception-cost {__version__}",
        "units": NETWORK_UNITS,
        "model": nc.model,
        "compared": nc.unit,
        "naive_is": nc.naive_is,
        "modules": [
            {
                "name": m.name,
                "input": list(m.in_shape),
                "naive": {"output": list(m.naive.block.out_shape), **_counts(m.naive)},
                "built": {"output": list(m.built.block.out_shape), **_counts(m.built)},
                "macs_ratio": _fraction(m.macs_ratio),
                "macs_ratio_value": _decimal(m.macs_ratio),
                "params_ratio_value": _decimal(m.params_ratio),
            }
            for m in nc.modules
        ],
        "network": {
            "naive": _counts(nc.naive),
            "built": _counts(nc.built),
            "macs_ratio": _fraction(nc.macs_ratio),
            "macs_ratio_value": _decimal(nc.macs_ratio),
            "params_ratio_value": _decimal(nc.params_ratio),
        },
    }
