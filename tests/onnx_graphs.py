"""Small ONNX models built node by node with onnx.helper (no torch), for the reader's
unit tests, its bad-input tests and the fuzz: each a graph whose counts are worked out
by hand in the test that uses it."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 20


def tensor(name: str, dims: tuple[int, ...], values=None, dtype=np.float32):
    """An initializer: `values` (a list or scalar), else a seeded random array."""
    if values is None:
        values = np.random.default_rng(len(name)).standard_normal(dims)
    return numpy_helper.from_array(np.asarray(values, dtype=dtype).reshape(dims), name)


def model(
    nodes, inits=(), input_dims=(1, 3, 8, 8), outputs=("y",), name="g", opset=OPSET
) -> onnx.ModelProto:
    """A model reading `x` of `input_dims` and giving `outputs` (float, shapes inferred)."""
    graph = helper.make_graph(
        list(nodes),
        name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(input_dims))],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs],
        list(inits),
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def save(m: onnx.ModelProto, path) -> str:
    onnx.save(m, str(path))
    return str(path)


def node(op: str, inputs, outputs, name: str = "", **attrs):
    return helper.make_node(op, list(inputs), list(outputs), name=name or None, **attrs)


def chain(n: int, path) -> str:
    """A model file of `n` 1x1 convolutions, each followed by a ReLU, named by module."""
    nodes, x = [], "x"
    for i in range(n):
        nodes += [node("Conv", [x, "w"], [f"c{i}"], f"/l{i}/Conv")]
        nodes += [node("Relu", [f"c{i}"], [f"r{i}"], f"/l{i}/Relu")]
        x = f"r{i}"
    nodes.append(node("Identity", [x], ["y"], "/out"))
    return save(model(nodes, [tensor("w", (4, 4, 1, 1))], input_dims=(1, 4, 8, 8)), path)


def stem(cout: int = 4, k: int = 3) -> onnx.ModelProto:
    """conv kxk (bias) -> relu -> max pool 2x2/2 -> global average pool -> flatten -> gemm:
    a small net every count of which is hand arithmetic."""
    return model(
        [
            node(
                "Conv",
                ["x", "w", "b"],
                ["c"],
                "/conv1/Conv",
                kernel_shape=[k, k],
                pads=[k // 2] * 4,
            ),
            node("Relu", ["c"], ["r"], "/conv1/Relu"),
            node("MaxPool", ["r"], ["p"], "/pool/MaxPool", kernel_shape=[2, 2], strides=[2, 2]),
            node("GlobalAveragePool", ["p"], ["g"], "/gap/GlobalAveragePool"),
            node("Flatten", ["g"], ["f"], "/Flatten"),
            node("Gemm", ["f", "fw", "fb"], ["y"], "/fc/Gemm", transB=1),
        ],
        [
            tensor("w", (cout, 3, k, k)),
            tensor("b", (cout,)),
            tensor("fw", (10, cout)),
            tensor("fb", (10,)),
        ],
    )


def const(out: str, value: float):
    """A Constant node giving the scalar `value` as `out`, as torch's exporters write one."""
    return node("Constant", [], [out], f"/{out}/Constant", value=tensor(out, (), value))


#: GELU as torch's exporters write it before opset 20 (x in `x`, out `y`): the new
#: exporter's and the legacy one's orders of the exact form, and of the tanh form.
GELU_FORMS = {
    "exact, new exporter": [
        const("r2", 2**0.5),
        node("Div", ["x", "r2"], ["d"]),
        node("Erf", ["d"], ["e"]),
        const("one", 1.0),
        node("Add", ["e", "one"], ["a"]),
        const("half", 0.5),
        node("Mul", ["half", "a"], ["m"]),
        node("Mul", ["x", "m"], ["y"], "/gelu/Mul"),
    ],
    "exact, legacy exporter": [
        const("r2", 2**0.5),
        node("Div", ["x", "r2"], ["d"]),
        node("Erf", ["d"], ["e"]),
        const("one", 1.0),
        node("Add", ["e", "one"], ["a"]),
        node("Mul", ["x", "a"], ["m"]),
        const("half", 0.5),
        node("Mul", ["m", "half"], ["y"], "/gelu/Mul_1"),
    ],
    "tanh, new exporter": [
        const("three", 3.0),
        node("Pow", ["x", "three"], ["p"]),
        const("c", 0.044715),
        node("Mul", ["c", "p"], ["cp"]),
        node("Add", ["x", "cp"], ["s"]),
        const("k", (2 / 3.141592653589793) ** 0.5),
        node("Mul", ["k", "s"], ["ks"]),
        node("Tanh", ["ks"], ["t"]),
        const("one", 1.0),
        node("Add", ["t", "one"], ["a"]),
        const("half", 0.5),
        node("Mul", ["half", "a"], ["m"]),
        node("Mul", ["x", "m"], ["y"], "/gelu/Mul"),
    ],
    "tanh, legacy exporter": [
        node("Mul", ["x", "x"], ["x2"]),
        node("Mul", ["x", "x2"], ["x3"]),
        const("c", 0.044715),
        node("Mul", ["c", "x3"], ["cp"]),
        node("Add", ["x", "cp"], ["s"]),
        const("k", (2 / 3.141592653589793) ** 0.5),
        node("Mul", ["k", "s"], ["ks"]),
        node("Tanh", ["ks"], ["t"]),
        const("one", 1.0),
        node("Add", ["one", "t"], ["a"]),
        node("Mul", ["x", "a"], ["m"]),
        const("half", 0.5),
        node("Mul", ["half", "m"], ["y"], "/gelu/Mul_5"),
    ],
}


