"""Reference CNNs written with plain torch.nn layers from their papers.

Independent of our network builder (there is no torchvision here): the tests use these
as the framework side of cross-checks, and tests/test_torch_models.py first holds each
one to published parameter and multiply-add counts.

Module names follow the published code so weights can be copied by name:

- AlexNet, ZFNet, VGG: Caffe's layer names (conv1..conv5 or conv<block>_<position>,
  norm1/norm2, pool1..pool5, fc6..fc8, drop6/drop7). One shared ``relu`` module.
- ResNet: torchvision's names (conv1, bn1, layer1.0.conv1, layer2.0.downsample.0, fc).
- MnistGoogLeNet: ``stem.conv``/``stem.bn``; each Inception module is
  ``inception<id>`` with four branches in concatenation order:
  ``b1`` (1x1: ``b1.conv``, ``b1.bn``), ``b2`` (``b2.reduce``, ``b2.conv3x3``),
  ``b3`` (``b3.reduce``, ``b3.conv3x3_1``, ``b3.conv3x3_2``: the note's two 3x3
  in place of the 5x5) and ``b4`` (``b4.pool``, ``b4.proj``); every conv unit has
  ``.conv``, ``.bn`` and ``.relu``. Then ``pool3``, ``pool4``, ``avgpool``,
  ``dropout``, ``fc``.
- LeNet5: the paper's layer names c1, s2, c3, s4, c5, f6 and ``output`` (the RBF units).

Every classifier ends in a ``softmax`` module (LeNet-5's RBF output has none): counting
tools then see the whole inference graph.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn

# --- AlexNet and ZFNet ---------------------------------------------------------------


def _conv_out(n: int, k: int, s: int, p: int) -> int:
    return (n + 2 * p - k) // s + 1


def _ceil_pool_out(n: int, k: int = 3, s: int = 2) -> int:
    # Caffe's (and torch's ceil_mode) rounding; with no padding the last window always
    # starts inside the input, so torch drops nothing.
    return math.ceil((n - k) / s) + 1


class _FiveConvNet(nn.Module):
    """AlexNet's layout, shared with ZFNet: five convs, LRN after conv1 and conv2,
    overlapping 3x3/2 ceil-mode pools after conv1, conv2 and conv5, three FCs."""

    def __init__(self, convs: list[nn.Conv2d], pool5_side: int) -> None:
        super().__init__()
        self.relu = nn.ReLU()  # a module, as torchvision writes it: hook-based tools see it
        # LRN as specified for this project: alpha 1e-4 (torch and Caffe divide it by the
        # size), k=2 (the paper's). bvlc_alexnet itself keeps Caffe's k=1; no count moves.
        self.conv1 = convs[0]
        self.norm1 = nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv2 = convs[1]
        self.norm2 = nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)
        self.pool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv3, self.conv4, self.conv5 = convs[2:]
        self.pool5 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.fc6 = nn.Linear(256 * pool5_side * pool5_side, 4096)
        self.drop6 = nn.Dropout(0.5)
        self.fc7 = nn.Linear(4096, 4096)
        self.drop7 = nn.Dropout(0.5)
        self.fc8 = nn.Linear(4096, 1000)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        r = self.relu
        x = self.pool1(self.norm1(r(self.conv1(x))))
        x = self.pool2(self.norm2(r(self.conv2(x))))
        x = r(self.conv4(r(self.conv3(x))))
        x = self.pool5(r(self.conv5(x))).flatten(1)
        x = self.drop7(r(self.fc7(self.drop6(r(self.fc6(x))))))
        return self.softmax(self.fc8(x))


class AlexNet(_FiveConvNet):
    """BVLC bvlc_alexnet (Krizhevsky et al. 2012): convs 2, 4 and 5 in two groups, as the
    net was split over two GPUs.

    ``input_size`` only sets fc6's width (227 and 224 both give 6x6x256 = 9216).
    """

    def __init__(self, input_size: int = 227) -> None:
        side = _conv_out(input_size, 11, 4, 0)
        side = _ceil_pool_out(_ceil_pool_out(_ceil_pool_out(side)))  # convs 2-5 keep size
        convs = [
            nn.Conv2d(3, 96, 11, stride=4),
            nn.Conv2d(96, 256, 5, padding=2, groups=2),
            nn.Conv2d(256, 384, 3, padding=1),
            nn.Conv2d(384, 384, 3, padding=1, groups=2),
            nn.Conv2d(384, 256, 3, padding=1, groups=2),
        ]
        super().__init__(convs, side)


class ZFNet(_FiveConvNet):
    """Zeiler & Fergus 2013 (final version, Fig. 3): AlexNet made dense (one GPU) with a
    7x7/2 conv1 and a stride-2 conv2, so a 224 input still ends in a 6x6x256 pool5."""

    def __init__(self, input_size: int = 224) -> None:
        side = _conv_out(_ceil_pool_out(_conv_out(input_size, 7, 2, 1)), 5, 2, 0)
        side = _ceil_pool_out(_ceil_pool_out(side))  # convs 3-5 keep size
        convs = [
            nn.Conv2d(3, 96, 7, stride=2, padding=1),
            nn.Conv2d(96, 256, 5, stride=2),
            nn.Conv2d(256, 384, 3, padding=1),
            nn.Conv2d(384, 384, 3, padding=1),
            nn.Conv2d(384, 256, 3, padding=1),
        ]
        super().__init__(convs, side)


# --- VGG -------------------------------------------------------------------------------

# Table 1 of Simonyan & Zisserman: 3x3 conv widths, "M" a 2x2/2 max pool, ("1x1", n) a
# 1x1 conv (config C). "A-LRN" is A with an LRN after the first conv.
VGG_CONFIGS: dict[str, list[int | str | tuple[str, int]]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "C": [
        *(64, 64, "M", 128, 128, "M", 256, 256, ("1x1", 256), "M"),
        *(512, 512, ("1x1", 512), "M", 512, 512, ("1x1", 512), "M"),
    ],
    "D": [
        *(64, 64, "M", 128, 128, "M", 256, 256, 256, "M"),
        *(512, 512, 512, "M", 512, 512, 512, "M"),
    ],
    "E": [
        *(64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M"),
        *(512, 512, 512, 512, "M", 512, 512, 512, 512, "M"),
    ],
}
VGG_CONFIGS["A-LRN"] = VGG_CONFIGS["A"]


class VGG(nn.Module):
    """One column of VGG's Table 1 (224x224 input), layers named as in Caffe's VGG16
    prototxt (conv<block>_<position>, pool1..pool5, fc6..fc8)."""

    def __init__(self, config: str = "D") -> None:
        super().__init__()
        if config not in VGG_CONFIGS:
            raise ValueError(f"unknown VGG config {config!r}; one of {sorted(VGG_CONFIGS)}")
        self.relu = nn.ReLU()  # a module, as torchvision writes it: hook-based tools see it
        self._order: list[str] = []  # forward order of the feature layers, by name
        block, position, cin = 1, 0, 3
        for item in VGG_CONFIGS[config]:
            if item == "M":
                self._add(f"pool{block}", nn.MaxPool2d(2, 2))
                block, position = block + 1, 0
                continue
            k, cout = (1, item[1]) if isinstance(item, tuple) else (3, item)
            position += 1
            self._add(f"conv{block}_{position}", nn.Conv2d(cin, cout, k, padding=k // 2))
            if config == "A-LRN" and self._order == ["conv1_1"]:
                # The paper uses Krizhevsky's LRN: alpha=1e-4 on the un-averaged sum,
                # which is torch's (averaged) alpha times the size 5.
                self._add("norm1", nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0))
            cin = cout
        self.fc6 = nn.Linear(512 * 7 * 7, 4096)
        self.drop6 = nn.Dropout(0.5)
        self.fc7 = nn.Linear(4096, 4096)
        self.drop7 = nn.Dropout(0.5)
        self.fc8 = nn.Linear(4096, 1000)
        self.softmax = nn.Softmax(dim=1)

    def _add(self, name: str, module: nn.Module) -> None:
        self.add_module(name, module)
        self._order.append(name)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        r = self.relu
        for name in self._order:
            x = getattr(self, name)(x)
            if name.startswith("conv"):
                x = r(x)
        x = self.drop7(r(self.fc7(self.drop6(r(self.fc6(x.flatten(1)))))))
        return self.softmax(self.fc8(x))


# --- ResNet ------------------------------------------------------------------------------


def _zero_pad_shortcut(x: torch.Tensor, stride: int, cout: int) -> torch.Tensor:
    """The paper's option A: subsample, then append zero channels; no parameters."""
    x = x[:, :, ::stride, ::stride]
    return F.pad(x, (0, 0, 0, 0, 0, cout - x.shape[1]))


