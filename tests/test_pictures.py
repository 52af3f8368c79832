"""Pictures held to the data: bars read back from the terminal, SVG and HTML exports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from inception_cost import cost
from inception_cost.builder import build
from inception_cost.render.profile import bar, read_bar
from inception_cost.spec.read import load_model

PLAIN = {"NO_COLOR": "1", "TERM": "dumb"}


def _rows(name: str, quantity: str) -> list[tuple[str, int]]:
    """Each row's value straight from the analysis' blocks (not through the profile)."""
    a = cost.analyse(build(load_model(name)))
    field = {"macs": "macs", "params": "params", "memory": "activations"}[quantity]
    scale = a.itemsize if quantity == "memory" else 1
    return [(b.name, getattr(b, field) * scale) for b in a.blocks]


def test_bar_draws_eighths():
    assert bar(Fraction(1), 4) == "████"
    assert bar(Fraction(1, 2), 3) == "█▌"
    assert bar(Fraction(0), 10) == ""
    assert read_bar("█▌ ") == 12


@pytest.mark.parametrize(
    ("model", "quantity", "columns"),
    [("googlenet", "macs", 100), ("resnet50", "memory", 60), ("vgg16", "params", 140)],
)
def test_bar_lengths_read_back_equal_the_proportions(run, model, quantity, columns):
    out = run("profile", "--model", model, "--by", quantity, env={**PLAIN, "COLUMNS": str(columns)})
    lines = out.stdout.splitlines()
    assert all(len(line) <= columns for line in lines) and "…" not in out.stdout
    body = lines[lines.index(next(x for x in lines if x.startswith("─"))) + 1 :]
    expected = _rows(model, quantity)
    assert [line.split()[0] for line in body] == [n for n, _ in expected]
    drawn = [read_bar(line[line.rfind("%") + 1 :] if "%" in line else "") for line in body]
    longest = max(drawn)
    assert longest % 8 == 0 and longest >= 8 * 10  # the largest row fills the bar column
    top = max(v for _, v in expected)
    assert drawn == [round(Fraction(v, top) * longest) for _, v in expected]


def test_profile_data_formats(run):
    data = json.loads(run("profile", "--by", "params", "--format", "json").stdout)
    expected = _rows("googlenet", "params")
    assert [(r["name"], r["value"]) for r in data["rows"]] == expected
    assert data["total"] == sum(v for _, v in expected)
    md = run("profile", "--format", "markdown").stdout
    macs = dict(_rows("googlenet", "macs"))
    assert f"| 3b | {macs['3b']:,} | 19.2% | `" in md


def test_rich_output_as_svg_and_html(run, tmp_path):
    svg, html = tmp_path / "table.svg", tmp_path / "memory.html"
    assert run("table", "--model", "lenet5", "--output", str(svg)).exit_code == 0
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "LeNet" in "".join(root.itertext()).replace("\xa0", " ")
    assert run("profile", "--output", str(tmp_path / "p.svg")).exit_code == 0
    ET.parse(tmp_path / "p.svg")
    assert run("memory", "--output", str(html)).exit_code == 0
    text = html.read_text()
    assert text.startswith("<!DOCTYPE html>") and "torchinfo" in text
    again = run("memory", "--output", str(html))
    assert again.exit_code == 2  # an existing file needs --force, as for every output
