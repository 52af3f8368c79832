"""The example networks of docs/examples/ (one per built-in module kind), written in torch
from their papers: SqueezeNet's Fire module, MobileNet's depthwise-separable pairs,
MobileNetV2's bottleneck, a DenseNet-BC dense block, Inception v2's module,
Inception v3's grid reduction and ShuffleNet V2's units.

Written with torch layers, not from our builder. Each model keeps its layers in one
`nn.ModuleDict` under our op names (`fire2/squeeze`, `conv2/bn`), so a test can pair a
module with an op by name; `forward` is the paper's wiring, by hand.
"""

from __future__ import annotations

import torch
from torch import nn

relu = torch.relu


class Twin(nn.Module):
    act = staticmethod(torch.relu)

    def __init__(self) -> None:
        super().__init__()
        self.m = nn.ModuleDict()
        self.softmax = nn.Identity()

    def conv(self, name, cin, cout, k, s=1, p=None, groups=1, bn=False, bias=True):
        self.m[name] = nn.Conv2d(
            cin, cout, k, s, k // 2 if p is None else p, groups=groups, bias=bias and not bn
        )
        if bn:
            self.m[f"{name}/bn"] = nn.BatchNorm2d(cout)

    def unit(self, name: str, x: torch.Tensor, act: bool = True) -> torch.Tensor:
        """Conv, its batch norm if it has one, then ReLU unless `act` is off."""
        x = self.m[name](x)
        if f"{name}/bn" in self.m:
            x = self.m[f"{name}/bn"](x)
        return self.act(x) if act else x


class Fire(Twin):
    """SqueezeNet (Iandola et al. 2016), section 3.2: squeeze 1x1 -> expand 1x1 and 3x3."""

    def __init__(self) -> None:
        super().__init__()
        for name, cin in (("fire2", 8), ("fire3", 16)):
            self.conv(f"{name}/squeeze", cin, 4, 1)
            self.conv(f"{name}/expand1x1", 4, 8, 1)
            self.conv(f"{name}/expand3x3", 4, 8, 3)

    def forward(self, x):
        for name in ("fire2", "fire3"):
            s = self.unit(f"{name}/squeeze", x)
            x = torch.cat([self.unit(f"{name}/expand1x1", s), self.unit(f"{name}/expand3x3", s)], 1)
        return x


class Depthwise(Twin):
    """MobileNet (Howard et al. 2017), Table 1: 3x3 conv, then Conv dw / Conv 1x1 pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.conv("conv1", 3, 8, 3, 2, bn=True)
        self.conv("conv2", 8, 8, 3, 1, groups=8, bn=True)
        self.conv("conv3", 8, 16, 1, bn=True)
        self.conv("conv4", 16, 16, 3, 2, groups=16, bn=True)
        self.conv("conv5", 16, 32, 1, bn=True)

    def forward(self, x):
        for i in range(1, 6):
            x = self.unit(f"conv{i}", x)
        return x


class InvertedResidual(Twin):
    """MobileNetV2 (Sandler et al. 2018), Table 1 and Figure 4: expand (skipped at t=1),
    depthwise 3x3 (the stride), linear 1x1 projection; added to the input when the shape
    is kept. ReLU6 as the paper's activation."""

    act = staticmethod(torch.nn.functional.relu6)
    BLOCKS = (("bottleneck1/1", 8, 1, 8, 1), ("bottleneck2/1", 8, 6, 12, 2))
    BLOCKS += (("bottleneck2/2", 12, 6, 12, 1),)

    def __init__(self) -> None:
        super().__init__()
        for name, cin, t, cout, s in self.BLOCKS:
            hidden = cin * t
            if t != 1:
                self.conv(f"{name}/expand", cin, hidden, 1, bn=True)
            self.conv(f"{name}/dw", hidden, hidden, 3, s, groups=hidden, bn=True)
            self.conv(f"{name}/project", hidden, cout, 1, bn=True)

    def forward(self, x):
        for name, cin, t, cout, s in self.BLOCKS:
            y = self.unit(f"{name}/expand", x) if t != 1 else x
            y = self.unit(f"{name}/project", self.unit(f"{name}/dw", y), act=False)
            x = x + y if s == 1 and cin == cout else y
        return x


class Dense(Twin):
    """DenseNet-BC (Huang et al. 2017), section 3: per layer BN-ReLU-Conv(1x1, 4k) and
    BN-ReLU-Conv(3x3, k), its output concatenated to its input."""

    def __init__(self, cin: int = 16, k: int = 4, layers: int = 2) -> None:
        super().__init__()
        self.layers = layers
        for i in range(layers):
            c = cin + i * k
            name = f"dense1/{i + 1}"
            self.m[f"{name}/bn1"] = nn.BatchNorm2d(c)
            self.m[f"{name}/conv1"] = nn.Conv2d(c, 4 * k, 1, bias=False)
            self.m[f"{name}/bn2"] = nn.BatchNorm2d(4 * k)
            self.m[f"{name}/conv2"] = nn.Conv2d(4 * k, k, 3, padding=1, bias=False)

    def forward(self, x):
        for i in range(self.layers):
            n = f"dense1/{i + 1}"
            y = self.m[f"{n}/conv1"](relu(self.m[f"{n}/bn1"](x)))
            x = torch.cat([x, self.m[f"{n}/conv2"](relu(self.m[f"{n}/bn2"](y)))], 1)
        return x