class _ResidualBlock(nn.Module):
    """relu(residual(x) + shortcut(x)); subclasses build the residual branch."""

    expansion: int  # output channels per unit of width

    def _add_shortcut(self, cin: int, cout: int, stride: int, kind: str) -> None:
        # Identity where the shape holds; where it changes, option B (projection) or A.
        self.stride, self.pad_to = stride, 0
        self.downsample: nn.Module | None = None
        if (cin, stride) == (cout, 1):
            return
        if kind == "projection":
            self.downsample = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )
        else:
            self.pad_to = cout

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.downsample is not None:
            shortcut = self.downsample(x)
        elif self.pad_to:
            shortcut = _zero_pad_shortcut(x, self.stride, self.pad_to)
        else:
            shortcut = x
        return self.relu(self.residual(x) + shortcut)


class BasicBlock(_ResidualBlock):
    """Two 3x3 convs (ResNet-18/34); the stride sits in the first either way."""

    expansion = 1

    def __init__(self, cin: int, width: int, stride: int, stride_in: str, shortcut: str) -> None:
        super().__init__()
        del stride_in  # only a bottleneck has a 1x1 that could hold the stride
        self.conv1 = nn.Conv2d(cin, width, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(width, width, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self._add_shortcut(cin, width, stride, shortcut)

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))


