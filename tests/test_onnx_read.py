"""Reading an ONNX model (issue 24): small graphs built with onnx.helper, each count held
to hand arithmetic, each operator mapped to our op, the rows grouped by module names."""

import json
import re

import onnx
import pytest
from onnx_graphs import OPSET, model, node, save, stem, tensor

from inception_cost import cost, ops
from inception_cost.implementation import mapping, reader


def _read(m, tmp_path, name="m.onnx"):
    return reader.read(save(m, tmp_path / name))


def _kinds(impl) -> list[str]:
    return [op.kind for op in impl.network.ops()]


def test_stem_counts_by_hand(tmp_path, run):
    path = save(stem(cout=4, k=3), tmp_path / "stem.onnx")
    data = json.loads(run("table", path, "--format", "json").stdout)
    blocks = {b["name"]: b for b in data["blocks"]}
    assert list(blocks) == ["conv1", "pool", "gap", "fc"]  # node names' modules; Flatten joins gap
    assert blocks["conv1"]["params"] == 4 * 3 * 3 * 3 + 4  # weights + biases
    assert blocks["conv1"]["macs"] == 8 * 8 * 4 * 27  # 8x8 outputs, 4 maps, 3x3x3 taps
    assert blocks["pool"]["out_shape"] == [4, 4, 4]
    assert blocks["fc"]["params"] == 10 * 4 + 10 and blocks["fc"]["macs"] == 40
    assert data["totals"]["params"] == 112 + 50


def test_every_op_kind_says_how_it_appears_in_onnx():
    assert set(mapping.FORMS) == set(ops.KINDS)
    read_from_onnx = {k for k in ops.KINDS if mapping.FORMS[k]}
    no_operator = {"subsample", "rbf", "shortcut"}
    not_yet_read = {"hswish", "hsigmoid", "gelu", "layernorm", "layerscale"}  # issue 23's
    assert read_from_onnx == set(ops.KINDS) - no_operator - not_yet_read


def test_bookkeeping_nodes_cost_nothing_and_are_no_rows(tmp_path):
    """An unoptimised export's bias: Constant 0, CastLike, Expand to the weight's Shape:
    no stored bias, no row, no op; a Reshape target from Shape/Gather/Concat likewise."""
    nodes = [
        node("Shape", ["w"], ["ws"], "Shape_0", start=0, end=1),
        node("Constant", [], ["zero"], "Constant_1", value=tensor("z", (), 0.0)),
        node("CastLike", ["zero", "x"], ["zl"], "CastLike_2"),
        node("Expand", ["zl", "ws"], ["bias"], "Expand_3"),
        node("Conv", ["x", "w", "bias"], ["c"], "/conv/Conv", kernel_shape=[1, 1]),
        node("Shape", ["c"], ["cs"], "/Shape"),
        node("Constant", [], ["i0"], "/C0", value=tensor("i0", (1,), [0], "int64")),
        node("Gather", ["cs", "i0"], ["n"], "/Gather", axis=0),
        node("Constant", [], ["m1"], "/C1", value=tensor("m1", (1,), [-1], "int64")),
        node("Concat", ["n", "m1"], ["target"], "/Concat", axis=0),
        node("Reshape", ["c", "target"], ["y"], "/flat/Reshape"),
    ]
    impl = _read(model(nodes, [tensor("w", (5, 3, 1, 1))]), tmp_path)
    assert _kinds(impl) == ["conv", "flatten"]
    conv = next(impl.network.ops())
    assert conv.bias is False  # computed from one zero: nothing stored
    assert [b.name for b in impl.network.blocks] == ["conv", "flat"]
    assert cost.analyse(impl.network).totals.params == 5 * 3


