"""compare-bottleneck: the notes' examples by hand, GoogLeNet's modules by hand (torch's
flop counter on the examples: test_bottleneck_torch.py).

Expected values are written out as the products the notes (and the issue) give, never
taken from the code under test.
"""

from __future__ import annotations

import json

import pytest
from tiny_spec import spec_text

from inception_cost import bottleneck, naive
from inception_cost.spec.read import load_model

EXAMPLES = {e.id: e for e in bottleneck.examples()}


def _checks(reading):
    return {c.quantity: c for c in reading.checks}


def test_example_a_direct_and_reduced_by_hand():
    r = EXAMPLES["A"].readings[0]
    assert r.baseline.macs == 14 * 14 * 48 * 5 * 5 * 480 == 112_896_000
    assert [c.macs for c in r.alternative.layers] == [1_505_280, 3_763_200]
    assert r.alternative.macs == 5_268_480
    assert r.baseline.weights == 576_000
    assert [c.weights for c in r.alternative.layers] == [7_680, 19_200]
    assert {c.quantity: c.status for c in r.checks} == {
        "direct_macs": "match",
        "reduced_macs": "match",
    }


def test_example_b_flags_the_wrong_second_term():
    r = EXAMPLES["B"].readings[0]
    assert r.baseline.macs == 11 * 11 * 30 * 5 * 5 * 300 == 27_225_000
    assert [c.macs for c in r.alternative.layers] == [181_500, 11 * 11 * 5 * 5 * 5 * 30]
    assert r.alternative.macs == 635_250
    checks = _checks(r)
    assert checks["direct_macs"].status == "match"
    assert checks["reduce_term_macs"].status == "match"
    assert checks["conv_term_macs"].status == "mismatch"
    assert "453,750" in checks["conv_term_macs"].note
    assert checks["reduced_macs"].status == "mismatch"
    assert "181500 + 21780" in checks["reduced_macs"].note


def test_example_b_padding_zero_reading_contradicts_the_output():
    stated = EXAMPLES["B"].readings[1]
    assert stated.baseline.out_shape == (7, 7, 30)
    assert stated.baseline.macs == 7 * 7 * 30 * 5 * 5 * 300 == 11_025_000
    assert [c.macs for c in stated.alternative.layers] == [181_500, 183_750]
    assert stated.alternative.macs == 365_250
    assert _checks(stated)["output"].status == "mismatch"
    assert any("7x7x30, not the 11x11x30" in f for f in stated.findings)


def test_example_c_gap_claim_is_truncated():
    r = EXAMPLES["C"].readings[0]
    assert r.baseline.weights == 7 * 7 * 1024 * 1024 == 51_380_224
    assert r.alternative.weights == 0
    fc = _checks(r)["fc_weights"]
    assert fc.status == "truncated" and "51.4M" in fc.note
    assert _checks(r)["gap_weights"].status == "match"


@pytest.mark.parametrize(("eid", "small", "large", "field"), [("D1", 27, 49, 7), ("D2", 18, 25, 5)])
def test_example_d_stacks_by_hand(eid, small, large, field):
    r = EXAMPLES[eid].readings[0]
    positions, pairs = 56 * 56, 256 * 256
    assert r.quantity("stack_weights_per_pair") == small
    assert r.quantity("large_weights_per_pair") == large
    assert r.quantity("stack_receptive_field") == field
    assert r.alternative.weights == small * pairs
    assert r.baseline.macs == positions * large * pairs
    assert r.alternative.macs == positions * small * pairs
    assert all(c.status == "match" for c in r.checks)


# GoogLeNet Table 1: (name, spatial size, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj)
TABLE1 = [
    ("3a", 28, 64, 96, 128, 16, 32, 32),
    ("3b", 28, 128, 128, 192, 32, 96, 64),
    ("4a", 14, 192, 96, 208, 16, 48, 64),
    ("4b", 14, 160, 112, 224, 24, 64, 64),
    ("4c", 14, 128, 128, 256, 24, 64, 64),
    ("4d", 14, 112, 144, 288, 32, 64, 64),
    ("4e", 14, 256, 160, 320, 32, 128, 128),
    ("5a", 7, 256, 160, 320, 32, 128, 128),
    ("5b", 7, 384, 192, 384, 48, 128, 128),
]


def test_googlenet_modules_naive_vs_built_by_hand():
    result = naive.modules(load_model("googlenet"))
    got = {m.name: m for m in result.modules}
    assert list(got) == [t[0] for t in TABLE1]
    c_in = 192
    for name, s, n1, r3, n3, r5, n5, proj in TABLE1:
        m = got[name]
        assert m.in_shape == (s, s, c_in)
        naive_weights = c_in * (n1 + 9 * n3 + 25 * n5)
        assert m.naive.weights == naive_weights
        assert m.naive.biases == n1 + n3 + n5
        assert m.naive.macs == s * s * naive_weights
        assert m.naive.block.out_shape == (s, s, n1 + n3 + n5 + c_in)
        built = c_in * (n1 + r3 + r5 + proj) + 9 * r3 * n3 + 25 * r5 * n5
        assert m.built.macs == s * s * built
        c_in = n1 + n3 + n5 + proj


