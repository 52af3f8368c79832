"""The reference torch models in torch_models.py against their published numbers.

Other tests trust these models, so each is held first to figures its authors (or a
standard implementation's documentation) printed, written literally here: nothing is
compared with a value the same model code computed. Big ImageNet models are built on
torch's meta device: shapes and the flop counter work there, with no weights to fill.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from torch_models import VGG, AlexNet, LeNet5, MnistGoogLeNet, ResNet, ZFNet

pytestmark = pytest.mark.torch


def _on_meta(build: Callable[[], nn.Module]) -> nn.Module:
    with torch.device("meta"):
        return build().eval()


def _params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def _record_shapes(model: nn.Module, names: tuple[str, ...]) -> dict:
    """Filled as `model` runs: each named child's output shape, batch left out."""
    seen: dict = {}
    for name in names:
        getattr(model, name).register_forward_hook(
            lambda _m, _i, out, name=name: seen.__setitem__(name, tuple(out.shape[1:]))
        )
    return seen


def _macs(model: nn.Module, shape: tuple[int, ...]) -> tuple[int, torch.Tensor]:
    """Multiply-adds for one input: torch's counter gives 2 FLOPs per conv/linear MAC."""
    x = torch.empty(shape, device=next(model.parameters()).device)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        y = model(x)
    flops = counter.get_total_flops()
    assert flops % 2 == 0
    return flops // 2, y


# --- AlexNet, ZFNet ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [227, 224])
def test_alexnet_params_and_macs(size):
    model = _on_meta(lambda: AlexNet(size))
    assert _params(model) == 60_965_224  # bvlc_alexnet
    assert model.fc6.in_features == 9216  # 6x6x256 either way
    macs, y = _macs(model, (1, 3, size, size))
    assert y.shape == (1, 1000)
    if size == 227:
        # Sze et al. 2017, "Efficient Processing of Deep Neural Networks", summary of
        # popular DNNs: AlexNet 724M MACs.
        assert round(macs / 1e6) == 724


def test_zfnet_feature_sizes_and_params():
    model = _on_meta(ZFNet)
    seen = _record_shapes(
        model, ("conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool5")
    )
    _, y = _macs(model, (1, 3, 224, 224))
    # Zeiler & Fergus, Fig. 3: 110 -> 55 -> 26 -> 13 -> 13 -> 13 -> 6.
    assert seen == {
        "conv1": (96, 110, 110),
        "pool1": (96, 55, 55),
        "conv2": (256, 26, 26),
        "pool2": (256, 13, 13),
        "conv3": (384, 13, 13),
        "conv4": (384, 13, 13),
        "conv5": (256, 13, 13),
        "pool5": (256, 6, 6),
    }
    assert y.shape == (1, 1000)
    # The paper prints no total; by hand, weights k*k*cin*cout plus cout biases:
    convs = (7 * 7 * 3 * 96 + 96) + (5 * 5 * 96 * 256 + 256) + (3 * 3 * 256 * 384 + 384)
    convs += (3 * 3 * 384 * 384 + 384) + (3 * 3 * 384 * 256 + 256)
    fcs = (9216 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000)
    assert convs + fcs == 62_357_608
    assert _params(model) == 62_357_608


# --- VGG ------------------------------------------------------------------------------------

# Simonyan & Zisserman, Table 2 rounds to 133, 133, 134, 138, 144 M; the exact counts
# are torchvision's vgg11/13/16/19 (its docs' num_params) and, for C, B plus its three
# 1x1 convs: (256*256 + 256) + 2 * (512*512 + 512) = 591,104 -> 133,638,952.
VGG_PARAMS = {
    "A": 132_863_336,
    "A-LRN": 132_863_336,
    "B": 133_047_848,
    "C": 133_638_952,
    "D": 138_357_544,
    "E": 143_667_240,
}
# torchvision's docs, GFLOPS of vgg11/13/16/19 (multiply-adds, 224x224).
VGG_GMACS = {"A": 7.61, "B": 11.31, "D": 15.47, "E": 19.63}


@pytest.mark.parametrize("config", list(VGG_PARAMS))
def test_vgg_params_and_macs(config):
    model = _on_meta(lambda: VGG(config))
    assert _params(model) == VGG_PARAMS[config]
    macs, y = _macs(model, (1, 3, 224, 224))
    assert y.shape == (1, 1000)
    if config in VGG_GMACS:
        assert round(macs / 1e9, 2) == VGG_GMACS[config]


