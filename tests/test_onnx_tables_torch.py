"""`table MODEL.onnx` on a twin of each bundled table (issue 24): the model exported from
torch, read back, equals the bundled reading row by row (params, MACs and output size of
the ops `diff` aligns to each row) and in total, and `diff` finds no departure. The same
for the twin of a table of every primitive of issue 23 (tests/torch_probe.py), as each
exporter writes it."""

import warnings

import exported
import pytest
import torch
from torch import nn
from torch_probe import INPUT, PROBE, Probe, randomized

from inception_cost import cost, diff
from inception_cost.builder import build
from inception_cost.implementation import reader
from inception_cost.spec.read import load, load_model

pytestmark = pytest.mark.torch

exported.prefetch(
    *(("probe", form) for form in exported.PROBE_EXPORTS),
    *(("paper", name) for name in sorted(exported.PAPER_TWINS)),
)


def _reads_back_as(table, path: str, run) -> None:
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


@pytest.mark.parametrize("name", sorted(exported.PAPER_TWINS))
def test_a_twin_of_the_table_reads_back_as_the_table(name, run):
    _reads_back_as(load_model(name), exported.model("paper", name), run)


@pytest.mark.parametrize("form", list(exported.PROBE_EXPORTS))
def test_every_primitive_reads_back_from_each_exporter(form, run, write):
    """GELU (both forms), the leaky ReLU, h-swish, h-sigmoid, layer norm on the channels-last
    map and layer scale, each read back as its row of the table, whether the file has a node
    of its own or the exporter wrote it out (opset 18's GELU, opset 13's h-swish and layer
    norm)."""
    path = exported.model("probe", form)
    kinds = [op.kind for op in reader.read(path).network.ops() if op.kind != "conv"]
    assert kinds == [
        *("layernorm", "gelu", "relu", "hswish"),
        *("gelu", "layerscale", "gelu", "hsigmoid"),
    ]
    _reads_back_as(load(write(PROBE)), path, run)


def test_control_a_changed_activation_is_one_departure_at_its_row(tmp_path, write):
    """The probe with c2's leaky ReLU at slope 0.2 and c4's GELU exact, not tanh: exactly
    those two departures, at their rows, changing no param and no MAC."""
    probe = randomized(Probe())
    probe.acts[1], probe.tail[0] = nn.LeakyReLU(0.2), nn.GELU()
    h, w, c = INPUT
    path = tmp_path / "changed.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter (0.1 s here) warns it is deprecated
        torch.onnx.export(probe, (torch.zeros(1, c, h, w),), path, dynamo=False, opset_version=17)
    d = diff.diff(load(write(PROBE)), reader.read(str(path)))
    assert [(x.row, x.kind, x.what, x.params, x.macs) for x in d.departures] == [
        ("c2", "activation", "leaky ReLU 0.1 -> leaky ReLU 0.2", 0, 0),
        ("c4", "activation", "GELU (tanh) -> GELU", 0, 0),
    ]
