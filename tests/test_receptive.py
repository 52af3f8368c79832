"""Receptive fields against the published table of google-research's receptive_field
library (the code behind Araujo, Norris and Sim, Distill 2019), hand arithmetic, and the
command in every format. The torch check is in test_receptive_torch.py."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction

import pytest

from inception_cost.builder import build
from inception_cost.ops import Add, Conv2d
from inception_cost.receptive import Field, for_spec, merge
from inception_cost.spec.read import load_model

# receptive_field/RECEPTIVE_FIELD_TABLE.md, vgg_16 (size / effective stride / effective
# padding). TF-slim's VGG pads its 3x3 convolutions by 1 on both sides ("SAME" at stride
# 1 is symmetric) and its 2x2/2 pools not at all, as the bundled spec does.
VGG16_PUBLISHED = {
    "conv1_1": (3, 1, 1),
    "pool1": (6, 2, 2),
    "conv2_1": (10, 2, 4),
    "pool2": (16, 4, 6),
    "conv3_1": (24, 4, 10),
    "conv3_2": (32, 4, 14),
    "pool3": (44, 8, 18),
    "conv4_1": (60, 8, 26),
    "conv4_2": (76, 8, 34),
    "pool4": (100, 16, 42),
    "conv5_1": (132, 16, 58),
    "conv5_2": (164, 16, 74),
    "pool5": (212, 32, 90),
}
# The bundled VGG-16 names its rows in order: conv1..conv13, pool1..pool5.
VGG16_ROWS = {
    "conv1_1": "conv1",
    "pool1": "pool1",
    "conv2_1": "conv3",
    "pool2": "pool2",
    "conv3_1": "conv5",
    "conv3_2": "conv6",
    "pool3": "pool3",
    "conv4_1": "conv8",
    "conv4_2": "conv9",
    "pool4": "pool4",
    "conv5_1": "conv11",
    "conv5_2": "conv12",
    "pool5": "pool5",
}


def _rows(model: str, **kw):
    return {r.name: r for r in for_spec(load_model(model), **kw).rows}


def _ops(model: str):
    return {o.op.name: o for r in for_spec(load_model(model)).rows for o in r.ops}


def test_vgg16_matches_the_published_table():
    rows = _rows("vgg16")
    for published, (size, stride, padding) in VGG16_PUBLISHED.items():
        f = rows[VGG16_ROWS[published]].field
        assert (f.size, f.stride, f.padding) == ((size,) * 2, (stride,) * 2, (padding,) * 2), (
            published
        )


def test_alexnet_matches_alexnet_v2():
    # receptive_field's alexnet_v2 rows: the same windows (11x11/4 valid, 3x3/2 pools,
    # 5x5 and 3x3 convolutions padded to keep their size).
    published = {
        "conv1": (11, 4, 0),
        "pool1": (19, 8, 0),
        "conv2": (51, 8, 16),
        "conv3": (99, 16, 32),
        "conv4": (131, 16, 48),
        "conv5": (163, 16, 64),
        "pool5": (195, 32, 64),
    }
    rows = _rows("alexnet")
    for name, (size, stride, padding) in published.items():
        f = rows[name].field
        assert (f.size[0], f.stride[0], f.padding[0]) == (size, stride, padding), name


def test_googlenet_stem_matches_inception_v2_sizes_and_strides():
    # inception_v2: Conv2d_1a_7x7 7/2, MaxPool_2a_3x3 11/4, Conv2d_2b_1x1 11/4,
    # Conv2d_2c_3x3 19/4, MaxPool_3a_3x3 27/8, Mixed_3b 59/8, Mixed_3c 91/8.
    ops, rows = _ops("googlenet"), _rows("googlenet")
    got = [
        ops["conv1"].field,
        rows["pool1"].field,
        ops["conv2/reduce"].field,
        rows["conv2"].field,
        rows["pool2"].field,
        rows["3a"].field,
        rows["3b"].field,
    ]
    expected = [(7, 2), (11, 4), (11, 4), (19, 4), (27, 8), (59, 8), (91, 8)]
    assert [(f.size[0], f.stride[0]) for f in got] == expected
    # Padding differs: at 224 TF "SAME" pads the 7x7/2 by 2 on the left (3 on the right)
    # and pads its pools; Caffe pads 3 on both sides and not the stand-alone pools.
    # Published at 224: 2, 2, 2, 6, 6, 22, 38. Ours, by hand from 3/0/0 then 1x1, 3x3 pad 1:
    assert [f.padding[0] for f in got] == [3, 3, 3, 3 + 1 * 4, 7, 7 + 2 * 8, 23 + 2 * 8]


def test_inception_paths_are_aligned_and_the_row_takes_the_largest():
    row = _rows("googlenet")["3a"]
    # pool2 gives 27/8/7; a 1x1 keeps it, 3x3 pad 1 adds 2 x 8, 5x5 pad 2 adds 4 x 8,
    # the 3x3/1 pool pad 1 before the projection adds 2 x 8.
    assert [(b.label, b.field.size[0], b.field.padding[0]) for b in row.branches] == [
        ("3a/1x1", 27, 7),
        ("3a/3x3", 43, 15),
        ("3a/5x5", 59, 23),
        ("3a/pool_proj", 43, 15),
    ]
    assert row.aligned and row.field.size == (59, 59)
    assert {b.field.centre for b in row.branches} == {(Fraction(6), Fraction(6))}


def test_residual_paths_and_shortcut():
    rows = _rows("resnet18")
    # conv1 7/2/3, pool1 3x3/2 pad 1: 11/4/5; two basic blocks add four 3x3s: 11 + 4 x 2 x 4.
    assert rows["conv2_x"].field.size == (43, 43)
    assert [(b.label, b.field.size[0]) for b in rows["conv2_x"].branches] == [
        ("conv2_2/conv2", 43),
        ("identity", 27),
    ]
    # conv3_1's first 3x3 has stride 2 (pad 1) and its projection 1x1/2: still aligned.
    assert rows["conv3_x"].aligned and rows["conv3_x"].field.stride == (8, 8)


def test_even_kernels_centre_between_pixels():
    f = _rows("vgg16")["pool1"].field  # 6/2/2: unit 0 sees pixels -2..3
    assert f.centre == (Fraction(1, 2), Fraction(1, 2))
    assert f.span((0, 0)) == ((-2, -2), (3, 3))


def test_global_pooling_and_linear_take_the_whole_map():
    rows = _rows("resnet18")
    # conv5_x 7x7 map: field + (7 - 1) x 32.
    assert rows["pool5"].field.size[0] == rows["conv5_x"].field.size[0] + 6 * 32
    assert rows["fc"].field == rows["pool5"].field  # the linear layer reads a 1x1 map
    # VGG's fc6 reads pool5's 7x7 map: 212 + 6 x 32.
    assert _rows("vgg16")["fc1"].field.size == (404, 404)


def test_dilation_widens_the_kernel():
    # A 3x3 with dilation 2 spans 5 pixels: on a 3/2/1 field, 3 + 4 x 2.
    f = Field((3, 3), (2, 2), (1, 1)).then((3, 3), (1, 1), (2, 2), (2, 2))
    assert f == Field((11, 11), (2, 2), (5, 5))


def test_misaligned_paths_are_reported():
    shape = (4, 4, 1)
    add = Add("add", ("a", "b"), (shape, shape), shape)
    # Same size and stride, shifted by one pixel: a 3x3 padded 1 against one padded 0.
    out = merge(add, (Field((3, 3), (1, 1), (1, 1)), Field((3, 3), (1, 1), (0, 0))))
    assert not out.aligned
    assert merge(add, (Field((3, 3), (1, 1), (1, 1)), Field((1, 1), (1, 1), (0, 0)))).aligned


def test_grouped_and_separable_convolutions_see_the_same_window():
    conv = Conv2d("c", ("input",), ((8, 8, 4),), (8, 8, 4), (3, 3), 1, (1, 1), groups=4)
    from inception_cost.receptive import chain

    assert chain([conv]) == Field((3, 3), (1, 1), (1, 1))
    rows = _rows("googlenet", variant="separable")
    assert rows["conv1"].field == Field((7, 7), (2, 2), (3, 3))


def test_bottleneck_stack_fields_come_from_here():
    from inception_cost import bottleneck

    assert bottleneck.stacking((56, 56, 8), 7, 3, 3).quantity("stack_receptive_field") == 7
    assert bottleneck.stacking((56, 56, 8), 5, 3, 2).quantity("stack_receptive_field") == 5


# -- the command --------------------------------------------------------------------------


def test_receptive_json(run):
    result = run("receptive", "-m", "googlenet", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    row = next(r for r in data["rows"] if r["name"] == "3b")
    assert (row["size"], row["stride"], row["aligned"]) == ([91, 91], [8, 8], True)
    assert [p["size"][0] for p in row["paths"]] == [59, 75, 91, 75]
    assert data["aligned"] is True and "ops" not in row


def test_receptive_csv_expand(run):
    result = run("receptive", "-m", "vgg16", "--expand", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    pool1 = next(r for r in rows if r["op"] == "pool1")
    assert (pool1["size_h"], pool1["stride_h"], pool1["padding_h"], pool1["centre_h"]) == (
        "6",
        "2",
        "2",
        "0.5",
    )


def test_receptive_markdown_and_rich(run):
    md = run("receptive", "-m", "googlenet", "--format", "markdown").stdout
    assert "| 3a | inception | 28x28x256 | 59 | 8 | 23 | 6 | yes |" in md
    assert "TF 'SAME'" in md
    rich = run("receptive", "-m", "resnet18").stdout
    assert "paths of conv2_x, conv3_x, conv4_x, conv5_x: conv2 · identity" in rich


def test_receptive_input_changes_only_whole_map_rows(run):
    data = json.loads(run("receptive", "-m", "resnet18", "--format", "json").stdout)
    small = json.loads(
        run("receptive", "-m", "resnet18", "--input", "448x448x3", "--format", "json").stdout
    )
    assert data["rows"][5]["size"] == small["rows"][5]["size"]  # conv5_x
    # pool5 now averages a 14x14 map: 7 more positions of stride 32.
    assert small["rows"][6]["size"][0] - data["rows"][6]["size"][0] == 7 * 32


def test_receptive_unknown_model_is_one_line(run):
    result = run("receptive", "-m", "nope")
    assert result.exit_code == 2 and "\n" not in result.stderr.strip()


@pytest.mark.parametrize("model", ["lenet5", "zfnet", "googlenet-mnist", "resnet50"])
def test_every_bundled_kind_has_a_rule(model):
    r = for_spec(load_model(model))
    assert r.aligned and all(row.field.size[0] >= 1 for row in r.rows)
    assert len(r.rows) == len(build(load_model(model)).blocks)


def test_a_misaligned_row_is_named(run, write):
    # A 2x2/2 convolution with "same" padding pads (2 - 1) // 2 = 0: the convolution
    # path's field is 2 wide centred on pixel 0.5, the 1x1/2 projection's 1 wide on pixel 0.
    # Both give 4x4x4, so the network exists (at stride 1, a 2x2 block shrinks its map and
    # is refused as a residual add of two shapes).
    path = write(
        '+++\ninput = "8x8x4"\n+++\n\n| type | output size | building block |\n|---|---|---|\n'
        "| residual | 4x4x4 | [2x2, 4; 1x1, 4] x 1 |\n"
    )
    data = json.loads(run("receptive", str(path), "--format", "json").stdout)
    assert data["aligned"] is False
    assert [(p["size"][0], p["centre"][0]) for p in data["rows"][0]["paths"]] == [
        (2, 0.5),
        (1, 0.0),
    ]
    rich = run("receptive", str(path)).stdout
    assert "misaligned paths in res1: receptive_field would refuse this graph" in rich
    narrow = run("receptive", str(path), "--expand", env={"COLUMNS": "60"}).stdout
    res1 = next(x for x in narrow.splitlines() if x.startswith("res1 "))
    assert "NO ✗" in res1  # the mark stays, without colour, at 60 columns