def test_shape_constants_stored_as_initializers_are_not_parameters(tmp_path):
    nodes = [
        node("Conv", ["x", "w"], ["c"], "/conv/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        node("Reshape", ["c", "shape"], ["y"], "/Reshape"),
    ]
    inits = [tensor("w", (2, 3, 3, 3)), tensor("shape", (2,), [1, -1], "int64")]
    impl = _read(model(nodes, inits), tmp_path)
    assert cost.analyse(impl.network).totals.params == 2 * 3 * 9  # not + 2 for `shape`


def test_a_graph_without_names_has_a_row_per_op(tmp_path):
    nodes = [
        node("Conv", ["x", "w"], ["c"], kernel_shape=[1, 1]),
        node("Relu", ["c"], ["r"]),
        node("MaxPool", ["r"], ["y"], kernel_shape=[2, 2], strides=[2, 2]),
    ]
    impl = _read(model(nodes, [tensor("w", (4, 3, 1, 1))]), tmp_path)
    assert [(b.name, len(b.ops)) for b in impl.network.blocks] == [
        ("conv", 1),
        ("relu", 1),
        ("pool", 1),
    ]


def test_grouped_depthwise_and_same_upper_convolutions(tmp_path):
    nodes = [
        node(
            "Conv",
            ["x", "dw"],
            ["d"],
            "/dw/Conv",
            kernel_shape=[3, 3],
            group=3,
            strides=[2, 2],
            auto_pad="SAME_UPPER",
        ),
        node("Conv", ["d", "pw"], ["y"], "/pw/Conv", kernel_shape=[1, 1]),
    ]
    impl = _read(
        model(
            nodes, [tensor("dw", (3, 1, 3, 3)), tensor("pw", (6, 3, 1, 1))], input_dims=(1, 3, 9, 9)
        ),
        tmp_path,
    )
    dw, pw = impl.network.ops()
    assert (dw.groups, dw.padding, dw.out_shape) == (3, (1, 1), (5, 5, 3))  # 9 -> 5 at stride 2
    assert cost.op_cost(dw).macs == 5 * 5 * 3 * 9 and cost.op_cost(pw).weights == 18


def test_clip_reads_as_relu6_and_matmul_add_as_a_linear_layer(tmp_path):
    nodes = [
        node("GlobalAveragePool", ["x"], ["g"], "/gap/GlobalAveragePool"),
        node("Flatten", ["g"], ["f"], "/Flatten"),
        node("MatMul", ["f", "w"], ["m"], "/fc/MatMul"),
        node("Add", ["m", "b"], ["a"], "/fc/Add"),
        node("Clip", ["a", "lo", "hi"], ["y"], "/act/Clip"),
    ]
    inits = [tensor("w", (3, 7)), tensor("b", (7,)), tensor("lo", (), 0.0), tensor("hi", (), 6.0)]
    impl = _read(model(nodes, inits), tmp_path)
    assert _kinds(impl) == ["pool", "linear", "relu"]
    _, linear, relu6 = impl.network.ops()
    assert linear.bias and cost.op_cost(linear).params == 3 * 7 + 7 and relu6.cap == 6


def test_split_concat_add_and_native_lrn(tmp_path):
    nodes = [
        node("Split", ["x", "sizes"], ["a", "b"], "/split/Split", axis=1),
        node("Concat", ["b", "a"], ["c"], "/cat/Concat", axis=1),
        node("Add", ["c", "x"], ["s"], "/add/Add"),
        node("LRN", ["s"], ["y"], "/norm/LRN", size=5, alpha=1e-4, beta=0.75, bias=2.0),
    ]
    impl = _read(model(nodes, [tensor("sizes", (2,), [2, 2], "int64")], (1, 4, 6, 6)), tmp_path)
    assert _kinds(impl) == ["split", "split", "concat", "add", "lrn"]
    first, second, concat, *_ = impl.network.ops()
    assert (first.part, second.part) == (1, 2)
    assert concat.inputs == (second.name, first.name)  # Concat(b, a): the second part first
    lrn = list(impl.network.ops())[-1]
    assert (lrn.size, lrn.alpha, lrn.beta, lrn.k) == (5, 1e-4, 0.75, 2.0)  # float32 read back


def test_average_pool_padding_counted_as_torch_divides(tmp_path):
    def pool(count_include_pad):
        return model(
            [
                node(
                    "AveragePool",
                    ["x"],
                    ["y"],
                    "/p/AveragePool",
                    kernel_shape=[3, 3],
                    pads=[1, 1, 1, 1],
                    ceil_mode=1,
                    strides=[2, 2],
                    count_include_pad=count_include_pad,
                )
            ]
        )

    p = next(_read(pool(1), tmp_path, "a.onnx").network.ops())
    # 8 + 2 - 3 = 7 over stride 2, rounded up: 4 steps, 5 windows (the last starts at 8, in
    # the input, so it is kept)
    assert (p.mode, p.padding, p.ceil, p.out_shape) == ("avg", (1, 1), True, (5, 5, 3))
    with pytest.raises(Exception, match="count_include_pad = 0"):
        _read(pool(0), tmp_path, "b.onnx")


@pytest.mark.parametrize(
    ("attrs", "what"),
    [
        ({"pads": [0, 0, 1, 1]}, "pads [0, 0, 1, 1] unevenly"),
        ({"dilations": [2, 2]}, "is dilated 2x2"),
        ({"strides": [1, 2]}, "strides 1x2"),
    ],
)
def test_convolutions_it_does_not_read_are_refused_by_node(tmp_path, attrs, what):
    m = model(
        [node("Conv", ["x", "w"], ["y"], "/c/Conv", kernel_shape=[3, 3], **attrs)],
        [tensor("w", (2, 3, 3, 3))],
    )
    with pytest.raises(Exception, match=re.escape(what)) as caught:
        _read(m, tmp_path)
    assert "node '/c/Conv' (Conv)" in str(caught.value)


def test_opset_is_read_from_the_model(tmp_path):
    impl = _read(stem(), tmp_path)
    assert f"opset {OPSET}" in impl.source.citation


def test_docs_list_every_onnx_form():
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "docs" / "onnx.md").read_text("utf-8")
    for kind in mapping.FORMS:
        if mapping.FORMS[kind]:
            assert f"| `{kind}` | {mapping.FORMS[kind]} |" in page, kind


def test_a_model_has_no_spec_form(run, tmp_path):
    result = run("table", save(stem(), tmp_path / "s.onnx"), "--format", "spec")
    assert result.exit_code == 2 and "no table to write as a spec" in result.stderr


def test_a_shape_onnx_infers_otherwise_is_refused(tmp_path, monkeypatch):
    """Every shape we work out is held to onnx's strict inference: a reader whose window
    arithmetic went wrong is caught at its node."""
    monkeypatch.setattr(mapping, "window", lambda h, w, *rest: (h + 1, w))
    with pytest.raises(Exception, match="onnx's shape") as caught:
        _read(stem(), tmp_path)
    assert "node '/conv1/Conv' (Conv) comes out 1x4x9x8" in str(caught.value)


def test_a_shape_the_file_declares_wrongly_is_refused(run, tmp_path):
    m = stem()
    m.graph.value_info.append(onnx.helper.make_tensor_value_info("r", 1, [1, 4, 7, 7]))
    result = run("table", save(m, tmp_path / "wrong.onnx"))
    assert result.exit_code == 2 and "onnx shape inference refuses the graph" in result.stderr