def layer_norm_written_out(x: str, y: str, axes: list[int], opset: int = OPSET) -> list:
    """torch's layer_norm before opset 17 (and ConvNeXt's channels-first LayerNorm):
    (x - mean) / sqrt(var + eps) * g + b, the means over `axes` (an attribute before
    opset 18, an input from it); `g` and `b` are initializers the test stores."""

    def mean(inp: str, out: str):
        if opset >= 18:
            return node("ReduceMean", [inp, "ln_axes"], [out])
        return node("ReduceMean", [inp], [out], axes=axes)

    nodes = [
        mean(x, "ln_u"),
        node("Sub", [x, "ln_u"], ["ln_d"]),
        const("ln_two", 2.0),
        node("Pow", ["ln_d", "ln_two"], ["ln_d2"]),
        mean("ln_d2", "ln_var"),
        const("ln_eps", 1e-6),
        node("Add", ["ln_var", "ln_eps"], ["ln_ve"]),
        node("Sqrt", ["ln_ve"], ["ln_sd"]),
        node("Div", ["ln_d", "ln_sd"], ["ln_n"]),
        node("Mul", ["ln_n", "g"], ["ln_ng"]),
        node("Add", ["ln_ng", "b"], [y], "/ln/Add_1"),
    ]
    if opset >= 18:
        axes_tensor = tensor("ln_axes", (1,), axes, "int64")
        nodes.insert(0, node("Constant", [], ["ln_axes"], value=axes_tensor))
    return nodes


def convnext_block(c: int = 8) -> onnx.ModelProto:
    """ConvNeXt's block as torchvision writes it (CNBlock): a 7x7 depthwise conv, permuted
    channels-last, LayerNorm, Linear to 4C, GELU, Linear back, permuted back, times the
    layer scale (C x 1 x 1), plus the input; on 1 x C x 8 x 8."""
    return model(
        [
            node(
                "Conv",
                ["x", "dw", "dwb"],
                ["d"],
                "/dw/Conv",
                kernel_shape=[7, 7],
                group=c,
                pads=[3, 3, 3, 3],
            ),
            node("Transpose", ["d"], ["p"], "/permute/Transpose", perm=[0, 2, 3, 1]),
            node("LayerNormalization", ["p", "g", "b"], ["n"], "/norm/LN", epsilon=1e-6),
            node("MatMul", ["n", "w1"], ["m1"], "/pw1/MatMul"),
            node("Add", ["m1", "b1"], ["a1"], "/pw1/Add"),
            node("Gelu", ["a1"], ["e"], "/act/Gelu"),
            node("MatMul", ["e", "w2"], ["m2"], "/pw2/MatMul"),
            node("Add", ["b2", "m2"], ["a2"], "/pw2/Add"),
            node("Transpose", ["a2"], ["q"], "/back/Transpose", perm=[0, 3, 1, 2]),
            node("Mul", ["gamma", "q"], ["s"], "/Mul"),
            node("Add", ["s", "x"], ["y"], "/Add"),
        ],
        [
            tensor("dw", (c, 1, 7, 7)),
            tensor("dwb", (c,)),
            tensor("g", (c,)),
            tensor("b", (c,)),
            tensor("w1", (c, 4 * c)),
            tensor("b1", (4 * c,)),
            tensor("w2", (4 * c, c)),
            tensor("b2", (c,)),
            tensor("gamma", (c, 1, 1)),
        ],
        input_dims=(1, c, 8, 8),
    )
