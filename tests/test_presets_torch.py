"""Convention presets held against the tools themselves: each tool's figure rebuilt from
the analysis, run here on the GoogLeNet written in torch (no auxiliary heads, batch 1) and
on the other networks' torch twins."""

from __future__ import annotations

import contextlib
import io
import re
import warnings

import pytest
import torch
from test_presets import ours
from torch_googlenet import AuxKeptGoogLeNet, InferenceGoogLeNet

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.presets import PRESETS, count
from inception_cost.spec.read import load_model, model_path, parse_markdown

pytestmark = pytest.mark.torch


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


def assert_tools_match(analysis, tools: dict) -> None:
    """Each tool's params and ops, as it printed them, equal its preset's rebuilt from the
    analysis (torchprofile and the flop counter print ops only)."""
    for tool in ("torchinfo", "fvcore", "thop", "ptflops", "ptflops-aten", "calflops"):
        mine = count(analysis, PRESETS[tool])
        assert tools[tool] == (mine.params, mine.ops), tool
    for tool in ("torchprofile", "flop-counter"):
        assert tools[tool][1] == count(analysis, PRESETS[tool]).ops, tool


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
    analysis = cost.analyse(build(load_model(name)))
    h, w, c = analysis.network.input_shape
    tools = _tool_counts(model, (c, h, w))
    assert_tools_match(analysis, tools)
    assert tools["calflops MACs"] == count(analysis, PRESETS["calflops"]).also


def test_presets_match_the_tools_on_mobilenetv2():
    """ReLU6 and depthwise convolutions, on the twin written from MobileNetV2's Table 2
    (nn.ReLU6 modules, as torchvision writes them): ptflops counts each ReLU6 element once
    (its module hook; nn.ReLU6 calls F.hardtanh, which it does not patch, where nn.ReLU is
    counted twice), calflops not at all, thop as a zero op."""
    from torch_papers import MobileNetV2

    torch.manual_seed(0)
    analysis = cost.analyse(build(load_model("mobilenetv2")))
    tools = _tool_counts(MobileNetV2().eval(), (3, 224, 224))
    assert_tools_match(analysis, tools)


def test_presets_match_the_tools_on_shufflenetv2():
    """Channel split and shuffle, on the twin written from ShuffleNet V2's Table 5 (as
    torchvision writes them: x.chunk, then view, transpose, contiguous, view): no tool
    counts them, fvcore and torchprofile by rule, the rest for want of one; netscope's
    Caffe rule has none for them, nor for batch norm, and says so."""
    from torch_papers import ShuffleNetV2

    torch.manual_seed(0)
    # Table 5 with one basic unit a stage (Repeat 1, not 3, 7, 3): the tools' time is per op
    text = model_path("shufflenetv2").read_text(encoding="utf-8")
    text = re.sub(r"(\| \| [0-9]+×[0-9]+ \| \| 1 \| )[0-9]+ \|", r"\g<1>1 |", text)
    short = parse_markdown(text, "shufflenetv2.md")
    analysis = cost.analyse(build(short, variant="0.5x"))
    twin = ShuffleNetV2("0.5x", repeats=(1, 1, 1)).eval()
    assert analysis.totals.params == sum(p.numel() for p in twin.parameters())
    tools = _tool_counts(twin, (3, 224, 224))
    assert_tools_match(analysis, tools)
    assert count(analysis, PRESETS["netscope"]).unsupported == (
        "batch norm",
        "channel shuffle",
        "channel split",
    )
