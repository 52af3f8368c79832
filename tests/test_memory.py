"""Memory figures: hand arithmetic, convnet-burden's published figures and the command
(torchinfo run on the torch twins, torchsummary's rule on a twin: test_memory_torch.py)."""

from __future__ import annotations

import json

from tiny_spec import spec_text

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.memory import live_peak, memory, tool_memory
from inception_cost.spec.read import load, load_model

TINY = spec_text("| convolution | 3x3/1 | 8x8x4 | 1 | | |\n| max pool | 2x2/2 | 4x4x4 | 0 | | |\n")


def _analysis(name: str, batch: int = 1, aux: bool = False, variant: str = ""):
    net = build(load_model(name), aux=aux, variant=variant)
    return cost.analyse(net, batch=batch)


def _tools(analysis) -> dict:
    return {t.name: t for t in tool_memory(analysis)}


def test_tiny_network_by_hand(write):
    # conv 3x3x3->4 with bias: 112 params; input 8x8x3 = 192, conv out 256, pool out 64.
    a = cost.analyse(build(load(write(TINY))), batch=2)
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
    net = build(load(write(TINY)))
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
