"""Memory figures: hand arithmetic, convnet-burden's published figures, torchinfo run on
the torch twins, and torchsummary's hook rule applied to a twin."""

from __future__ import annotations

import json

import pytest
import torch
import torchinfo
from tiny_spec import spec_text
from torch import nn
from torch_models import VGG, AlexNet, MnistGoogLeNet, ResNet

from inception_cost import cost, network, spec
from inception_cost.memory import live_peak, memory, tool_memory

pytestmark = pytest.mark.torch

TINY = spec_text("| convolution | 3x3/1 | 8x8x4 | 1 | | |\n| max pool | 2x2/2 | 4x4x4 | 0 | | |\n")


def _analysis(name: str, batch: int = 1, aux: bool = False, variant: str = ""):
    net = network.build(spec.load_model(name), aux=aux, variant=variant)
    return cost.analyse(net, batch=batch)


def _tools(analysis) -> dict:
    return {t.name: t for t in tool_memory(analysis)}


def _torchinfo(build, shape):
    """torchinfo's summary of a twin built on the meta device (shapes, no weights)."""
    with torch.device("meta"):
        model = build()
    data = torch.zeros(shape, device="meta")
    return torchinfo.summary(model, input_data=data, device="meta", verbose=0)


def test_tiny_network_by_hand(write):
    # conv 3x3x3->4 with bias: 112 params; input 8x8x3 = 192, conv out 256, pool out 64.
    a = cost.analyse(network.build(spec.load(write(TINY))), batch=2)
    m = memory(a, "sgd")
    assert (m.params, m.trained, m.input) == (112 * 4, 112 * 4, 2 * 192 * 4)
    assert m.activations == 2 * (256 + 64) * 4  # the ReLU writes in place
    # at the conv: the input and the conv's output alive at once; after it the input is freed
    assert (m.peak_live, m.peak_op) == (2 * (192 + 256) * 4, "conv1")
    assert m.inference == 448 + 3584
    assert (m.gradients, m.optimizer_state) == (448, 448)
    assert m.training == 448 + 1536 + 2560 + 448 + 448
    assert memory(a, "adam").optimizer_state == 2 * 448
    assert [(r.name, r.params, r.activations) for r in m.rows] == [
        ("conv1", 448, 2048),
        ("pool1", 0, 512),
    ]


def test_live_peak_adds_an_executors_scratch(write):
    net = network.build(spec.load(write(TINY)))
    peak = live_peak(net, 1, lambda op: 1000 if op.kind == "pool" else 0)
    assert (peak.live, peak.scratch, peak.op) == (256 + 64, 1000, "pool1")


def test_convnet_burdens_published_figures():
    """albanie/convnet-burden README: params / features at batch 1, MiB printed as MB.
    Its GoogLeNet (MatConvNet's import) keeps the auxiliary classifiers: 51 MB of params."""
    for name, aux, features, params in (
        ("googlenet", True, "26", "51"),
        ("resnet50", False, "103", "98"),
        ("vgg16", False, "58", "528"),
    ):
        t = _tools(_analysis(name, aux=aux))["convnet-burden"]
        assert (t.printed(t.features), t.printed(t.params)) == (features, params), name


def test_torchinfo_resnet50_batch2_published_and_run():
    """torchinfo's summary of torchvision's ResNet-50 (v1.5) at batch 2: forward/backward
    355.66 MB, total 459.10 MB; and the same bytes torchinfo counts on our torch twin."""
    t = _tools(_analysis("resnet50", batch=2, variant="v1.5"))["torchinfo"]
    assert (t.printed(t.features), t.printed(t.total)) == ("355.66", "459.10")
    stats = _torchinfo(lambda: ResNet(50, "3x3"), (2, 3, 224, 224))
    assert stats.total_output_bytes == t.features
    assert stats.total_param_bytes == t.params
    # torchinfo's input size is sys.getsizeof of the tensor's storage: its bytes plus the
    # Python object's header (64 bytes here), which no network figure holds.
    assert 0 < stats.total_input - t.input <= 128


def test_torchinfo_on_batch_norm_inception_and_lrn_twins():
    """The rule holds where the leaf layers differ: BN and inception (the MNIST GoogLeNet),
    LRN and grouped convolutions (AlexNet), at batch 3."""
    for twin, name, shape in (
        (MnistGoogLeNet, "googlenet-mnist", (3, 1, 28, 28)),
        (AlexNet, "alexnet", (3, 3, 227, 227)),
    ):
        stats = _torchinfo(twin, shape)
        t = _tools(_analysis(name, batch=3))["torchinfo"]
        assert (stats.total_output_bytes, stats.total_param_bytes) == (t.features, t.params)


def test_torchsummary_rule_on_the_vgg16_twin():
    """torchsummary's rule (sksq96/pytorch-summary summary_string): a forward hook on every
    module but Sequential and ModuleList (the model too), output numel per image, x2 x4."""
    with torch.device("meta"):  # shapes only: no weights to initialise
        model, total = VGG("D"), 0

    def hook(_module, _inputs, output):
        nonlocal total
        total += output[0].numel()  # one image: torchsummary writes batch_size -1, then abs

    hooks = [
        m.register_forward_hook(hook)
        for m in model.modules()
        # the twin's drop6 and drop7 are left out: VGG's Table 1 has no dropout rows
        if not isinstance(m, nn.Sequential | nn.ModuleList | nn.Dropout)
    ]
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224, device="meta"))
    for h in hooks:
        h.remove()
    t = _tools(_analysis("vgg16"))["torchsummary"]
    assert t.features == 2 * total * 4
    assert t.params == sum(p.numel() for p in model.parameters()) * 4


def test_memory_command_formats(run):
    out = run(
        "memory", "--model", "resnet50", "--variant", "v1.5", "--batch", "2", "--format", "json"
    )
    data = json.loads(out.stdout)
    tools = {t["name"]: t for t in data["tools"]}
    assert tools["torchinfo"]["printed"]["total"] == "459.10"
    assert data["bytes"]["training"] == sum(
        data["bytes"][k] for k in ("parameters", "input", "activations", "gradients")
    )
    csv = run("memory", "--model", "googlenet", "--format", "csv").stdout
    assert csv.splitlines()[0] == "kind,name,bytes,activation bytes,convention"
    md = run("memory", "--format", "markdown").stdout
    assert "| torchinfo |" in md and "MiB = 2^20 bytes" in md
    bad = run("memory", "--optimizer", "rmsprop")
    assert bad.exit_code == 2


def test_table_json_carries_the_memory(run, write):
    data = json.loads(run("table", str(write(TINY)), "--batch", "2", "--format", "json").stdout)
    got = data["totals"]["memory_bytes"]
    assert (got["parameters"], got["inference_peak"], got["training"]) == (448, 448 + 3584, 4992)
