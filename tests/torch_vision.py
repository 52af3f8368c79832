"""torchvision's networks as torchvision writes them, for `diff` (issue 24): each written
from the structure of torchvision/models/NAME.py (module names, layer order, biases,
batch norm, pooling, the classifier's dropout; no softmax: torchvision returns logits),
with plain torch layers and no torchvision import, so `diff` reads what torchvision's
own export would give. GoogLeNet's Inception and BasicConv2d are torch_tv_googlenet's.

Batch norms get random running statistics (`randomized`): an export that folds them
into the convolutions then stores a bias, as it would for trained weights (a fold of
fresh statistics gives zero biases, which the exporter drops).
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import nn
from torch_googlenet import INCEPTION
from torch_tv_googlenet import BasicConv2d, Inception


def randomized(model: nn.Module, seed: int = 0) -> nn.Module:
    """`model` in eval mode with random weights, biases and batch-norm statistics."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.bias.copy_(torch.rand(m.num_features, generator=g) * 0.2 - 0.1)
                m.running_mean.copy_(torch.rand(m.num_features, generator=g) * 0.2 - 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            elif isinstance(m, nn.Conv2d | nn.Linear):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2 / fan_in) ** 0.5)
                if m.bias is not None:
                    m.bias.copy_(torch.rand(m.bias.shape, generator=g) * 0.02 - 0.01)
    return model.eval()


# --- GoogLeNet (googlenet.py) ---------------------------------------------------------


class InceptionAux(nn.Module):
    """torchvision's InceptionAux, but for its pooling: F.adaptive_avg_pool2d(x, (4, 4)) on
    a 14x14 map has windows of one size at uneven strides, which no ONNX pooling operator
    expresses (torch writes thirty gather nodes); the 5x5/3 average pool of Caffe's
    prototxt gives the same 4x4 map at the same cost (a pool has no params or MACs)."""

    def __init__(self, cin: int, classes: int = 1000) -> None:
        super().__init__()
        self.pool = nn.AvgPool2d(5, stride=3)
        self.conv = BasicConv2d(cin, 128, kernel_size=1)
        self.fc1 = nn.Linear(2048, 1024)
        self.fc2 = nn.Linear(1024, classes)
        self.dropout = nn.Dropout(0.7)

    def forward(self, x):
        x = torch.flatten(self.conv(self.pool(x)), 1)
        return self.fc2(self.dropout(torch.relu(self.fc1(x))))


class GoogLeNet(nn.Module):
    """googlenet.py's GoogLeNet; with `aux`, its two auxiliary heads run at inference too
    (torchvision runs them only in training), so an export has them."""

    def __init__(self, aux: bool = False) -> None:
        super().__init__()
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        for name, args in INCEPTION.items():
            setattr(self, f"inception{name}", Inception(*args))
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.aux = aux
        if aux:
            self.aux1, self.aux2 = InceptionAux(512), InceptionAux(528)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(1024, 1000)

    def forward(self, x):
        x = self.maxpool2(self.conv3(self.conv2(self.maxpool1(self.conv1(x)))))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4a(x)
        aux1 = self.aux1(x) if self.aux else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.aux else None
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        x = self.fc(self.dropout(torch.flatten(self.avgpool(x), 1)))
        return (x, aux2, aux1) if self.aux else x


# --- ResNet and ResNeXt (resnet.py) ----------------------------------------------------


class Bottleneck(nn.Module):
    """resnet.py's Bottleneck ("ResNet V1.5"): the stride in the 3x3 (conv2)."""

    expansion = 4

    def __init__(self, cin, planes, stride=1, downsample=None, groups=1, base_width=64):
        super().__init__()
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = self.downsample(x) if self.downsample is not None else x
        return self.relu(out + identity)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride=1, downsample=None, groups=1, base_width=64):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        identity = self.downsample(x) if self.downsample is not None else x
        return self.relu(out + identity)


class ResNet(nn.Module):
    LAYERS: ClassVar = {18: (BasicBlock, (2, 2, 2, 2)), 34: (BasicBlock, (3, 4, 6, 3))}
    LAYERS |= {50: (Bottleneck, (3, 4, 6, 3)), 101: (Bottleneck, (3, 4, 23, 3))}
    LAYERS |= {152: (Bottleneck, (3, 8, 36, 3))}

    def __init__(self, depth: int = 50, groups: int = 1, width_per_group: int = 64) -> None:
        super().__init__()
        block, layers = self.LAYERS[depth]
        self.inplanes, self.groups, self.base_width = 64, groups, width_per_group
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        for i, (planes, n) in enumerate(zip((64, 128, 256, 512), layers, strict=True)):
            setattr(self, f"layer{i + 1}", self._make_layer(block, planes, n, 1 if i == 0 else 2))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, 1000)

    def _make_layer(self, block, planes, blocks, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, 1, None, self.groups, self.base_width))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# --- MobileNetV2 (mobilenetv2.py) and EfficientNet (efficientnet.py) ------------------


