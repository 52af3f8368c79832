"""`inception-cost time` from the command line: the machine and the model in the header, and
every bad input one line with exit code 2 (a figure, a machine name, the stored
calibration)."""

import dataclasses
import json

import pytest

from inception_cost import machines

BAD = "inception-cost: error:"


@pytest.fixture
def config(tmp_path, monkeypatch):
    """A user configuration folder of this test's own (platformdirs reads XDG on Linux)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "inception-cost" / "calibration.json"


def _one_line_error(result, *words):
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_a_gpu_preset_says_it_is_a_prediction_with_its_source(run):
    result = run("time", "--machine", "a100", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "a prediction from the vendor's datasheet" in out
    assert "peak 19.5 TFLOP/s fp32" in out and "HBM 2.039 TB/s" in out
    assert "nvidia-a100-datasheet" in out.replace("\n", "")
    assert "each tensor read" in out and "move nothing" in out
    assert "FLOPs = 2 x MACs + other ops" in out
    norm = next(line for line in out.splitlines() if line.startswith("| norm1 "))
    assert "| memory | DRAM |" in norm
    rich = run("time", "--machine", "a100").stdout
    assert rich.startswith("googlenet: a roofline per row") and "predicted µs" in rich


def test_figures_by_hand_and_the_cache_rule_are_shown(run):
    result = run(
        "time", "--peak", "300G", "--bandwidth", "25G", "--cache-bandwidth", "100G",
        "--llc", "32MiB", "--format", "csv", "--expand",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("row,op,kind,flops,bytes")
    conv1 = next(line for line in lines if line.startswith("conv1,conv1,"))
    assert ",cache," in conv1
    md = run("time", "--peak", "300G", "--bandwidth", "25G", "--cache-bandwidth", "100G",
             "--llc", "32MiB", "--format", "markdown").stdout  # fmt: skip
    assert "bandwidth rule cache-aware: an op whose bytes fit in half the 32 MiB" in md
    assert "figures given by hand: peak 300 GFLOP/s fp32, DRAM 25 GB/s, cache 100 GB/s" in md


def test_json_has_exact_counts_and_the_machine(run):
    data = json.loads(run("time", "-m", "lenet5", "--machine", "h100", "--format", "json").stdout)
    assert data["machine"]["prediction"] is True
    assert data["settings"]["bandwidth_rule"] == "dram"
    assert all(isinstance(row["flops"], int) for row in data["rows"])
    assert data["totals"]["flops"] == sum(row["flops"] for row in data["rows"])
    assert data["measurement"] is None and data["violations"] == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--peak", "0", "--bandwidth", "25G"), ("--peak must be positive",)),
        (("--peak", "-5G", "--bandwidth", "25G"), ("--peak",)),
        (("--peak", "300G", "--bandwidth", "0GB/s"), ("--bandwidth must be positive",)),
        (("--peak", "300G", "--bandwidth", "-1"), ("--bandwidth",)),
        (("--peak", "300G"), ("both --peak and --bandwidth",)),
        (("--peak", "3x", "--bandwidth", "25G"), ("not understood",)),
        (("--machine", "a10"), ("unknown machine 'a10'", "did you mean 'a100'")),
        (("--machine", "h100", "--peak", "1T", "--bandwidth", "1T"), ("give one machine",)),
        (("--machine", "i9-11900h", "--precision", "fp16"), ("no fp16 peak",)),
        (("--machine", "a100", "--measure", "numpy"), ("--measure times this machine",)),
        (("--measure", "onnxruntime"), ("no graph to run", "--measure numpy")),
        (("--measure", "numpy", "--dtype", "float16"), ("float32 or float64",)),
        (("--measure", "numpy", "--precision", "tf32"), ("no tf32 peak",)),
        (("--measure", "numpy", "--batch", "100000"), ("needs about", "--batch")),
        (("--peak", "1T", "--bandwidth", "1T", "--cache-bandwidth", "2T"), ("--llc",)),
        (("--llc", "0MiB", "--machine", "a100"), ("--llc must be positive",)),
    ],
)
def test_bad_figures_are_one_line(run, config, args, words):
    _one_line_error(run("time", *args), *words)


def test_no_machine_and_no_calibration_says_how_to_get_one(run, config):
    _one_line_error(run("time"), "no calibration stored at", str(config), "--calibrate")


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        json.dumps({"format": 1, "name": "calibrated"}),
        json.dumps({"format": 99}),
        "[]",
    ],
)
def test_a_corrupt_calibration_is_one_line(run, config, text):
    config.parent.mkdir(parents=True)
    config.write_text(text)
    _one_line_error(run("time", "--machine", "calibrated"), "is corrupt", str(config))


def test_a_calibration_with_a_zero_bandwidth_is_corrupt(run, config):
    good = machines.given(300e9, 25e9, "fp32")
    record = {"format": 1, **dataclasses.asdict(good)}
    record["origin"] = "measured"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps(record))
    assert run("time", "--machine", "calibrated").exit_code == 0
    record["bandwidth"] = 0.0
    config.write_text(json.dumps(record))
    _one_line_error(run("time"), "is corrupt", "positive")


def test_an_unwritable_calibration_folder_is_one_line_before_measuring(run, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the configuration folder would go")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    _one_line_error(run("time", "--calibrate"), "cannot write the calibration", str(blocker))


def test_a_calibration_is_stored_and_read_back(run, config):
    result = run("time", "-m", "lenet5", "--calibrate", "--llc", "256KiB", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["machine"]["origin"] == "measured" and config.exists()
    stored = json.loads(config.read_text())
    assert stored["bandwidth"] == data["machine"]["bandwidth"] > 0
    assert stored["llc"] == 256 * 1024
    again = json.loads(run("time", "-m", "lenet5", "--format", "json").stdout)
    assert again["machine"] == data["machine"]


def test_a_violation_is_shown_with_its_cause_in_every_format():
    from test_json_schema import errors

    from inception_cost import roofline, schemas
    from inception_cost.render.terminal import as_text
    from inception_cost.render.terminal.time import draw
    from inception_cost.render.time import render
    from inception_cost.spec.read import load_model

    r = roofline.roofline(load_model("lenet5"), machine=machines.given(1e9, 1e9, "fp32"))
    ops = {o.name: 2 * o.seconds for row in r.rows for o in row.ops}
    rows = {row.name: 2 * row.seconds for row in r.rows}
    slow = r.rows[1]
    rows[slow.name] = slow.seconds / 2
    timed = roofline.with_times(r, ops, rows, roofline.Measurement("numpy", "NumPy", 2, 5, 1))
    md = render(timed, "markdown")
    assert f"- ✗ {slow.name}: measured" in md and "50% |" in md and "200% ✗ |" in md
    assert "Spearman rank correlation" in md
    data = json.loads(render(timed, "json"))
    assert data["violations"] == [slow.name] and errors(data, schemas.load("time")) == []
    assert data["rows"][1]["cause"] and data["measurement"]["repeats"] == 5
    csv = render(timed, "csv").splitlines()
    assert csv[2].endswith(",2.0000,true") and csv[1].endswith(",0.5000,false")
    rich = as_text(draw, timed)
    assert f"✗ {slow.name}: measured" in rich
