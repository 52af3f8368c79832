"""`verify MODEL.onnx`: the NumPy reference runs the model's own weights and each row's
output is held against onnxruntime's (issue 24), on torchvision's GoogLeNet, ResNet-50,
MobileNetV2 and MobileNetV3-Large (its h-swish and h-sigmoid gates; exported as torch
does by default, batch norm folded, the export test_diff_torch reads) with random
weights, and on the twin of every primitive of issue 23 (tests/torch_probe.py) as each
exporter writes it."""

import json

import exported
import pytest

from inception_cost import verify
from inception_cost.implementation import reader

pytestmark = pytest.mark.torch

exported.prefetch(
    *(("probe", form) for form in exported.PROBE_EXPORTS),
    *(("tv", name) for name in ("googlenet", "resnet50", "mobilenetv2")),
    ("tv-fold", "mobilenetv3-large"),
)

TWINS = [("tv", n) for n in ("googlenet", "resnet50", "mobilenetv2")]


@pytest.mark.parametrize(("kind", "name"), [*TWINS, ("tv-fold", "mobilenetv3-large")])
def test_numpy_equals_onnxruntime_row_by_row(kind, name):
    v = verify.verify(reader.read(exported.model(kind, name)))
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


@pytest.mark.parametrize("form", list(exported.PROBE_EXPORTS))
def test_every_primitive_equals_onnxruntime(form):
    """Layer norm's gamma and beta and layer scale's factors read from the file; the rows on
    the channels-last map held to onnxruntime's N x H x W x C tensors."""
    v = verify.verify(reader.read(exported.model("probe", form)))
    assert len(v.runtime) == len(v.blocks) >= 5
    worst = max(r.worst for r in v.runtime)
    assert 0 < worst <= 1e-4, [(r.name, r.worst) for r in v.runtime if not r.ok]
    assert v.ok and v.analytic_macs == v.executed_macs
