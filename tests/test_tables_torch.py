"""The tables of issue 23 against torch twins written from their reference code: every
layer's params (and, on the twin's own forward pass, its multiply-adds by torch's flop
counter) and each network's totals, for every reading the spec has."""

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode
from torch_papers import key
from torch_tables import MobileNet, RepVGG, SEResNet, SNet
from twin_layers import assert_layers_match

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.torch

#: (model, variant) -> the twin that reading's reference code builds.
READINGS = {
    ("senet", ""): lambda: SEResNet(),
    ("senet", "ResNet-50"): lambda: SEResNet(se=False),
    ("senet", "SE-ResNeXt-50"): lambda: SEResNet(groups=32, stride_3x3=True),
    ("mobilenet", ""): MobileNet,
    ("repvgg", ""): lambda: RepVGG("A", 0.75, 2.5),
    ("repvgg", "A1"): lambda: RepVGG("A", 1, 2.5),
    ("repvgg", "A2"): lambda: RepVGG("A", 1.5, 2.75),
    ("repvgg", "B0"): lambda: RepVGG("B", 1, 2.5),
    ("repvgg", "B1"): lambda: RepVGG("B", 2, 4),
    ("repvgg", "B2"): lambda: RepVGG("B", 2.5, 5),
    ("repvgg", "B3"): lambda: RepVGG("B", 3, 5),
    ("snet", ""): lambda: SNet(49),
    ("snet", "SNet146"): lambda: SNet(146),
    ("snet", "SNet535"): lambda: SNet(535),
}


@pytest.mark.parametrize(("model", "variant"), sorted(READINGS))
def test_each_layer_and_the_totals_are_the_twins(model, variant):
    net = build(load_model(model), variant=variant)
    with torch.device("meta"):
        twin = READINGS[model, variant]().eval()
    modules = {k.replace("__", "/"): v for k, v in twin.m.items()}
    assert_layers_match(net, twin, modules, key, ("conv", "linear"), "meta", False)
    totals = cost.analyse(net).totals
    with FlopCounterMode(display=False) as counter:
        twin(torch.zeros(1, 3, 224, 224, device="meta"))
    assert totals.params == sum(p.numel() for p in twin.parameters())
    # the flop counter counts the SE's channel multiply as no op; both count conv and fc
    assert totals.macs == counter.get_total_flops() // 2


def test_the_counts_reported_for_the_tables():
    """The exact figures docs/models.md reports, each the twin's (above)."""
    got = {
        (m, v): (t.params, t.macs)
        for (m, v) in READINGS
        for t in [cost.analyse(build(load_model(m), variant=v)).totals]
    }
    assert got["mobilenet", ""] == (4_231_976, 568_740_352)
    assert got["senet", ""] == (28_088_024, 3_860_488_192)
    assert got["senet", "ResNet-50"] == (25_557_032, 3_857_973_248)
    assert got["senet", "SE-ResNeXt-50"] == (27_559_896, 4_232_994_816)
    assert got["repvgg", ""] == (8_309_384, 1_361_451_008)
    assert got["repvgg", "B2"] == (80_315_112, 18_376_609_792)
    assert got["snet", ""] == (874_584, 51_234_056)
    assert got["snet", "SNet146"] == (1_573_512, 162_520_824)
    assert got["snet", "SNet535"] == (4_539_920, 539_883_024)
