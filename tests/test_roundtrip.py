"""Every output that claims to read back as a spec does, for every bundled network: the
same rows, shapes, counts and verdicts (issue 13: CSV lost batch norm, LeNet-5's
connection tables and VGG's pool window)."""

from pathlib import Path

import pytest

from inception_cost.render.table import render
from inception_cost.report import make_report
from inception_cost.spec.read import load, load_model, model_names, parse_csv, parse_markdown


def _summary(report):
    rows = [
        (b.name, b.block.out_shape, b.params, b.macs, b.other.total, b.activations, b.depth)
        for b in report.analysis.blocks
    ]
    audit = [(r.name, r.output, r.params, r.ops) for r in report.audit.rows]
    return report.analysis.totals, rows, audit


@pytest.mark.parametrize("fmt", ["csv", "spec"])
@pytest.mark.parametrize("name", model_names())
def test_output_reads_back_as_the_same_analysis(name, fmt):
    first = make_report(load_model(name))
    text = render(first, fmt)
    parse = parse_csv if fmt == "csv" else parse_markdown
    back = make_report(parse(text, f"{name}.{fmt}"))
    assert _summary(back) == _summary(first)


VARIANTS = [(m, v.name) for m in model_names() for v in load_model(m).variants]
EXAMPLES = sorted((Path(__file__).parent.parent / "docs" / "examples").glob("*.md"))


@pytest.mark.parametrize(("name", "variant"), VARIANTS)
def test_csv_reads_back_under_each_variant(name, variant):
    # googlenet's torchvision variant: batch norm with eps 0.001, no LRN rows, a 2x2/2 pool4
    first = make_report(load_model(name), variant=variant)
    back = make_report(parse_csv(render(first, "csv"), f"{name}.csv"), variant=variant)
    assert _summary(back) == _summary(first)
    if (name, variant) == ("googlenet", "torchvision"):
        assert back.analysis.totals.params == 6_624_904  # torchvision's googlenet, no aux


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_csv_of_each_module_kind_reads_back(path):
    first = make_report(load(path))
    back = make_report(parse_csv(render(first, "csv"), f"{path.stem}.csv"))
    assert _summary(back) == _summary(first)


def test_resnet18_csv_keeps_its_batch_norm(run, tmp_path):
    out = tmp_path / "r.csv"
    assert run("table", "--model", "resnet18", "--format", "csv", "-o", str(out)).exit_code == 0
    back = make_report(load(out))
    assert back.analysis.totals.params == 11_689_512  # torchvision's resnet18, published
