"""`verify MODEL.onnx`: the NumPy reference runs the model's own weights and each row's
output is held against onnxruntime's (issue 24), on torchvision's GoogLeNet, ResNet-50
and MobileNetV2 exported with random weights."""

import json

import exported
import pytest

from inception_cost import verify
from inception_cost.implementation import reader

pytestmark = pytest.mark.torch

exported.prefetch(*(("tv", name) for name in ("googlenet", "resnet50", "mobilenetv2")))


@pytest.mark.parametrize("name", ["googlenet", "resnet50", "mobilenetv2"])
def test_numpy_equals_onnxruntime_row_by_row(name):
    v = verify.verify(reader.read(exported.model("tv", name)))
    assert len(v.runtime) == len(v.blocks) > 10
    worst = max(r.worst for r in v.runtime)
    assert worst <= 1e-4, [(r.name, r.worst) for r in v.runtime if not r.ok]
    assert worst > 0  # two implementations, not one run compared with itself
    assert v.ok and v.analytic_macs == v.executed_macs


def test_verify_prints_the_runtime_check(run):
    path = exported.model("tv", "mobilenetv2")
    shown = run("verify", path, "--format", "markdown")
    assert shown.exit_code == 0, shown.stderr
    assert "the model's own weights against onnxruntime" in shown.stdout
    assert "outputs equals onnxruntime's within 1e-04" in shown.stdout
    data = json.loads(run("verify", path, "--format", "json").stdout)
    assert {r["row"] for r in data["onnxruntime"]} >= {"features.0", "classifier.1"}
