"""The analytic shapes and counts against a real framework (PyTorch CPU).

Nothing here asks the cost model for an expectation: torch computes the shapes, its
flop counter counts the FLOPs (2 per multiply-add), and the GoogLeNet below is written
from the paper's Table 1 with torch layers, not from our network builder.
"""

import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from inception_cost import cost, network, spec

torch.set_num_threads(1)


def _one_row(row: str, input_shape, conventions: str):
    h, w, c = input_shape
    text = (
        f'+++\ninput = "{h}x{w}x{c}"\n[conventions]\n{conventions}\n+++\n'
        "| type | patch size/stride | output size |\n|---|---|---|\n" + row + "\n"
    )
    return cost.analyse(network.build(spec.parse_markdown(text))).blocks[0]


def _flops(module: nn.Module, x: torch.Tensor) -> tuple[int, torch.Tensor]:
    with FlopCounterMode(display=False) as counter:
        y = module(x)
    return counter.get_total_flops(), y


@st.composite
def conv_cases(draw):
    kh, kw = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    pad = draw(st.integers(0, 3))
    h = draw(st.integers(max(1, kh - 2 * pad), 40))
    w = draw(st.integers(max(1, kw - 2 * pad), 40))
    return (
        h,
        w,
        draw(st.integers(1, 8)),
        kh,
        kw,
        draw(st.integers(1, 4)),
        pad,
        draw(st.integers(1, 9)),
    )


