"""`time` as text: the model and the machine in the header, a line per row (and per op
with --expand) with its bytes, intensity, bound, the bandwidth it was charged at and its
predicted time, the measured median beside it with --measure, then the violations.

CSV has a line per row and, with --expand, per op (`op` empty on a row's line); JSON has
every row with its ops, the machine and the settings; seconds are floats, counts ints.
"""

from __future__ import annotations

import json
from collections import Counter

from inception_cost import __version__
from inception_cost.render.common import csv_text, si
from inception_cost.shares import percent

SCHEMA_VERSION = 1


def render(r, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(_json(r), indent=2) + "\n"
    if fmt == "csv":
        return _csv(r)
    if fmt == "markdown":
        return _markdown(r)
    raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/time.py)")


def rate(value: float, unit: str) -> str:
    """`19.5 TFLOP/s`, `2,039.0 GB/s`: a rate with the largest prefix it reaches."""
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if value >= scale:
            return f"{value / scale:.4g} {prefix}{unit}"
    return f"{value:.4g} {unit}"


def _size(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB" if n >= 2**20 else f"{n // 1024} KiB"


def machine_line(r) -> str:
    m = r.machine
    peak = f"peak {rate(r.peak, 'FLOP/s')} {r.precision}"
    dram = f"{'HBM' if m.kind == 'gpu' else 'DRAM'} {rate(m.bandwidth, 'B/s')}"
    cache = f", cache {rate(m.cache_bandwidth, 'B/s')}" if m.cache_bandwidth else ""
    llc = f", last-level cache {_size(m.llc)}" if m.llc else ""
    if m.origin == "measured":
        return f"machine: {m.title}, measured {m.date}: {peak}, {dram}{cache}{llc}"
    if m.origin == "given":
        return f"machine: figures given by hand: {peak}, {dram}{cache}{llc}"
    what = "a prediction from the vendor's datasheet" if m.prediction else "the vendor's figures"
    return f"machine: {m.title} ({m.name}), {what}: {peak}, {dram}{llc}"


def rule_line(r) -> str:
    m = r.machine
    dram = r.ridge("DRAM")
    if r.rule == "cache-aware":
        return (
            f"bandwidth rule cache-aware: an op whose bytes fit in half the {_size(m.llc)}"
            f" last-level cache is charged at cache bandwidth, any other at DRAM; the roof"
            f" turns at {r.ridge('cache'):,.1f} FLOP/B (cache) and {dram:,.1f} (DRAM)"
        )
    why = (
        " (cache-aware needs a cache bandwidth and size; these figures have none)"
        if r.asked_rule == "cache-aware"
        else ""
    )
    return (
        f"bandwidth rule dram: every op charged at memory bandwidth{why}; the roof turns at"
        f" {dram:,.1f} FLOP/B"
    )


def header_lines(r) -> list[str]:
    phase = "training rows included" if r.aux else "inference"
    lines = [
        f"{r.model}: a roofline per row, batch {r.batch}, {r.dtype} ({r.itemsize} bytes),"
        f" {phase}" + (f", variant {r.variant}" if r.variant else ""),
        machine_line(r),
        f"source: {r.machine.source}",
        *(f"note: {n}" for n in r.machine.notes),
        f"bytes: weights (once per batch), inputs and outputs at {r.dtype}, each tensor read"
        " or written once per op; a strided window reads only the pixels it covers; views and"
        " identities (flatten, split, dropout) move nothing",
        "FLOPs = 2 x MACs + other ops (compares, adds, muls, divs, exp: one each)"
        if r.other_ops
        else "FLOPs = 2 x MACs (other ops left out: --no-other-ops)",
        "time >= max(FLOPs / peak, bytes / bandwidth) per op, summed per row (a lower bound);"
        " bound: the side that takes most of the row's time; FLOP/B = FLOPs per byte",
        rule_line(r),
        "units: K = 10^3, M = 10^6, G = 10^9, T = 10^12; bytes in B; times in " + unit(r),
    ]
    if r.measurement:
        lines.append(measured_line(r))
    return lines


def measured_line(r) -> str:
    """How the times were measured: the runtime, its threads, the runs."""
    h = r.measurement
    runs = f"the median of {h.repeats} runs after {h.warmup} warm-up run"
    if h.runtime == "onnxruntime":
        return (
            f"measured: {h.library}, {h.threads} intra-op threads, graph optimizations"
            f" {h.optimization}, {r.dtype}, batch {r.batch}: each ONNX node timed by"
            f" onnxruntime's profiler, {runs}; an op's time is its nodes' summed, a row's its"
            " ops'; this machine calibrated just before in the same process"
        )
    return (
        f"measured: the NumPy reference ({h.library}, {h.threads} BLAS threads), {r.dtype},"
        f" batch {r.batch}: {runs}, without tracemalloc, this machine calibrated just before"
        " in the same process"
    )


def unit(r) -> str:
    """The time unit of the table: µs when the whole network takes under a millisecond."""
    return "µs" if max(r.seconds, r.measured or 0) < 1e-3 else "ms"


def _time(r, seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * (1e6 if unit(r) == 'µs' else 1e3):,.3f}"


def _intensity(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def headers(r) -> list[str]:
    out = ["row", "FLOPs", "bytes", "FLOP/B", "bound", "charged", f"predicted {unit(r)}", "share"]
    if r.measurement:
        out += [f"measured {unit(r)}", "of roof"]
    return out


def _line(r, name: str, x, share: str, violation: bool) -> list[str]:
    cells = [
        name,
        si(x.flops) if x.flops else "0",
        si(x.bytes) if x.bytes else "0",
        _intensity(x.intensity),
        x.bound,
        x.charged,
        _time(r, x.seconds),
        share,
    ]
    if r.measurement:
        shown = "" if x.of_roofline is None else f"{x.of_roofline * 100:,.0f}%"
        cells += [_time(r, x.measured), shown + (" ✗" if violation else "")]
    return cells


def rows_of(r) -> list[list[str]]:
    """The table's lines: a row each (its ops under it with --expand), then the total."""
    out = []
    for row in r.rows:
        out.append(_line(r, row.name, row, percent(row.share), row.violation))
        if r.expand:
            out += [_line(r, f"  {o.name}", o, "", False) for o in row.ops]
    total = [
        "total",
        si(r.flops),
        si(r.bytes),
        _intensity(r.intensity),
        "",
        "",
        _time(r, r.seconds),
        "100.0%",
    ]
    if r.measurement:
        total += [_time(r, r.measured), f"{r.of_roofline * 100:,.0f}%"]
    return [*out, total]


def finding_lines(r) -> list[str]:
    """With --measure: the rank correlation, then every violation and its cause."""
    if not r.measurement:
        return []
    rho = r.spearman
    lines = [
        "Spearman rank correlation of predicted and measured row times:"
        + (f" {rho:.2f} over {len(r.rows)} rows" if rho is not None else " none (too few rows)")
    ]
    lines += node_lines(r)
    if not r.violations:
        lines.append("✓ no violation: every row took at least its predicted time")
    for row in r.violations:
        lines.append(
            f"✗ {row.name}: measured {_time(r, row.measured)} {unit(r)}, under its bound of"
            f" {_time(r, row.seconds)} {unit(r)}: {r.cause(row)}"
        )
    return lines


def node_lines(r) -> list[str]:
    """Where onnxruntime's node times went: the nodes it fused, and those that compute no
    op's output."""
    nodes = r.measurement.nodes
    if not nodes:
        return []
    total = sum(n.microseconds for n in nodes) or 1
    fused = [n for n in nodes if len(n.computes) > 1]
    alone = sum(1 for n in nodes if len(n.computes) == 1)
    lines = [
        f"onnxruntime ran {len(nodes)} nodes (--format json lists each, and the op its time"
        f" is charged to): {alone} compute one op, {len(fused)} several ops fused, the others"
        " no op's output"
    ]
    if fused:
        n = fused[0]
        lines.append(
            f"fused: each fused node's time is charged to the op of the largest bound it"
            f" computes, the others left blank (as {n.name}: {' + '.join(n.computes)}, in"
            f" {n.op})"
        )
    for via, what in (
        ("feeds", "compute only an input of an op (a bias or a shape the exporter computes in"
         " the graph, a part of a decomposition): charged to that op"),
        ("next", "compute nothing an op reads (left by the exporter or made by onnxruntime):"
         " charged to the op onnxruntime ran next"),
    ):  # fmt: skip
        these = [n for n in nodes if n.via == via]
        if these:
            kinds = Counter(n.op_type for n in these)
            spent = sum(n.microseconds for n in these)
            lines.append(
                f"{len(these)} nodes ({', '.join(f'{k} {v}' for k, v in kinds.most_common())})"
                f" {what}; {_time(r, spent / 1e6)} {unit(r)}, {spent / total:.1%} of the"
                " measured time"
            )
    return lines


def _markdown(r) -> str:
    out = [f"<!-- inception-cost {__version__} time -->", ""]
    out += [f"{line}  " for line in header_lines(r)]
    hs = headers(r)
    out += [
        "",
        "| " + " | ".join(hs) + " |",
        "|---|" + "---:|" * 3 + "---|---|" + "---:|" * (len(hs) - 6),
    ]
    out += [
        "| " + " | ".join(c.replace("  ", "&nbsp;&nbsp;", 1) for c in row) + " |"
        for row in rows_of(r)
    ]
    lines = finding_lines(r)
    return "\n".join(out + ([""] + [f"- {line}" for line in lines] if lines else [])) + "\n"


CSV_HEADERS = [
    "row", "op", "kind", "flops", "bytes", "weight_bytes", "input_bytes", "output_bytes",
    "intensity", "bound", "charged", "predicted_seconds", "share", "measured_seconds",
    "of_roofline", "violation",
]  # fmt: skip


def _csv_line(row: str, op: str, kind: str, x, share: str) -> list:
    return [
        row, op, kind, x.flops, x.bytes, x.weight_bytes, x.input_bytes, x.output_bytes,
        "" if x.intensity is None else f"{x.intensity:.6g}", x.bound, x.charged,
        f"{x.seconds:.6e}", share,
        "" if x.measured is None else f"{x.measured:.6e}",
        "" if x.of_roofline is None else f"{x.of_roofline:.4f}",
        "" if x.measured is None else str(x.violation).lower(),
    ]  # fmt: skip


def _csv(r) -> str:
    out = []
    for row in r.rows:
        out.append(_csv_line(row.name, "", row.type, row, f"{row.share:.6f}"))
        if r.expand:
            out += [_csv_line(row.name, o.name, o.kind, o, "") for o in row.ops]
    return csv_text(CSV_HEADERS, out)


def _times(x) -> dict:
    return {
        "flops": x.flops,
        "bytes": {
            "total": x.bytes,
            "weights": x.weight_bytes,
            "inputs": x.input_bytes,
            "outputs": x.output_bytes,
        },
        "intensity": x.intensity,
        "bound": x.bound,
        "charged": x.charged,
        "predicted_seconds": x.seconds,
        "measured_seconds": x.measured,
    }


def _json(r) -> dict:
    m, h = r.machine, r.measurement
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"inception-cost {__version__}",
        "model": r.model,
        "settings": {
            "batch": r.batch,
            "dtype": r.dtype,
            "itemsize": r.itemsize,
            "aux": r.aux,
            "variant": r.variant or None,
            "precision": r.precision,
            "flops": "2 x MACs + other ops" if r.other_ops else "2 x MACs",
            "bandwidth_rule": r.rule,
            "asked_rule": r.asked_rule,
        },
        "machine": {
            "name": m.name,
            "title": m.title,
            "kind": m.kind,
            "origin": m.origin,
            "prediction": m.prediction,
            "peak_flops": dict(m.peaks),
            "bandwidth": m.bandwidth,
            "cache_bandwidth": m.cache_bandwidth,
            "llc_bytes": m.llc,
            "source": m.source,
            "date": m.date,
            "notes": list(m.notes),
        },
        "peak": r.peak,
        "ridge": {"dram": r.ridge("DRAM"), "cache": r.ridge("cache")},
        "measurement": None
        if h is None
        else {
            "runtime": h.runtime,
            "library": h.library,
            "threads": h.threads,
            "repeats": h.repeats,
            "warmup": h.warmup,
            "tracemalloc": h.tracemalloc,
            "spearman": r.spearman,
            "graph_optimization": h.optimization or None,
            "nodes": [
                {
                    "name": n.name,
                    "op_type": n.op_type,
                    "op": n.op,
                    "row": n.row,
                    "via": n.via,
                    "computes": list(n.computes),
                    "microseconds": n.microseconds,
                }
                for n in h.nodes
            ],
        },
        "rows": [
            {
                "name": row.name,
                "type": row.type,
                **_times(row),
                "share": row.share,
                "violation": row.violation,
                "cause": r.cause(row) if row.violation else None,
                "ops": [{"name": o.name, "kind": o.kind, **_times(o)} for o in row.ops],
            }
            for row in r.rows
        ],
        "totals": {
            "flops": r.flops,
            "bytes": r.bytes,
            "predicted_seconds": r.seconds,
            "measured_seconds": r.measured,
        },
        "violations": [row.name for row in r.violations],
    }
