"""Reading an ONNX model (issue 24): small graphs built with onnx.helper, each count held
to hand arithmetic, each operator mapped to our op, the rows grouped by module names."""

import json
import re

import onnx
import pytest
from onnx_graphs import (
    GELU_FORMS,
    OPSET,
    const,
    convnext_block,
    layer_norm_written_out,
    model,
    node,
    save,
    stem,
    tensor,
)

from inception_cost import cost, ops, verify
from inception_cost.errors import InputError
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
    assert read_from_onnx == set(ops.KINDS) - no_operator


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


# -- issue 23's primitives as exporters write them ----------------------------------------


def _ops(nodes, tmp_path, inits=(), input_dims=(1, 3, 8, 8), opset=OPSET):
    return list(_read(model(nodes, inits, input_dims, opset=opset), tmp_path).network.ops())


def _refused(nodes, tmp_path, *what, inits=(), input_dims=(1, 3, 8, 8), opset=OPSET):
    with pytest.raises(InputError) as caught:
        _read(model(nodes, inits, input_dims, opset=opset), tmp_path)
    for w in what:
        assert w in str(caught.value), str(caught.value)


def test_leaky_relu_is_a_relu_with_its_slope(tmp_path):
    (op,) = _ops([node("LeakyRelu", ["x"], ["y"], "/act/LeakyRelu", alpha=0.1)], tmp_path)
    assert (op.kind, op.slope, op.cap) == ("relu", 0.1, 0)  # float32's 0.1, read as written
    assert cost.op_cost(op).other.mul == 8 * 8 * 3  # the leak's multiply per element
    (default,) = _ops([node("LeakyRelu", ["x"], ["y"])], tmp_path)
    assert default.slope == 0.01  # ONNX's default alpha, torch's nn.LeakyReLU()
    _refused([node("LeakyRelu", ["x"], ["y"], "/a/L", alpha=1.5)], tmp_path, "has slope 1.5")


def test_hard_swish_and_torch_s_hard_sigmoid(tmp_path):
    nodes = [
        node("HardSwish", ["x"], ["h"], "/hs/HardSwish"),
        node("HardSigmoid", ["h"], ["y"], "/hsig/HardSigmoid", alpha=1 / 6, beta=0.5),
    ]
    hs, hsig = _ops(nodes, tmp_path)
    assert (type(hs), type(hsig)) == (ops.HardSwish, ops.HardSigmoid)
    # the legacy exporter leaves beta out: ONNX's default, 0.5
    (legacy,) = _ops([node("HardSigmoid", ["x"], ["y"], alpha=1 / 6)], tmp_path)
    assert legacy.kind == "hsigmoid"


def test_a_hard_sigmoid_of_other_constants_is_refused_at_its_node(tmp_path):
    """ONNX's default alpha 0.2 (Keras's old hard_sigmoid) is another function than
    h-sigmoid's 1/6: not counted as it."""
    _refused(
        [node("HardSigmoid", ["x"], ["y"], "/gate/HardSigmoid")],
        tmp_path,
        "node '/gate/HardSigmoid' (HardSigmoid) is max(0, min(1, 0.2 x + 0.5))",
        "alpha 1/6, beta 0.5",
    )


def test_hard_swish_before_opset_14_is_its_input_times_hard_sigmoid(tmp_path):
    nodes = [
        node("HardSigmoid", ["x"], ["h"], "/hs/HardSigmoid", alpha=1 / 6),
        node("Mul", ["x", "h"], ["y"], "/hs/Mul"),
    ]
    (op,) = _ops(nodes, tmp_path, opset=13)
    assert op.kind == "hswish" and op.inputs == ("input",)


@pytest.mark.parametrize(
    ("last", "kind"),
    [
        # x * ReLU6(x + 3) / 6, as hand-written MobileNetV3s compute it
        ([node("Mul", ["x", "r6"], ["xr"]), node("Div", ["xr", "six"], ["y"])], "hswish"),
        # x * (ReLU6(x + 3) / 6): h-sigmoid, then the product with its input
        ([node("Div", ["r6", "six"], ["hs"]), node("Mul", ["x", "hs"], ["y"])], "hswish"),
        ([node("Div", ["r6", "six"], ["y"])], "hsigmoid"),
    ],
)
def test_hard_swish_and_sigmoid_written_out(tmp_path, last, kind):
    nodes = [
        const("three", 3.0),
        node("Add", ["x", "three"], ["x3"]),
        node("Clip", ["x3", "lo", "hi"], ["r6"]),
        const("six", 6.0),
        *last,
    ]
    (op,) = _ops(nodes, tmp_path, [tensor("lo", (), 0.0), tensor("hi", (), 6.0)])
    assert op.kind == kind and op.inputs == ("input",)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_node(tmp_path, approximate):
    (op,) = _ops([node("Gelu", ["x"], ["y"], "/g/Gelu", approximate=approximate)], tmp_path)
    assert (op.kind, op.approximate) == ("gelu", approximate)