def test_googlenet_whole_network_naive_by_hand():
    result = naive.modules(load_model("googlenet"))
    stem = 112 * 112 * 64 * 7 * 7 * 3 + 56 * 56 * 64 * 64 + 56 * 56 * 192 * 3 * 3 * 64
    macs, c = stem, 192
    for _, s, n1, _, n3, _, n5, _ in TABLE1:
        macs += s * s * c * (n1 + 9 * n3 + 25 * n5)
        c += n1 + n3 + n5
    macs += c * 1000  # the classifier after global average pooling
    assert result.naive.macs == macs == 12_568_061_056
    assert result.built.macs == 1_582_671_872
    assert result.naive_out == (7, 7, c) == (7, 7, 4944)


def test_custom_setting_and_expansion_is_said(run):
    out = run(
        "compare-bottleneck",
        "--input",
        "28x28x192",
        "--kernel",
        "5",
        "--out",
        "32",
        "--reduce",
        "16",
        "--format",
        "json",
    )
    assert out.exit_code == 0
    r = json.loads(out.stdout)["examples"][0]["readings"][0]
    assert r["baseline"]["macs"] == 28 * 28 * 32 * 25 * 192
    assert r["alternative"]["macs"] == 28 * 28 * 16 * 192 + 28 * 28 * 32 * 25 * 16
    out = run(
        "compare-bottleneck", "--input", "8x8x16", "--kernel", "3", "--out", "8", "--reduce", "32"
    )
    assert out.exit_code == 0 and "expands 16 channels to 32" in out.stdout


def test_default_output_names_the_wrong_term(run):
    out = run("compare-bottleneck", env={"NO_COLOR": "1"})
    assert out.exit_code == 0
    assert "✗ conv_term_macs: claimed 21780, computed 453,750: mismatch" in out.stdout
    assert "≈ fc_weights: claimed 51.3M" in out.stdout


def test_csv_has_every_quantity_with_its_verdict(run):
    out = run("compare-bottleneck", "--format", "csv")
    lines = out.stdout.splitlines()
    assert lines[0] == "example,reading,setting,quantity,computed,claimed,verdict,note"
    row = next(
        line for line in lines if line.startswith("B,") and ",conv_term_macs,453750," in line
    )
    assert ",21780,mismatch," in row


def test_markdown_and_network_formats(run):
    md = run("compare-bottleneck", "--model", "googlenet", "--format", "markdown").stdout
    assert "| network |  | 7x7x4944 | 7x7x1024 |" in md
    data = json.loads(run("compare-bottleneck", "-m", "googlenet", "--format", "json").stdout)
    assert data["schema_version"] == 3 and data["compared"] == "inception module"
    assert data["network"]["built"]["macs"] == 1_582_671_872
    assert isinstance(data["network"]["naive"]["macs"], int)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--input", "28x28x192", "--kernel", "5", "--out", "32"], "also needs --reduce"),
        (["--input", "28x28x192", "--kernel", "0", "--out", "32", "--reduce", "4"], "--kernel"),
        (["--input", "28x28x0", "--kernel", "3", "--out", "32", "--reduce", "4"], "zero"),
        (
            ["--input", "3x3x8", "--kernel", "7", "--out", "4", "--reduce", "2", "--padding", "0"],
            "7x7 kernel is larger than its padded input 3x3",
        ),
        (["-m", "googlenet", "--input", "8x8x8"], "without a SPEC"),
        (
            ["--input", "8x8x8", "--kernel", "3", "--out", "4", "--reduce", "2", "--padding", "-1"],
            "padding",
        ),
    ],
)
def test_bad_values_are_one_line_exit_2(run, args, message):
    out = run("compare-bottleneck", *args)
    assert out.exit_code == 2
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_spec_without_inception_rows_is_refused(run, write):
    path = write(spec_text("| convolution | 3x3/1 | 8x8x4 | 1 | | |\n"))
    out = run("compare-bottleneck", str(path))
    assert out.exit_code == 2 and "has no inception, inverted residual or bottleneck rows" in (
        out.stderr
    )
    assert out.stderr.startswith(f"{path}:7:3: error:")  # the table's first row


