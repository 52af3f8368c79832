"""Twins of the tables of issue 23, each written in torch from its reference code (not from
our builder), its layers under our op names as torch_papers.py keeps them:

- SENet's Table 1: the authors' Caffe models (hujie-frank/SENet, SE-ResNet-50.prototxt,
  SE-ResNeXt-50.prototxt; ResNet-50 is SE-ResNet-50 without its SE blocks, Kaiming He's
  Caffe ResNet-50 as the SENet authors re-implemented it);
- RepVGG's Table 2: the authors' repvgg.py at inference (`deploy=True`: a 3x3 convolution
  with a bias and a ReLU per layer);
- MobileNet's Table 1: the authors' TF-Slim mobilenet_v1.py (MOBILENETV1_CONV_DEFS, batch
  norm after every convolution, 1,000 classes as Table 1's FC prints);
- ThunderNet's Table 1 (SNet): the first author's qinzheng93/ThunderNet,
  snet-training/network.py and blocks.py (SNet146's widths there; SNet49's and SNet535's
  from the table, read by the same code).
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import nn
from torch_papers import _Twin


class SEResNet(_Twin):
    """SE-ResNet-50 (`se`), ResNet-50 (not `se`) or SE-ResNeXt-50 (`groups` = 32): a 7x7/2
    conv to 64, a 3x3/2 max pool rounded up (Caffe's), four stages of bottlenecks
    [1x1, w; 3x3, w (groups); 1x1, 4w'], each with BN; where `se`, the block's output
    squeezed (global average pool, 1x1 to C/16 with a bias, ReLU, 1x1 back with a bias,
    sigmoid) and scaled before the add; a projection (1x1, BN) where the shape changes;
    the stride on each stage's first 1x1 (SE-ResNet-50.prototxt) or 3x3
    (`stride_3x3`, SE-ResNeXt-50.prototxt); a 7x7 average pool, the classifier."""

    def __init__(self, groups: int = 1, se: bool = True, stride_3x3: bool = False) -> None:
        super().__init__()
        wide = 2 if groups > 1 else 1  # ResNeXt-50 (32x4d): twice ResNet-50's inner width
        self.conv("conv1", 3, 64, 7, 2)
        self.blocks: list[tuple[str, int, bool]] = []
        cin = 64
        for i, (width, n) in enumerate(((64, 3), (128, 4), (256, 6), (512, 3))):
            cout, inner = 4 * width, wide * width
            for j in range(n):
                name, stride = f"res{i + 1}/{j + 1}", 2 if i and not j else 1
                self.conv(f"{name}/conv1", cin, inner, 1, 1 if stride_3x3 else stride)
                self.conv(f"{name}/conv2", inner, inner, 3, stride if stride_3x3 else 1, groups)
                self.conv(f"{name}/conv3", inner, cout, 1)
                if se:
                    self.m[f"{name}/se/reduce"] = nn.Conv2d(cout, cout // 16, 1)
                    self.m[f"{name}/se/expand"] = nn.Conv2d(cout // 16, cout, 1)
                if j == 0:
                    self.conv(f"{name}/projection", cin, cout, 1, stride)
                self.blocks.append((name, stride, se))
                cin = cout
        self.m["fc1"] = nn.Linear(2048, 1000)
        self.pool, self.avg = nn.MaxPool2d(3, 2, ceil_mode=True), nn.AvgPool2d(7)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        m = self.m
        x = self.pool(self.unit("conv1", x, self.relu))
        for name, _, se in self.blocks:
            y = self.unit(f"{name}/conv2", self.unit(f"{name}/conv1", x, self.relu), self.relu)
            y = self.unit(f"{name}/conv3", y)
            if se:
                g = self.relu(m[f"{name}/se/reduce"](self.gap(y)))
                y = y * self.sigmoid(m[f"{name}/se/expand"](g))
            short = f"{name}/projection"
            x = self.relu(y + (self.unit(short, x) if short in m else x))
        return self.softmax(m["fc1"](self.avg(x).flatten(1)))


class RepVGG(_Twin):
    """repvgg.py's RepVGG(num_blocks, width_multiplier=[a, a, a, b], deploy=True): stage0
    a 3x3/2 conv to min(64, 64a), then stages of 3x3 convolutions to 64a, 128a, 256a and
    512b, the first of each with stride 2; every conv with a bias and a ReLU; the global
    average pool and nn.Linear(512b, 1000). Widths int(64 * a) as there."""

    BLOCKS: ClassVar = {"A": (2, 4, 14, 1), "B": (4, 6, 16, 1)}

    def __init__(self, depth: str = "A", a: float = 0.75, b: float = 2.5) -> None:
        super().__init__()
        widths = [min(64, int(64 * a)), int(64 * a), int(128 * a), int(256 * a), int(512 * b)]
        self.layers: list[str] = []
        cin = 3
        for s, (n, cout) in enumerate(zip((1, *self.BLOCKS[depth]), widths, strict=True)):
            for j in range(n):
                name = f"stage{s + 1}/{j + 1}"
                self.m[name] = nn.Conv2d(cin, cout, 3, 2 if j == 0 else 1, 1)
                self.layers.append(name)
                cin = cout
        self.m["head"] = nn.Linear(cin, 1000)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for name in self.layers:
            x = self.relu(self.m[name](x))
        return self.m["head"](self.gap(x).flatten(1))


class MobileNet(_Twin):
    """TF-Slim's mobilenet_v1 (MOBILENETV1_CONV_DEFS): a 3x3/2 conv to 32, then 13
    depthwise-separable pairs (3x3 depthwise, 1x1 pointwise to the depth; strides 1, 2,
    1, 2, 1, 2, then five of 1, then 2, 1), BN and ReLU after each; the 7x7 average pool
    and a fully connected layer to 1,000 classes (Table 1). Named as the spec's rows."""

    DEFS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2))
    DEFS += ((512, 1),) * 5 + ((1024, 2), (1024, 1))

    def __init__(self) -> None:
        super().__init__()
        self.conv("conv1", 3, 32, 3, 2)
        cin, self.layers = 32, [("conv1", 2)]
        for i, (depth, stride) in enumerate(self.DEFS):
            dw, pw = f"conv{2 * i + 2}", f"conv{2 * i + 3}"
            self.conv(dw, cin, cin, 3, stride, groups=cin)
            self.conv(pw, cin, depth, 1)
            self.layers += [(dw, stride), (pw, 1)]
            cin = depth
        self.m["fc1"] = nn.Linear(1024, 1000)
        self.avg = nn.AvgPool2d(7)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for name, _ in self.layers:
            x = self.unit(name, x, self.relu)
        return self.softmax(self.m["fc1"](self.avg(x).flatten(1)))