@pytest.mark.parametrize("form", sorted(GELU_FORMS))
def test_gelu_written_out_is_one_gelu(tmp_path, form):
    """Before opset 20 torch writes GELU out (5 to 9 nodes, in each exporter's order): one
    op, in its form, named for the module of its last node; nothing else is a row."""
    (op,) = _ops(GELU_FORMS[form], tmp_path, opset=18)
    approximate = "none" if form.startswith("exact") else "tanh"
    assert (op.kind, op.approximate, op.name) == ("gelu", approximate, "gelu/gelu")


def test_an_expression_that_is_not_gelu_is_refused(tmp_path):
    """x (1 + erf(x / 1.5)) / 2 is no op of ours: refused at the operator it has no rule for,
    not read as the GELU it resembles."""
    nodes = [const("r2", 1.5) if n.op_type == "Constant" and n.output[0] == "r2" else n
             for n in GELU_FORMS["exact, new exporter"]]  # fmt: skip
    _refused(nodes, tmp_path, "no rule for ONNX operator 'Erf'", opset=18)


def _between_transposes(inner, c=4):
    """conv to `c` channels, then `inner` on the map permuted channels-last, permuted back."""
    return [
        node("Conv", ["x", "w"], ["c"], "/conv/Conv", kernel_shape=[1, 1]),
        node("Transpose", ["c"], ["p"], "/ln/Transpose", perm=[0, 2, 3, 1]),
        *inner,
        node("Transpose", ["n"], ["y"], "/ln/Transpose_1", perm=[0, 3, 1, 2]),
    ]


def test_layer_norm_over_channels_between_transposes(tmp_path):
    """torch's nn.LayerNorm on a map permuted channels-last (ConvNeXt's): one layer norm
    over the C channels at each position, 2C params; the permutes cost nothing and are no
    rows."""
    nodes = _between_transposes(
        [node("LayerNormalization", ["p", "g", "b"], ["n"], "/ln/ln/LN", epsilon=1e-6)]
    )
    inits = [tensor("w", (4, 3, 1, 1)), tensor("g", (4,)), tensor("b", (4,))]
    impl = _read(model(nodes, inits), tmp_path)
    _, ln = impl.network.ops()
    assert (ln.kind, ln.eps, ln.out_shape, ln.inputs) == (
        "layernorm",
        1e-6,
        (8, 8, 4),
        ("conv/conv",),
    )
    c = cost.op_cost(ln)
    assert (c.weights, c.biases) == (4, 4)
    assert [b.name for b in impl.network.blocks] == ["conv", "ln"]
    assert impl.tensors[ln.name] == "n" and ln.name in impl.channels_last


@pytest.mark.parametrize(
    ("axes", "opset", "dims", "permuted"),
    [
        ([-1], 13, (4,), True),  # torch's legacy exporter before opset 17, axes an attribute
        ([3], 18, (4,), True),  # axes an input
        ([1], 18, (4, 1, 1), False),  # ConvNeXt's channels-first LayerNorm on N x C x H x W
    ],
)
def test_layer_norm_written_out(tmp_path, axes, opset, dims, permuted):
    inner = layer_norm_written_out("p" if permuted else "c", "n", axes, opset)
    nodes = _between_transposes(inner)
    if not permuted:
        nodes = [nodes[0], *inner, node("Identity", ["n"], ["y"])]
    inits = [tensor("w", (4, 3, 1, 1)), tensor("g", dims), tensor("b", dims)]
    impl = _read(model(nodes, inits, opset=opset), tmp_path)
    _, ln = impl.network.ops()
    assert (ln.kind, ln.eps, ln.out_shape) == ("layernorm", 1e-6, (8, 8, 4))
    assert impl.params[ln.name] == {"weight": "g", "bias": "b"}
    assert (ln.name in impl.channels_last) == permuted


