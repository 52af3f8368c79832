"""`sweep`: convnet-burden's GoogLeNet maps, hand arithmetic at three sizes per family,
the size syntax and the command in every format (torch twins: test_sweep_torch.py)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from inception_cost.errors import InputError
from inception_cost.spec.read import load_model
from inception_cost.sweep import parse_sizes, sweep


def _points(model: str, sides, **kw):
    s = sweep(load_model(model), tuple(sides), **kw)
    return s, {(p.input[0], p.variant): p for p in s.points}


# -- the size syntax ----------------------------------------------------------------------


def test_sizes_list_range_and_mix():
    assert parse_sizes("112..672/112") == (112, 224, 336, 448, 560, 672)
    assert parse_sizes("224") == (224,)
    assert parse_sizes("100, 112..336/112,100") == (100, 112, 224, 336)
    assert parse_sizes("112..300/112") == (112, 224)  # the last step stops inside the range


@pytest.mark.parametrize("text", ["", "a", "112..56/8", "1..9/0", "0", "1..100000/1", "3x3"])
def test_bad_sizes_are_refused(text):
    with pytest.raises(InputError):
        parse_sizes(text)


def test_bad_sizes_are_one_line_on_the_command_line(run):
    result = run("sweep", "-m", "googlenet", "--input", "112..56/8")
    assert result.exit_code == 2
    assert "bad size range '112..56/8'" in result.stderr and "\n" not in result.stderr.strip()


# -- GoogLeNet: convnet-burden's anchor ------------------------------------------------------


def test_googlenet_final_maps_match_convnet_burden():
    # albanie/convnet-burden reports/googlenet.md, icp9_out (inception 5b) feature size at
    # 112, 224, ..., 672 with Caffe's ceil rounding.
    s, points = _points("googlenet", range(112, 673, 112))
    assert s.final_row == "5b" and s.rounding == "ceil"
    assert [points[(n, "")].final[:2] for n in range(112, 673, 112)] == [
        (3, 3),
        (7, 7),
        (10, 10),
        (14, 14),
        (17, 17),
        (21, 21),
    ]
    # Floor rounding: 112 -> 56 -> 27 -> 13 -> 6 -> 2 (conv1, then four 3x3/2 pools).
    assert [points[(n, "")].floor_final[0] for n in range(112, 673, 112)] == [2, 6, 9, 13, 16, 20]


def test_googlenet_as_written_pool5_is_a_fixed_window():
    s, points = _points("googlenet", (112, 224, 336))
    failure = points[(112, "")].failure
    assert failure.row == "pool5" and failure.later == ("dropout1", "fc1", "softmax1")
    assert "7x7 kernel is larger than its padded input 3x3" in failure.reason
    assert points[(112, "")].totals is None
    # At 336 pool5 leaves 4x4x1024: fc1 has 16,384 x 1,000 + 1,000 params, not 1,025,000.
    assert points[(336, "")].totals.params == 6_998_552 - 1_025_000 + 16_385_000
    assert s.growing == ("fc1",) and s.fixed_windows == ("pool5",)
    # conv1 at 223: (223 + 6 - 7) // 2 + 1 = 112, as at 224; at 222 it is 111 and 5b ends 6x6.
    assert s.smallest == 223


def test_googlenet_global_pool_keeps_params():
    s, points = _points("googlenet", (112, 224, 448), global_pool=True)
    assert {p.totals.params for p in s.points} == {6_998_552}
    assert s.params_fixed and s.global_pool == ("pool5",)
    # conv MACs scale with the area where every map scales exactly: 448 doubles each side
    # of 224's maps (112, 56, 28, 14, 7 -> 224, 112, 56, 28, 14); fc1's 1,024,000 do not.
    fc = 1_024_000
    assert points[(448, "")].totals.macs - fc == 4 * (points[(224, "")].totals.macs - fc)


# -- VGG, AlexNet, ResNet, LeNet-5: hand arithmetic at three sizes ------------------------


def test_vgg16_params_grow_with_the_flattened_map():
    s, points = _points("vgg16", (112, 224, 448))
    convs = 138_357_544 - (7 * 7 * 512 * 4096 + 4096) - (4096 * 4096 + 4096) - (4096 * 1000 + 1000)
    for side, pooled in ((112, 3), (224, 7), (448, 14)):  # 5 floor 2x2/2 pools: side // 32
        head = pooled * pooled * 512 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000
        assert points[(side, "")].totals.params == convs + head, side
        assert points[(side, "")].final == (side // 16, side // 16, 512)
    assert s.growing == ("fc1",) and s.smallest == 32  # five 2x2/2 pools need 32


def test_alexnet_sizes_and_its_224_variant():
    _, points = _points("alexnet", (227, 259, 451))
    # 259: conv1 (259 - 11) // 4 + 1 = 63; ceil pools 63 -> 31 -> 15 -> 7: fc6 reads 7x7x256.
    assert points[(259, "")].final == (15, 15, 256)
    fc6 = 256 * 4096
    assert points[(259, "")].totals.params == 60_965_224 + (49 - 36) * fc6
    # 451: conv1 111, pools 55 -> 27 -> 13.
    assert points[(451, "")].totals.params == 60_965_224 + (169 - 36) * fc6
    # The variant at its own 224: conv1 54; ceil pooling 27 -> 13, floor 26 -> 12.
    variant = points[(224, "input-224")]
    assert (variant.final, variant.floor_final) == ((13, 13, 256), (12, 12, 256))
    assert variant.totals.params == 60_965_224


def test_resnet50_params_fixed_and_strides_kept_at_every_side():
    s, points = _points("resnet50", (112, 224, 448))
    assert {points[(n, "")].totals.params for n in (112, 224, 448)} == {25_557_032}
    assert points[(448, "")].final == (14, 14, 2048)
    # 112: conv1 56, pool1 28, conv3_x 14, conv4_x 7, conv5_x 1x1/2 (7 - 1) // 2 + 1 = 4.
    assert points[(112, "")].final == (4, 4, 2048)
    # 1: conv1 (1 + 6 - 7) // 2 + 1 = 1; every later window fits its padded 1x1 map.
    assert s.smallest == 1 and s.params_fixed and s.whole_map == ("pool5",)


def test_lenet5_f6_reads_c5s_map():
    s, points = _points("lenet5", (16, 32, 48))
    # 48: C1 44, S2 22, C3 18, S4 9, C5 5x5x120; F6 = 5 x 5 x 120 x 84 + 84.
    assert points[(48, "")].totals.params == 60_000 - (120 * 84 + 84) + (25 * 120 * 84 + 84)
    assert points[(16, "")].failure.row == "C5"  # S4 is 2x2 at 16: no 5x5 fits
    assert s.smallest == 32


# -- the command ------------------------------------------------------------------------------


def test_sweep_json_and_csv(run):
    data = json.loads(run("sweep", "-m", "vgg16", "--input", "112,224", "--format", "json").stdout)
    assert data["growing"] == ["fc1"] and data["smallest"] == 32
    assert [s["params"] for s in data["sizes"]] == [54_471_464, 138_357_544]
    text = run("sweep", "-m", "resnet50", "--input", "112,224", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["failed_row"] == "" and rows[0]["params"] == rows[1]["params"] == "25557032"


def test_sweep_markdown_and_rich_say_why_params_move(run):
    md = run("sweep", "-m", "alexnet", "--input", "227", "--format", "markdown").stdout
    assert "params grow with the input: fc6" in md
    assert "| 224 input-224 | 13x13x256 | 12x12x256 | 60,965,224 |" in md
    rich = run("sweep", "-m", "googlenet", "--input", "112,224").stdout
    assert "pool5: a fixed window as written (Caffe)" in rich
    assert "112: row pool5 cannot be built" in rich
    rich = run("sweep", "-m", "resnet18", "--input", "224,448").stdout
    assert "params are the same at every size: pool5 averages the whole map" in rich


def test_a_variant_with_its_own_conventions_still_rounds_down_in_the_floor_column():
    # The naive variant carries conventions of its own (inception = "naive"); floor
    # rounding must reach them: 224 -> 112 -> 55 -> 27 -> 13 -> 6.
    _, points = _points("googlenet", (224,), variant="naive")
    assert (points[(224, "naive")].final[0], points[(224, "naive")].floor_final[0]) == (7, 6)