class InceptionV2(Twin):
    """Inception v2 (Ioffe and Szegedy 2015, Figure 5's table): 1x1; 3x3 reduce -> 3x3;
    double 3x3 reduce -> 3x3 -> 3x3; pool + proj. Module 3c strides 2 in its 3x3s and
    its pool, has no 1x1 (`0`) and passes the max pool through."""

    def __init__(self) -> None:
        super().__init__()
        self.conv("3a/1x1", 16, 4, 1)
        for name, cin, s in (("3a", 16, 1), ("3c", 24, 2)):
            self.conv(f"{name}/3x3_reduce", cin, 4, 1)
            self.conv(f"{name}/3x3", 4, 8, 3, s)
            self.conv(f"{name}/dbl_3x3_reduce", cin, 4, 1)
            self.conv(f"{name}/dbl_3x3a", 4, 8, 3)
            self.conv(f"{name}/dbl_3x3b", 8, 8, 3, s)
        self.conv("3a/pool_proj", 16, 4, 1)
        self.avg = nn.AvgPool2d(3, 1, 1)
        self.max = nn.MaxPool2d(3, 2, 1)

    def module(self, name, x, stride):
        outs = [self.unit(f"{name}/1x1", x)] if stride == 1 else []
        outs.append(self.unit(f"{name}/3x3", self.unit(f"{name}/3x3_reduce", x)))
        y = self.unit(f"{name}/dbl_3x3a", self.unit(f"{name}/dbl_3x3_reduce", x))
        outs.append(self.unit(f"{name}/dbl_3x3b", y))
        if stride == 1:
            outs.append(self.unit(f"{name}/pool_proj", self.avg(x)))
        else:
            outs.append(self.max(x))
        return torch.cat(outs, 1)

    def forward(self, x):
        return self.module("3c", self.module("3a", x, 1), 2)


class Reduction(Twin):
    """Inception v3 (Szegedy et al. 2016), Figure 10: 1x1 -> 3x3/2; 1x1 -> 3x3 -> 3x3/2;
    3x3/2 max pool; unpadded where they stride."""

    def __init__(self) -> None:
        super().__init__()
        self.conv("reduction1/3x3_reduce", 8, 4, 1)
        self.conv("reduction1/3x3", 4, 8, 3, 2, p=0)
        self.conv("reduction1/dbl_3x3_reduce", 8, 4, 1)
        self.conv("reduction1/dbl_3x3a", 4, 12, 3)
        self.conv("reduction1/dbl_3x3b", 12, 12, 3, 2, p=0)
        self.pool = nn.MaxPool2d(3, 2, ceil_mode=True)

    def forward(self, x):
        n = "reduction1"
        a = self.unit(f"{n}/3x3", self.unit(f"{n}/3x3_reduce", x))
        b = self.unit(
            f"{n}/dbl_3x3b", self.unit(f"{n}/dbl_3x3a", self.unit(f"{n}/dbl_3x3_reduce", x))
        )
        return torch.cat([a, b, self.pool(x)], 1)


class ShuffleUnit(Twin):
    """ShuffleNet V2 (Ma et al. 2018), Figure 3(d) then 3(c), the authors' blocks.py: BN
    after every conv, ReLU after the 1x1s; the strided unit's left branch keeps the
    input's width, its right branch gives the rest; each unit's output shuffled in 2."""

    def __init__(self) -> None:
        super().__init__()
        s, b = "Stage2/1", "Stage2_2/1"
        self.conv(f"{s}/left_dw", 4, 4, 3, 2, groups=4, bn=True)
        self.conv(f"{s}/left_1x1", 4, 4, 1, bn=True)
        self.conv(f"{s}/1x1a", 4, 8, 1, bn=True)
        self.conv(f"{s}/dw", 8, 8, 3, 2, groups=8, bn=True)
        self.conv(f"{s}/1x1b", 8, 12, 1, bn=True)
        self.conv(f"{b}/1x1a", 8, 8, 1, bn=True)
        self.conv(f"{b}/dw", 8, 8, 3, groups=8, bn=True)
        self.conv(f"{b}/1x1b", 8, 8, 1, bn=True)

    @staticmethod
    def shuffle(x):
        n, c, h, w = x.shape
        return x.view(n, 2, c // 2, h, w).transpose(1, 2).reshape(n, c, h, w)

    def forward(self, x):
        s, b = "Stage2/1", "Stage2_2/1"
        left = self.unit(f"{s}/left_1x1", self.unit(f"{s}/left_dw", x, act=False))
        right = self.unit(f"{s}/dw", self.unit(f"{s}/1x1a", x), act=False)
        x = self.shuffle(torch.cat([left, self.unit(f"{s}/1x1b", right)], 1))
        keep, right = x.chunk(2, dim=1)
        right = self.unit(f"{b}/dw", self.unit(f"{b}/1x1a", right), act=False)
        return self.shuffle(torch.cat([keep, self.unit(f"{b}/1x1b", right)], 1))


TWINS = {
    "fire": Fire,
    "depthwise": Depthwise,
    "inverted-residual": InvertedResidual,
    "dense": Dense,
    "inception-v2": InceptionV2,
    "reduction": Reduction,
    "shuffle-unit": ShuffleUnit,
}