class Bottleneck(_ResidualBlock):
    """1x1 reduce, 3x3, 1x1 expand x4 (ResNet-50/101/152). ``stride_in="1x1"`` strides
    the first 1x1 (the paper, Caffe), ``"3x3"`` the 3x3 (torchvision, "v1.5")."""

    expansion = 4

    def __init__(self, cin: int, width: int, stride: int, stride_in: str, shortcut: str) -> None:
        super().__init__()
        cout = width * self.expansion
        s1, s3 = (stride, 1) if stride_in == "1x1" else (1, stride)
        self.conv1 = nn.Conv2d(cin, width, 1, s1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, s3, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self._add_shortcut(cin, cout, stride, shortcut)

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        r = self.relu
        return self.bn3(self.conv3(r(self.bn2(self.conv2(r(self.bn1(self.conv1(x))))))))


RESNET_BLOCKS: dict[int, tuple[type[_ResidualBlock], list[int]]] = {
    18: (BasicBlock, [2, 2, 2, 2]),
    34: (BasicBlock, [3, 4, 6, 3]),
    50: (Bottleneck, [3, 4, 6, 3]),
    101: (Bottleneck, [3, 4, 23, 3]),
    152: (Bottleneck, [3, 8, 36, 3]),
}


class ResNet(nn.Module):
    """He et al. 2015 ResNets with torchvision's module names and layout, plus the two
    choices the published counts differ by: where a bottleneck strides and the shortcut."""

    def __init__(
        self, depth: int = 50, stride_in: str = "1x1", shortcut: str = "projection"
    ) -> None:
        super().__init__()
        if depth not in RESNET_BLOCKS:
            raise ValueError(f"unknown ResNet depth {depth}; one of {sorted(RESNET_BLOCKS)}")
        if stride_in not in ("1x1", "3x3"):
            raise ValueError(f'stride_in must be "1x1" or "3x3", not {stride_in!r}')
        if shortcut not in ("projection", "zero-pad"):
            raise ValueError(f'shortcut must be "projection" or "zero-pad", not {shortcut!r}')
        block, counts = RESNET_BLOCKS[depth]
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = 64
        for i, (width, n) in enumerate(zip((64, 128, 256, 512), counts, strict=True)):
            blocks = []
            for j in range(n):
                stride = 2 if i > 0 and j == 0 else 1
                blocks.append(block(cin, width, stride, stride_in, shortcut))
                cin = width * block.expansion
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512 * block.expansion, 1000)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.softmax(self.fc(self.avgpool(x).flatten(1)))


# --- GoogLeNet for MNIST -------------------------------------------------------------------


class ConvBN(nn.Module):
    """Keras Conv2D (bias on) + BatchNormalization (eps 1e-3, momentum 0.99) + ReLU."""

    def __init__(self, cin: int, cout: int, k: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2)
        self.bn = nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01)  # torch's = 1 - Keras's
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.bn(self.conv(x)))


# GoogLeNet's Table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
MNIST_INCEPTION = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