def test_vgg_layer_names_follow_caffe():
    model = _on_meta(lambda: VGG("D"))
    convs = [n for n, m in model.named_children() if isinstance(m, nn.Conv2d)]
    assert convs == [
        *("conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "conv3_3"),
        *("conv4_1", "conv4_2", "conv4_3", "conv5_1", "conv5_2", "conv5_3"),
    ]
    c = _on_meta(lambda: VGG("C"))
    assert [c.conv3_3.kernel_size, c.conv4_3.kernel_size, c.conv5_3.kernel_size] == [(1, 1)] * 3
    lrn = _on_meta(lambda: VGG("A-LRN"))
    assert list(dict(lrn.named_children()))[1:4] == ["conv1_1", "norm1", "pool1"]


# --- ResNet -----------------------------------------------------------------------------------

# He et al. with torchvision's layout; params: torchvision's docs (num_params).
# GMACs: 1x1 = the paper's stride placement, 3x3 = torchvision's ("v1.5") docs.
RESNET_CASES = [
    (18, "1x1", "projection", 11_689_512, 1.814),
    (18, "3x3", "projection", 11_689_512, 1.814),  # a basic block strides its 3x3 anyway
    (18, "1x1", "zero-pad", None, 1.795),
    (34, "1x1", "projection", 21_797_672, 3.664),
    (34, "1x1", "zero-pad", None, 3.644),
    (50, "1x1", "projection", 25_557_032, 3.858),
    (50, "3x3", "projection", 25_557_032, 4.089),
    (101, "1x1", "projection", 44_549_160, 7.570),
    (101, "3x3", "projection", 44_549_160, 7.801),
    (152, "1x1", "projection", 60_192_808, 11.282),
    (152, "3x3", "projection", 60_192_808, 11.514),
]


@pytest.mark.parametrize(("depth", "stride_in", "shortcut", "params", "gmacs"), RESNET_CASES)
def test_resnet_params_and_macs(depth, stride_in, shortcut, params, gmacs):
    model = _on_meta(lambda: ResNet(depth, stride_in, shortcut))
    if params is not None:
        assert _params(model) == params
    macs, y = _macs(model, (1, 3, 224, 224))
    assert y.shape == (1, 1000)
    assert round(macs / 1e9, 3) == gmacs


def test_resnet_names_match_torchvision():
    keys = set(_on_meta(lambda: ResNet(50, "3x3")).state_dict())
    assert {
        "conv1.weight",
        "bn1.running_var",
        "layer1.0.downsample.0.weight",
        "layer1.0.downsample.1.bias",
        "layer2.0.conv2.weight",
        "layer4.2.bn3.num_batches_tracked",
        "fc.weight",
        "fc.bias",
    } <= keys
    # Option A has no projection anywhere; ResNet-18 then holds only 3x3 convs and BN.
    zero = _on_meta(lambda: ResNet(18, shortcut="zero-pad"))
    assert not any("downsample" in k for k in zero.state_dict())


def test_zero_pad_shortcut_runs_on_real_data():
    torch.manual_seed(0)
    model = ResNet(18, shortcut="zero-pad").eval()
    with torch.no_grad():
        y = model(torch.randn(1, 3, 64, 64))
    assert y.shape == (1, 1000)
    assert torch.allclose(y.sum(1), torch.ones(1))


# --- GoogLeNet for MNIST ------------------------------------------------------------------------


def test_mnist_googlenet_params_and_output():
    def conv_bn(k: int, cin: int, cout: int) -> int:
        # k*k*cin*cout weights + cout biases, then BN's gamma and beta (running stats are
        # buffers, not parameters).
        return k * k * cin * cout + cout + 2 * cout

    def inception(cin: int, n1: int, r3: int, n3: int, r5: int, n5: int, proj: int) -> int:
        b1 = conv_bn(1, cin, n1)
        b2 = conv_bn(1, cin, r3) + conv_bn(3, r3, n3)
        b3 = conv_bn(1, cin, r5) + conv_bn(3, r5, n5) + conv_bn(3, n5, n5)  # two 3x3
        return b1 + b2 + b3 + conv_bn(1, cin, proj)

    # GoogLeNet Table 1, with each module's input width (the previous module's output).
    total = conv_bn(3, 1, 192)
    total += inception(192, 64, 96, 128, 16, 32, 32)
    total += inception(256, 128, 128, 192, 32, 96, 64)
    total += inception(480, 192, 96, 208, 16, 48, 64)
    total += inception(512, 160, 112, 224, 24, 64, 64)
    total += inception(512, 128, 128, 256, 24, 64, 64)
    total += inception(512, 112, 144, 288, 32, 64, 64)
    total += inception(528, 256, 160, 320, 32, 128, 128)
    total += inception(832, 256, 160, 320, 32, 128, 128)
    total += inception(832, 384, 192, 384, 48, 128, 128)
    total += 1024 * 10 + 10
    assert total == 6_162_794

    torch.manual_seed(0)
    model = MnistGoogLeNet().eval()
    assert _params(model) == 6_162_794
    assert model.stem.bn.eps == 1e-3 and model.inception5b.b3.conv3x3_2.conv.bias is not None
    with torch.no_grad():
        y = model(torch.randn(1, 1, 28, 28))
    assert y.shape == (1, 10)
    assert torch.allclose(y.sum(1), torch.ones(1))


# --- LeNet-5 ------------------------------------------------------------------------------------


def test_lenet5_trainable_parameters():
    model = LeNet5().eval()

    def count(module: nn.Module) -> int:
        return sum(p.numel() for p in module.parameters())

    # C3's dense tensor holds all 96 map pairs; only the masked ones are free parameters.
    c3 = int(model.c3.mask.sum()) * 25 + 16
    per_layer = [count(model.c1), count(model.s2), c3, count(model.s4)]
    per_layer += [count(model.c5), count(model.f6)]
    # LeCun et al. 1998, Section II.B: C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164.
    assert per_layer == [156, 12, 1_516, 32, 48_120, 10_164]
    assert sum(per_layer) == 60_000  # the paper's total of trainable parameters
    assert count(model.output) == 0 and model.output.centers.shape == (10, 84)


def test_lenet5_shapes():
    model = LeNet5().eval()
    seen = _record_shapes(model, ("c1", "s2", "c3", "s4", "c5", "f6"))
    with torch.no_grad():
        y = model(torch.randn(1, 1, 32, 32))
    # The paper's Fig. 2: 6@28x28, 6@14x14, 16@10x10, 16@5x5, 120, 84; then 10 RBF units.
    assert seen == {
        "c1": (6, 28, 28),
        "s2": (6, 14, 14),
        "c3": (16, 10, 10),
        "s4": (16, 5, 5),
        "c5": (120, 1, 1),
        "f6": (84,),
    }
    assert y.shape == (1, 10)
    assert bool((y >= 0).all())  # squared distances
