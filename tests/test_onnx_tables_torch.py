"""`table MODEL.onnx` on a twin of each bundled table (issue 24): the model exported from
torch, read back, equals the bundled reading row by row (params, MACs and output size of
the ops `diff` aligns to each row) and in total, and `diff` finds no departure."""

import exported
import pytest

from inception_cost import cost, diff
from inception_cost.builder import build
from inception_cost.implementation import reader
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.torch

exported.prefetch(*(("paper", name) for name in sorted(exported.PAPER_TWINS)))


@pytest.mark.parametrize("name", sorted(exported.PAPER_TWINS))
def test_a_twin_of_the_table_reads_back_as_the_table(name, run):
    path = exported.model("paper", name)
    table = load_model(name)
    d = diff.diff(table, reader.read(path))
    assert d.departures == (), [x.what for x in d.departures]
    built = {b.name: b for b in build(table).blocks}
    for row in d.rows:
        if all(op.kind == "dropout" for op in built[row.row].ops):
            assert any(n.startswith(row.row) for n in d.notes)  # exporters leave it out
            continue
        assert (row.impl_params, row.impl_macs, row.impl_output) == (
            row.params,
            row.macs,
            row.output,
        ), row.row
    totals = cost.analyse(build(table)).totals
    shown = run("table", path, "--format", "csv")
    assert shown.exit_code == 0, shown.stderr
    assert d.params == (totals.params,) * 2 and d.macs == (totals.macs,) * 2
