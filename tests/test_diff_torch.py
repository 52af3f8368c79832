"""`diff` on torchvision's networks, written from torchvision's source (tests/torch_vision.py)
and exported inside the test: each departure named where the bundled spec's variant
says it is, its effects adding up exactly to the published totals (issue 24)."""

from collections import Counter

import exported
import pytest
from torch import nn
from torch_googlenet import InferenceGoogLeNet

from inception_cost import cost, diff
from inception_cost.builder import build
from inception_cost.implementation import reader
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.torch

exported.prefetch(
    *(("tv", n) for n in ("googlenet", "resnet50", "mobilenetv2", "shufflenetv2")),
    ("tv-aux", "googlenet"),
    ("tv-fold", "googlenet"),
    ("paper", "googlenet"),
    ("tv-fold", "mobilenetv3-large"),
)


def _diff(name: str, kind: str = "tv", aux: bool = False) -> diff.Diff:
    impl = reader.read(exported.model(kind, name))
    return diff.diff(load_model(name), impl, aux=aux)


def _kinds(d: diff.Diff) -> Counter:
    return Counter(x.kind for x in d.departures)


def _variant_totals(name: str, variant: str) -> tuple[int, int]:
    t = cost.analyse(build(load_model(name), variant=variant)).totals
    return t.params, t.macs


def test_torchvision_googlenet_departs_where_its_variant_says():
    d = _diff("googlenet")
    # torchvision's num_params; the paper's Table 1 read by our builder
    assert d.params == (6_998_552, 6_624_904)
    assert d.macs == (1_582_671_872, 1_498_376_192)
    assert d.unexplained == (0, 0)  # every departure's effect adds up to the totals
    assert sum(x.params for x in d.departures) == 6_624_904 - 6_998_552
    assert _kinds(d) == {
        "kernel": 9,
        "bias": 57,
        "batch norm": 57,
        "lrn": 2,
        "window": 1,
        "softmax": 1,
    }
    kernels = [x for x in d.departures if x.kind == "kernel"]
    assert {x.row for x in kernels} == {"3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"}
    assert all(x.op.endswith("/5x5") and x.what == "kernel 5x5 -> 3x3" for x in kernels)
    three_a = next(x for x in kernels if x.row == "3a")
    # (3x3 - 5x5) taps x 16 reduced maps x 32 filters; times 28 x 28 positions
    assert (three_a.params, three_a.macs) == ((9 - 25) * 16 * 32, (9 - 25) * 16 * 32 * 28 * 28)
    assert three_a.module == "inception3a.branch3.1.conv"
    assert all(x.what == "bias dropped" for x in d.departures if x.kind == "bias")
    assert sum(x.params for x in d.departures if x.kind == "batch norm") == 2 * 7280
    assert sum(x.params for x in d.departures if x.kind == "bias") == -7280  # 57 convs' widths
    (pool4,) = [x for x in d.departures if x.kind == "window"]
    assert (pool4.row, pool4.what) == ("pool4", "pool 3x3/2 -> 2x2/2")
    assert {x.row for x in d.departures if x.kind == "lrn"} == {"norm1", "norm2"}
    # the bundled variant that reads the table as torchvision builds it counts the same
    assert _variant_totals("googlenet", "torchvision") == (d.params[1], d.macs[1])


def test_googlenet_with_its_auxiliary_heads():
    d = _diff("googlenet", "tv-aux")
    heads = [x for x in d.departures if x.kind == "layers"]
    assert [x.row for x in heads] == ["4a", "4d"]  # each added after the row it reads
    # 1x1 conv (no bias) + its batch norm + fc1 2048 -> 1024 + fc2 1024 -> 1000
    assert [x.params for x in heads] == [
        512 * 128 + 2 * 128 + 2048 * 1024 + 1024 + 1024 * 1000 + 1000,
        528 * 128 + 2 * 128 + 2048 * 1024 + 1024 + 1024 * 1000 + 1000,
    ]
    assert d.unexplained == (0, 0)
    with_aux = _diff("googlenet", "tv-aux", aux=True)  # the table's heads held against them
    assert "layers" not in _kinds(with_aux) and with_aux.unexplained == (0, 0)
    aux_rows = {x.row for x in with_aux.departures if x.kind == "bias"}
    assert {"aux1/conv", "aux2/conv"} <= aux_rows


