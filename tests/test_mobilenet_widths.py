"""MobileNetV2's width multiplier variants (Sandler et al. 2018, section 4 and Table 4):
the widths by hand from TF-Slim's rounding rule, each layer against a torch twin built
with torchvision's float _make_divisible, and the paper's claims judged on the variant
they name."""

import pytest
import torch
from torch_papers import MobileNetV2, key
from twin_layers import assert_layers_match

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.network import Network
from inception_cost.report import make_report
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.torch


# conv1, the seven bottleneck stages' c, conv2 (the last 1x1): Table 2 at 1.0
PRINTED = (32, 16, 24, 32, 64, 96, 160, 320, 1280)
# c x alpha to the nearest multiple of 8, plus 8 where that is over 10% short, by hand:
# 1.4: 44.8 -> 48, 22.4 -> 24, 33.6 -> 32, 44.8 -> 48, 89.6 -> 88, 134.4 -> 136, 224, 448,
# 1792. 0.35: 11.2 -> 8, under 90% of 11.2, so 16; 5.6 -> 8 (the floor); 8.4 -> 8;
# 11.2 -> 16; 22.4 -> 24; 33.6 -> 32; 56; 112; conv2 kept at 1280 (alpha below 1).
WIDTHS = {
    "1.4": (48, 24, 32, 48, 88, 136, 224, 448, 1792),
    "0.35-96": (16, 8, 8, 16, 24, 32, 56, 112, 1280),
}


def _net(variant: str) -> Network:
    return build(load_model("mobilenetv2"), variant=variant)


@pytest.mark.parametrize("variant", sorted(WIDTHS))
def test_widths_by_hand(variant):
    net = _net(variant)
    out = {b.name: b.out_shape[2] for b in net.blocks}
    names = ["conv1", *(f"bottleneck{i}" for i in range(1, 8)), "conv2"]
    assert tuple(out[n] for n in names) == WIDTHS[variant]


def test_1_4_matches_its_twin_layer_by_layer():
    with torch.device("meta"):
        twin = MobileNetV2(width=1.4).eval()
    modules = {k.replace("__", "/"): v for k, v in twin.m.items()}
    net = _net("1.4")
    assert_layers_match(net, twin, modules, key, ("conv", "linear"), "meta", False)
    assert cost.analyse(net).totals.params == sum(p.numel() for p in twin.parameters())
    assert cost.analyse(net).totals.params == 6_108_776


def test_0_35_at_96_has_the_twins_params():
    with torch.device("meta"):
        twin = MobileNetV2(width=0.35)
    a = cost.analyse(_net("0.35-96"))
    assert a.totals.params == sum(p.numel() for p in twin.parameters()) == 1_677_128
    assert a.network.input_shape == (96, 96, 3)
    pool = next(b for b in a.blocks if b.name == "pool1")
    assert pool.block.out_shape == (1, 1, 1280)  # the whole 3x3 map averaged


def test_claims_are_judged_on_their_own_variant():
    claims = {c.claim.id: c.checks for c in make_report(load_model("mobilenetv2")).audit.claims}
    # the 1.0 claims never meet the other networks
    assert [c.reading for c in claims["params"]] == ["as tabled", "no-bn"]
    (madds,) = claims["madds-1.4"]
    assert (madds.reading, madds.computed, madds.status) == ("1.4", 582_195_824, "mismatch")
    (params,) = claims["params-1.4"]
    assert (params.computed, params.status) == (6_108_776, "mismatch")  # 6.9M printed
    (small,) = claims["params-0.35-96"]
    assert (small.computed, small.status) == (1_677_128, "match")  # 1.7M
    (seven,) = claims["madds-0.35-96"]
    assert (seven.computed, seven.status) == (11_934_128, "mismatch")  # "7 multiply adds"


@pytest.mark.parametrize(
    ("conventions", "message"),
    [
        ("width_multiplier = 0", "width_multiplier 0 is not allowed"),
        ('width_multiplier = "wide"', "width_multiplier 'wide' is not allowed"),
        ("width_divisor = 0", "width_divisor 0 is not allowed"),
        ('width_not_reduced = ["conv9"]', "width_not_reduced names no row 'conv9'"),
    ],
)
def test_bad_width_settings_are_one_line(run, write, conventions, message):
    path = write(
        f'+++\ninput = "8x8x3"\n[conventions]\n{conventions}\n+++\n'
        "| layer name | type | patch size/stride | output size |\n|---|---|---|---|\n"
        "| conv1 | convolution | 3x3/1 | 8x8x8 |\n"
    )
    out = run("table", str(path))
    assert out.exit_code == 2 and message in out.stderr, out.stderr
    assert out.stderr.startswith(f"{path}:") and len(out.stderr.strip().splitlines()) == 1


def test_a_claim_about_no_variant_is_refused(run, write):
    path = write(
        '+++\ninput = "8x8x3"\n[[claims]]\nid = "p"\nquantity = "params"\nvalue = "1K"\n'
        'reading = "1.4"\n+++\n'
        "| layer name | type | patch size/stride | output size |\n|---|---|---|---|\n"
        "| conv1 | convolution | 3x3/1 | 8x8x8 |\n"
    )
    out = run("table", str(path))
    assert out.exit_code == 2 and f"{path}:7:1: error: claim 'p' is about reading" in out.stderr
