"""`verify` as text: per block, analysed against executed, then the checks.

Markdown shows one row per block (shape and MACs analysed vs run, a verdict glyph, time
and GFLOP/s), as the terminal does (render/terminal/verify.py); CSV has one row per op;
JSON has every op with exact ints.
"""

from __future__ import annotations

import json

from inception_cost import __version__
from inception_cost.cells import format_shape
from inception_cost.render.common import GLYPH, csv_text
from inception_cost.verdicts import Status

#: 2: memory_bytes.bookkeeping and memory_bytes.measured. 3: onnxruntime (a model file).
SCHEMA_VERSION = 3


def render(result, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(_json(result), indent=2)
    if fmt == "csv":
        return _csv(result)
    if fmt == "markdown":
        return _markdown(result)
    raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/verify.py)")


def ok_glyph(ok: bool) -> str:
    return GLYPH[Status.MATCH if ok else Status.MISMATCH]


def _gflops(rate: float | None) -> str:
    return "" if rate is None else f"{rate:,.1f}"


def header_lines(v) -> list[str]:
    e = v.estimate
    return [
        f"{v.model}: NumPy reference forward pass, batch {v.batch}, {v.dtype}, seed {v.seed}"
        + (", the model's own weights against onnxruntime," if v.runtime else ",")
        + f" {'with' if v.aux else 'without'} training-only rows"
        + (f", variant {v.variant}" if v.variant else ""),
        "MACs = multiply-adds counted by the kernels from the operands they multiplied,"
        " beside the cost model's; GFLOP/s = 2 x MACs / time",
        f"memory: about {e.total / 1e6:,.1f} MB at the peak ({e.peak_op}: weights"
        f" {e.weights / 1e6:,.1f}, activations {e.peak_activations / 1e6:,.1f}, workspace"
        f" {e.peak_workspace / 1e6:,.1f}, process before the run {e.process / 1e6:,.1f});"
        f" limit {v.limit / 1e6:,.1f} MB (MB = 10^6 bytes)",
        f"measured: the run's own peak {v.measured / 1e6:,.1f} MB (weights, input and what the"
        f" run allocated, by tracemalloc) against {e.run / 1e6:,.1f} MB estimated for it"
        + (" (within)" if v.measured <= e.run else " (over the estimate)"),
    ]


def rows_of(v) -> list[list[str]]:
    rows = [
        [
            b.name,
            format_shape(b.analytic_shape),
            format_shape(b.executed_shape),
            f"{b.analytic_macs:,}",
            f"{b.executed_macs:,}",
            ok_glyph(b.ok),
            f"{b.seconds * 1000:,.1f}",
            _gflops(b.gflops),
        ]
        for b in v.blocks
    ]
    rows.append(
        [
            "total",
            "",
            "",
            f"{v.analytic_macs:,}",
            f"{v.executed_macs:,}",
            ok_glyph(all(b.ok for b in v.blocks)),
            f"{v.block_seconds * 1000:,.1f}",
            _gflops(v.gflops),
        ]
    )
    return rows


HEADERS = ["block", "output", "run output", "MACs", "run MACs", "", "ms", "GFLOP/s"]


def check_lines(v) -> list[str]:
    lines = [f"{ok_glyph(v.finite)} every activation is finite"]
    lines += [
        f"{ok_glyph(s.ok)} {s.name} sums to 1 per image within {s.tolerance:.0e}"
        f" (worst {s.worst:.1e})"
        for s in v.softmax
    ]
    if v.runtime:
        worst = max(v.runtime, key=lambda r: r.worst)
        lines.append(
            f"{ok_glyph(all(r.ok for r in v.runtime))} each of {len(v.runtime)} rows' outputs"
            f" equals onnxruntime's within {worst.tolerance:.0e} of its largest value"
            f" (worst {worst.worst:.1e}, {worst.name})"
        )
    if v.ok:
        lines.append(f"verified: all {v.ops} ops ran with the analysed shapes and multiply-adds")
    else:
        lines += [f"✗ mismatch: {m}" for m in v.mismatches()]
    return lines


def _markdown(v) -> str:
    out = [f"<!-- inception-cost {__version__} verify -->", ""]
    out += [f"{line}  " for line in header_lines(v)]
    out += ["", "| " + " | ".join(h or "verdict" for h in HEADERS) + " |"]
    out += ["|" + "---|" * len(HEADERS)]
    out += ["| " + " | ".join(r) + " |" for r in rows_of(v)]
    out += [""] + [f"- {line}" for line in check_lines(v)]
    return "\n".join(out) + "\n"


def _csv(v) -> str:
    headers = [
        "block",
        "op",
        "kind",
        "output",
        "run output",
        "MACs",
        "run MACs",
        "verdict",
        "finite",
        "seconds",
    ]
    rows = [
        [
            b.name,
            o.name,
            o.kind,
            format_shape(o.analytic_shape),
            format_shape(o.executed_shape),
            o.analytic_macs,
            o.executed_macs,
            Status.MATCH if o.ok else Status.MISMATCH,
            o.finite,
            f"{o.seconds:.6f}",
        ]
        for b in v.blocks
        for o in b.ops
    ]
    return csv_text(headers, rows)


def _json(v) -> dict:
    e = v.estimate
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"inception-cost {__version__}",
        "model": v.model,
        "batch": v.batch,
        "dtype": v.dtype,
        "seed": v.seed,
        "aux": v.aux,
        "variant": v.variant,
        "ok": v.ok,
        "macs": {"analysed": v.analytic_macs, "run": v.executed_macs},
        "memory_bytes": {
            "estimate": e.total,
            "run": e.run,
            "process": e.process,
            "weights": e.weights,
            "activations": e.peak_activations,
            "workspace": e.peak_workspace,
            "peak_op": e.peak_op,
            "bookkeeping": e.bookkeeping,
            "measured": v.measured,
            "limit": v.limit,
        },
        "finite": v.finite,
        "softmax": [{"name": s.name, "worst": s.worst, "ok": s.ok} for s in v.softmax],
        "onnxruntime": [
            {"row": r.name, "tensor": r.tensor, "worst": r.worst, "ok": r.ok} for r in v.runtime
        ],
        "mismatches": v.mismatches(),
        "blocks": [
            {
                "name": b.name,
                "type": b.type,
                "ok": b.ok,
                "ops": [
                    {
                        "name": o.name,
                        "kind": o.kind,
                        "output": list(o.analytic_shape),
                        "run_output": list(o.executed_shape),
                        "macs": o.analytic_macs,
                        "run_macs": o.executed_macs,
                        "finite": o.finite,
                        "seconds": o.seconds,
                    }
                    for o in b.ops
                ],
            }
            for b in v.blocks
        ],
        "seconds": v.seconds,
    }
