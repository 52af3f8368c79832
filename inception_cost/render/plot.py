"""Charts with matplotlib (the optional `plot` extra): one network's per-row cost, and
the bundled networks' params against MACs with the papers' claims beside.

Only `Figure` objects are made (no pyplot state, no display); `plotted` reads the
values back from the figure's own artists, which the tests and docs/regen.py's JSON
sidecars hold against the analysis.
"""

from __future__ import annotations

import io

from inception_cost.errors import InputError

SUFFIXES = (".png", ".svg", ".pdf")
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


def layer_figure(profiles):
    """One bar panel per profile (params, MACs, memory), rows left to right in depth order."""
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
    with matplotlib.rc_context({"svg.hashsalt": "inception-cost", "svg.fonttype": "none"}):
        metadata = {"Date": None} if suffix in (".svg", ".pdf") else {}
        figure.savefig(buf, format=suffix[1:], metadata=metadata)
    data = buf.getvalue()
    return data.decode("utf-8") if suffix == ".svg" else data


LABEL_POINTS = 8  # font size of a row's label: legible in a PNG at 100 dpi
#: where a label may sit, in points from its row's dot: nearest first, then rings further
#: out at eight angles each (below first: the roof runs above the rows)
PLACES = [
    (round(r * dx), round(r * dy))
    for r in (10, 22, 36, 52)
    for dx, dy in ((1, -1), (1, 0), (-1, -1), (0, -1), (1, 1), (-1, 0), (0, 1), (-1, 1))
]
LEADER = {"arrowstyle": "-", "color": "0.45", "linewidth": 0.6, "shrinkA": 1, "shrinkB": 3}


def roofline_figure(r, labelled: int = 8):
    """A network's rows on the machine's roof: arithmetic intensity (FLOPs per byte, x)
    against the FLOP/s each row reached (measured, or its predicted time where nothing was
    measured), log scales; the roof at each bandwidth the rows were charged at; the
    `labelled` slowest rows named, no label over another or over a dot."""
    figure = _figure()(figsize=(9, 6.5), layout="constrained")
    ax = figure.add_subplot()
    ax.set_xscale("log")
    ax.set_yscale("log")
    rows = [row for row in r.rows if row.intensity]
    xs = [row.intensity for row in rows]
    measured = r.measurement is not None
    ys = [(row.achieved if measured else row.rate) / 1e9 for row in rows]
    lo, hi = min(xs) / 2, max(xs) * 2
    levels = ["cache", "DRAM"] if r.rule == "cache-aware" else ["DRAM"]
    for i, level in enumerate(levels):
        ridge = r.ridge(level)
        corner = [lo, ridge, hi] if lo < ridge < hi else [lo, hi]
        bandwidth = r.machine.cache_bandwidth if level == "cache" else r.machine.bandwidth
        ax.plot(
            corner,
            [r.roof(x, level) / 1e9 for x in corner],
            color=f"C{i + 1}",
            label=f"roof at {level} bandwidth ({bandwidth / 1e9:,.1f} GB/s)",
        )
    what = "measured" if measured else "at their predicted time"
    ax.scatter(xs, ys, s=18, zorder=3, color="C0", label=f"rows, {what}")
    ax.set_xlabel("arithmetic intensity (FLOPs per byte moved)")
    ax.set_ylabel("FLOP/s reached (G = 10^9)")
    source = "measured" if r.machine.origin == "measured" else r.machine.origin
    ax.set_title(
        f"{r.model}: each row on the roof of {r.machine.title} ({source})\n"
        f"peak {r.peak / 1e9:,.1f} GFLOP/s {r.precision}, batch {r.batch}, {r.dtype};"
        f" the {labelled} slowest rows named",
        fontsize=9,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    slowest = sorted(range(len(rows)), key=lambda i: -(rows[i].measured or rows[i].seconds))[
        :labelled
    ]
    _label(
        figure, ax, [(rows[i].name, xs[i], ys[i]) for i in slowest], list(zip(xs, ys, strict=True))
    )
    return figure


def _label(figure, ax, named, dots) -> None:
    """Name each of `named` (text, x, y) beside its dot, at the first of PLACES where the
    label overlaps no label already placed and no dot; the layout is fixed first so the
    boxes measured are the boxes drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    figure.draw_without_rendering()
    figure.set_layout_engine("none")
    renderer = figure.canvas.get_renderer()
    taken = [_dot_box(ax, x, y) for x, y in dots]
    for text, x, y in named:
        for dx, dy in PLACES:
            label = ax.annotate(
                text, (x, y), xytext=(dx, dy), textcoords="offset points",
                fontsize=LABEL_POINTS, ha="left" if dx >= 0 else "right", va="center",
                arrowprops=LEADER,
            )  # fmt: skip
            box = _words(label, renderer)
            inside = ax.bbox.contains(box.x0, box.y0) and ax.bbox.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(t) for t in taken):
                taken.append(box)
                break
            label.remove()
        else:
            label = ax.annotate(
                text, (x, y), xytext=PLACES[0], textcoords="offset points",
                fontsize=LABEL_POINTS, va="center", arrowprops=LEADER,
            )  # fmt: skip
            taken.append(_words(label, renderer))


def _words(label, renderer):
    """The display box of an annotation's words, without its leader line."""
    from matplotlib.text import Text

    label.update_positions(renderer)
    return Text.get_window_extent(label, renderer)


def _dot_box(ax, x, y):
    """The display box of a scatter dot at (x, y), a few pixels each way."""
    from matplotlib.transforms import Bbox

    px, py = ax.transData.transform((x, y))
    return Bbox([[px - 3, py - 3], [px + 3, py + 3]])


def labels(figure) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each annotation's text and its box on the drawn figure (x0, y0, x1, y1 pixels)."""
    renderer = figure.canvas.get_renderer()
    return [
        (t.get_text(), tuple(_words(t, renderer).extents)) for ax in figure.axes for t in ax.texts
    ]