class MnistInception(nn.Module):
    """The note's Inception module: BN after every conv, the 5x5 as two 3x3."""

    def __init__(self, cin: int, n1: int, r3: int, n3: int, r5: int, n5: int, proj: int) -> None:
        super().__init__()
        self.b1 = ConvBN(cin, n1, 1)
        self.b2 = nn.Sequential(OrderedDict(reduce=ConvBN(cin, r3, 1), conv3x3=ConvBN(r3, n3, 3)))
        self.b3 = nn.Sequential(
            OrderedDict(
                reduce=ConvBN(cin, r5, 1), conv3x3_1=ConvBN(r5, n5, 3), conv3x3_2=ConvBN(n5, n5, 3)
            )
        )
        self.b4 = nn.Sequential(OrderedDict(pool=nn.MaxPool2d(3, 1, 1), proj=ConvBN(cin, proj, 1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


class MnistGoogLeNet(nn.Module):
    """A study note's TensorFlow GoogLeNet for 1x28x28 MNIST, in torch: a 3x3 stem in
    place of GoogLeNet's 7x7/LRN stem, so 28x28 survives to (5b) as 7x7."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = ConvBN(1, 192, 3)
        cin = 192
        for name, counts in MNIST_INCEPTION.items():
            setattr(self, f"inception{name}", MnistInception(cin, *counts))
            n1, _, n3, _, n5, proj = counts
            cin = n1 + n3 + n5 + proj
        self.pool3 = nn.MaxPool2d(3, 2, 1)
        self.pool4 = nn.MaxPool2d(3, 2, 1)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.4)
        self.fc = nn.Linear(1024, num_classes)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.inception3b(self.inception3a(self.stem(x)))
        x = self.pool3(x)
        for name in ("4a", "4b", "4c", "4d", "4e"):
            x = getattr(self, f"inception{name}")(x)
        x = self.inception5b(self.inception5a(self.pool4(x)))
        x = self.dropout(self.avgpool(x)).flatten(1)
        return self.softmax(self.fc(x))


# --- LeNet-5 -------------------------------------------------------------------------------

# Table I of LeCun et al. 1998: the S2 maps each C3 map sees.
LENET_C3_TABLE = (
    *({0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {0, 4, 5}, {0, 1, 5}),
    *({0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {0, 3, 4, 5}, {0, 1, 4, 5}, {0, 1, 2, 5}),
    *({0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5}, {0, 1, 2, 3, 4, 5}),
)


class Squash(nn.Module):
    """LeNet-5's scaled tanh f(a) = 1.7159 tanh(2a/3): f(1) = 1, f(-1) = -1."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 1.7159 * torch.tanh(x * (2.0 / 3.0))


class Subsampling(nn.Module):
    """S2/S4: per map, a trainable coefficient times the 2x2/2 window sum plus a bias."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.full((channels,), 0.25))  # starts as an average
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        window_sum = F.avg_pool2d(x, 2, 2) * 4
        return window_sum * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)


class MaskedConv2d(nn.Conv2d):
    """C3: a dense conv whose weight is multiplied by Table I's fixed 0/1 connection mask,
    so only the table's 60 of 96 map pairs carry (trainable) weights."""

    def __init__(self, table: tuple[set[int], ...], cin: int, k: int) -> None:
        super().__init__(cin, len(table), k)
        mask = torch.zeros(len(table), cin, 1, 1)
        for j, inputs in enumerate(table):
            mask[j, sorted(inputs)] = 1.0
        self.register_buffer("mask", mask)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._conv_forward(x, self.weight * self.mask, self.bias)


class EuclideanRBF(nn.Module):
    """The output layer: y_i = sum_j (x_j - w_ij)^2, a penalty (lower = more likely), with
    fixed, untrained centres. The paper drew them as stylised 7x12 bitmaps of +-1; we use
    a seeded +-1 pattern (costs do not depend on the values)."""

    def __init__(self, features: int = 84, classes: int = 10, seed: int = 0) -> None:
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        centers = torch.randint(0, 2, (classes, features), generator=g).float() * 2 - 1
        self.register_buffer("centers", centers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return ((x.unsqueeze(1) - self.centers) ** 2).sum(-1)


class LeNet5(nn.Module):
    """LeCun et al. 1998 LeNet-5 on 1x32x32: 60,000 trainable parameters, C3 partially
    connected per Table I, trainable subsampling, squashing after every layer up to F6."""

    def __init__(self) -> None:
        super().__init__()
        self.squash = Squash()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.s2 = Subsampling(6)
        self.c3 = MaskedConv2d(LENET_C3_TABLE, 6, 5)
        self.s4 = Subsampling(16)
        self.c5 = nn.Conv2d(16, 120, 5)
        self.f6 = nn.Linear(120, 84)
        self.output = EuclideanRBF(84, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.squash
        x = f(self.s2(f(self.c1(x))))
        x = f(self.s4(f(self.c3(x))))
        x = f(self.f6(f(self.c5(x)).flatten(1)))
        return self.output(x)