def test_resnet50_strides_in_the_3x3():
    d = _diff("resnet50")
    assert d.macs == (3_857_973_248, 4_089_184_256) and d.params == (25_557_032,) * 2
    assert _kinds(d) == {"stride": 6, "softmax": 1} and d.unexplained == (0, 0)
    strides = [(x.row, x.what) for x in d.departures if x.kind == "stride"]
    assert strides == [
        (row, what)
        for row in ("conv3_x", "conv4_x", "conv5_x")
        for what in ("stride 2 -> 1", "stride 1 -> 2")
    ]
    assert _variant_totals("resnet50", "v1.5") == (d.params[1], d.macs[1])


def test_mobilenetv2_is_the_table_as_the_spec_reads_it():
    d = _diff("mobilenetv2")
    assert d.same and d.params == (3_504_872,) * 2 and d.macs == (300_774_272,) * 2


def test_shufflenetv2_stage2_widths_and_classifier_bias():
    d = _diff("shufflenetv2")
    assert d.params == (2_278_760, 2_278_604)  # 156 fewer: torchvision's num_params
    assert [(x.row, x.kind, x.what) for x in d.departures] == [
        ("Stage2", "width", "24 -> 58 output channels"),
        ("Stage2", "width", "92 -> 58 output channels"),
        ("fc1", "bias", "bias added"),
    ]
    assert d.unexplained == (0, 0)
    assert _variant_totals("shufflenetv2", "torchvision") == (d.params[1], d.macs[1])


def test_a_folded_export_says_so_and_diff_still_names_each_batch_norm(run):
    path = exported.model("tv-fold", "googlenet")
    impl = reader.read(path)
    assert len(impl.folded) == 57 and "folded batch norm into 57" in impl.header_line()
    assert "bn" not in {op.kind for op in impl.network.ops()}  # the file has none
    d = diff.diff(load_model("googlenet"), impl)
    folded = [x for x in d.departures if x.kind == "batch norm"]
    assert len(folded) == 57 and all("folded" in x.what for x in folded)
    assert "bias" not in _kinds(d)  # the fold's shift is the convolution's bias
    # the file stores the table's params less the 5x5 kernels' difference
    assert d.params == (6_998_552, 6_998_552 - 380_928) and d.unexplained == (0, 0)
    shown = run("diff", "--model", "googlenet", path, "--format", "markdown")
    assert shown.exit_code == 1 and "folded batch norm into 57 convolutions" in shown.stdout


def test_torchvision_mobilenetv3_folded_departs_only_by_its_folds():
    """torchvision's mobilenet_v3_large is the table's network (its h-swish, h-sigmoid
    gates and squeeze-and-excitation read as the table builds them); exported as torch does
    by default, each of its 46 batch norms is folded into its convolution as a bias."""
    d = _diff("mobilenetv3-large", "tv-fold")
    assert _kinds(d) == {"batch norm": 46, "bias": 46}
    assert all("folded" in x.what for x in d.departures)
    bn_params = sum(x.params for x in d.departures if x.kind == "batch norm")
    assert bn_params == -2 * sum(x.params for x in d.departures if x.kind == "bias")
    assert d.params == (5_483_032, 5_483_032 + bn_params // 2) and d.unexplained == (0, 0)
    assert d.macs == (216_589_760,) * 2


def test_control_a_twin_of_the_table_departs_nowhere(run):
    path = exported.model("paper", "googlenet")
    result = run("diff", "--model", "googlenet", path, "--format", "json")
    assert result.exit_code == 0, result.stdout[-500:]
    assert '"same": true' in result.stdout


def test_control_one_kernel_changed_is_one_departure_at_its_row(run):
    twin = InferenceGoogLeNet()
    twin.net.inc["4c"].c5 = nn.Conv2d(24, 64, 3, padding=1)
    path = exported.model("changed", "googlenet", twin.eval())
    d = diff.diff(load_model("googlenet"), reader.read(path))
    assert [(x.row, x.op, x.what) for x in d.departures] == [("4c", "4c/5x5", "kernel 5x5 -> 3x3")]
    assert run("diff", "--model", "googlenet", path, "--format", "csv").exit_code == 1


def test_diff_takes_a_module_by_torch(run):
    result = run(
        "diff",
        "-m",
        "googlenet",
        "--torch",
        "torch_googlenet:InferenceGoogLeNet",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    assert '"path": "torch_googlenet:InferenceGoogLeNet"' in result.stdout