@settings(max_examples=150, deadline=None)
@given(conv_cases())
def test_conv_shape_and_macs_match_torch(case):
    h, w, cin, kh, kw, stride, pad, cout = case
    block = _one_row(
        f"| convolution | {kh}x{kw}/{stride} | 1x1x{cout} |", (h, w, cin), f"conv_padding = {pad}"
    )
    conv = block.ops[0]
    torch_conv = nn.Conv2d(cin, cout, (kh, kw), stride, pad)
    flops, y = _flops(torch_conv, torch.zeros(1, cin, h, w))
    assert conv.op.out_shape == (y.shape[2], y.shape[3], y.shape[1])
    assert conv.macs == flops // 2 and flops % 2 == 0
    assert conv.params == sum(p.numel() for p in torch_conv.parameters())


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.sampled_from([1, 3, 5, 7]),
    st.integers(1, 3),
    st.integers(7, 30),
    st.integers(1, 5),
)
def test_separable_conv_matches_torch_grouped_convs(cin, multiplier, k, stride, size, cout):
    block = _one_row(
        f"| separable convolution (x{multiplier}) | {k}x{k}/{stride} | 1x1x{cout} |",
        (size, size, cin),
        'conv_padding = "same"',
    )
    dw, pw = block.ops[0], block.ops[1]
    torch_dw = nn.Conv2d(cin, cin * multiplier, k, stride, (k - 1) // 2, groups=cin)
    torch_pw = nn.Conv2d(cin * multiplier, cout, 1)
    f1, y = _flops(torch_dw, torch.zeros(1, cin, size, size))
    f2, z = _flops(torch_pw, y)
    assert dw.op.out_shape == (y.shape[2], y.shape[3], y.shape[1])
    assert (dw.macs, pw.macs) == (f1 // 2, f2 // 2)
    assert dw.params == sum(p.numel() for p in torch_dw.parameters())
    assert pw.op.out_shape == (z.shape[2], z.shape[3], z.shape[1])


@st.composite
def pool_cases(draw):
    k = draw(st.integers(1, 7))
    pad = draw(st.integers(0, k // 2))  # torch's limit: padding at most half the kernel
    size = draw(st.integers(max(1, k - 2 * pad), 40))
    return size, draw(st.integers(1, 8)), k, draw(st.integers(1, 4)), pad, draw(st.booleans())


@settings(max_examples=200, deadline=None)
@given(pool_cases(), st.sampled_from(["max", "avg"]))
def test_pool_shape_matches_torch(case, mode):
    size, c, k, stride, pad, ceil = case
    block = _one_row(
        f"| {mode} pool | {k}x{k}/{stride} | 1x1x{c} |",
        (size, size + 1, c),
        f'pool_padding = {pad}\npool_rounding = "{"ceil" if ceil else "floor"}"',
    )
    cls = nn.MaxPool2d if mode == "max" else nn.AvgPool2d
    y = cls(k, stride, pad, ceil_mode=ceil)(torch.zeros(1, c, size, size + 1))
    assert block.ops[0].op.out_shape == (y.shape[2], y.shape[3], y.shape[1])


# --------------------------------------------------------------------------- GoogLeNet

# Table 1 of the paper: input channels, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
INCEPTION = {
    "3a": (192, 64, 96, 128, 16, 32, 32),
    "3b": (256, 128, 128, 192, 32, 96, 64),
    "4a": (480, 192, 96, 208, 16, 48, 64),
    "4b": (512, 160, 112, 224, 24, 64, 64),
    "4c": (512, 128, 128, 256, 24, 64, 64),
    "4d": (512, 112, 144, 288, 32, 64, 64),
    "4e": (528, 256, 160, 320, 32, 128, 128),
    "5a": (832, 256, 160, 320, 32, 128, 128),
    "5b": (832, 384, 192, 384, 48, 128, 128),
}


class Inception(nn.Module):
    def __init__(self, cin, n1, r3, n3, r5, n5, proj):
        super().__init__()
        self.b1 = nn.Conv2d(cin, n1, 1)
        self.r3 = nn.Conv2d(cin, r3, 1)
        self.c3 = nn.Conv2d(r3, n3, 3, padding=1)
        self.r5 = nn.Conv2d(cin, r5, 1)
        self.c5 = nn.Conv2d(r5, n5, 5, padding=2)
        self.pool = nn.MaxPool2d(3, 1, 1)
        self.proj = nn.Conv2d(cin, proj, 1)

    def forward(self, x):
        r = torch.relu
        return torch.cat(
            [
                r(self.b1(x)),
                r(self.c3(r(self.r3(x)))),
                r(self.c5(r(self.r5(x)))),
                r(self.proj(self.pool(x))),
            ],
            1,
        )


class AuxHead(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.pool = nn.AvgPool2d(5, 3, ceil_mode=True)
        self.conv = nn.Conv2d(cin, 128, 1)
        self.fc = nn.Linear(128 * 4 * 4, 1024)
        self.classifier = nn.Linear(1024, 1000)

    def forward(self, x):
        x = torch.relu(self.conv(self.pool(x)))
        # Our layout flattens (H, W, C); torch's (C, H, W): a permutation, same counts.
        x = torch.relu(self.fc(x.permute(0, 2, 3, 1).flatten(1)))
        return torch.softmax(self.classifier(x), 1)


class GoogLeNet(nn.Module):
    """BVLC bvlc_googlenet with torch layers: ceil pooling, LRN after pool1 and conv2."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3)
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.norm1 = nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0)
        self.conv2_reduce = nn.Conv2d(64, 64, 1)
        self.conv2 = nn.Conv2d(64, 192, 3, padding=1)
        self.norm2 = nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0)
        self.pool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.inc = nn.ModuleDict({k: Inception(*v) for k, v in INCEPTION.items()})
        self.pool3 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.pool4 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.pool5 = nn.AvgPool2d(7, 1)
        self.fc = nn.Linear(1024, 1000)
        self.aux1 = AuxHead(512)
        self.aux2 = AuxHead(528)

    def forward(self, x):
        r = torch.relu
        x = self.norm1(self.pool1(r(self.conv1(x))))
        x = self.pool2(self.norm2(r(self.conv2(r(self.conv2_reduce(x))))))
        heads = []
        for name, module in self.inc.items():
            x = module(x)
            if name in ("3b", "4e"):
                x = (self.pool3 if name == "3b" else self.pool4)(x)
            if name in ("4a", "4d"):
                heads.append((self.aux1 if name == "4a" else self.aux2)(x))
        x = self.pool5(x).flatten(1)
        return torch.softmax(self.fc(x), 1), heads


def _torch_name(op_name: str) -> str:
    """Our op name -> the module that computes it in the GoogLeNet above."""
    fixed = {"conv1": "conv1", "conv2/reduce": "conv2_reduce", "conv2/3x3": "conv2", "fc1": "fc"}
    if op_name in fixed:
        return fixed[op_name]
    block, _, part = op_name.partition("/")
    if block.startswith("aux"):
        return f"{block}.{part}"
    short = {
        "1x1": "b1",
        "3x3_reduce": "r3",
        "3x3": "c3",
        "5x5_reduce": "r5",
        "5x5": "c5",
        "pool_proj": "proj",
        "pool": "pool",
    }
    return f"inc.{block}.{short[part]}"


def test_googlenet_matches_torch_layer_by_layer():
    torch.manual_seed(0)
    model = GoogLeNet().eval()
    analysis = cost.analyse(network.build(spec.load_model("googlenet"), aux=True))
    modules = dict(model.named_modules())

    shapes = {}

    def hook(name):
        def record(_module, _inputs, output):
            shapes[name] = tuple(output.shape)

        return record

    for name, module in modules.items():
        if name:
            module.register_forward_hook(hook(name))
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, 224, 224))
    flops = {
        k.removeprefix("GoogLeNet."): sum(v.values()) for k, v in counter.get_flop_counts().items()
    }

    checked = 0
    for block in analysis.blocks:
        for c in block.ops:
            if c.op.kind not in ("conv", "linear", "pool") or block.name.startswith("pool"):
                continue
            name = _torch_name(c.op.name)
            module = modules[name]
            assert c.params == sum(p.numel() for p in module.parameters()), c.op.name
            assert c.macs * 2 == flops.get(name, 0), c.op.name
            _, ch, *hw = shapes[name]
            got = (*hw, ch) if hw else (1, 1, ch)
            assert c.op.out_shape == got, c.op.name
            checked += 1
    # conv1, conv2 (reduce + 3x3), fc, 9 modules x (6 convs + pool), 2 heads x (pool, conv, 2 fc)
    assert checked == 1 + 2 + 1 + 9 * 7 + 2 * 4
    assert analysis.totals.params == sum(p.numel() for p in model.parameters())
    assert analysis.totals.macs * 2 == counter.get_total_flops()


def test_googlenet_stand_alone_pools_and_lrn_match_torch_shapes():
    model = GoogLeNet().eval()
    seen = {}
    for name in ("pool1", "norm1", "norm2", "pool2", "pool3", "pool4", "pool5"):
        getattr(model, name).register_forward_hook(
            lambda _m, _i, out, name=name: seen.__setitem__(name, tuple(out.shape))
        )
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224))
    analysis = cost.analyse(network.build(spec.load_model("googlenet")))
    for block in analysis.blocks:
        if block.name in seen:
            _, c, h, w = seen[block.name]
            assert block.block.out_shape == (h, w, c), block.name
