"""`time MODEL.onnx --measure onnxruntime`: the model run in onnxruntime on the CPU, each
node timed by onnxruntime's own profiler, and each node's time charged to one of our ops,
so rows and ops get measured times beside their bounds.

onnxruntime optimizes the graph before it runs it: it folds constants, drops identities
and fuses a convolution with its batch norm and activation into one node. It runs here at
its `extended` level: everything but the NCHWc layout, whose reorder nodes hide which
node computes which layer. Nodes are matched to ops by the tensors they write, in the
graph onnxruntime saved after optimizing (`optimized_model_filepath`):

- a node that writes an op's output computes that op, and every op before it whose
  output no node writes any more (fused into it); its time goes to the one of them with
  the largest bound (a convolution, not the ReLU fused after it);
- a node that writes no op's output but keeps the name of the node an op was read from,
  whose output no node writes any more, computes that op under a new output name
  (onnxruntime's transpose optimizer rewrites a layer norm between permutes in place);
- a node that writes no op's output (a shape, a piece of an exporter's decomposition)
  is charged to the op its output flows to first;
- a node whose output no op reads (dead code an exporter left) is charged to the op
  onnxruntime ran next.

Each node's time is the lower median of its `repeats` runs (a run's own whole
microseconds); an op's is its nodes' summed, a row's its ops' (none where no node was
charged to any of its ops: onnxruntime ran them inside another row's nodes).
"""

from __future__ import annotations

import json
import statistics
import tempfile
from bisect import bisect_right
from collections import deque
from pathlib import Path

import numpy as np
import onnx

from inception_cost import progress
from inception_cost.errors import InputError, first_line
from inception_cost.implementation.model import Implementation
from inception_cost.reference import calibrate, timing
from inception_cost.roofline import Measurement, NodeTime, Roofline

WARMUP = timing.WARMUP
#: onnxruntime's graph optimization level here (the module docstring says why not `all`).
LEVEL = "extended"
PROVIDER = "CPUExecutionProvider"
_KERNEL = "_kernel_time"  # the suffix of the profiler's event of a node's kernel


def _runtime():
    try:
        import onnxruntime
    except ImportError as exc:
        raise InputError(
            "--measure onnxruntime runs the model with onnxruntime, which is not installed",
            "pip install 'inception-cost[onnxruntime]' (the extra that brings onnxruntime)",
        ) from exc
    return onnxruntime


class Session:
    """The model loaded in onnxruntime with its profiler on, checked against the run asked
    for (before a calibration that takes seconds, not after it)."""

    def __init__(self, impl: Implementation, batch: int, dtype: str):
        ort = _runtime()
        if dtype != "float32":
            raise InputError(
                f"onnxruntime runs the model in the float32 it stores, not {dtype}",
                "--dtype float32 with --measure onnxruntime",
            )
        timing.check(impl.network, batch, dtype)  # a batch that fits in memory
        self.impl, self.batch, self.version = impl, batch, ort.__version__
        self.threads = calibrate.threads()
        self._folder = tempfile.TemporaryDirectory(prefix="inception-cost-ort-")
        options = ort.SessionOptions()
        options.log_severity_level = 4  # fatal only: a refusal is our one line, not its too
        options.enable_profiling = True
        options.profile_file_prefix = str(Path(self._folder.name) / "profile")
        options.optimized_model_filepath = str(Path(self._folder.name) / "optimized.onnx")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.intra_op_num_threads = self.threads
        try:
            self.session = ort.InferenceSession(impl.path, options, providers=[PROVIDER])
        except Exception as exc:  # onnxruntime's own errors have no common base class
            self._folder.cleanup()
            raise InputError(
                f"onnxruntime cannot load the model: {first_line(exc)}",
                "a model onnxruntime runs on the CPU",
                impl.path,
            ) from None
        image = self.session.get_inputs()[0]
        fixed = image.shape[0] if image.shape else None
        if isinstance(fixed, int) and fixed != batch:
            self.session.end_profiling()  # its trace goes with the folder
            self._folder.cleanup()
            raise InputError(
                f"the model's input {image.name!r} is fixed at batch {fixed}"
                f" ({'x'.join(map(str, image.shape))}), and --batch is {batch}",
                f"--batch {fixed}, or a model exported with a dynamic batch dimension",
                impl.path,
            )

    def measure(
        self, roof: Roofline, repeats: int = 5, seed: int = 0
    ) -> tuple[dict[str, float], dict[str, float | None], Measurement]:
        """Seconds per op and per row (their nodes' medians summed), and how they were
        measured, after WARMUP untimed runs."""
        h, w, c = self.impl.network.input_shape
        x = np.random.default_rng(seed).standard_normal((self.batch, c, h, w), np.float32)
        feed = {self.session.get_inputs()[0].name: x}
        try:
            with progress.task(f"timing {self.impl.name} in onnxruntime", WARMUP + repeats) as step:
                for _ in range(WARMUP + repeats):
                    self.session.run(None, feed)
                    step()
        except Exception as exc:  # onnxruntime's own errors have no common base class
            raise InputError(
                f"onnxruntime cannot run the model: {first_line(exc)}",
                "a model onnxruntime runs on the CPU",
                self.impl.path,
            ) from None
        with self._folder:
            runs = _runs(Path(self.session.end_profiling()))[WARMUP:]
            graph = onnx.load(self._folder.name + "/optimized.onnx", load_external_data=False)
        nodes = charge(graph.graph, runs, self.impl, roof)
        ops: dict[str, int] = {}
        for n in nodes:
            ops[n.op] = ops.get(n.op, 0) + n.microseconds
        rows = {
            r.name: sum(ops[o.name] for o in r.ops if o.name in ops)
            if any(o.name in ops for o in r.ops)
            else None
            for r in roof.rows
        }
        how = Measurement(
            "onnxruntime",
            f"onnxruntime {self.version} ({PROVIDER})",
            self.threads,
            repeats,
            WARMUP,
            optimization=LEVEL,
            nodes=tuple(nodes),
        )
        return (
            {k: v / 1e6 for k, v in ops.items()},
            {k: None if v is None else v / 1e6 for k, v in rows.items()},
            how,
        )