def _make_divisible(v: float, divisor: int = 8) -> int:
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


class Conv2dNormActivation(nn.Sequential):
    """torchvision.ops.misc.Conv2dNormActivation: conv (no bias before a norm), norm, act."""

    def __init__(self, cin, cout, kernel_size=3, stride=1, groups=1, activation=nn.ReLU6, eps=1e-5):
        layers = [
            nn.Conv2d(
                cin, cout, kernel_size, stride, (kernel_size - 1) // 2, groups=groups, bias=False
            ),
            nn.BatchNorm2d(cout, eps=eps),
        ]
        if activation is not None:
            layers.append(activation(inplace=True))
        super().__init__(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, expand_ratio) -> None:
        super().__init__()
        hidden = round(inp * expand_ratio)
        self.use_res_connect = stride == 1 and inp == oup
        layers: list[nn.Module] = []
        if expand_ratio != 1:
            layers.append(Conv2dNormActivation(inp, hidden, kernel_size=1))
        layers += [
            Conv2dNormActivation(hidden, hidden, stride=stride, groups=hidden),
            nn.Conv2d(hidden, oup, 1, 1, 0, bias=False),
            nn.BatchNorm2d(oup),
        ]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    SETTING = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2))
    SETTING += ((6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))

    def __init__(self) -> None:
        super().__init__()
        features: list[nn.Module] = [Conv2dNormActivation(3, 32, stride=2)]
        cin = 32
        for t, c, n, s in self.SETTING:
            for i in range(n):
                features.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        features.append(Conv2dNormActivation(cin, 1280, kernel_size=1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, 1000))

    def forward(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(torch.flatten(x, 1))


class SqueezeExcitation(nn.Module):
    """torchvision.ops.misc.SqueezeExcitation, with EfficientNet's SiLU unless told (its
    default is nn.ReLU, MobileNetV3's, whose gate is nn.Hardsigmoid)."""

    def __init__(self, cin: int, squeeze: int, activation=nn.SiLU, scale=nn.Sigmoid) -> None:
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(cin, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, cin, 1)
        self.activation = activation(inplace=True)
        self.scale_activation = scale()

    def forward(self, x):
        scale = self.fc2(self.activation(self.fc1(self.avgpool(x))))
        return self.scale_activation(scale) * x


class MBConv(nn.Module):
    def __init__(self, expand, kernel, stride, cin, cout) -> None:
        super().__init__()
        self.use_res_connect = stride == 1 and cin == cout
        hidden = _make_divisible(cin * expand)
        layers: list[nn.Module] = []
        if hidden != cin:
            layers.append(Conv2dNormActivation(cin, hidden, 1, activation=nn.SiLU))
        layers += [
            Conv2dNormActivation(hidden, hidden, kernel, stride, hidden, activation=nn.SiLU),
            SqueezeExcitation(hidden, max(1, cin // 4)),
            Conv2dNormActivation(hidden, cout, 1, activation=None),
        ]
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        result = self.block(x)
        return result + x if self.use_res_connect else result  # stochastic depth: identity


class EfficientNetB0(nn.Module):
    SETTING = ((1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2))
    SETTING += ((6, 3, 2, 40, 80, 3), (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4))
    SETTING += ((6, 3, 1, 192, 320, 1),)

    def __init__(self) -> None:
        super().__init__()
        layers: list[nn.Module] = [Conv2dNormActivation(3, 32, 3, 2, activation=nn.SiLU)]
        for t, k, s, cin, cout, n in self.SETTING:
            stage = [
                MBConv(t, k, s if i == 0 else 1, cin if i == 0 else cout, cout) for i in range(n)
            ]
            layers.append(nn.Sequential(*stage))
        layers.append(Conv2dNormActivation(320, 1280, 1, activation=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2, inplace=True), nn.Linear(1280, 1000))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# --- MobileNetV3 (mobilenetv3.py) ------------------------------------------------------


class MobileNetV3Block(nn.Module):
    """mobilenetv3.py's InvertedResidual: a 1x1 expand where the expanded width differs,
    the depthwise conv with the stride, squeeze-and-excitation (ReLU, nn.Hardsigmoid gate,
    squeeze _make_divisible(exp // 4, 8)), a linear 1x1 projection; batch norm eps 0.001."""

    def __init__(self, cin, kernel, exp, cout, se, nl, stride) -> None:
        super().__init__()
        self.use_res_connect = stride == 1 and cin == cout
        act = nn.Hardswish if nl == "HS" else nn.ReLU
        layers: list[nn.Module] = []
        if exp != cin:
            layers.append(Conv2dNormActivation(cin, exp, 1, activation=act, eps=1e-3))
        layers.append(Conv2dNormActivation(exp, exp, kernel, stride, exp, act, eps=1e-3))
        if se:
            squeeze = _make_divisible(exp // 4, 8)
            layers.append(SqueezeExcitation(exp, squeeze, nn.ReLU, nn.Hardsigmoid))
        layers.append(Conv2dNormActivation(exp, cout, 1, activation=None, eps=1e-3))
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        result = self.block(x)
        return result + x if self.use_res_connect else result


class MobileNetV3Large(nn.Module):
    """mobilenet_v3_large: a 3x3/2 conv to 16 (h-swish), the fifteen bnecks of
    _mobilenet_v3_conf, a 1x1 conv to 960 (h-swish), the pool, Linear(960, 1280),
    Hardswish, Dropout(0.2), Linear(1280, 1000)."""

    SETTING = ((16, 3, 16, 16, False, "RE", 1), (16, 3, 64, 24, False, "RE", 2))
    SETTING += ((24, 3, 72, 24, False, "RE", 1), (24, 5, 72, 40, True, "RE", 2))
    SETTING += ((40, 5, 120, 40, True, "RE", 1), (40, 5, 120, 40, True, "RE", 1))
    SETTING += ((40, 3, 240, 80, False, "HS", 2), (80, 3, 200, 80, False, "HS", 1))
    SETTING += ((80, 3, 184, 80, False, "HS", 1), (80, 3, 184, 80, False, "HS", 1))
    SETTING += ((80, 3, 480, 112, True, "HS", 1), (112, 3, 672, 112, True, "HS", 1))
    SETTING += ((112, 5, 672, 160, True, "HS", 2), (160, 5, 960, 160, True, "HS", 1))
    SETTING += ((160, 5, 960, 160, True, "HS", 1),)

    def __init__(self) -> None:
        super().__init__()
        layers: list[nn.Module] = [
            Conv2dNormActivation(3, 16, 3, 2, activation=nn.Hardswish, eps=1e-3)
        ]
        layers += [MobileNetV3Block(*setting) for setting in self.SETTING]
        layers.append(Conv2dNormActivation(160, 960, 1, activation=nn.Hardswish, eps=1e-3))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Linear(960, 1280),
            nn.Hardswish(inplace=True),
            nn.Dropout(p=0.2, inplace=True),
            nn.Linear(1280, 1000),
        )

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# --- ShuffleNet V2 (shufflenetv2.py) ----------------------------------------------------


def channel_shuffle(x, groups: int):
    n, c, h, w = x.size()
    x = x.view(n, groups, c // groups, h, w)
    return torch.transpose(x, 1, 2).contiguous().view(n, -1, h, w)


class ShuffleUnit(nn.Module):
    """shufflenetv2.py's InvertedResidual."""

    def __init__(self, inp: int, oup: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        half = oup // 2
        if stride > 1:
            self.branch1 = nn.Sequential(
                nn.Conv2d(inp, inp, 3, stride, 1, groups=inp, bias=False),
                nn.BatchNorm2d(inp),
                nn.Conv2d(inp, half, 1, bias=False),
                nn.BatchNorm2d(half),
                nn.ReLU(inplace=True),
            )
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if stride > 1 else half, half, 1, bias=False),
            nn.BatchNorm2d(half),
            nn.ReLU(inplace=True),
            nn.Conv2d(half, half, 3, stride, 1, groups=half, bias=False),
            nn.BatchNorm2d(half),
            nn.Conv2d(half, half, 1, bias=False),
            nn.BatchNorm2d(half),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    def __init__(self, repeats=(4, 8, 4), channels=(24, 116, 232, 464, 1024)) -> None:
        super().__init__()
        self.conv1 = nn.Sequential(
            nn.Conv2d(3, channels[0], 3, 2, 1, bias=False),
            nn.BatchNorm2d(channels[0]),
            nn.ReLU(inplace=True),
        )
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = channels[0]
        for i, (n, cout) in enumerate(zip(repeats, channels[1:4], strict=True)):
            units = [ShuffleUnit(cin, cout, 2)] + [ShuffleUnit(cout, cout, 1) for _ in range(n - 1)]
            setattr(self, f"stage{i + 2}", nn.Sequential(*units))
            cin = cout
        self.conv5 = nn.Sequential(
            nn.Conv2d(cin, channels[-1], 1, 1, 0, bias=False),
            nn.BatchNorm2d(channels[-1]),
            nn.ReLU(inplace=True),
        )
        self.fc = nn.Linear(channels[-1], 1000)

    def forward(self, x):
        x = self.stage4(self.stage3(self.stage2(self.maxpool(self.conv1(x)))))
        return self.fc(self.conv5(x).mean([2, 3]))


# --- VGG (vgg.py), AlexNet (alexnet.py), DenseNet (densenet.py) --------------------------

VGG_CFG = {
    11: (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    13: (64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    16: (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"),
}
VGG_CFG[19] = (64, 64, "M", 128, 128, "M", *(256,) * 4, "M", *(512,) * 4, "M", *(512,) * 4, "M")


class VGG(nn.Module):
    def __init__(self, depth: int = 16) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        cin = 3
        for v in VGG_CFG[depth]:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(cin, v, 3, padding=1), nn.ReLU(inplace=True)]
                cin = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(),
            nn.Linear(4096, 1000),
        )

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class AlexNet(nn.Module):
    """alexnet.py: the one-GPU variant (no groups, no LRN), 64-192-384-256-256 filters."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, 4, 2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(0.5),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(0.5),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, 1000),
        )

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class _DenseLayer(nn.Module):
    def __init__(self, cin: int, growth: int = 32, bn_size: int = 4) -> None:
        super().__init__()
        self.norm1, self.relu1 = nn.BatchNorm2d(cin), nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(cin, bn_size * growth, 1, bias=False)
        self.norm2, self.relu2 = nn.BatchNorm2d(bn_size * growth), nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False)

    def forward(self, x):
        return self.conv2(self.relu2(self.norm2(self.conv1(self.relu1(self.norm1(x))))))


class _DenseBlock(nn.ModuleDict):
    def __init__(self, n: int, cin: int, growth: int = 32) -> None:
        super().__init__({f"denselayer{i + 1}": _DenseLayer(cin + i * growth) for i in range(n)})

    def forward(self, x):
        for layer in self.values():
            x = torch.cat([x, layer(x)], 1)
        return x


class _Transition(nn.Sequential):
    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.add_module("norm", nn.BatchNorm2d(cin))
        self.add_module("relu", nn.ReLU(inplace=True))
        self.add_module("conv", nn.Conv2d(cin, cout, 1, bias=False))
        self.add_module("pool", nn.AvgPool2d(2, 2))


class DenseNet(nn.Module):
    BLOCKS: ClassVar = {121: (6, 12, 24, 16), 169: (6, 12, 32, 32), 201: (6, 12, 48, 32)}

    def __init__(self, depth: int = 121) -> None:
        super().__init__()
        self.features = nn.Sequential()
        self.features.add_module("conv0", nn.Conv2d(3, 64, 7, 2, 3, bias=False))
        self.features.add_module("norm0", nn.BatchNorm2d(64))
        self.features.add_module("relu0", nn.ReLU(inplace=True))
        self.features.add_module("pool0", nn.MaxPool2d(3, 2, 1))
        c = 64
        blocks = self.BLOCKS[depth]
        for i, n in enumerate(blocks):
            self.features.add_module(f"denseblock{i + 1}", _DenseBlock(n, c))
            c += n * 32
            if i != len(blocks) - 1:
                self.features.add_module(f"transition{i + 1}", _Transition(c, c // 2))
                c //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(c))
        self.classifier = nn.Linear(c, 1000)

    def forward(self, x):
        out = nn.functional.relu(self.features(x))
        out = torch.flatten(nn.functional.adaptive_avg_pool2d(out, (1, 1)), 1)
        return self.classifier(out)


#: The bundled network each twin implements, and the twin.
TWINS = {
    "googlenet": GoogLeNet,
    "vgg16": lambda: VGG(16),
    "resnet50": lambda: ResNet(50),
    "resnext50": lambda: ResNet(50, groups=32, width_per_group=4),
    "densenet121": lambda: DenseNet(121),
    "mobilenetv2": MobileNetV2,
    "shufflenetv2": ShuffleNetV2,
    "efficientnet-b0": EfficientNetB0,
    "mobilenetv3-large": MobileNetV3Large,
    "alexnet": AlexNet,
}
