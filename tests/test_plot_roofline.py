"""`plot --roofline`: the roof drawn from the machine's figures, each row where the model
puts it, the slowest rows named legibly and no label over another."""

from __future__ import annotations

import itertools

import pytest

from inception_cost import machines, roofline
from inception_cost.render.plot import LABEL_POINTS, label_boxes, plotted, roofline_figure, save
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.plot

HERE = machines.given(300e9, 24e9, "fp32", cache_bandwidth=115e9, llc=480 * 2**20)


@pytest.fixture(scope="module")
def googlenet():
    return roofline.roofline(load_model("googlenet"), machine=HERE, batch=8)


def test_rows_sit_at_their_intensity_and_rate(googlenet):
    drawn = plotted(roofline_figure(googlenet))["rows, at their predicted time"]
    rows = [r for r in googlenet.rows if r.intensity]
    expected = [(r.intensity, r.flops / r.seconds / 1e9) for r in rows]
    assert [v for xy in drawn for v in xy] == pytest.approx([v for xy in expected for v in xy])


def test_the_roof_turns_at_each_ridge(googlenet):
    ax = roofline_figure(googlenet).axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    cache = lines["roof at cache bandwidth (115.0 GB/s)"]
    dram = lines["roof at DRAM bandwidth (24.0 GB/s)"]
    for line, ridge in ((cache, 300 / 115), (dram, 300 / 24)):
        xs, ys = line.get_data()
        assert xs[1] == pytest.approx(ridge) and ys[1] == pytest.approx(300)
        assert ys[0] == pytest.approx(300 / ridge * xs[0])  # bandwidth x intensity, under it


def test_the_slowest_rows_are_named_without_overlap(googlenet):
    figure = roofline_figure(googlenet, labelled=8)
    named = label_boxes(figure)
    slowest = sorted(googlenet.rows, key=lambda r: -r.seconds)[:8]
    assert sorted(t for t, _ in named) == sorted(r.name for r in slowest)
    for (_, a), (_, b) in itertools.combinations(named, 2):
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, (a, b)
    ax = figure.axes[0]
    rows = [r for r in googlenet.rows if r.intensity]
    dots = [tuple(ax.transData.transform((r.intensity, r.rate / 1e9))) for r in rows]
    for text, box in named:  # no label covers a row's dot
        assert not [d for d in dots if box[0] < d[0] < box[2] and box[1] < d[1] < box[3]], text
    assert all(t.get_fontsize() >= 8 for t in figure.axes[0].texts) and LABEL_POINTS >= 8
    assert save(figure, ".png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_roofline_writes_a_png(run, tmp_path):
    out = tmp_path / "roof.png"
    result = run("plot", "--roofline", "--machine", "h100", "-m", "resnet50", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_machine_options_need_roofline(run, tmp_path):
    result = run("plot", "--machine", "h100", "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 2 and "--roofline" in result.stderr
