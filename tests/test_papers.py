"""Issue 18's networks, bundled as their papers print them, against torch twins written
from the papers (tests/torch_papers.py): per layer params and MACs (flop_counter / 2),
the totals against torchvision's published num_params, and end to end the NumPy
reference's outputs against torch's; `verify` on every variant."""

import numpy as np
import pytest
import torch
from test_torch_networks import _copy
from torch.utils.flop_counter import FlopCounterMode
from torch_papers import TWINS, EfficientNetB0, ShuffleNetV2, key
from twin_layers import assert_layers_match

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.network import Network
from inception_cost.reference import executor, weights
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.torch


# torchvision's weights metadata, num_params (IMAGENET1K_V1)
TORCHVISION = {"mobilenetv2": 3_504_872, "resnext50": 25_028_904, "densenet121": 7_978_856}
TORCHVISION |= {"densenet169": 14_149_480, "densenet201": 20_013_928}
TORCHVISION |= {"efficientnet-b0": 5_288_548, "mobilenetv3-large": 5_483_032}
# End to end and `verify` at 224 on the smaller networks only (CI time); DenseNet-169,
# 201 and 264 are held per layer and in total here, and verified by hand (docs/models.md).
RUN = ("mobilenetv2", "resnext50", "densenet121", "shufflenetv2", "efficientnet-b0")
RUN += ("mobilenetv3-large",)


def _net(model: str, variant: str = "") -> Network:
    return build(load_model(model), variant=variant)


@pytest.mark.parametrize("model", sorted(TWINS))
def test_each_layer_matches_the_twin(model):
    with torch.device("meta"):
        twin = TWINS[model]().eval()
    modules = {k.replace("__", "/"): v for k, v in twin.m.items()}
    assert_layers_match(_net(model), twin, modules, key, ("conv", "linear"), "meta", False)


@pytest.mark.parametrize("variant", ["0.5x", "1.5x", "2x"])
def test_each_shufflenet_width_matches_its_twin(variant):
    """Table 5's other width columns, each a variant, per layer against the twin."""
    with torch.device("meta"):
        twin = ShuffleNetV2(variant).eval()
    modules = {k.replace("__", "/"): v for k, v in twin.m.items()}
    net = _net("shufflenetv2", variant)
    assert_layers_match(net, twin, modules, key, ("conv", "linear"), "meta", False)


def test_shufflenet_reading_is_torchvision_less_its_bias_plus_stage2():
    """The paper's reading (the authors' network.py and blocks.py) has 2,278,760 params,
    torchvision's x1.0 2,278,604: torchvision's classifier has a bias (+1,000), and in
    Stage2's strided unit (24 -> 116 channels) it gives each branch 58 channels where the
    authors' left branch keeps its 24 and the right gives 92. By hand:
    left 1x1 24x24 + BN 2x24 = 624 against 24x58 + 2x58 = 1,508 (-884); right 1x1
    58x92 + 2x92 = 5,520 against 58x58 + 2x58 = 3,480 (+2,040); -884 + 2,040 = +1,156."""
    ours = cost.analyse(_net("shufflenetv2"))
    assert ours.totals.params == 2_278_760  # the authors' ShuffleNetV2(model_size='1.0x')
    assert ours.totals.params == 2_278_604 - 1_000 + 1_156
    with torch.device("meta"):
        tv = ShuffleNetV2(torchvision=True)
    assert sum(p.numel() for p in tv.parameters()) == 2_278_604  # torchvision's num_params
    params = {c.op.name: c.params for b in ours.blocks for c in b.ops}
    assert params["Stage2/1/left_1x1"] + params["Stage2/1/left_1x1/bn"] == 624
    assert params["Stage2/1/1x1b"] + params["Stage2/1/1x1b/bn"] == 5_520
    # the spec's torchvision variant reads Stage2 that way: per layer torchvision's twin
    modules = {k.replace("__", "/"): v for k, v in tv.m.items()}
    tv_net = _net("shufflenetv2", "torchvision")
    assert cost.analyse(tv_net).totals.params == 2_278_604
    assert_layers_match(tv_net, tv.eval(), modules, key, ("conv", "linear"), "meta", False)


@pytest.mark.parametrize(
    ("width", "params"),
    [("0.5x", 1_366_792), ("1x", 2_278_604), ("1.5x", 3_503_624), ("2x", 7_393_996)],
)
def test_shufflenet_torchvision_reading_is_its_num_params(width, params):
    """torchvision's shufflenet_v2_x0_5 ... x2_0 num_params: each branch half the output
    and a classifier bias; the twin read that way gives each (the finding's other side)."""
    with torch.device("meta"):
        tv = ShuffleNetV2(width, torchvision=True)
    assert sum(p.numel() for p in tv.parameters()) == params


def test_densenet_264_is_265_layers_deep():
    # 2 x (6 + 12 + 64 + 48) convolutions in the dense blocks, conv0, three transitions, fc
    assert cost.analyse(_net("densenet264")).totals.depth == 2 * (6 + 12 + 64 + 48) + 5 == 265


@pytest.mark.parametrize("model", sorted(TORCHVISION))
def test_totals_are_torchvision_num_params(model):
    assert cost.analyse(_net(model)).totals.params == TORCHVISION[model]
    with torch.device("meta"):
        twin = TWINS[model]()
    assert sum(p.numel() for p in twin.parameters()) == TORCHVISION[model]


def test_efficientnet_b0_twin_is_torchvision_and_table_2():
    """The twin written from Table 1 has torchvision's efficientnet_b0 num_params, and its
    convolutions and classifier multiply-add what Table 2 prints, 0.39B (its FLOPS column
    counts multiply-adds), at 224x224."""
    with torch.device("meta"):
        twin = EfficientNetB0().eval()
    assert sum(p.numel() for p in twin.parameters()) == 5_288_548
    with FlopCounterMode(display=False) as counter:
        twin(torch.zeros(1, 3, 224, 224, device="meta"))
    macs = counter.get_total_flops() // 2
    assert macs == 385_814_752  # products only: no bias, swish, sigmoid or SE multiply
    assert round(macs / 10**9, 2) == 0.39


@pytest.mark.parametrize("model", RUN)
def test_reference_outputs_equal_the_twin(model):
    net, twin = _net(model), TWINS[model]().eval()
    w = weights.init_weights(net, seed=7, dtype="float32")
    with torch.no_grad():
        _copy(net, w, twin, lambda op: f"m.{key(op)}")
    x = weights.random_input(net.input_shape, 1, seed=7, dtype="float32")
    (ours,) = executor.run(net, w, x).outputs.values()
    with torch.no_grad():
        theirs = twin(torch.from_numpy(x).permute(0, 3, 1, 2)).numpy()
    scale = float(np.abs(theirs).max())  # float32: errors scale with the outputs' size
    np.testing.assert_allclose(ours.reshape(theirs.shape), theirs, rtol=1e-3, atol=1e-4 * scale)


def test_verify_exits_0(run):
    """The CLI's exit code; test_reference runs verify on every bundled model and variant."""
    result = run("verify", "--model", "resnext50")
    assert result.exit_code == 0, result.output
