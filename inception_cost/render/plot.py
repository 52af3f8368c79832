"""Charts with matplotlib (the optional `plot` extra): one network's per-row cost, and
the bundled networks' params against MACs with the papers' claims beside.

Only `Figure` objects are made (no pyplot state, no display); `plotted` reads the
values back from the figure's own artists, which the tests and docs/regen.py's JSON
sidecars hold against the analysis.
"""

from __future__ import annotations

import io

from inception_cost import progress
from inception_cost.errors import InputError

SUFFIXES = (".png", ".svg", ".pdf")
#: The rows a per-row chart draws: beyond them the labels overlap at 10 inches, and
#: matplotlib takes about 5 ms a row (150 rows: 1.7 s; 10,000 rows took 80 s and 1.1 GB).
MAX_ROWS = 150
#: quantity -> (divisor, axis label): what each per-row panel draws
SCALES = {
    "params": (10**6, "params (M)"),
    "macs": (10**9, "multiply-adds (G)"),
    "memory": (2**20, "activation memory (MiB = 2^20 bytes)"),
}


def _figure():
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError(
            "charts need matplotlib, which is not installed",
            "pip install 'inception-cost[plot]'",
        ) from None
    return Figure


def check_rows(rows: int) -> None:
    """Refuse, before anything is built, a chart of more rows than it can draw."""
    if rows > MAX_ROWS:
        raise InputError(
            f"a chart of {rows:,} rows is more than the {MAX_ROWS} a chart draws",
            f"a spec of at most {MAX_ROWS} rows, or `profile` (the rows as terminal bars)",
        )


def layer_figure(profiles):
    """One bar panel per profile (params, MACs, memory), rows left to right in depth order."""
    check_rows(len(profiles[0].bars))
    figure = _figure()(figsize=(10, 7.5), layout="constrained")
    axes = figure.subplots(len(profiles), 1, sharex=True, squeeze=False)[:, 0]
    first = profiles[0]
    for ax, p in zip(axes, profiles, strict=True):
        scale, label = SCALES[p.quantity]
        ax.bar(range(len(p.bars)), [b.value / scale for b in p.bars], label=p.quantity)
        ax.set_ylabel(label, fontsize=8)
        ax.grid(True, axis="y", alpha=0.3)
    axes[-1].set_xticks(range(len(first.bars)), [b.name for b in first.bars], rotation=90)
    axes[-1].tick_params(axis="x", labelsize=7)
    figure.suptitle(f"{first.model}: cost per row, batch {first.batch}, {first.dtype}")
    return figure


def comparison_figure(points):
    """Params (x) against multiply-adds (y), log scales; a cross where a paper claims a
    value, joined to the computed point."""
    figure = _figure()(figsize=(9, 6.5), layout="constrained")
    ax = figure.add_subplot()
    ax.set_xscale("log")
    ax.set_yscale("log")
    for kind, group, style in (
        ("as read", [p for p in points if not p.variant], {"s": 20}),
        ("variant", [p for p in points if p.variant], {"s": 14, "facecolors": "none"}),
    ):
        xs = [p.params / 10**6 for p in group]
        ys = [p.macs / 10**9 for p in group]
        ax.scatter(xs, ys, zorder=3, label=f"computed, {kind}", edgecolors="C0", **style)
        for p, x, y in zip(group, xs, ys, strict=True):
            text, size = (p.variant, 5) if p.variant else (p.model, 7)
            ax.annotate(
                text,
                (x, y),
                xytext=(3, -6 if p.variant else 2),
                textcoords="offset points",
                fontsize=size,
            )
    claimed = [p for p in points if p.claimed_params is not None or p.claimed_macs is not None]
    cx = [
        float(p.claimed_params if p.claimed_params is not None else p.params) / 10**6
        for p in claimed
    ]
    cy = [float(p.claimed_macs if p.claimed_macs is not None else p.macs) / 10**9 for p in claimed]
    ax.scatter(cx, cy, marker="x", s=30, zorder=4, color="C1", label="claimed in the paper")
    for p, x, y in zip(claimed, cx, cy, strict=True):
        ax.plot([p.params / 10**6, x], [p.macs / 10**9, y], color="0.5", linewidth=0.8)
    ax.set_xlabel("params (M = 10^6)")
    ax.set_ylabel("multiply-adds per image (G = 10^9)")
    ax.set_title("The bundled networks and their variants, inference at batch 1")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return figure


def plotted(figure) -> dict:
    """The values the figure draws, read back from its artists: bar heights per panel,
    point coordinates per scatter (by legend label)."""
    out: dict = {}
    for ax in figure.axes:
        for container in ax.containers:
            out[container.get_label()] = [patch.get_height() for patch in container]
        for collection in ax.collections:
            out[collection.get_label()] = [list(map(float, xy)) for xy in collection.get_offsets()]
    return out


def save(figure, suffix: str) -> str | bytes:
    """The figure as SVG text (no date, fixed ids: regenerating it changes no byte) or as
    PNG or PDF bytes."""
    if suffix not in SUFFIXES:
        raise InputError(
            f"cannot draw a {suffix or 'suffixless'} file", "--output ending in .png, .svg or .pdf"
        )
    import matplotlib

    buf = io.BytesIO()
    with (
        progress.task(f"drawing the {suffix[1:]} chart"),
        matplotlib.rc_context({"svg.hashsalt": "inception-cost", "svg.fonttype": "none"}),
    ):
        metadata = {"Date": None} if suffix in (".svg", ".pdf") else {}
        figure.savefig(buf, format=suffix[1:], metadata=metadata)
    data = buf.getvalue()
    return data.decode("utf-8") if suffix == ".svg" else data
