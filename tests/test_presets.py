"""Convention presets: each tool's figure rebuilt from the analysis, held against the tool
itself, run here on the GoogLeNet written in torch (no auxiliary heads, batch 1)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import warnings

import pytest
import torch
from torch_googlenet import AuxKeptGoogLeNet, InferenceGoogLeNet

from inception_cost import cost, network, spec
from inception_cost.audit import chosen
from inception_cost.presets import PRESETS, count, paper_rule, primitives

GOOGLENET = spec.load_model("googlenet")
ANALYSIS = cost.analyse(network.build(GOOGLENET))
KEPT = cost.analyse(network.build(GOOGLENET, aux=True))


def ours(name: str):
    if name == "paper":  # the paper rule is GoogLeNet's own inferred reading
        return count(ANALYSIS, paper_rule(GOOGLENET.title, *chosen(GOOGLENET, ANALYSIS)), KEPT)
    return count(ANALYSIS, PRESETS[name], KEPT)


def _model():
    torch.manual_seed(0)
    return InferenceGoogLeNet().eval()


X = torch.zeros(1, 3, 224, 224)


def test_torchinfo():
    import torchinfo

    s = torchinfo.summary(_model(), input_size=(1, 3, 224, 224), verbose=0)
    c = ours("torchinfo")
    assert (s.total_params, s.total_mult_adds) == (c.params, c.ops) == (6_998_552, 1_585_899_032)


def test_fvcore():
    from fvcore.nn import FlopCountAnalysis, parameter_count

    model = _model()
    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        flops = FlopCountAnalysis(model, X)
        flops.unsupported_ops_warnings(False)
        total = flops.total()
    c = ours("fvcore")
    assert (parameter_count(model)[""], total) == (c.params, c.ops) == (6_998_552, 1_582_671_872)


def test_thop():
    import thop

    with contextlib.redirect_stdout(io.StringIO()):
        macs, params = thop.profile(_model(), inputs=(X,), verbose=False)
    c = ours("thop")
    assert (int(params), int(macs)) == (c.params, c.ops) == (6_998_552, 1_582_672_896)


@pytest.mark.parametrize(
    ("backend", "preset", "expected"),
    [("pytorch", "ptflops", 1_601_439_480), ("aten", "ptflops-aten", 1_585_899_032)],
)
def test_ptflops(backend, preset, expected):
    from ptflops import get_model_complexity_info

    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        macs, params = get_model_complexity_info(
            _model(), (3, 224, 224), as_strings=False, print_per_layer_stat=False, backend=backend
        )
    c = ours(preset)
    assert (params, macs) == (c.params, c.ops) == (6_998_552, expected)


def test_torchprofile():
    from torchprofile import profile_macs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        macs = profile_macs(_model(), X)
    assert macs == ours("torchprofile").ops == 1_585_081_344


def test_flop_counter():
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        _model()(X)
    assert counter.get_total_flops() == ours("flop-counter").ops == 3_165_343_744


def test_calflops():
    from calflops import calculate_flops

    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        flops, macs, params = calculate_flops(
            model=_model(),
            input_shape=(1, 3, 224, 224),
            output_as_string=False,
            print_results=False,
            print_detailed=False,
        )
    c = ours("calflops")
    assert (params, macs, flops) == (c.params, c.also, c.ops)
    assert (c.also, c.ops) == (1_582_671_872, 3_177_958_304)


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


def _params_with_aux_kept(tool: str) -> int:
    """What each tool reports as params for a model holding its unrun auxiliary heads."""
    model, quiet = AuxKeptGoogLeNet().eval(), contextlib.redirect_stdout(io.StringIO())
    with quiet, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if tool == "torchinfo":
            import torchinfo

            return torchinfo.summary(model, input_size=(1, 3, 224, 224), verbose=0).total_params
        if tool == "fvcore":
            from fvcore.nn import parameter_count

            return parameter_count(model)[""]
        if tool == "thop":
            import thop

            return int(thop.profile(model, inputs=(X,), verbose=False)[1])
        if tool in ("ptflops", "ptflops-aten"):
            from ptflops import get_model_complexity_info

            backend = "aten" if tool == "ptflops-aten" else "pytorch"
            return get_model_complexity_info(
                model, (3, 224, 224), as_strings=False, print_per_layer_stat=False, backend=backend
            )[1]
        from calflops import calculate_flops

        return calculate_flops(
            model=model,
            input_shape=(1, 3, 224, 224),
            output_as_string=False,
            print_results=False,
            print_detailed=False,
        )[2]


@pytest.mark.parametrize(
    "tool", ["torchinfo", "fvcore", "thop", "ptflops", "ptflops-aten", "calflops"]
)
def test_params_with_unrun_auxiliary_heads(tool):
    c = ours(tool)
    assert _params_with_aux_kept(tool) == c.params_kept
    # 13,378,280 = inference params + both heads (our --aux total); thop counts only what ran
    assert c.params_kept == (6_998_552 if tool == "thop" else 13_378_280)


# ------------------------------------------------------------------ the other networks


def _tool_counts(model: torch.nn.Module, shape: tuple[int, int, int]) -> dict:
    """Every tool's (params, ops) on `model`, as each one reports them."""
    import thop
    import torchinfo
    from calflops import calculate_flops
    from fvcore.nn import FlopCountAnalysis, parameter_count
    from ptflops import get_model_complexity_info
    from torch.utils.flop_counter import FlopCounterMode
    from torchprofile import profile_macs

    x = torch.zeros(1, *shape)
    out = {}
    s = torchinfo.summary(model, input_size=(1, *shape), verbose=0)
    out["torchinfo"] = (s.total_params, s.total_mult_adds)
    quiet = contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO())
    with quiet[0], quiet[1], warnings.catch_warnings():
        warnings.simplefilter("ignore")
        flops = FlopCountAnalysis(model, x)
        flops.unsupported_ops_warnings(False)
        out["fvcore"] = (parameter_count(model)[""], flops.total())
        macs, params = thop.profile(model, inputs=(x,), verbose=False)
        out["thop"] = (int(params), int(macs))
        for backend, name in (("pytorch", "ptflops"), ("aten", "ptflops-aten")):
            macs, params = get_model_complexity_info(
                model, shape, as_strings=False, print_per_layer_stat=False, backend=backend
            )
            out[name] = (params, macs)
        out["torchprofile"] = (None, profile_macs(model, x))
        flops, macs, params = calculate_flops(
            model=model,
            input_shape=(1, *shape),
            output_as_string=False,
            print_results=False,
            print_detailed=False,
        )
        out["calflops"] = (params, flops)
        out["calflops MACs"] = macs
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(x)
    out["flop-counter"] = (None, counter.get_total_flops())
    return out


