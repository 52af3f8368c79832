"""Charts with matplotlib (the optional `plot` extra): one network's per-row cost, and
the bundled networks' params against MACs with the papers' claims beside.

Only `Figure` objects are made (no pyplot state, no display); `plotted` reads the
values back from the figure's own artists, which the tests and docs/regen.py's JSON
sidecars hold against the analysis.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from inception_cost.errors import InputError
from inception_cost.verdicts import Status

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


#: A row claim's verdict as a marker on its bar: (glyph, marker, colour, words).
VERDICT_MARKS = {
    Status.MATCH: ("✓", "o", "tab:green", "holds as printed"),
    Status.TRUNCATED: ("≈", "s", "tab:orange", "holds only if the paper truncated"),
    Status.MISMATCH: ("✗", "X", "tab:red", "mismatch"),
}
LABEL_POINTS = 8  # the size of every label on a chart, in points (none smaller)


def layer_figure(profiles, verdicts: dict | None = None):
    """One bar panel per profile (params, MACs, memory), rows left to right in depth order;
    `verdicts` (quantity -> (reading, each bar's claim verdict or None)) marks each row's
    claim on its bar by verdict."""
    figure = _figure()(figsize=(12, 7.5), layout="constrained")
    axes = figure.subplots(len(profiles), 1, sharex=True, squeeze=False)[:, 0]
    first = profiles[0]
    for ax, p in zip(axes, profiles, strict=True):
        scale, label = SCALES[p.quantity]
        heights = [b.value / scale for b in p.bars]
        ax.bar(range(len(p.bars)), heights, label=p.quantity)
        ax.set_ylabel(label, fontsize=LABEL_POINTS)
        ax.grid(True, axis="y", alpha=0.3)
        if verdicts and p.quantity in verdicts:
            _mark_verdicts(ax, p.quantity, heights, *verdicts[p.quantity])
    axes[-1].set_xticks(range(len(first.bars)), [b.name for b in first.bars], rotation=90)
    axes[-1].tick_params(axis="x", labelsize=LABEL_POINTS)
    figure.suptitle(f"{first.model}: cost per row, batch {first.batch}, {first.dtype}")
    return figure


def _mark_verdicts(ax, quantity: str, heights: list[float], reading: str, statuses) -> None:
    """A marker above each bar whose row makes a claim, by its verdict; the legend beside
    the panel says what each marker means and how the claims are read."""
    top = max(heights, default=0) or 1
    name = {"macs": "MACs"}.get(quantity, quantity)
    for status, (glyph, marker, colour, words) in VERDICT_MARKS.items():
        at = [i for i, s in enumerate(statuses) if s == status]
        if at:
            ax.scatter(
                at,
                [heights[i] + 0.06 * top for i in at],
                marker=marker,
                s=22,
                color=colour,
                zorder=3,
                label=f"{name} claim {glyph} {words}",
            )
    if any(statuses):
        ax.set_ylim(top=top * 1.15)
        ax.legend(
            fontsize=LABEL_POINTS,
            title=f"{name} claims, read as\n{reading}",
            title_fontsize=LABEL_POINTS,
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
        )


def claim_verdicts(report) -> dict:
    """`layer_figure`'s verdicts: each bar's claim verdict, read off the report's audit, for
    the panels a claim judges: params, and MACs where the ops claims are read as
    multiply-adds (quantity -> (reading, statuses in row order))."""
    audit = report.audit
    out = {"params": (audit.params_reading.label, [], "params")}
    if audit.ops_reading.counts == "multiply-adds":
        out["macs"] = (audit.ops_reading.label, [], "ops")
    for b in report.analysis.blocks:
        row = audit.row(b.name)
        for _, statuses, field in out.values():
            verdict = getattr(row, field) if row else None
            statuses.append(verdict.status if verdict else None)
    return {q: (reading, statuses) for q, (reading, statuses, _) in out.items()}


def comparison_figure(points):
    """Params (x) against multiply-adds (y), log scales; a cross where a paper claims a
    value, joined to the computed point; every point labelled, no label on another
    (`place_labels`), at LABEL_POINTS."""
    figure = _figure()(figsize=(11, 8), layout="constrained")
    ax = figure.add_subplot()
    ax.set_xscale("log")
    ax.set_yscale("log")
    for kind, group, style in (
        ("as read", [p for p in points if not p.variant], {"s": 22}),
        ("variant", [p for p in points if p.variant], {"s": 18, "facecolors": "none"}),
    ):
        xs = [p.params / 10**6 for p in group]
        ys = [p.macs / 10**9 for p in group]
        ax.scatter(xs, ys, zorder=3, label=f"computed, {kind}", edgecolors="C0", **style)
    claimed = [p for p in points if p.claimed_params is not None or p.claimed_macs is not None]
    cx = [
        float(p.claimed_params if p.claimed_params is not None else p.params) / 10**6
        for p in claimed
    ]
    cy = [float(p.claimed_macs if p.claimed_macs is not None else p.macs) / 10**9 for p in claimed]
    ax.scatter(cx, cy, marker="x", s=30, zorder=4, color="C1", label="claimed in the paper")
    for i, (p, x, y) in enumerate(zip(claimed, cx, cy, strict=True)):
        ax.plot(
            [p.params / 10**6, x],
            [p.macs / 10**9, y],
            color="C1",
            linewidth=0.8,
            label="from the computed point to its claim" if i == 0 else "_claim",
        )
    ax.plot([], [], color="0.55", linewidth=0.6, label="from a label to its point")
    ax.set_xlabel("params (M = 10^6)")
    ax.set_ylabel("multiply-adds per image (G = 10^9)")
    ax.set_title(
        "The bundled networks and their variants, inference at batch 1"
        " (a paper claiming one quantity: its cross at the computed other)",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=LABEL_POINTS, loc="upper left")
    named = [
        Label(p.label, p.params / 10**6, p.macs / 10**9, "0.35" if p.variant else "black")
        for p in points
    ]
    place_labels(figure, ax, named, [(n.x, n.y) for n in named] + list(zip(cx, cy, strict=True)))
    return figure


#: Where a label may go, nearest first: offsets from its point in points, each ring of
#: 16 directions (right first, then above and below, then left).
_ANGLES = [0, 20, -20, 45, -45, 70, -70, 90, -90, 110, -110, 135, -135, 160, -160, 180]
_RINGS = (5, 9, 14, 20, 28, 38, 50, 65, 82, 100, 120, 145, 175, 210, 250, 300)
LEADER = 7  # a label further than this (points) from its point is joined to it by a line


@dataclass(frozen=True)
class Label:
    """A point's name on a chart, at (x, y) in data coordinates."""

    text: str
    x: float
    y: float
    color: str = "black"


def place_labels(figure, ax, named: list[Label], dots: list[tuple[float, float]]) -> None:
    """Name every point of `named` where its label overlaps no other label, none of the
    `dots` (data coordinates) and no legend: the nearest free place around it, crowded
    points first; a line to it where it is far. The layout is fixed first, so the boxes
    measured are the boxes drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw_without_rendering()
    figure.set_layout_engine("none")  # the axes stay where the layout put them
    to_px = ax.transData.transform
    frame = ax.get_window_extent(renderer)
    mark = 5 * figure.dpi / 72  # a marker's half size, pixels
    at = [tuple(to_px((n.x, n.y))) for n in named]
    taken = [(x - mark, y - mark, x + mark, y + mark) for x, y in map(to_px, dots)]
    if ax.get_legend():
        legend = ax.get_legend().get_window_extent(renderer)
        taken.append((legend.x0, legend.y0, legend.x1, legend.y1))
    px = figure.dpi / 72
    order = sorted(range(len(named)), key=lambda i: -sum(math.dist(at[i], d) < 60 * px for d in at))
    leaders: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for i in order:
        n, (x, y) = named[i], at[i]
        probe = figure.text(0, 0, n.text, fontsize=LABEL_POINTS)
        box = probe.get_window_extent(renderer)
        probe.remove()
        spot = _free_spot((x, y), (box.width, box.height), frame, taken, leaders, px)
        (dx, dy, ha, va), rect = spot
        taken.append(rect)
        far = math.hypot(dx, dy) > LEADER * px
        if far:
            leaders.append(((x, y), _nearest_edge((x, y), rect)))
        ax.annotate(
            n.text,
            (n.x, n.y),
            xytext=(dx / px, dy / px),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=LABEL_POINTS,
            color=n.color,
            gid="point-label",
            arrowprops={"arrowstyle": "-", "color": "0.55", "lw": 0.6, "shrinkA": 0, "shrinkB": 2}
            if far
            else None,
        )


def _free_spot(point, size, frame, taken, leaders, px):
    """The nearest place for a label of `size` around `point`: clear of everything taken
    and of every leader line; failing that, clear of what is taken; failing that, the
    nearest place inside the axes (which tests/test_plot.py would catch)."""
    x, y = point
    for clear in (lambda s, r: _clear(s, point, r > LEADER, taken, leaders), lambda s, r: True):
        for r in _RINGS:
            for a in _ANGLES:
                spot = _spot(x, y, r * px, math.radians(a), *size, frame, taken)
                if spot and clear(spot, r):
                    return spot
    return next(
        s
        for r in _RINGS
        for a in _ANGLES
        if (s := _spot(x, y, r * px, math.radians(a), *size, frame, []))
    )


def _spot(x, y, r, angle, w, h, frame, taken):
    """The offset, alignment and box of a label `r` pixels from (x, y) at `angle`, or None
    where the box leaves the axes or meets anything `taken`."""
    dx, dy = r * math.cos(angle), r * math.sin(angle)
    ha = "left" if dx > 0.3 * r else "right" if dx < -0.3 * r else "center"
    va = "bottom" if dy > 0.3 * r else "top" if dy < -0.3 * r else "center"
    left = x + dx - {"left": 0, "center": w / 2, "right": w}[ha]
    low = y + dy - {"bottom": 0, "center": h / 2, "top": h}[va]
    rect = (left - 1, low - 1, left + w + 1, low + h + 1)
    inside = frame.x0 < rect[0] and rect[2] < frame.x1 and frame.y0 < rect[1] and rect[3] < frame.y1
    if not inside or any(_meet(rect, t) for t in taken):
        return None
    return (dx, dy, ha, va), rect


def _nearest_edge(point, rect) -> tuple[float, float]:
    """The point of `rect` nearest `point`: where a leader line meets its label."""
    return (min(max(point[0], rect[0]), rect[2]), min(max(point[1], rect[1]), rect[3]))


def _clear(spot, point, leader: bool, taken, leaders) -> bool:
    """Whether a label at `spot` crosses no leader line drawn, and its own leader line
    (if it needs one) crosses no label or marker placed but its own point's."""
    rect = spot[1]
    if any(_crosses(a, b, rect) for a, b in leaders):
        return False
    end = _nearest_edge(point, rect)
    return not leader or not any(
        _crosses(point, end, r)
        for r in taken
        if not (r[0] <= point[0] <= r[2] and r[1] <= point[1] <= r[3])
    )


def _crosses(a, b, rect, steps: int = 24) -> bool:
    """Whether the segment a-b passes through `rect` (sampled: leaders are short)."""
    return any(
        rect[0] < a[0] + (b[0] - a[0]) * t / steps < rect[2]
        and rect[1] < a[1] + (b[1] - a[1]) * t / steps < rect[3]
        for t in range(1, steps)
    )


def _meet(a, b) -> bool:
    """Whether two boxes (x0, y0, x1, y1) overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_boxes(figure) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each point label of a chart (`place_labels`') with its box in pixels as drawn (the
    text alone, not the line to its point)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    renderer = FigureCanvasAgg(figure).get_renderer()
    out = []
    for ax in figure.axes:
        for t in ax.texts:
            if t.get_gid() == "point-label":
                t.update_positions(renderer)
                out.append((t.get_text(), tuple(Text.get_window_extent(t, renderer).extents)))
    return out


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
    named = [Label(rows[i].name, xs[i], ys[i]) for i in slowest]
    place_labels(figure, ax, named, list(zip(xs, ys, strict=True)))
    return figure
