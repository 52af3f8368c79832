"""`time MODEL.onnx --measure onnxruntime`: an exported torchvision GoogLeNet run in
onnxruntime, every node timed by its profiler and charged to an op, so every row has a
measured time that is exactly its nodes' times summed; and the runs it refuses, each one
line, before anything is measured.

The calibration (30 s on this shared machine, measured by tests/test_time_measured.py's
runs) is replaced by fixed figures here: what these tests hold is the run in onnxruntime
and where its times go, not the machine's figures. No assertion is on speed."""

import dataclasses
import json
from pathlib import Path

import exported
import onnxruntime
import pytest
from test_json_schema import errors

from inception_cost import cost, machines, roofline, schemas
from inception_cost.builder import build
from inception_cost.reference import calibrate
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.torch

# exports the suite makes already (tests/test_diff_torch.py, test_onnx_verify_torch.py)
exported.prefetch(("tv", "googlenet"), ("tv-fold", "googlenet"), ("probe", "legacy-13"))


@pytest.fixture
def calibrated(monkeypatch):
    """This machine's calibration, as fixed figures; the list of calls shows it ran."""
    calls = []

    def fixed(llc=None):
        calls.append(llc)
        return machines.given(100e9, 10e9, "fp32", 20e9, 32 * 2**20)

    monkeypatch.setattr(calibrate, "calibrate", fixed)
    return calls


