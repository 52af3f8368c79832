"""Charts held to the data: values read back from the matplotlib figures and the docs'
charts by their JSON sidecars (the plot extra; the one-line refusal without it is in
tests/test_cli.py)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.landscape import points
from inception_cost.profile import profile
from inception_cost.render.plot import (
    LABEL_POINTS,
    claim_verdicts,
    comparison_figure,
    label_boxes,
    layer_figure,
    plotted,
)
from inception_cost.report import make_report
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.plot

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "img"


def _googlenet_rows() -> dict[str, list[float]]:
    """What GoogLeNet's per-row chart must draw, from the analysis' blocks directly."""
    a = cost.analyse(build(load_model("googlenet")))
    return {
        "params": [b.params / 10**6 for b in a.blocks],
        "macs": [b.macs / 10**9 for b in a.blocks],
        "memory": [b.activations * 4 / 2**20 for b in a.blocks],
    }


# Whole-network claims as the papers print them, read decimally: (model, params, MACs)
CLAIMS = {
    "alexnet": (60_000_000, None),  # "60 million parameters"
    "googlenet": (None, 1_500_000_000),  # "a budget of 1.5 billion multiply-adds"
    "lenet5": (60_000, None),  # "60,000 trainable parameters"
    "resnet50": (None, 3_800_000_000),  # Table 1, "3.8x10^9"
    "vgg16": (138_000_000, None),  # Table 2, 138 (millions)
}


def test_layer_chart_draws_the_analysis():
    a = cost.analyse(build(load_model("googlenet")))
    figure = layer_figure([profile("googlenet", a, q) for q in ("params", "macs", "memory")])
    assert plotted(figure) == _googlenet_rows()
    ticks = [t.get_text() for t in figure.axes[-1].get_xticklabels()]
    assert ticks == [b.name for b in a.blocks]


def test_comparison_chart_draws_every_network_and_claim():
    pts = points()
    drawn = plotted(comparison_figure(pts))
    base = {p.model: p for p in pts if not p.variant}
    expected = []
    for name, p in base.items():
        t = cost.analyse(build(load_model(name))).totals
        expected.append([t.params / 10**6, t.macs / 10**9])
        assert (p.params, p.macs) == (t.params, t.macs)
    assert drawn["computed, as read"] == expected
    assert len(drawn["computed, variant"]) == sum(len(load_model(n).variants) for n in base)
    crosses = {
        (p.model): xy
        for p, xy in zip(
            [p for p in pts if p.claimed_params is not None or p.claimed_macs is not None],
            drawn["claimed in the paper"],
            strict=True,
        )
    }
    for model, (params, macs) in CLAIMS.items():
        x, y = crosses[model]
        p = base[model]
        assert x == float(Fraction(params if params else p.params, 10**6))
        assert y == float(Fraction(macs if macs else p.macs, 10**9))


# GoogLeNet's row verdicts as docs/googlenet-audit.md derives them: params read as weights
# only in K = 1,024, ops as multiply-adds in K = 1,000; the row's index in the chart
GOOGLENET_MARKS = {
    "params claim ✓ holds as printed": [3, 6, 19],  # conv2, 3a, fc1
    "params claim ✗ mismatch": [0, 7, 9, 10, 11, 12, 13, 15, 16],  # conv1, 3b, 4a-4e, 5a, 5b
    "MACs claim ✓ holds as printed": [3, 6, 7, 10, 11, 12, 13, 16, 19],
    "MACs claim ≈ holds only if the paper truncated": [9],  # 4a: 73.6M printed 73M
    "MACs claim ✗ mismatch": [0, 15],  # conv1's 34M, 5a's 54M
}


def _marks(drawn: dict) -> dict:
    """The verdict markers' rows (x) by legend label."""
    return {k: [int(x) for x, _ in v] for k, v in drawn.items() if " claim " in k}


def test_layer_chart_marks_each_row_claim_by_its_verdict():
    # issue 27: `plot -m googlenet` marks each row's claim verdict, a legend for each mark
    report = make_report(load_model("googlenet"), readings=False)
    profiles = [profile("googlenet", report.analysis, q) for q in ("params", "macs", "memory")]
    figure = layer_figure(profiles, claim_verdicts(report))
    assert _marks(plotted(figure)) == GOOGLENET_MARKS
    legends = [t.get_text() for ax in figure.axes if ax.get_legend() for t in ax.get_legend().texts]
    assert set(GOOGLENET_MARKS) <= set(legends)
    titles = [ax.get_legend().get_title().get_text() for ax in figure.axes if ax.get_legend()]
    assert titles == [
        "params claims, read as\nweights only, binary (K = 1,024)",
        "MACs claims, read as\nmultiply-adds, decimal (K = 1,000)",
    ]


def test_comparison_labels_never_overlap_and_are_readable():
    # issue 27 (3): labels piled on each other where networks cluster, variants at 5 pt
    pts = points()
    figure = comparison_figure(pts)
    boxes = label_boxes(figure)
    assert sorted(text for text, _ in boxes) == sorted(p.label for p in pts)  # each once
    for i, (a, box) in enumerate(boxes):
        for b, other in boxes[i + 1 :]:
            apart = box[2] <= other[0] or other[2] <= box[0] or box[3] <= other[1]
            assert apart or other[3] <= box[1], (a, b)
    ax = figure.axes[0]
    dots = [tuple(ax.transData.transform((p.params / 10**6, p.macs / 10**9))) for p in pts]
    for text, box in boxes:  # no label covers a point's centre
        assert not [d for d in dots if box[0] < d[0] < box[2] and box[1] < d[1] < box[3]], text
    texts = [*ax.texts, *ax.get_legend().texts, *ax.get_xticklabels(), *ax.get_yticklabels()]
    assert min(t.get_fontsize() for t in texts) >= LABEL_POINTS == 8


def test_comparison_legend_names_every_mark():
    ax = comparison_figure(points()).axes[0]
    legend = [t.get_text() for t in ax.get_legend().texts]
    assert legend == [
        "computed, as read",
        "computed, variant",
        "claimed in the paper",
        "from the computed point to its claim",
        "from a label to its point",
    ]
    kinds = {line.get_color() for line in ax.lines}  # the claims' lines, the legend's sample
    assert kinds == {"C1", "0.55"}


def test_docs_charts_are_current_by_their_data():
    """docs/img/*.json hold what the charts plot; regenerate with python docs/regen.py."""
    profile_data = json.loads((IMAGES / "googlenet-profile.json").read_text())
    bars = {k: v for k, v in profile_data.items() if " claim " not in k}
    assert bars == _googlenet_rows(), "run python docs/regen.py"
    assert _marks(profile_data) == GOOGLENET_MARKS, "run python docs/regen.py"
    networks = json.loads((IMAGES / "networks.json").read_text())
    assert networks == plotted(comparison_figure(points())), "run python docs/regen.py"
    for name in ("googlenet-profile", "networks"):
        ET.parse(IMAGES / f"{name}.svg")  # well-formed


def test_plot_files(run, tmp_path):
    png, svg = tmp_path / "g.png", tmp_path / "n.svg"
    assert run("plot", "--model", "lenet5", "-o", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run("plot", "--compare", "-o", str(svg)).exit_code == 0
    assert ET.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    bad = run("plot", "-o", str(tmp_path / "g.txt"))
    assert bad.exit_code == 2
