"""The spec reader: aliases, names, locations, CSV, front matter."""

import pytest
from tiny_spec import spec_text

from inception_cost.errors import InputError
from inception_cost.spec.read import load, load_model, parse_markdown
from inception_cost.spec.records import LayerCells, ModuleCells
from inception_cost.spec.variants import with_overrides


def test_headers_match_case_space_punctuation_insensitively():
    text = (
        '+++\ninput = "28x28x192"\n+++\n'
        "| Type | Patch Size / Stride | OUTPUT SIZE | 1x1 | 3x3 reduce | #3x3 | 5x5 red"
        " | #5x5 | Pool/Proj |\n"
        "|:--|:-:|--:|---|---|---|---|---|---|\n"
        "| inception (3a) | | 28x28x256 | 64 | 96 | 128 | 16 | 32 | 32 |\n"
    )
    s = parse_markdown(text)
    row = s.rows[0]
    assert row.name == "3a"
    assert tuple(row.cells.widths.values()) == (
        64,
        96,
        128,
        16,
        32,
        32,
    )


def test_unnamed_rows_get_stable_names():
    rows = (
        "| convolution | 3x3/1 | 8x8x4 | | | |\n"
        "| max pool | 2x2/2 | 4x4x4 | | | |\n"
        "| lrn | | 4x4x4 | | | |\n"
        "| convolution | 3x3/1 | 4x4x4 | | | |\n"
        "| avg pool | 4x4/1 | 1x1x4 | | | |\n"
        "| dropout (40%) | | 1x1x4 | | | |\n"
        "| linear | | 1x1x2 | | | |\n"
        "| softmax | | 1x1x2 | | | |\n"
    )
    s = parse_markdown(spec_text(rows))
    assert [r.name for r in s.rows] == [
        "conv1",
        "pool1",
        "norm1",
        "conv2",
        "pool2",
        "dropout1",
        "fc1",
        "softmax1",
    ]
    assert s.rows[5].cells.rate == (40, 100)


def test_every_row_keeps_its_location():
    s = parse_markdown(spec_text("| convolution | 3x3/1 | 8x8x4 | | 1K | 1M |\n"), "x.md")
    row = s.rows[0]
    assert (row.loc.line, row.loc.col) == (7, 3)
    assert str(row.at("params")) == "x.md:7:35"


def test_csv_spec_reads_the_same_headers(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "type,patch size/stride,output size,params\n"
        "convolution,7x7/2,112x112x64,2.7K\n"
        'max pool,"3x3/2",56x56x64,\n'
    )
    s = load(path)
    assert s.input_shape is None
    assert [r.type for r in s.rows] == ["convolution", "max pool"]
    assert s.rows[0].params.text == "2.7K"
    assert str(s.rows[1].at("patch")).endswith(":3:11")  # after `max pool,"`
    s = with_overrides(s, input_shape=(224, 224, 3))
    # issue 27 (10): not a change, the spec gives none: said as given on the command line
    assert s.input_shape == (224, 224, 3) and (s.overrides, s.given) == ((), ("input",))


def test_googlenet_bundled_rows():
    s = load_model("googlenet")
    names = [r.name for r in s.rows]
    assert names[:6] == ["conv1", "pool1", "norm1", "conv2", "norm2", "pool2"]
    assert names.count("3a") == 1 and "5b" in names
    assert [r.name for r in s.rows if r.train_only][:2] == ["aux1/pool", "aux1/conv"]
    assert all(s.row(n).added for n in ("norm1", "norm2", "aux1/pool", "aux2/softmax"))
    assert s.conventions.pool_rounding == "ceil" and s.conventions.bias
    assert {c.id for c in s.claims} == {"budget", "depth", "depth-with-pooling", "alexnet-ratio"}
    conv1 = s.swaps[s.variants[0].name]  # the variant's row, typed when the spec is read
    assert conv1.type == "separable convolution" and conv1.cells.multiplier == 8


def test_front_matter_unknown_key_is_named():
    with pytest.raises(InputError, match="unknown key 'inptu'"):
        parse_markdown(spec_text("| softmax | | 8x8x3 | | | |\n", 'inptu = "8x8x3"'))


def test_second_table_and_prose_are_ignored():
    text = spec_text("| softmax | | 8x8x3 | | | |\n") + "\nSome prose.\n\n| a | b |\n|---|---|\n"
    assert len(parse_markdown(text).rows) == 1


def test_escaped_pipe_in_a_cell():
    text = spec_text("| softmax | | 8x8x3 | | | |\n").replace(
        "| depth | params | ops |", "| depth | params | added |"
    )
    text = text.replace("| softmax | | 8x8x3 | | | |", "| softmax | | 8x8x3 | | | a \\| b |")
    assert parse_markdown(text).rows[0].added == "a | b"


def test_a_row_s_cells_are_what_its_type_reads():
    """A layer row carries a layer's cells, a module row a module's: GoogLeNet's conv1 its
    kernel and filters (from 7x7/2 and 112x112x64), inception 3a its six printed counts."""
    s = load_model("googlenet")
    conv1, inception = s.row("conv1"), s.row("3a")
    assert isinstance(conv1.cells, LayerCells) and isinstance(inception.cells, ModuleCells)
    assert (conv1.cells.patch.kh, conv1.cells.patch.stride, conv1.output) == (7, 2, (112, 112, 64))
    assert inception.cells.widths == {
        "n1x1": 64,
        "n3x3_reduce": 96,
        "n3x3": 128,
        "n5x5_reduce": 16,
        "n5x5": 32,
        "pool_proj": 32,
    }
    assert not hasattr(conv1.cells, "block") and not hasattr(inception.cells, "rate")


def test_building_a_variant_reads_no_cell(monkeypatch):
    """A spec is read whole: each variant's rows are typed with the spec (a row swapped,
    every row read from a variant's columns), so building any variant reads rows only."""
    from inception_cost.builder import build
    from inception_cost.spec import rows, variants

    specs = [load_model(name) for name in ("googlenet", "shufflenetv2", "mobilenetv2")]

    def read_cells(*args):
        raise AssertionError("a cell read after the spec was read")

    monkeypatch.setattr(rows, "read_cells", read_cells)
    monkeypatch.setattr(variants, "read_cells", read_cells)
    for s in specs:
        for v in s.variants:
            build(s, aux=True, variant=v.name)
    shufflenet = specs[1]
    half = {r.name: r for r in shufflenet.rows_as("0.5x")}
    assert half["Conv5"].cells.filters == 1024 and shufflenet.row("Stage2").cells.filters == 116
    assert half["Stage2"].cells.filters == 48 and shufflenet.swaps["torchvision"].name == "Stage2"
