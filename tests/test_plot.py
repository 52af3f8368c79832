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
from inception_cost.render.plot import comparison_figure, layer_figure, plotted
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


def test_docs_charts_are_current_by_their_data():
    """docs/img/*.json hold what the charts plot; regenerate with python docs/regen.py."""
    profile_data = json.loads((IMAGES / "googlenet-profile.json").read_text())
    assert profile_data == _googlenet_rows(), "run python docs/regen.py"
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
