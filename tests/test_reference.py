"""The NumPy reference: kernels against torch.nn.functional and by hand, the executor and
`verify` against a GoogLeNet written in torch, and the memory guard."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode
from torch_googlenet import GoogLeNet, torch_name

from inception_cost import network, spec
from inception_cost.reference import executor, kernels, memory, weights
from inception_cost.verify import verify

TOL = {"float32": dict(rtol=1e-4, atol=1e-5), "float64": dict(rtol=1e-10, atol=1e-12)}


def nchw(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def nhwc(t: torch.Tensor) -> np.ndarray:
    return t.permute(0, 2, 3, 1).numpy()


# ------------------------------------------------------------------ kernels by hand


def test_conv2d_by_hand():
    x = np.arange(9, dtype=np.float64).reshape(1, 3, 3, 1)  # 0..8 row-major
    w = np.ones((2, 2, 1, 1))
    y, macs = kernels.conv2d(x, w, np.array([0.5]), stride=1, padding=0)
    assert y[0, :, :, 0].tolist() == [[8.5, 12.5], [20.5, 24.5]]  # 0+1+3+4 + 0.5, ...
    assert macs == 4 * 4  # 2x2 outputs, 4 taps each


def test_max_pool_ceil_keeps_the_partial_window():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    y = kernels.max_pool2d(x, (3, 3), 2, (0, 0), ceil=True)
    assert y[0, :, :, 0].tolist() == [[10, 11], [14, 15]]
    assert kernels.max_pool2d(x, (3, 3), 2, (0, 0), ceil=False).shape == (1, 1, 1, 1)


def test_avg_pool_counts_padding_but_not_the_overhang():
    x = np.ones((1, 3, 3, 1))
    y = kernels.avg_pool2d(x, (2, 2), 2, (1, 1), ceil=False)
    # corner window holds 1 input and 3 padding cells: 1/4
    assert y[0, 0, 0, 0] == 0.25


def test_lrn_by_hand():
    x = np.array([1.0, 2.0, 3.0]).reshape(1, 1, 1, 3)
    y = kernels.local_response_norm(x, size=3, alpha=3.0, beta=0.75, k=1.0)
    # channel 0 sees 0^2 + 1^2 + 2^2 = 5 -> 1 / (1 + 3/3 * 5)^0.75
    assert y[0, 0, 0, 0] == pytest.approx(1 / 6**0.75)
    assert y[0, 0, 0, 1] == pytest.approx(2 / 15**0.75)
    assert y[0, 0, 0, 2] == pytest.approx(3 / 14**0.75)


def test_softmax_is_stable_and_sums_to_one():
    y = kernels.softmax(np.array([1000.0, 1001.0]).reshape(1, 1, 1, 2))
    assert np.isfinite(y).all()
    assert y[0, 0, 0].tolist() == pytest.approx([1 / (1 + np.e), np.e / (1 + np.e)])


def test_linear_flattens_h_w_c_and_counts_macs():
    x = np.arange(8, dtype=np.float64).reshape(1, 2, 2, 2)
    w = np.eye(8)[:, :3]
    y, macs = kernels.linear(x, w, None)
    assert y.ravel().tolist() == [0, 1, 2] and macs == 8 * 3


# ------------------------------------------------------------------ kernels vs torch


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


# ------------------------------------------------------------------ the whole network vs torch


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
    net = network.build(spec.load_model("googlenet"), aux=True)
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


def test_executor_frees_and_overwrites_in_place():
    net = network.build(spec.load_model("googlenet"))
    last = executor.last_readers(net)
    assert last["input"] == 0 and "softmax1" not in last
    x = weights.random_input(net.input_shape, 1, dtype="float32")
    run = executor.run(net, weights.init_weights(net), x, check_finite=False)
    assert set(run.outputs) == {"softmax1"}
    assert all(t.finite is None for t in run.trace)


def test_weights_layout_and_seed():
    net = network.build(spec.load_model("googlenet"))
    a, b = weights.init_weights(net, seed=1), weights.init_weights(net, seed=1)
    assert a["conv1.weight"].shape == (7, 7, 3, 64) and a["fc1.weight"].shape == (1024, 1000)
    assert np.array_equal(a["3a/5x5.weight"], b["3a/5x5.weight"])
    assert sum(v.size for v in a.values()) == 6_998_552  # the analysis's params, by hand
    std = a["3a/5x5.weight"].std()
    assert 0.8 < std / np.sqrt(2 / (5 * 5 * 16)) < 1.2  # He: sqrt(2 / fan_in)


# ------------------------------------------------------------------ verify and the memory guard


def test_verify_googlenet_passes_with_aux_and_batch():
    v = verify(spec.load_model("googlenet"), aux=True, batch=2)
    assert v.ok and v.finite and not v.mismatches()
    heads = sum(16 * 128 * c + 2048 * 1024 + 1024 * 1000 for c in (512, 528))  # 4x4 conv, 2 fc
    assert v.executed_macs == v.analytic_macs == 2 * (1_582_671_872 + heads)
    assert {s.name for s in v.softmax} == {"softmax1", "aux1/softmax", "aux2/softmax"}
    assert 0 < v.measured <= v.estimate.run


def test_verify_cli_exit_0_and_json(run):
    out = run("verify", "--model", "googlenet", "--format", "json")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["ok"] and data["macs"]["run"] == 1_582_671_872 and data["schema_version"] == 2
    mem = data["memory_bytes"]
    # the run holds at least GoogLeNet's weights (6,998,552 x 4 bytes) and its input
    assert 6_998_552 * 4 + 224 * 224 * 3 * 4 < mem["measured"] <= mem["run"]


def test_verify_names_a_mismatch_and_exits_1(run, monkeypatch):
    real = kernels.linear

    def miscounting(x, w, b):
        y, macs = real(x, w, b)
        return y, macs + 1

    monkeypatch.setattr(kernels, "linear", miscounting)
    out = run("verify", "--model", "googlenet", env={"NO_COLOR": "1"})
    assert out.exit_code == 1
    assert "✗ mismatch: fc1: 1,024,000 MACs analysed, 1,024,001 run" in out.stdout


def test_memory_guard_refuses_before_allocating(run):
    out = run("verify", "--batch", "100000")
    assert out.exit_code == 2
    line = out.stderr.strip()
    assert len(line.splitlines()) == 1 and "needs about" in line and "--max-memory" in line
    out = run("verify", "--max-memory", "1M")
    assert out.exit_code == 2 and "over the 0.00 GB limit" in out.stderr
    out = run("verify", "--max-memory", "lots")
    assert out.exit_code == 2 and "4G" in out.stderr


def test_memory_estimate_by_hand():
    net = network.build(spec.load_model("googlenet"))
    e = memory.estimate(net, 1, "float32")
    assert e.weights == 6_998_552 * 4
    # at conv2's 3x3: the input (verify holds it to the end), the 1x1 reduction's output
    # (its ReLU in place), the 3x3's output; its padded input and two im2col chunks (the
    # next is copied while the last is still bound) of 2 MiB // (56 positions x 576 taps
    # x 4 bytes) = 16 output rows; and the bookkeeping allowance per op
    assert e.peak_op == "conv2/3x3"
    assert e.peak_activations == (224 * 224 * 3 + 56 * 56 * 64 + 56 * 56 * 192) * 4
    assert e.peak_workspace == (58 * 58 * 64 + 2 * 16 * 56 * 576) * 4
    assert e.bookkeeping == 64 * 1024 + 512 * len(list(net.ops()))


# ------------------------------------------------------------------ the other networks' kernels


def test_subsample_by_hand():
    x = np.arange(16, dtype="float64").reshape(1, 4, 4, 1)
    y, macs = kernels.subsample(x, np.array([0.5]), np.array([1.0]), (2, 2), 2)
    # top-left window 0 + 1 + 4 + 5 = 10: 0.5 x 10 + 1
    assert y[0, :, :, 0].tolist() == [[6.0, 10.0], [22.0, 26.0]]
    assert macs == 4 * 4  # four outputs, four connections each


def test_rbf_by_hand():
    x = np.array([[[[1.0, 2.0]]]])
    centres = np.array([[1.0, 0.0], [0.0, 2.0]])  # (in, units): unit 0 = (1, 0), unit 1 = (0, 2)
    y, macs = kernels.rbf(x, centres)
    assert y.ravel().tolist() == [4.0, 1.0]  # (0^2 + 2^2), (1^2 + 0^2)
    assert macs == 4


def test_table_conv_counts_only_connected_weights():
    table = ((0,), (0, 1), (1, 2))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 5, 5, 3))
    w = rng.standard_normal((3, 3, 3, 3))
    for o, reads in enumerate(table):
        w[:, :, [i for i in range(3) if i not in reads], o] = 0
    y, macs = kernels.conv2d_table(x, w, np.zeros(3), table)
    dense, _ = kernels.conv2d(x, w, np.zeros(3))
    np.testing.assert_allclose(y, dense, rtol=1e-12)  # the zeros change nothing
    assert macs == 3 * 3 * 9 * (1 + 2 + 2)  # positions x taps x connected inputs


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
    np.testing.assert_allclose(kernels.scaled_tanh(x, 1.7159, 2 / 3), nhwc(squash), **TOL[dtype])


READINGS = [
    (m, variant)
    for m in spec.model_names()
    for variant in ("", *(v.name for v in spec.load_model(m).variants))
]


@pytest.mark.parametrize(("model", "variant"), READINGS)
def test_verify_passes_on_every_bundled_model_and_variant(model, variant):
    result = verify(spec.load_model(model), variant=variant)
    assert result.ok, result.mismatches()
    assert result.analytic_macs == result.executed_macs > 0
    # the estimate bounds what the run itself allocated (tracemalloc sees NumPy's buffers)
    assert 0 < result.measured <= result.estimate.run