def test_layer_norms_it_does_not_read_are_refused(tmp_path):
    inits = [tensor("g", (8,)), tensor("b", (8,))]
    over_w = [node("LayerNormalization", ["x", "g", "b"], ["y"], "/ln/LN")]  # N x C x H x W
    _refused(over_w, tmp_path, "normalizes 8 values of a 1x3x8x8 map", inits=inits)
    no_shift = [
        node("Transpose", ["x"], ["p"], perm=[0, 2, 3, 1]),
        node("LayerNormalization", ["p", "g"], ["n"], "/ln/LN"),
        node("Transpose", ["n"], ["y"], perm=[0, 3, 1, 2]),
    ]
    _refused(no_shift, tmp_path, "has no stored shift", inits=[tensor("g", (3,))])
    wrong = layer_norm_written_out("x", "y", [1])
    wrong[5] = node("ReduceMean", ["ln_d2", "w_axes"], ["ln_var"])  # the variance over W
    inits = [tensor("g", (3, 1, 1)), tensor("b", (3, 1, 1)), tensor("w_axes", (1,), [3], "int64")]
    _refused(wrong, tmp_path, "no rule for ONNX operator 'Sub'", inits=inits)


def test_layer_scale_gates_and_swish_are_three_products(tmp_path):
    """x times a stored factor per channel (C x 1 x 1) is layer scale, C params; x times a
    computed N x C x 1 x 1 gate is squeeze-and-excitation's scale; x times Sigmoid(x) a
    swish."""
    nodes = [
        node("Mul", ["gamma", "x"], ["s"], "/Mul"),
        node("GlobalAveragePool", ["s"], ["p"], "/se/pool"),
        node("Sigmoid", ["p"], ["g"], "/se/gate"),
        node("Mul", ["s", "g"], ["e"], "/se/Mul"),
        node("Sigmoid", ["e"], ["h"], "/act/Sigmoid"),
        node("Mul", ["e", "h"], ["y"], "/act/Mul"),
    ]
    impl = _read(model(nodes, [tensor("gamma", (3, 1, 1))]), tmp_path)
    assert _kinds(impl) == ["layerscale", "pool", "sigmoid", "scale", "swish"]
    ls = next(impl.network.ops())
    assert cost.op_cost(ls).params == 3 and impl.params[ls.name] == {"weight": "gamma"}


def test_a_factor_not_per_channel_is_refused(tmp_path):
    """A vector of 8 on N x 3 x 8 x 8 multiplies along W, not the channels: no layer scale."""
    nodes = [node("Mul", ["x", "v"], ["y"], "/m/Mul")]
    _refused(nodes, tmp_path, "node '/m/Mul' (Mul) has no rule", inits=[tensor("v", (8,))])


def test_a_convnext_block_reads_channels_last(tmp_path):
    """torchvision's CNBlock: its Linear layers over the channels of the permuted map are
    1x1 convolutions with biases, its permutes no ops; counted by hand."""
    impl = _read(convnext_block(8), tmp_path)
    assert _kinds(impl) == ["conv", "layernorm", "conv", "gelu", "conv", "layerscale", "add"]
    _, ln, pw1, gelu, pw2, ls, add = impl.network.ops()
    assert (pw1.kernel, pw1.bias, pw1.out_shape, pw2.out_shape) == (
        (1, 1),
        True,
        (8, 8, 32),
        (8, 8, 8),
    )
    totals = cost.analyse(impl.network).totals
    assert totals.params == (8 * 49 + 8) + 2 * 8 + (8 * 32 + 32) + (32 * 8 + 8) + 8
    assert totals.macs == 64 * (8 * 49 + 8 * 32 + 32 * 8)
    assert impl.channels_last == {ln.name, pw1.name, gelu.name, pw2.name}
    assert add.inputs == (ls.name, "input")


def test_a_convnext_block_verifies_against_onnxruntime(tmp_path):
    """Its own weights, channels-last rows held to onnxruntime's N x H x W x C tensors."""
    v = verify.verify(_read(convnext_block(8), tmp_path))
    assert v.ok and len(v.runtime) == len(v.blocks) and 0 < max(r.worst for r in v.runtime) <= 1e-4


def test_a_channels_last_map_read_as_channels_first_is_refused(tmp_path):
    nodes = [
        node("Transpose", ["x"], ["p"], perm=[0, 2, 3, 1]),
        node("Conv", ["p", "w"], ["y"], "/c/Conv", kernel_shape=[1, 1]),
    ]
    _refused(
        nodes,
        tmp_path,
        "node '/c/Conv' (Conv) reads a channels-last map (1x8x8x3, N x H x W x C)",
        inits=[tensor("w", (2, 8, 1, 1))],
    )