def _timed(run, kind: str, *args: str, fmt: str = "json"):
    result = run(
        "time", exported.model(kind, "googlenet"), "--measure", "onnxruntime",
        "--repeat", "3", "--format", fmt, *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if fmt == "json" else result.stdout


def test_every_row_is_timed_and_is_its_nodes_times_summed(run, calibrated):
    data = _timed(run, "tv")
    assert calibrated == [None]  # calibrated in the same process, once
    assert errors(data, schemas.load("time")) == []
    how = data["measurement"]
    assert how["runtime"] == "onnxruntime" and how["repeats"] == 3 and how["warmup"] == 1
    assert how["library"] == f"onnxruntime {onnxruntime.__version__} (CPUExecutionProvider)"
    assert how["graph_optimization"] == "extended" and how["threads"] >= 1
    nodes = how["nodes"]
    # torchvision's GoogLeNet: 57 convolutions, 14 max pools, 9 concats, the average
    # pool and the classifier's Gemm, each a node of its own at least
    assert len(nodes) >= 57 + 14 + 9 + 2
    assert {n["op_type"] for n in nodes} >= {"Conv", "MaxPool", "Concat", "Gemm"}
    assert all(isinstance(n["microseconds"], int) and n["microseconds"] >= 0 for n in nodes)
    ops_of = {row["name"]: {o["name"] for o in row["ops"]} for row in data["rows"]}
    for row in data["rows"]:
        assert row["measured_seconds"] > 0, row["name"]
        mine = [n for n in nodes if n["row"] == row["name"]]
        assert {n["op"] for n in mine} <= ops_of[row["name"]]
        assert round(row["measured_seconds"] * 1e6) == sum(n["microseconds"] for n in mine)
        for op in row["ops"]:
            own = sum(n["microseconds"] for n in mine if n["op"] == op["name"])
            if op["measured_seconds"] is not None:
                assert round(op["measured_seconds"] * 1e6) == own
    assert round(data["totals"]["measured_seconds"] * 1e6) == sum(n["microseconds"] for n in nodes)
    conv = next(n for n in nodes if n["op"] == "conv1.conv" and n["op_type"] == "Conv")
    assert conv["via"] == "output" and conv["computes"] == ["conv1.conv"]


def test_fused_nodes_are_charged_to_their_convolution(run, calibrated):
    """The export with batch norm folded: onnxruntime fuses each convolution with its ReLU
    (FusedConv), and the node's time goes to the convolution, the ReLU left blank."""
    data = _timed(run, "tv-fold", "--expand")
    fused = [n for n in data["measurement"]["nodes"] if n["op_type"] == "FusedConv"]
    assert len(fused) == 57
    first = fused[0]
    assert first["computes"] == ["conv1.conv", "conv1/relu"] and first["op"] == "conv1.conv"
    conv1 = {o["name"]: o["measured_seconds"] for o in data["rows"][0]["ops"]}
    assert conv1["conv1/relu"] is None and conv1["conv1.conv"] > 0
    md = _timed(run, "tv-fold", fmt="markdown")
    assert "fused: each fused node's time is charged to the op of the largest bound" in md
    assert "(as node_Conv_" in md and ": conv1.conv + conv1/relu, in conv1.conv)" in md


def test_a_layer_norm_onnxruntime_rewrites_in_place_keeps_its_nodes(run, calibrated):
    """The probe (tests/torch_probe.py) as the legacy exporter writes it: its layer norm
    written out between permutes, which onnxruntime's transpose optimizer drops, renaming
    the layer norm's tensors. Its nine nodes are still the layer norm's (the last by the
    name of the node it was read from), not the next convolution's, and every row is timed."""
    path = exported.model("probe", "legacy-13")
    result = run("time", path, "--measure", "onnxruntime", "--repeat", "1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    ln = [n for n in data["measurement"]["nodes"] if n["name"].startswith("/ln/")]
    assert len(ln) == 9 and {(n["op"], n["row"]) for n in ln} == {("ln/layernorm", "ln")}
    assert [n["name"] for n in ln if n["via"] == "output"] == ["/ln/Add_1"]
    assert all(row["measured_seconds"] is not None for row in data["rows"])
    shown = run("time", path, "--measure", "onnxruntime", "--repeat", "1")
    assert shown.exit_code == 0, shown.stderr


def test_a_row_under_a_microsecond_has_a_cause_not_a_division_by_zero():
    """onnxruntime's profiler counts whole microseconds: a row of tiny nodes can measure 0,
    under any bound; the violation says why, where the speed it reached would divide by 0."""
    machine = machines.given(100e9, 10e9, "fp32", 20e9, 32 * 2**20)
    roof = roofline.predict(cost.analyse(build(load_model("lenet5"))), machine, model="lenet5")
    row = dataclasses.replace(roof.rows[0], measured=0.0)
    assert row.violation and "microsecond" in roof.cause(row)


def test_every_format_names_onnxruntime_and_its_version(run, calibrated):
    version = onnxruntime.__version__
    md = _timed(run, "tv", fmt="markdown")
    assert f"measured: onnxruntime {version} (CPUExecutionProvider), " in md
    assert "graph optimizations extended, float32, batch 1: each ONNX node timed" in md
    assert "| measured " in md and "onnxruntime ran " in md
    rows = [line for line in md.splitlines() if line.startswith("| inception3a |")]
    assert len(rows) == 1 and rows[0].count("|") == 11
    csv = _timed(run, "tv", fmt="csv").splitlines()
    assert all(line.split(",")[13] for line in csv[1:])  # measured_seconds on every row
    rich = _timed(run, "tv", fmt="rich")
    assert f"measured: onnxruntime {version}" in rich and "onnxruntime ran " in rich


def _one_line(result, *words):
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and ": error:" in lines[0], result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_a_table_with_measure_onnxruntime_has_no_graph_to_run(run, calibrated):
    _one_line(
        run("time", "-m", "googlenet", "--measure", "onnxruntime"),
        "googlenet was built from a layer table: it has no graph to run",
        "--measure numpy",
        "exported to ONNX",
    )
    assert calibrated == []


def test_batch_8_with_a_model_fixed_at_batch_1_is_one_line(run, calibrated):
    path = exported.model("tv", "googlenet")
    _one_line(
        run("time", path, "--measure", "onnxruntime", "--batch", "8"),
        path,
        "the model's input 'x' is fixed at batch 1 (1x3x224x224), and --batch is 8",
        "--batch 1, or a model exported with a dynamic batch dimension",
    )
    assert calibrated == []


def test_float64_with_onnxruntime_is_one_line(run, calibrated):
    path = exported.model("tv", "googlenet")
    _one_line(
        run("time", path, "--measure", "onnxruntime", "--dtype", "float64"),
        "float32 it stores, not float64",
    )
    assert calibrated == []


def test_without_onnxruntime_the_line_names_the_extra(run, calibrated, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # `import onnxruntime` fails
    _one_line(
        run("time", exported.model("tv", "googlenet"), "--measure", "onnxruntime"),
        "runs the model with onnxruntime, which is not installed",
        "pip install 'inception-cost[onnxruntime]'",
    )
    assert calibrated == []


def _shape(lines) -> list[str]:
    """Lines with every number, time unit and violation mark masked: what a run of the same
    model prints whatever its times (the findings' violation lines dropped)."""
    import re

    kept = [line for line in lines if not line.startswith(("- ✓", "- ✗", "..."))]
    return [
        re.sub(r"\d[\d,]*(?:\.\d+)?", "#", line).replace("µs", "ms").replace(" ✗", "")
        for line in kept
    ]


def test_the_run_shown_in_docs_is_what_the_tool_prints(run, calibrated):
    """docs/time.md shows a real run of docs/examples/tiny.onnx; a fresh run prints the same
    lines but for the numbers."""
    text = (Path(__file__).parent.parent / "docs" / "time.md").read_text("utf-8")
    section = text.split("## Measuring an ONNX model", 1)[1]
    shown = section.split("```markdown\n", 1)[1].split("```\n", 1)[0].splitlines()
    result = run(
        "time", "docs/examples/tiny.onnx", "--measure", "onnxruntime", "--format", "markdown"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("measured: onnxruntime"))
    assert _shape(shown) == _shape([lines[2], *lines[start:]])