def _runs(path: Path) -> list[dict[str, int]]:
    """Each run's microseconds per node, from the profiler's trace (a node's kernel events
    fall inside the run that ran it)."""
    events = json.loads(path.read_text(encoding="utf-8"))
    path.unlink()
    windows = sorted(
        (e["ts"], e["ts"] + e["dur"])
        for e in events
        if e.get("cat") == "Session" and e.get("name") == "model_run"
    )
    starts = [start for start, _ in windows]
    runs: list[dict[str, int]] = [{} for _ in windows]
    for e in sorted(events, key=lambda e: e.get("ts", 0)):
        if e.get("cat") != "Node" or not e.get("name", "").endswith(_KERNEL):
            continue
        i = bisect_right(starts, e["ts"]) - 1
        if i < 0 or e["ts"] > windows[i][1]:
            continue  # a kernel of the session's start, outside every run
        name = e["name"].removesuffix(_KERNEL)
        runs[i][name] = runs[i].get(name, 0) + int(e["dur"])
    return runs


def charge(graph, runs: list[dict[str, int]], impl: Implementation, roof: Roofline):
    """Every node that ran, in its order, with its median and the op it is charged to (the
    module docstring gives the rule)."""
    row_of = {o.name: r.name for r in roof.rows for o in r.ops}
    bound = {o.name: o.seconds for r in roof.rows for o in r.ops}
    order = list(row_of)  # network order
    place = {op: i for i, op in enumerate(order)}
    op_of_tensor = {t: op for op, t in impl.tensors.items()}  # a later op wins a shared one
    written = {t for n in graph.node for t in n.output}
    gone = {op for op, t in impl.tensors.items() if t not in written or op_of_tensor[t] != op}
    renamed = {impl.nodes[op]: op for op in gone if impl.nodes.get(op)}  # node -> its op
    inputs = {o.name: o.inputs for r in impl.network.blocks for o in r.ops}
    readers: dict[str, list] = {}
    for n in graph.node:
        for t in n.input:
            readers.setdefault(t, []).append(n)

    claimed: set[str] = set()
    computes: dict[str, tuple[str, ...]] = {}  # node -> our ops it computes
    for n in graph.node:
        ops = [op_of_tensor[t] for t in n.output if t in op_of_tensor]
        if not ops and n.name in renamed:
            ops = [renamed[n.name]]
        group, stack = [], list(ops)
        while stack:  # the op it writes, and the fused ones before it
            op = stack.pop()
            if op in claimed:
                continue
            claimed.add(op)
            group.append(op)
            stack += [i for i in inputs.get(op, ()) if i in gone]
        if group:
            computes[n.name] = tuple(sorted(group, key=place.__getitem__))

    def charged(ops: tuple[str, ...]) -> str:
        return max(ops, key=lambda op: (bound[op], -place[op]))

    def flows_to(n) -> str | None:
        seen, queue = {n.name}, deque([n])
        while queue:
            for t in queue.popleft().output:
                for r in readers.get(t, ()):
                    if r.name in computes:
                        return charged(computes[r.name])
                    if r.name not in seen:
                        seen.add(r.name)
                        queue.append(r)
        return None

    by_name = {n.name: n for n in graph.node if n.name}
    ran = list(runs[0]) if runs else []
    medians = {name: statistics.median_low([run.get(name, 0) for run in runs]) for name in ran}
    found: list[tuple[str, str, str | None, str]] = []
    for name in ran:
        node = by_name.get(name)
        if node is not None and name in computes:
            found.append((name, node.op_type, charged(computes[name]), "output"))
        elif node is not None and (op := flows_to(node)) is not None:
            found.append((name, node.op_type, op, "feeds"))
        else:  # a node onnxruntime made and did not name (the profiler names it OpType_N)
            op_type = node.op_type if node is not None else name.rsplit("_", 1)[0]
            found.append((name, op_type, None, "next"))
    out, following = [], None
    for name, op_type, op, via in reversed(found):
        following = op or following or order[-1]
        fused = computes.get(name, ()) if via == "output" else ()
        out.append(NodeTime(name, op_type, following, row_of[following], via, medians[name], fused))
    return out[::-1]
