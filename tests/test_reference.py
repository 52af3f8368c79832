"""The NumPy reference: kernels by hand, the executor, `verify` and the memory guard (the
kernels and the whole GoogLeNet against torch: test_reference_torch.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from inception_cost.builder import build
from inception_cost.reference import executor, kernels, memory, weights
from inception_cost.spec.read import load_model, model_names
from inception_cost.verify import verify

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


# ------------------------------------------------------------------ the executor and weights


def test_executor_frees_and_overwrites_in_place():
    net = build(load_model("googlenet"))
    last = executor.last_readers(net)
    assert last["input"] == 0 and "softmax1" not in last
    x = weights.random_input(net.input_shape, 1, dtype="float32")
    run = executor.run(net, weights.init_weights(net), x, check_finite=False)
    assert set(run.outputs) == {"softmax1"}
    assert all(t.finite is None for t in run.trace)


def test_weights_layout_and_seed():
    net = build(load_model("googlenet"))
    a, b = weights.init_weights(net, seed=1), weights.init_weights(net, seed=1)
    assert a["conv1.weight"].shape == (7, 7, 3, 64) and a["fc1.weight"].shape == (1024, 1000)
    assert np.array_equal(a["3a/5x5.weight"], b["3a/5x5.weight"])
    assert sum(v.size for v in a.values()) == 6_998_552  # the analysis's params, by hand
    std = a["3a/5x5.weight"].std()
    assert 0.8 < std / np.sqrt(2 / (5 * 5 * 16)) < 1.2  # He: sqrt(2 / fan_in)


# ------------------------------------------------------------------ verify and the memory guard


def test_verify_googlenet_passes_with_aux_and_batch():
    v = verify(load_model("googlenet"), aux=True, batch=2)
    assert v.ok and v.finite and not v.mismatches()
    heads = sum(16 * 128 * c + 2048 * 1024 + 1024 * 1000 for c in (512, 528))  # 4x4 conv, 2 fc
    assert v.executed_macs == v.analytic_macs == 2 * (1_582_671_872 + heads)
    assert {s.name for s in v.softmax} == {"softmax1", "aux1/softmax", "aux2/softmax"}
    assert 0 < v.measured <= v.estimate.run


def test_verify_cli_exit_0_and_json(run):
    out = run("verify", "--model", "googlenet", "--format", "json")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["ok"] and data["macs"]["run"] == 1_582_671_872 and data["schema_version"] == 3
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
    net = build(load_model("googlenet"))
    e = memory.estimate(net, 1, "float32")
    assert e.weights == 6_998_552 * 4
    # at conv2's 3x3: the input (verify holds it to the end), the 1x1 reduction's output
    # (its ReLU in place), the 3x3's output; its padded input and one im2col chunk: the
    # whole image, 56 x 56 positions x 576 taps x 4 bytes = 7.2 MB, under the 8 MiB of a
    # chunk; and the bookkeeping allowance per op
    assert e.peak_op == "conv2/3x3"
    assert e.peak_activations == (224 * 224 * 3 + 56 * 56 * 64 + 56 * 56 * 192) * 4
    assert e.peak_workspace == (58 * 58 * 64 + 56 * 56 * 576) * 4
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


READINGS = [
    (m, variant)
    for m in model_names()
    for variant in ("", *(v.name for v in load_model(m).variants))
]


@pytest.mark.slow
@pytest.mark.parametrize(("model", "variant"), READINGS)
def test_verify_passes_on_every_bundled_model_and_variant(model, variant):
    result = verify(load_model(model), variant=variant)
    assert result.ok, result.mismatches()
    assert result.analytic_macs == result.executed_macs > 0
    # the estimate bounds what the run itself allocated (tracemalloc sees NumPy's buffers)
    assert 0 < result.measured <= result.estimate.run
