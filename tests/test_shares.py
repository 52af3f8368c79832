"""Each row's and op's share of params, MACs and activation memory, in every format."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction

from tiny_spec import spec_text

from inception_cost.report import make_report
from inception_cost.shares import decimal, percent
from inception_cost.spec.read import load, load_model

# conv 3x3x3->4 (+bias) on 8x8: 112 params, 8*8*4*27 = 6,912 MACs, 256 outputs;
# the max pool writes 64 and has neither params nor MACs; the ReLU writes in place.
TINY = spec_text("| convolution | 3x3/1 | 8x8x4 | 1 | | |\n| max pool | 2x2/2 | 4x4x4 | 0 | | |\n")


def test_shares_by_hand(write):
    report = make_report(load(write(TINY)), batch=3)
    conv, pool = report.shares.rows["conv1"], report.shares.rows["pool1"]
    assert (conv.params, conv.macs, conv.activations) == (1, 1, Fraction(4, 5))
    assert (pool.params, pool.macs, pool.activations) == (0, 0, Fraction(1, 5))
    assert report.shares.ops["conv1/relu"].activations == 0


def test_rows_and_ops_add_up_to_the_whole():
    report = make_report(load_model("googlenet"))
    for q in ("params", "macs", "activations"):
        assert sum(getattr(s, q) for s in report.shares.rows.values()) == 1
        assert sum(getattr(s, q) for s in report.shares.ops.values()) == 1


def test_printing_rounds_only_at_the_end():
    assert decimal(Fraction(1, 3)) == "0.333333"
    assert decimal(Fraction(2, 3)) == "0.666667"
    assert (percent(Fraction(4, 5)), percent(Fraction(1, 10**5)), percent(Fraction(1))) == (
        "80.0%",
        "<0.1%",
        "100.0%",
    )


def test_shares_in_every_format(run, write):
    path = str(write(TINY))
    table = run("table", path, "--format", "csv").stdout.split("\n", 1)[1]  # after # spec:
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [r["computed activations share"] for r in rows] == ["0.800000", "0.200000"]
    assert [r["computed MACs share"] for r in rows] == ["1.000000", "0.000000"]
    data = json.loads(run("table", path, "--format", "json").stdout)
    assert [b["shares"]["activations"] for b in data["blocks"]] == [0.8, 0.2]
    assert data["blocks"][0]["ops"][0]["shares"] == {"params": 1.0, "macs": 1.0, "activations": 0.8}
    plain = run("table", path).stdout
    assert "80.0%" not in plain  # opt-in in rich and Markdown
    shown = run("table", path, "--shares", env={"COLUMNS": "160"}).stdout
    assert "80.0%" in shown and "20.0%" in shown
    md = run("table", path, "--format", "markdown", "--shares").stdout
    assert "| 100.0% | 100.0% | 80.0% |" in md
    assert md.startswith("# ")  # the readable report, no front matter
    # the spec form reads back as the same spec, with and without the share columns
    want = run("table", path, "--format", "csv").stdout
    for extra in ((), ("--shares",)):
        form = run("table", path, "--format", "spec", *extra).stdout
        assert ("| 1.000000 | 1.000000 | 0.800000 |" in form) == bool(extra)
        back = write(form, "back.md")
        assert run("table", str(back), "--format", "csv").stdout == want.replace(path, str(back))


def test_googlenet_spec_form_with_shares_reads_back(run, tmp_path):
    out = tmp_path / "g.md"
    assert run("table", "--format", "spec", "--shares", "-o", str(out)).exit_code == 0
    head, _, conv1 = [x for x in out.read_text().splitlines() if x.startswith("|")][:3]
    assert head.endswith(
        "| computed params share | computed MACs share | computed activations share |"
    )
    # conv1: 112x112x64 outputs x 7x7x3 = 118,013,952 of 1,582,671,872 MACs = 0.0745663
    assert "| 0.074566 |" in conv1
    back = load(out)
    assert [r.name for r in back.rows] == [r.name for r in load_model("googlenet").rows]
    totals = make_report(back).analysis.totals
    assert (totals.params, totals.macs) == (6_998_552, 1_582_671_872)


def test_markdown_report_with_expand_has_a_line_per_op(run):
    md = run("table", "--format", "markdown", "--shares", "--expand").stdout
    # conv2's 3x3: 56x56x192 outputs x 3x3x64 = 346,816,512 MACs, 21.9% of 1,582,671,872;
    # 3x3x64x192 + 192 = 110,784 params
    line = next(x for x in md.splitlines() if x.startswith("| ↳ conv2/3x3 |"))
    assert "| 110,784 |  | 346,816,512 |" in line and "| 21.9% |" in line
    assert "↳" not in run("table", "--format", "markdown", "--shares").stdout
