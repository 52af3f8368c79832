"""The NumPy reference against torch: each kernel against torch.nn.functional, and the
executor against a GoogLeNet written in torch, outputs and MACs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode
from torch_googlenet import GoogLeNet, torch_name

from inception_cost.builder import build
from inception_cost.reference import executor, kernels, pointwise, weights
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.torch


TOL = {"float32": dict(rtol=1e-4, atol=1e-5), "float64": dict(rtol=1e-10, atol=1e-12)}


def nchw(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def nhwc(t: torch.Tensor) -> np.ndarray:
    return t.permute(0, 2, 3, 1).numpy()


@st.composite
def conv_cases(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    cin = groups * draw(st.integers(1, 3))
    cout = groups * draw(st.integers(1, 3))
    k = draw(st.integers(1, 5))
    pad = draw(st.integers(0, k // 2 + 1))
    size = draw(st.integers(max(1, k - 2 * pad), 12))
    stride = draw(st.integers(1, 3))
    dtype = draw(st.sampled_from(["float32", "float64"]))
    return cin, cout, k, stride, pad, groups, size, dtype, draw(st.booleans())


@settings(max_examples=60, deadline=None)
@given(conv_cases())
def test_conv2d_matches_torch(case):
    cin, cout, k, stride, pad, groups, size, dtype, bias = case
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, size, size + 1, cin)).astype(dtype)
    w = rng.standard_normal((k, k, cin // groups, cout)).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype) if bias else None
    y, macs = kernels.conv2d(x, w, b, stride, pad, groups)
    tw = torch.from_numpy(np.ascontiguousarray(w.transpose(3, 2, 0, 1)))
    with FlopCounterMode(display=False) as counter:
        t = F.conv2d(
            nchw(x), tw, None if b is None else torch.from_numpy(b), stride, pad, 1, groups
        )
    np.testing.assert_allclose(y, nhwc(t), **TOL[dtype])
    assert macs == counter.get_total_flops() // 2


@st.composite
def pool_cases(draw):
    k = draw(st.integers(1, 5))
    pad = draw(st.integers(0, k // 2))
    size = draw(st.integers(k, 14))
    return (
        k,
        draw(st.integers(1, 3)),
        pad,
        size,
        draw(st.booleans()),
        draw(st.sampled_from(["float32", "float64"])),
    )


@settings(max_examples=60, deadline=None)
@given(pool_cases(), st.sampled_from(["max", "avg"]))
def test_pools_match_torch_in_both_roundings(case, mode):
    k, stride, pad, size, ceil, dtype = case
    x = np.random.default_rng(2).standard_normal((2, size, size + 2, 3)).astype(dtype)
    ours = kernels.max_pool2d if mode == "max" else kernels.avg_pool2d
    theirs = F.max_pool2d if mode == "max" else F.avg_pool2d
    y = ours(x, (k, k), stride, (pad, pad), ceil)
    np.testing.assert_allclose(
        y, nhwc(theirs(nchw(x), k, stride, pad, ceil_mode=ceil)), **TOL[dtype]
    )


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from([1, 3, 5, 7]),
    st.floats(1e-5, 1.0),
    st.sampled_from([0.5, 0.75, 1.0]),
    st.floats(0.5, 2.0),
    st.sampled_from(["float32", "float64"]),
)
def test_lrn_matches_torch(size, alpha, beta, k, dtype):
    x = (np.random.default_rng(3).standard_normal((2, 4, 5, 9)) * 3).astype(dtype)
    y = kernels.local_response_norm(x, size, alpha, beta, k)
    t = F.local_response_norm(nchw(x), size, alpha, beta, k)
    np.testing.assert_allclose(y, nhwc(t), **TOL[dtype])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_relu_linear_match_torch(dtype):
    rng = np.random.default_rng(4)
    x = (rng.standard_normal((3, 2, 2, 7)) * 20).astype(dtype)
    np.testing.assert_allclose(kernels.softmax(x), nhwc(torch.softmax(nchw(x), 1)), **TOL[dtype])
    np.testing.assert_array_equal(kernels.relu(x), nhwc(torch.relu(nchw(x))))
    w, b = rng.standard_normal((28, 5)).astype(dtype), rng.standard_normal(5).astype(dtype)
    y, _ = kernels.linear(x, w, b)
    t = F.linear(
        torch.from_numpy(x.reshape(3, -1)), torch.from_numpy(w.T.copy()), torch.from_numpy(b)
    )
    np.testing.assert_allclose(y.reshape(3, 5), t.numpy(), **TOL[dtype])


def _load_into_torch(model: GoogLeNet, net, w: dict, dtype) -> None:
    model.to(getattr(torch, dtype))  # before copying, or float64 weights round through float32
    modules = dict(model.named_modules())
    with torch.no_grad():
        for op in net.ops():
            if op.kind not in ("conv", "linear"):
                continue
            m = modules[torch_name(op.name)]
            weight = w[f"{op.name}.weight"]
            weight = weight.transpose(3, 2, 0, 1) if op.kind == "conv" else weight.T
            m.weight.copy_(torch.from_numpy(np.ascontiguousarray(weight)))
            m.bias.copy_(torch.from_numpy(w[f"{op.name}.bias"]))


@pytest.mark.parametrize(
    ("dtype", "rtol", "atol"), [("float32", 2e-3, 1e-6), ("float64", 1e-9, 1e-14)]
)
def test_googlenet_outputs_and_macs_match_torch(dtype, rtol, atol):
    net = build(load_model("googlenet"), aux=True)
    w = weights.init_weights(net, seed=5, dtype=dtype)
    x = weights.random_input(net.input_shape, 2, seed=5, dtype=dtype)
    run = executor.run(net, w, x)
    model = GoogLeNet().eval()
    _load_into_torch(model, net, w, dtype)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        main, heads = model(nchw(x))
    outs = run.outputs
    np.testing.assert_allclose(outs["softmax1"].reshape(2, -1), main.numpy(), rtol=rtol, atol=atol)
    for name, head in zip(("aux1/softmax", "aux2/softmax"), heads, strict=True):
        np.testing.assert_allclose(outs[name].reshape(2, -1), head.numpy(), rtol=rtol, atol=atol)
    flops = {
        k.removeprefix("GoogLeNet."): sum(v.values()) for k, v in counter.get_flop_counts().items()
    }
    multiplied = [t for t in run.trace if t.kind in ("conv", "linear")]
    assert len(multiplied) == 1 + 2 + 1 + 9 * 6 + 2 * 3
    for t in multiplied:
        assert t.macs == flops[torch_name(t.name)] // 2, t.name


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batch_norm_add_shortcut_tanh_match_torch(dtype):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 6, 5, 4)).astype(dtype)
    g, b, m = (rng.standard_normal(4).astype(dtype) for _ in range(3))
    v = rng.uniform(0.5, 2, 4).astype(dtype)
    t = F.batch_norm(nchw(x), *(torch.from_numpy(a) for a in (m, v, g, b)), eps=1e-3)
    np.testing.assert_allclose(kernels.batch_norm(x, g, b, m, v, 1e-3), nhwc(t), **TOL[dtype])
    np.testing.assert_array_equal(kernels.add([x, x, x]), nhwc(nchw(x) * 3))
    sc = kernels.zero_pad_shortcut(x, 2, 7)
    want = F.pad(nchw(x)[:, :, ::2, ::2], (0, 0, 0, 0, 0, 3))
    np.testing.assert_array_equal(sc, nhwc(want))
    squash = 1.7159 * torch.tanh(nchw(x) * (2 / 3))
    np.testing.assert_allclose(pointwise.scaled_tanh(x, 1.7159, 2 / 3), nhwc(squash), **TOL[dtype])


@pytest.mark.parametrize("size", [2, 4, 8, 9, 10, 21])
def test_lrn_wider_than_the_channels_matches_torch(size):
    """torch pads the channel axis with zeros for any size; 4 channels here (issue 13)."""
    x = (np.random.default_rng(5).standard_normal((1, 3, 3, 4)) * 3).astype("float64")
    y = kernels.local_response_norm(x, size, 1e-2, 0.75, 1.0)
    t = F.local_response_norm(nchw(x), size, 1e-2, 0.75, 1.0)
    np.testing.assert_allclose(y, nhwc(t), **TOL["float64"])