def test_the_inverted_residual_against_a_plain_3x3_by_hand():
    c = bottleneck.inverted((14, 14, 64), 96, 6)
    assert c.baseline.macs == 14 * 14 * 96 * 9 * 64  # 10,838,016
    # MobileNetV2's own formula, h w d' t (d' + k^2 + d''), at stride 1
    assert c.alternative.macs == 14 * 14 * 64 * 6 * (64 + 9 + 96) == 12_719_616
    assert c.alternative.weights == 64 * 384 + 9 * 384 + 384 * 96
    strided = bottleneck.inverted((14, 14, 64), 96, 6, stride=2)
    assert strided.alternative.macs == 196 * 64 * 384 + 49 * (9 * 384 + 384 * 96)


def test_resnet_basic_block_against_its_bottleneck_by_hand():
    c = bottleneck.residual_blocks((56, 56, 64), 64)
    assert c.baseline.macs == 2 * 56 * 56 * 9 * 64 * 64 == 231_211_008
    assert c.alternative.macs == 56 * 56 * (256 * 64 + 9 * 64 * 64 + 64 * 256) == 218_365_952
    assert (c.baseline.weights, c.alternative.weights) == (73_728, 69_632)


# MobileNetV2 Table 2: (t, c, n, s) after the 3x3/2 stem to 32 channels at 112x112
MOBILENETV2 = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2)]
MOBILENETV2 += [(6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def _mobilenetv2_blocks():
    """(name, input side, output side, cin, t, c, stride) of each of the 17 blocks."""
    side, cin = 112, 32
    for i, (t, c, n, s) in enumerate(MOBILENETV2):
        for j in range(n):
            stride = s if j == 0 else 1
            yield f"bottleneck{i + 1}/{j + 1}", side, side // stride, cin, t, c, stride
            side, cin = side // stride, c


def test_mobilenetv2_blocks_against_a_plain_3x3_by_hand():
    result = naive.modules(load_model("mobilenetv2"))
    assert result.unit == "inverted residual block"
    expected = list(_mobilenetv2_blocks())
    assert [m.name for m in result.modules] == [e[0] for e in expected]
    naive_blocks = 0
    for m, (_, side, out, cin, t, c, _) in zip(result.modules, expected, strict=True):
        assert m.in_shape == (side, side, cin)
        hidden = cin * t
        expand = side * side * cin * hidden if t != 1 else 0
        assert m.built.macs == expand + out * out * (9 * hidden + hidden * c)
        assert m.naive.macs == out * out * 9 * cin * c
        assert m.naive.params == 9 * cin * c + 2 * c  # the 3x3 and its batch norm
        naive_blocks += m.naive.macs
    stem = 112 * 112 * 9 * 3 * 32
    head = 7 * 7 * 320 * 1280 + 1280 * 1000
    assert result.naive.macs == stem + naive_blocks + head == 257_528_832
    assert result.built.macs == 300_774_272


# ResNet-50 Table 1: (bottleneck width, blocks, output side)
RESNET50 = [(64, 3, 56), (128, 4, 28), (256, 6, 14), (512, 3, 7)]


def test_resnet50_bottlenecks_against_the_basic_block_by_hand():
    result = naive.modules(load_model("resnet50"))
    assert result.unit == "bottleneck block"
    got = iter(result.modules)
    cin, side = 64, 56
    for stage, (width, n, out) in enumerate(RESNET50, start=2):
        c = 4 * width
        for j in range(n):
            m = next(got)
            assert (m.name, m.in_shape) == (f"conv{stage}_{j + 1}", (side, side, cin))
            shortcut = out * out * cin * c if j == 0 else 0  # projection where it widens
            # the paper strides the first 1x1: every conv of the block works at `out`
            built = out * out * (cin * width + 9 * width * width + width * c) + shortcut
            plain = out * out * (9 * cin * c + 9 * c * c) + shortcut
            assert (m.built.macs, m.naive.macs) == (built, plain)
            cin, side = c, out
    assert next(got, None) is None
    assert result.naive.macs == 55_507_943_424 and result.built.macs == 3_857_973_248
    assert result.naive_out == result.built_out == (7, 7, 2048)


def test_residual_spec_with_basic_blocks_is_refused(run):
    out = run("compare-bottleneck", "--model", "resnet18")
    assert out.exit_code == 2 and len(out.stderr.strip().splitlines()) == 1
    assert out.stderr.startswith("inception_cost/models/resnet18.md:")
    assert "resnet18 has no inception, inverted residual or bottleneck rows" in out.stderr


def test_resnext_and_mobilenetv2_formats(run):
    data = json.loads(run("compare-bottleneck", "-m", "resnext50", "--format", "json").stdout)
    assert data["compared"] == "bottleneck block" and "basic block" in data["naive_is"]
    assert data["modules"][0]["name"] == "conv2_1"
    md = run("compare-bottleneck", "-m", "mobilenetv2", "--format", "markdown").stdout
    assert "Each inverted residual block against" in md and "| bottleneck7/1 |" in md