class SNet(_Twin):
    """network.py's ShuffleNetV2(model_size='thunder') with a width per network: a 3x3/2
    conv to 24 (48 for SNet535), nn.MaxPool2d(3, 2, 1), stages of 4, 8 and 4
    ShuffleNetV2Block(..., kernel_size=5): the first strided (branch_left a 5x5/2
    depthwise and a 1x1 keeping the input's width; branch a 1x1 to half the output, a 5x5
    depthwise with the stride, a 1x1 to the rest), the others split in halves (one passed
    through, the other 1x1, 5x5 depthwise, 1x1), the channels shuffled first; BN after every
    conv, ReLU after the 1x1s; nn.AvgPool2d(7) and nn.Linear(C, 1000, bias=False). SNet49's
    Conv5 (Table 1: 1x1, 512) is network.py's conv_last (commented out there for SNet146):
    a 1x1 conv, BN and ReLU. Named as the spec's rows (its Stage column is a note)."""

    WIDTHS: ClassVar = {49: (24, 60, 120, 240), 146: (24, 132, 264, 528), 535: (48, 248, 496, 992)}

    def __init__(self, flops: int = 49) -> None:
        super().__init__()
        first, *stages = self.WIDTHS[flops]
        self.conv("conv1", 3, first, 3, 2)
        self.units: list[tuple[str, int]] = []
        cin = first
        for i, (cout, n) in enumerate(zip(stages, (4, 8, 4), strict=True)):
            name, half = f"stage{2 * i + 1}/1", cout // 2
            self.conv(f"{name}/left_dw", cin, cin, 5, 2, groups=cin)
            self.conv(f"{name}/left_1x1", cin, cin, 1)
            self.conv(f"{name}/1x1a", cin, half, 1)
            self.conv(f"{name}/dw", half, half, 5, 2, groups=half)
            self.conv(f"{name}/1x1b", half, cout - cin, 1)
            self.units.append((name, 2))
            for j in range(n - 1):
                name = f"stage{2 * i + 2}/{j + 1}"
                self.conv(f"{name}/1x1a", half, half, 1)
                self.conv(f"{name}/dw", half, half, 5, 1, groups=half)
                self.conv(f"{name}/1x1b", half, cout - half, 1)
                self.units.append((name, 1))
            cin = cout
        self.last = "conv2" if flops == 49 else None
        if self.last:
            self.conv(self.last, cin, 512, 1)
            cin = 512
        self.m["fc1"] = nn.Linear(cin, 1000, bias=False)
        self.pool, self.avg = nn.MaxPool2d(3, 2, 1), nn.AvgPool2d(7)

    @staticmethod
    def halves(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """blocks.py's channel_shuffle: even channels one half, odd ones the other."""
        n, c, h, w = x.shape
        x = x.reshape(n * c // 2, 2, h * w).permute(1, 0, 2).reshape(2, n, c // 2, h, w)
        return x[0], x[1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.unit("conv1", x, self.relu))
        for name, stride in self.units:
            if stride == 2:
                left = self.unit(f"{name}/left_1x1", self.unit(f"{name}/left_dw", x), self.relu)
                right = x
            else:
                left, right = self.halves(x)
            right = self.unit(f"{name}/dw", self.unit(f"{name}/1x1a", right, self.relu))
            x = torch.cat([left, self.unit(f"{name}/1x1b", right, self.relu)], 1)
        if self.last:
            x = self.unit(self.last, x, self.relu)
        return self.m["fc1"](self.avg(x).flatten(1))
