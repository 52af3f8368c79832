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
