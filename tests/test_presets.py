"""Convention presets by hand and through the CLI: each tool's figure rebuilt from the
analysis (held against the tools themselves in test_presets_torch.py)."""

from __future__ import annotations

import json

import pytest

from inception_cost import cost
from inception_cost.audit import chosen
from inception_cost.builder import build
from inception_cost.presets import PRESETS, count, paper_rule, primitives
from inception_cost.spec.read import load_model

GOOGLENET = load_model("googlenet")
ANALYSIS = cost.analyse(build(GOOGLENET))
KEPT = cost.analyse(build(GOOGLENET, aux=True))


def ours(name: str):
    if name == "paper":  # the paper rule is GoogLeNet's own inferred reading
        return count(ANALYSIS, paper_rule(GOOGLENET.title, *chosen(GOOGLENET, ANALYSIS)), KEPT)
    return count(ANALYSIS, PRESETS[name], KEPT)


def test_primitives_by_hand():
    ops = {c.op.name: c for b in ANALYSIS.blocks for c in b.ops}
    norm1 = primitives(ops["norm1"], 1)
    assert norm1["lrn"] == 56 * 56 * 64 and norm1["lrn_window"] == 56 * 56 * (64 + 5 - 1)
    pool1 = primitives(ops["pool1"], 2)
    assert pool1["max_pool_in"] == 2 * 112 * 112 * 64 and pool1["max_pool_out"] == 2 * 56 * 56 * 64
    assert primitives(ops["conv1"], 1)["conv_bias"] == 112 * 112 * 64
    assert primitives(ops["fc1"], 1)["linear_bias"] == 1000


def test_paper_netscope_keras_by_hand():
    assert ours("paper").params == 6_990_272 and ours("paper").ops == 1_582_671_872
    assert ours("keras").ops is None and ours("keras").params == 6_998_552
    # Netscope: no biases, alpha and beta of the two LRNs; LRN as size x elements MACCs
    lrn = 56 * 56 * 64 + 56 * 56 * 192
    assert ours("netscope").params == 6_990_272 + 2 * 2
    assert ours("netscope").ops == 1_582_671_872 + 5 * lrn


def test_conventions_command_formats(run):
    data = json.loads(run("conventions", "--format", "json").stdout)
    by = {p["name"]: p for p in data["presets"]}
    assert by["ptflops"]["ops"] == 1_601_439_480
    assert by["ptflops"]["difference"]["ReLU x2"] == 2 * 3_226_160
    assert by["calflops"]["macs_also"] == 1_582_671_872
    csv_text = run("conventions", "--format", "csv").stdout
    expected = (
        "torchinfo,torchinfo 1.8.0,6998552,13378280,1585899032,mult-adds,,3227160,"
        '"bias adds +3,227,160"'
    )
    assert expected in csv_text.splitlines()
    out = run("conventions", "--batch", "2", "--format", "json").stdout
    assert {p["name"]: p for p in json.loads(out)["presets"]}["torchinfo"][
        "ops"
    ] == 2 * 1_585_899_032


@pytest.mark.parametrize("name", list(PRESETS))
def test_table_as_preset_totals_equal_the_preset(run, name):
    data = json.loads(run("table", "--as", name, "--format", "json").stdout)
    c = ours(name)
    got = data["totals"]["as_preset"]
    params = 6_998_552 if c.params is None else c.params  # ours, where the tool reports none
    assert (got["params"], got["ops"]) == (params, c.ops)
    assert sum(b["as_preset"]["params"] for b in data["blocks"]) == params


def test_table_as_preset_rich_says_so_and_spec_form_reads_back(run, tmp_path):
    out = run("table", "--as", "ptflops", env={"NO_COLOR": "1"}).stdout
    assert "counted as ptflops (ptflops 0.7.5, pytorch backend)" in out
    assert "as ptflops: 6,998,552 params, 1,601,439,480 MACs" in " ".join(out.split())
    md = tmp_path / "as.md"
    md.write_text(run("table", "--as", "thop", "--format", "spec").stdout)
    back = json.loads(run("table", str(md), "--format", "json").stdout)
    assert back["totals"]["macs"] == 1_582_671_872


def test_as_and_flops_together_is_refused(run):
    out = run("table", "--as", "thop", "--flops")
    assert out.exit_code == 2 and "not both" in out.stderr
    out = run("table", "--as", "nope")
    assert out.exit_code == 2 and "unknown preset 'nope'" in out.stderr


def test_resnet50_presets_as_measured():
    """The tools' figures on the torch ResNet-50 (no softmax), measured once and kept."""
    analysis = cost.analyse(build(load_model("resnet50")))
    measured = {
        "torchinfo": 3_858_027_368,
        "fvcore": 3_879_247_872,
        "thop": 3_900_424_192,
        "ptflops": 3_899_118_568,
        "ptflops-aten": 3_857_974_248,
        "torchprofile": 3_868_562_432,
        "flop-counter": 7_715_946_496,
        "calflops": 7_747_105_792,
    }
    for tool, ops in measured.items():
        assert count(analysis, PRESETS[tool]).ops == ops, tool
    # Keras counts batch norm's moving mean and variance too: 2 x 26,560 channels
    assert count(analysis, PRESETS["keras"]).params == 25_557_032 + 53_120


def test_lenet5_has_no_tool_rule(run):
    analysis = cost.analyse(build(load_model("lenet5")))
    fv = count(analysis, PRESETS["fvcore"])
    assert (fv.params, fv.ops) == (None, None)
    assert fv.unsupported == ("RBF units", "trainable subsampling")
    assert count(analysis, PRESETS["ours"]).ops == 332_824
    result = run("table", "--model", "lenet5", "--as", "thop")
    assert result.exit_code == 2 and "thop preset has no rule for RBF units" in result.stderr
