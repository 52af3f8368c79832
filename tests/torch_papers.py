"""Networks of issue 18's papers, written in torch from each paper's table and text.

Written with torch layers, not from our builder. Each model keeps its layers in one
`nn.ModuleDict` under our op names (`bottleneck2/1/expand`, `.../bn`), so a test pairs a
module with an op by name; `forward` is the paper's wiring, by hand. Where the paper
leaves a detail out, the twin takes torchvision's choice (named in each docstring), so
its parameter count is torchvision's published `num_params`.
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import nn


def key(op: str) -> str:
    """A module's key for our op name: `/` is no part of a torch module name (fvcore's
    scope names split on it), so `conv1/bn` is kept as `conv1__bn`."""
    return op.replace("/", "__")


class _Layers(nn.ModuleDict):
    """A ModuleDict addressed by our op names."""

    def __getitem__(self, op: str) -> nn.Module:
        return super().__getitem__(key(op))

    def __setitem__(self, op: str, module: nn.Module) -> None:
        super().__setitem__(key(op), module)

    def __contains__(self, op: object) -> bool:
        return isinstance(op, str) and super().__contains__(key(op))


class _Twin(nn.Module):
    """Activations and pools are modules, as torchvision writes them, so the counting
    tools that hook modules (thop, ptflops) see them."""

    def __init__(self) -> None:
        super().__init__()
        self.m = _Layers()
        self.relu, self.relu6 = nn.ReLU(), nn.ReLU6()
        self.gap, self.softmax = nn.AdaptiveAvgPool2d(1), nn.Softmax(1)

    def conv(self, name: str, cin: int, cout: int, k: int, s: int = 1, groups: int = 1) -> None:
        """A bias-free convolution and its batch norm (torchvision's Conv2dNormActivation)."""
        self.m[name] = nn.Conv2d(cin, cout, k, s, (k - 1) // 2, groups=groups, bias=False)
        self.m[f"{name}/bn"] = nn.BatchNorm2d(cout)

    def unit(self, name: str, x: torch.Tensor, act=None) -> torch.Tensor:
        x = self.m[f"{name}/bn"](self.m[name](x))
        return act(x) if act is not None else x


def make_divisible(v: float, divisor: int = 8) -> int:
    """torchvision's _make_divisible (from TF-Slim's mobilenet.py), in floats as there: the
    nearest multiple of the divisor, never below it, never 10% under v."""
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


class MobileNetV2(_Twin):
    """Sandler et al. 2018, Table 2: a 3x3/2 conv to 32; bottlenecks (t, c, n, s), each
    expand 1x1 (none at t = 1), 3x3 depthwise with the stride on the first of n, linear
    1x1 projection, the input added where the shape is kept; conv 1x1 to 1280, a 7x7
    average pool, the classifier. ReLU6 (section 4). torchvision: no conv bias before
    batch norm, a linear classifier with a bias; `width` multiplies every width as
    torchvision's width_mult does, the last 1x1's 1280 never narrowed (section 4)."""

    TABLE = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2))
    TABLE += ((6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))

    def __init__(self, classes: int = 1000, width: float = 1.0) -> None:
        super().__init__()
        first, last = make_divisible(32 * width), make_divisible(1280 * max(1.0, width))
        self.conv("conv1/1", 3, first, 3, 2)
        self.blocks: list[tuple[str, int, int, int, int]] = []
        cin = first
        for i, (t, c, n, s) in enumerate(self.TABLE):
            c = make_divisible(c * width)
            for j in range(n):
                name, stride, hidden = f"bottleneck{i + 1}/{j + 1}", s if j == 0 else 1, cin * t
                if t != 1:
                    self.conv(f"{name}/expand", cin, hidden, 1)
                self.conv(f"{name}/dw", hidden, hidden, 3, stride, groups=hidden)
                self.conv(f"{name}/project", hidden, c, 1)
                self.blocks.append((name, cin, t, c, stride))
                cin = c
        self.conv("conv2/1", cin, last, 1)
        self.pool = nn.AvgPool2d(7)  # Table 2's avgpool 7x7
        self.m["conv3"] = nn.Linear(last, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.unit("conv1/1", x, self.relu6)
        for name, cin, t, c, stride in self.blocks:
            y = self.unit(f"{name}/expand", x, self.relu6) if t != 1 else x
            y = self.unit(f"{name}/project", self.unit(f"{name}/dw", y, self.relu6))
            x = x + y if stride == 1 and cin == c else y
        x = self.pool(self.unit("conv2/1", x, self.relu6))
        return self.m["conv3"](x.flatten(1))


class ResNeXt50(_Twin):
    """Xie et al. 2017, Table 1 (ResNeXt-50, 32x4d): ResNet-50's stem and head, each
    bottleneck [1x1, 2w; 3x3, 2w, C=32; 1x1, 4w'] with its 3x3 in 32 groups (Figure 3c),
    BN after every convolution, ReLU after each BN but the last (after the add); stage
    strides in the first block's 3x3 and a projection where the shape changes (section 4)."""

    STAGES = ((128, 256, 3, 1), (256, 512, 4, 2), (512, 1024, 6, 2), (1024, 2048, 3, 2))

    def __init__(self, classes: int = 1000) -> None:
        super().__init__()
        self.conv("conv1", 3, 64, 7, 2)
        self.blocks: list[tuple[str, int]] = []
        cin = 64
        for i, (width, cout, n, s) in enumerate(self.STAGES):
            for j in range(n):
                name, stride = f"conv{i + 2}_{j + 1}", s if j == 0 else 1
                self.conv(f"{name}/conv1", cin, width, 1)
                self.conv(f"{name}/conv2", width, width, 3, stride, groups=32)
                self.conv(f"{name}/conv3", width, cout, 1)
                if j == 0:
                    self.conv(f"{name}/projection", cin, cout, 1, stride)
                self.blocks.append((name, stride))
                cin = cout
        self.m["fc"] = nn.Linear(2048, classes)
        self.pool = nn.MaxPool2d(3, 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.unit("conv1", x, self.relu))
        for name, _ in self.blocks:
            y = self.unit(f"{name}/conv2", self.unit(f"{name}/conv1", x, self.relu), self.relu)
            y = self.unit(f"{name}/conv3", y)
            short = f"{name}/projection"
            x = self.relu(y + (self.unit(short, x) if short in self.m else x))
        return self.softmax(self.m["fc"](self.gap(x).flatten(1)))


class DenseNet(_Twin):
    """Huang et al. 2017, Table 1 and section 3 (DenseNet-BC, k = 32): a 7x7/2 conv of 2k
    filters, a 3x3/2 max pool; dense blocks whose layers are BN-ReLU-Conv(1x1, 4k) then
    BN-ReLU-Conv(3x3, k), concatenated to their input; transitions BN-ReLU-Conv(1x1) to
    half the channels and a 2x2/2 average pool; BN-ReLU, a global average pool, the
    classifier. torchvision: stem conv-BN-ReLU, pool0 padded 1, no conv biases. Its
    modules are named after Table 1's `Layers` cells, as the bundled specs name them."""

    BLOCKS: ClassVar = {121: (6, 12, 24, 16), 169: (6, 12, 32, 32), 201: (6, 12, 48, 32)}
    BLOCKS |= {264: (6, 12, 64, 48)}

    def __init__(self, depth: int = 121, k: int = 32, classes: int = 1000) -> None:
        super().__init__()
        self.conv("Convolution", 3, 2 * k, 7, 2)
        self.blocks = self.BLOCKS[depth]
        c = 2 * k
        for i, n in enumerate(self.blocks):
            for j in range(n):
                name = f"Dense Block ({i + 1})/{j + 1}"
                self.m[f"{name}/bn1"] = nn.BatchNorm2d(c + j * k)
                self.m[f"{name}/conv1"] = nn.Conv2d(c + j * k, 4 * k, 1, bias=False)
                self.m[f"{name}/bn2"] = nn.BatchNorm2d(4 * k)
                self.m[f"{name}/conv2"] = nn.Conv2d(4 * k, k, 3, padding=1, bias=False)
            c += n * k
            if i < len(self.blocks) - 1:
                self.m[f"Transition Layer ({i + 1})/norm"] = nn.BatchNorm2d(c)
                self.m[f"Transition Layer ({i + 1})/conv"] = nn.Conv2d(c, c // 2, 1, bias=False)
                c //= 2
        self.m["Classification Layer/norm"] = nn.BatchNorm2d(c)  # norm5
        self.m["Classification Layer/fc"] = nn.Linear(c, classes)  # classifier
        self.pool, self.avg = nn.MaxPool2d(3, 2, 1), nn.AvgPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        m = self.m
        x = self.pool(self.unit("Convolution", x, self.relu))
        for i, n in enumerate(self.blocks):
            for j in range(n):
                name = f"Dense Block ({i + 1})/{j + 1}"
                y = m[f"{name}/conv1"](self.relu(m[f"{name}/bn1"](x)))
                x = torch.cat([x, m[f"{name}/conv2"](self.relu(m[f"{name}/bn2"](y)))], 1)
            if i < len(self.blocks) - 1:
                t = f"Transition Layer ({i + 1})"
                x = self.avg(m[f"{t}/conv"](self.relu(m[f"{t}/norm"](x))))
        x = self.gap(self.relu(m["Classification Layer/norm"](x))).flatten(1)
        return self.softmax(m["Classification Layer/fc"](x))


class ShuffleNetV2(_Twin):
    """Ma et al. 2018, Table 5 and Figure 3: a 3x3/2 conv to 24 and a 3x3/2 max pool; each
    stage a strided unit (Figure 3d: no split; a 3x3 depthwise with the stride and a 1x1
    on the left, a 1x1, 3x3 depthwise with the stride and a 1x1 on the right) and Repeat
    basic units (Figure 3c: the channels split in halves, the first passed through, the
    second 1x1, 3x3 depthwise, 1x1), each concatenated and shuffled in two groups; a 1x1
    conv (Conv5), the global pool (its 7x7 window the whole map), the classifier. The
    authors' ShuffleNetV2/network.py and blocks.py: BN after every conv, ReLU after the
    1x1s only, no conv biases, a classifier without a bias, and in a strided unit the
    left branch keeps its input's width and the right gives the rest of the output.
    `torchvision=True` takes torchvision's shufflenetv2.py instead: each branch half the
    output, a classifier bias (its num_params, 2,278,604 at 1x)."""

    WIDTHS: ClassVar = {"0.5x": (48, 96, 192, 1024), "1x": (116, 232, 464, 1024)}
    WIDTHS |= {"1.5x": (176, 352, 704, 1024), "2x": (244, 488, 976, 2048)}
    REPEATS = (3, 7, 3)  # Table 5's Repeat of the basic units after each strided one

    def __init__(
        self,
        width: str = "1x",
        classes: int = 1000,
        torchvision: bool = False,
        repeats: tuple[int, ...] = REPEATS,
    ):
        super().__init__()
        *stages, last = self.WIDTHS[width]
        self.conv("Conv1", 3, 24, 3, 2)
        self.units: list[tuple[str, int]] = []
        cin = 24
        for i, (cout, n) in enumerate(zip(stages, repeats, strict=True)):
            name = f"Stage{i + 2}/1"
            left = cout // 2 if torchvision else cin
            self.conv(f"{name}/left_dw", cin, cin, 3, 2, groups=cin)
            self.conv(f"{name}/left_1x1", cin, left, 1)
            self.conv(f"{name}/1x1a", cin, cout // 2, 1)
            self.conv(f"{name}/dw", cout // 2, cout // 2, 3, 2, groups=cout // 2)
            self.conv(f"{name}/1x1b", cout // 2, cout - left, 1)
            self.units.append((name, 2))
            half = cout // 2
            for j in range(n):
                name = f"Stage{i + 2}_2/{j + 1}"
                self.conv(f"{name}/1x1a", half, half, 1)
                self.conv(f"{name}/dw", half, half, 3, 1, groups=half)
                self.conv(f"{name}/1x1b", half, half, 1)
                self.units.append((name, 1))
            cin = cout
        self.conv("Conv5", cin, last, 1)
        self.m["fc1"] = nn.Linear(last, classes, bias=torchvision)
        self.pool = nn.MaxPool2d(3, 2, 1)

    @staticmethod
    def shuffle(x: torch.Tensor, groups: int = 2) -> torch.Tensor:
        """torchvision's channel_shuffle: view as (groups, C/groups), transpose, flatten."""
        n, c, h, w = x.shape
        x = x.view(n, groups, c // groups, h, w).transpose(1, 2).contiguous()
        return x.view(n, c, h, w)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.unit("Conv1", x, self.relu))
        for name, stride in self.units:
            if stride == 2:
                left = self.unit(f"{name}/left_1x1", self.unit(f"{name}/left_dw", x), self.relu)
                right = x
            else:
                left, right = x.chunk(2, dim=1)
            right = self.unit(f"{name}/dw", self.unit(f"{name}/1x1a", right, self.relu))
            x = self.shuffle(torch.cat([left, self.unit(f"{name}/1x1b", right, self.relu)], 1))
        x = self.gap(self.unit("Conv5", x, self.relu))  # GlobalPool: network.py's AvgPool2d(7)
        return self.m["fc1"](x.flatten(1))


class EfficientNetB0(_Twin):
    """Tan and Le 2019, Table 1: a 3x3/2 conv to 32; stages of MBConv (expansion t,
    kernel k, c channels, n layers), the stride on a stage's first layer where the next
    stage's resolution halves; each MBConv an expand 1x1 (none for MBConv1), a k x k
    depthwise, squeeze-and-excitation (global average pool, 1x1 reduce to a quarter of the
    block's input channels with swish, 1x1 expand, sigmoid, channel-wise multiply), a linear
    1x1 projection, the input added where the shape is kept; conv 1x1 to 1280, pooling, the
    classifier. Swish (SiLU) throughout. As torchvision's efficientnet.py writes it: no
    conv bias before batch norm, SE convs with biases, nn.SiLU, nn.Sigmoid and
    nn.AdaptiveAvgPool2d modules, `scale * input`, a linear classifier with a bias;
    batch norm eps 1e-3 (the authors' reference, as the spec declares)."""

    TABLE = ((1, 3, 16, 1, 1), (6, 3, 24, 2, 2), (6, 5, 40, 2, 2), (6, 3, 80, 3, 2))
    TABLE += ((6, 5, 112, 3, 1), (6, 5, 192, 4, 2), (6, 3, 320, 1, 1))

    def __init__(self, classes: int = 1000) -> None:
        super().__init__()
        self.swish, self.sigmoid = nn.SiLU(), nn.Sigmoid()
        self.conv("conv1/1", 3, 32, 3, 2)
        self.blocks: list[tuple[str, int, int, int, int]] = []
        cin = 32
        for i, (t, k, c, n, s) in enumerate(self.TABLE):
            for j in range(n):
                name, stride, hidden = f"mbconv{i + 1}/{j + 1}", s if j == 0 else 1, cin * t
                if t != 1:
                    self.conv(f"{name}/expand", cin, hidden, 1)
                self.conv(f"{name}/dw", hidden, hidden, k, stride, groups=hidden)
                self.m[f"{name}/se/reduce"] = nn.Conv2d(hidden, max(1, cin // 4), 1)
                self.m[f"{name}/se/expand"] = nn.Conv2d(max(1, cin // 4), hidden, 1)
                self.conv(f"{name}/project", hidden, c, 1)
                self.blocks.append((name, cin, t, c, stride))
                cin = c
        self.conv("head1/1/conv", 320, 1280, 1)
        self.m["head1/1/fc"] = nn.Linear(1280, classes)
        for module in self.m.values():
            if isinstance(module, nn.BatchNorm2d):
                module.eps = 1e-3

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        m = self.m
        x = self.unit("conv1/1", x, self.swish)
        for name, cin, t, c, stride in self.blocks:
            y = self.unit(f"{name}/expand", x, self.swish) if t != 1 else x
            y = self.unit(f"{name}/dw", y, self.swish)
            g = self.swish(m[f"{name}/se/reduce"](self.gap(y)))
            y = self.unit(f"{name}/project", self.sigmoid(m[f"{name}/se/expand"](g)) * y)
            x = x + y if stride == 1 and cin == c else y
        return m["head1/1/fc"](self.gap(self.unit("head1/1/conv", x, self.swish)).flatten(1))


class MobileNetV3Large(_Twin):
    """Howard et al. 2019, Table 1 and section 5, as torchvision's mobilenetv3.py writes
    mobilenet_v3_large: a 3x3/2 conv to 16 (batch norm, h-swish); bnecks (kernel, exp
    size, out, SE, NL, stride), each a 1x1 expand (none where exp size is the input's
    width), a depthwise KxK with the stride, squeeze-and-excitation where ticked
    (nn.AdaptiveAvgPool2d, a 1x1 conv with a bias to _make_divisible(exp // 4, 8),
    nn.ReLU, a 1x1 conv back, nn.Hardsigmoid, `scale * input`), a linear 1x1 projection,
    the input added at stride 1 and equal widths; a 1x1 conv to 960 (h-swish), the pool,
    then nn.Linear(960, 1280), nn.Hardswish, nn.Linear(1280, 1000). No conv bias before
    batch norm, eps 0.001; nn.Hardswish and nn.ReLU modules (their in-place flag counts
    nothing in any tool)."""

    TABLE = ((3, 16, 16, False, "RE", 1), (3, 64, 24, False, "RE", 2))
    TABLE += ((3, 72, 24, False, "RE", 1), (5, 72, 40, True, "RE", 2))
    TABLE += ((5, 120, 40, True, "RE", 1), (5, 120, 40, True, "RE", 1))
    TABLE += ((3, 240, 80, False, "HS", 2), (3, 200, 80, False, "HS", 1))
    TABLE += ((3, 184, 80, False, "HS", 1), (3, 184, 80, False, "HS", 1))
    TABLE += ((3, 480, 112, True, "HS", 1), (3, 672, 112, True, "HS", 1))
    TABLE += ((5, 672, 160, True, "HS", 2), (5, 960, 160, True, "HS", 1))
    TABLE += ((5, 960, 160, True, "HS", 1),)

    def __init__(self, classes: int = 1000) -> None:
        super().__init__()
        self.hswish, self.hsigmoid = nn.Hardswish(), nn.Hardsigmoid()
        self.conv("conv1", 3, 16, 3, 2)
        cin = 16
        for i, (k, exp, c, se, _, s) in enumerate(self.TABLE):
            name = f"bneck{i + 1}"
            if exp != cin:
                self.conv(f"{name}/expand", cin, exp, 1)
            self.conv(f"{name}/dw", exp, exp, k, s, groups=exp)
            if se:
                squeeze = make_divisible(exp // 4, 8)
                self.m[f"{name}/se/reduce"] = nn.Conv2d(exp, squeeze, 1)
                self.m[f"{name}/se/expand"] = nn.Conv2d(squeeze, exp, 1)
            self.conv(f"{name}/project", exp, c, 1)
            cin = c
        self.conv("conv2", 160, 960, 1)
        self.m["fc1"], self.m["fc2"] = nn.Linear(960, 1280), nn.Linear(1280, classes)
        for module in self.m.values():
            if isinstance(module, nn.BatchNorm2d):
                module.eps = 1e-3

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        m = self.m
        x = self.unit("conv1", x, self.hswish)
        cin = 16
        for i, (_, exp, c, se, nl, s) in enumerate(self.TABLE):
            name, act = f"bneck{i + 1}", self.hswish if nl == "HS" else self.relu
            y = self.unit(f"{name}/expand", x, act) if exp != cin else x
            y = self.unit(f"{name}/dw", y, act)
            if se:
                g = self.relu(m[f"{name}/se/reduce"](self.gap(y)))
                y = self.hsigmoid(m[f"{name}/se/expand"](g)) * y
            y = self.unit(f"{name}/project", y)
            x = x + y if s == 1 and cin == c else y
            cin = c
        x = self.gap(self.unit("conv2", x, self.hswish)).flatten(1)
        return m["fc2"](self.hswish(m["fc1"](x)))


TWINS = {
    "mobilenetv2": MobileNetV2,
    "resnext50": ResNeXt50,
    **{f"densenet{d}": lambda d=d: DenseNet(d) for d in DenseNet.BLOCKS},
    "shufflenetv2": ShuffleNetV2,
    "efficientnet-b0": EfficientNetB0,
    "mobilenetv3-large": MobileNetV3Large,
}
