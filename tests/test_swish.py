"""EfficientNet's primitives: swish (SiLU), sigmoid and squeeze-and-excitation's channel-wise
multiply, each kernel against torch and each cost rule against hand arithmetic; a spec
whose convolutions use swish runs through `verify`."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from test_reference_torch import TOL, nchw, nhwc
from tiny_spec import spec_text

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.ops import Scale, Sigmoid, Swish
from inception_cost.reference import kernels, pointwise
from inception_cost.spec.read import load
from inception_cost.verify import verify

pytestmark = pytest.mark.torch

SHAPE = (3, 4, 5)  # H, W, C: 60 elements
ROWS = "| convolution | 3x3/1 | 8x8x4 | 1 | | |\n| convolution | 3x3/2 | 4x4x6 | 1 | | |\n"
SWISH = 'input = "8x8x3"\n[conventions]\nconv_activation = "swish"'


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_kernels_match_torch(dtype):
    rng = np.random.default_rng(11)
    x = (rng.standard_normal((2, *SHAPE)) * 30).astype(dtype)  # past exp's float32 range
    gates = rng.uniform(0, 1, (2, 1, 1, SHAPE[2])).astype(dtype)
    np.testing.assert_allclose(pointwise.swish(x), nhwc(F.silu(nchw(x))), **TOL[dtype])
    np.testing.assert_allclose(pointwise.sigmoid(x), nhwc(torch.sigmoid(nchw(x))), **TOL[dtype])
    np.testing.assert_allclose(kernels.scale(x, gates), nhwc(nchw(x) * nchw(gates)), **TOL[dtype])


def test_cost_rules_by_hand():
    one = ((SHAPE,), SHAPE)
    swish = cost.op_cost(Swish("s", ("input",), *one), batch=2)
    assert (swish.other.exp, swish.other.add, swish.other.div, swish.other.mul) == (120,) * 4
    sigmoid = cost.op_cost(Sigmoid("g", ("input",), *one), batch=2)
    assert (sigmoid.other.exp, sigmoid.other.add, sigmoid.other.div) == (120,) * 3
    assert sigmoid.other.mul == 0
    scale = cost.op_cost(Scale("x", ("input", "g"), (SHAPE, (1, 1, 5)), SHAPE), batch=2)
    assert scale.other.total == scale.other.mul == 120  # one product per element
    assert all(c.macs == c.params == 0 and c.activations == 120 for c in (swish, sigmoid, scale))


def test_swish_convention_builds_and_verifies(write):
    s = load(write(spec_text(ROWS, SWISH)))
    acts = [op.kind for op in build(s).ops() if op.kind not in ("conv",)]
    assert acts == ["swish", "swish"]
    v = verify(s, dtype="float64")
    assert v.ok and not v.mismatches()
    assert v.executed_macs == v.analytic_macs == 8 * 8 * 4 * 27 + 4 * 4 * 6 * 36


def test_presets_match_the_tools_on_swish(write):
    """nn.SiLU modules, as torchvision's EfficientNet writes them: ptflops (the patched
    F.silu, no module hook) and calflops count each element once, the others not at all."""
    from test_presets_torch import _tool_counts, assert_tools_match

    analysis = cost.analyse(build(load(write(spec_text(ROWS, SWISH)))))
    torch.manual_seed(0)
    twin = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, 1, 1), torch.nn.SiLU(), torch.nn.Conv2d(4, 6, 3, 2, 1)
    )
    twin.append(torch.nn.SiLU())
    tools = _tool_counts(twin.eval(), (3, 8, 8))
    products, swish = 8 * 8 * 4 * 27 + 4 * 4 * 6 * 36, 8 * 8 * 4 + 4 * 4 * 6
    bias_adds = 8 * 8 * 4 + 4 * 4 * 6
    assert tools["ptflops"][1] == products + bias_adds + swish  # hand arithmetic
    assert tools["calflops"][1] == 2 * products + bias_adds + swish
    assert_tools_match(analysis, tools)