@pytest.mark.parametrize("name", ["resnet18", "alexnet", "googlenet-mnist"])
def test_presets_match_the_tools_on_the_other_networks(name):
    """Batch norm, residual adds, adaptive pooling, grouped convolutions, conv bias with BN.

    The torch models end in nn.Softmax, which thop, ptflops and calflops count (a
    torchvision model ends in logits): replaced by the identity, as the presets assume.
    """
    from torch_models import AlexNet, MnistGoogLeNet, ResNet

    torch.manual_seed(0)
    model = {"resnet18": lambda: ResNet(18), "alexnet": AlexNet, "googlenet-mnist": MnistGoogLeNet}
    model = model[name]().eval()
    model.softmax = torch.nn.Identity()
    analysis = cost.analyse(network.build(spec.load_model(name)))
    h, w, c = analysis.network.input_shape
    tools = _tool_counts(model, (c, h, w))
    for tool in ("torchinfo", "fvcore", "thop", "ptflops", "ptflops-aten", "calflops"):
        mine = count(analysis, PRESETS[tool])
        assert tools[tool] == (mine.params, mine.ops), tool
    for tool in ("torchprofile", "flop-counter"):
        assert tools[tool][1] == count(analysis, PRESETS[tool]).ops, tool
    assert tools["calflops MACs"] == count(analysis, PRESETS["calflops"]).also


def test_resnet50_presets_as_measured():
    """The tools' figures on the torch ResNet-50 (no softmax), measured once and kept."""
    analysis = cost.analyse(network.build(spec.load_model("resnet50")))
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
    analysis = cost.analyse(network.build(spec.load_model("lenet5")))
    fv = count(analysis, PRESETS["fvcore"])
    assert (fv.params, fv.ops) == (None, None)
    assert fv.unsupported == ("RBF units", "trainable subsampling")
    assert count(analysis, PRESETS["ours"]).ops == 332_824
    result = run("table", "--model", "lenet5", "--as", "thop")
    assert result.exit_code == 2 and "thop preset has no rule for RBF units" in result.stderr


def test_presets_match_the_tools_on_shufflenetv2():
    """Channel split and shuffle, on the twin written from ShuffleNet V2's Table 5 (as
    torchvision writes them: x.chunk, then view, transpose, contiguous, view): no tool
    counts them, fvcore and torchprofile by rule, the rest for want of one; netscope's
    Caffe rule has none for them, nor for batch norm, and says so."""
    from torch_papers import ShuffleNetV2

    torch.manual_seed(0)
    # Table 5 with one basic unit a stage (Repeat 1, not 3, 7, 3): the tools' time is per op
    text = spec.model_path("shufflenetv2").read_text(encoding="utf-8")
    text = re.sub(r"(\| \| [0-9]+×[0-9]+ \| \| 1 \| )[0-9]+ \|", r"\g<1>1 |", text)
    short = spec.parse_markdown(text, "shufflenetv2.md")
    analysis = cost.analyse(network.build(short, variant="0.5x"))
    twin = ShuffleNetV2("0.5x", repeats=(1, 1, 1)).eval()
    assert analysis.totals.params == sum(p.numel() for p in twin.parameters())
    tools = _tool_counts(twin, (3, 224, 224))
    for tool in ("torchinfo", "fvcore", "thop", "ptflops", "ptflops-aten", "calflops"):
        mine = count(analysis, PRESETS[tool])
        assert tools[tool] == (mine.params, mine.ops), tool
    for tool in ("torchprofile", "flop-counter"):
        assert tools[tool][1] == count(analysis, PRESETS[tool]).ops, tool
    assert count(analysis, PRESETS["netscope"]).unsupported == (
        "batch norm",
        "channel shuffle",
        "channel split",
    )


def test_presets_match_the_tools_on_mobilenetv2():
    """ReLU6 and depthwise convolutions, on the twin written from MobileNetV2's Table 2
    (nn.ReLU6 modules, as torchvision writes them): ptflops counts each ReLU6 element once
    (its module hook; nn.ReLU6 calls F.hardtanh, which it does not patch, where nn.ReLU is
    counted twice), calflops not at all, thop as a zero op."""
    from torch_papers import MobileNetV2

    torch.manual_seed(0)
    analysis = cost.analyse(network.build(spec.load_model("mobilenetv2")))
    tools = _tool_counts(MobileNetV2().eval(), (3, 224, 224))
    for tool in ("torchinfo", "fvcore", "thop", "ptflops", "ptflops-aten", "calflops"):
        mine = count(analysis, PRESETS[tool])
        assert tools[tool] == (mine.params, mine.ops), tool
    for tool in ("torchprofile", "flop-counter"):
        assert tools[tool][1] == count(analysis, PRESETS[tool]).ops, tool
