"""An ONNX file read without its weights: its nodes in execution order, each with the module
names the exporter recorded, the initializers' dimensions, and the small constants the
graph computes shapes from. Everything that makes a file unusable is refused here with one
line naming the file (and the node): bytes that are not a model, a cycle, a tensor
nobody produces, a dimension beyond `MAX_DIM`, a weights file that is not there.

onnx's own shape inference runs later (`inferred`), as the check on our reading.
"""

from __future__ import annotations

import heapq
import math
import re
from dataclasses import dataclass
from pathlib import Path

import onnx
from google.protobuf.message import DecodeError
from onnx import numpy_helper, shape_inference

from inception_cost.errors import InputError, first_line

#: The largest dimension a model may give a tensor (int32 indexing, as runtimes use).
MAX_DIM = 2**31 - 1
#: The most elements a constant may have for its values to be read (shape constants).
MAX_CONSTANT = 4096
#: The most nodes a graph may have (the table side's MAX_LAYERS, times a node's helpers).
MAX_NODES = 200_000

_SCOPES = "pkg.torch.onnx.name_scopes"
_CLASSES = "pkg.torch.onnx.class_hierarchy"
_RULES = "pkg.onnxscript.rewriter.rule_name"
_READ = (_SCOPES, _CLASSES, _RULES)
#: Operators that only compute shapes or pass a tensor on: never an op of a row.
_BOOKKEEPING = frozenset(
    ("Constant", "Shape", "Expand", "CastLike", "Gather", "ConstantOfShape", "Range")
)


@dataclass(frozen=True, slots=True)
class Node:
    """One node. `modules` are the qualified names of the modules it ran in, outermost
    first, and `classes` their classes (empty where the exporter recorded none)."""

    index: int
    op_type: str
    domain: str
    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    attrs: dict[str, object]
    modules: tuple[str, ...]
    classes: tuple[str, ...]
    rules: tuple[str, ...]  # the exporter's rewrite rules applied (FuseBatchNormIntoConv)

    def where(self) -> str:
        return f"node {self.name!r} ({self.op_type})"


@dataclass(frozen=True, slots=True)
class Graph:
    path: str
    name: str
    producer: str
    opset: int
    input: str
    input_dims: tuple[int, ...]  # a symbolic batch dimension reads as 1
    outputs: tuple[str, ...]
    nodes: tuple[Node, ...]  # in execution (topological) order
    initializers: dict[str, tuple[int, ...]]  # name -> dims (the values stay in the file)
    constants: dict[str, tuple[tuple[int, ...], tuple]]  # small initializers: (dims, values)
    model: onnx.ModelProto
    data: bytes  # the file's bytes, for onnx's shape inference


def read(path: str) -> Graph:
    """The graph of the model file at `path`, without loading its weights."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read it: {exc.strerror or exc}", "a readable ONNX file", path
        ) from None
    model = _parse(data, path)
    graph = model.graph
    initializers = {t.name: tuple(t.dims) for t in graph.initializer}
    _check_external(model, path)
    name, dims = _image_input(graph, initializers, path)
    nodes = _ordered(graph, initializers, name, path)
    for t in graph.initializer:
        _check_dims(t.dims, f"initializer {t.name!r}", path)
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
    return Graph(
        path,
        graph.name,
        f"{model.producer_name} {model.producer_version}".strip(),
        opset,
        name,
        dims,
        tuple(o.name for o in graph.output),
        nodes,
        initializers,
        _constants(graph),
        model,
        data,
    )


def _parse(data: bytes, path: str) -> onnx.ModelProto:
    fail = InputError("not an ONNX model", "a file that onnx.save wrote (a ModelProto)", path)
    try:
        model = onnx.load_model_from_string(data)
    except (DecodeError, RuntimeError, ValueError) as exc:
        raise fail from exc
    if not data or model.ir_version < 1 or not model.graph.node or not model.opset_import:
        raise fail
    if model.functions:
        model = onnx.inliner.inline_local_functions(model)
    if len(model.graph.node) > MAX_NODES:
        raise InputError(f"{len(model.graph.node):,} nodes", f"at most {MAX_NODES:,} nodes", path)
    return model


def _check_external(model: onnx.ModelProto, path: str) -> None:
    """Every weights file the model names exists beside it (its values are read only by
    `verify`, but a model without them is not the model)."""
    base = Path(path).parent
    seen: set[str] = set()
    for t in model.graph.initializer:
        if t.data_location != onnx.TensorProto.EXTERNAL:
            continue
        location = next((e.value for e in t.external_data if e.key == "location"), "")
        if location in seen:
            continue
        seen.add(location)
        where = Path(location)
        if not location or where.is_absolute() or ".." in where.parts:
            raise InputError(
                f"initializer {t.name!r} keeps its values at {location!r}",
                "a weights file named relative to the model, inside its folder",
                path,
            )
        if not (base / where).is_file():
            raise InputError(
                f"its weights are in {location}, which is not in {base}",
                f"{location} beside the model (torch.onnx.export writes both)",
                path,
            )


def _image_input(graph, initializers: dict, path: str) -> tuple[str, tuple[int, ...]]:
    """The one input that is not an initializer: N x C x H x W with fixed C, H, W."""
    inputs = [i for i in graph.input if i.name not in initializers]
    if len(inputs) != 1:
        raise InputError(
            f"{len(inputs)} inputs ({', '.join(i.name for i in inputs) or 'none'})",
            "one image input, N x C x H x W",
            path,
        )
    value = inputs[0]
    shape = value.type.tensor_type.shape
    dims = []
    for i, d in enumerate(shape.dim):
        if d.HasField("dim_value"):
            dims.append(d.dim_value)
        elif i == 0:
            dims.append(1)  # a symbolic batch: counts are per image
        else:
            raise InputError(
                f"input {value.name!r} has a symbolic dimension {d.dim_param or '?'!r} at axis {i}",
                "an export at a fixed image size (torch.onnx.export with an example input)",
                path,
            )
    if len(dims) != 4:
        raise InputError(
            f"input {value.name!r} has {len(dims)} dimensions",
            "an image input of 4: N x C x H x W",
            path,
        )
    _check_dims(dims, f"input {value.name!r}", path)
    return value.name, tuple(dims)


def _check_dims(dims, what: str, path: str) -> None:
    for d in dims:
        if d < 0 or d > MAX_DIM:
            raise InputError(
                f"{what} has a dimension of {d:,}", f"dimensions from 0 to {MAX_DIM:,}", path
            )


def _ordered(graph, initializers: dict, image: str, path: str) -> tuple[Node, ...]:
    """The nodes in execution order (Kahn's, stable in file order): a cycle, or a tensor
    that no node, initializer or input gives, is refused."""
    protos = list(graph.node)
    producer: dict[str, int] = {}
    for i, n in enumerate(protos):
        for out in n.output:
            if out:
                producer[out] = i
    available = {image, *initializers, ""}
    waiting = [0] * len(protos)
    readers: dict[int, list[int]] = {}
    for i, n in enumerate(protos):
        for name in set(n.input) - available:
            if name not in producer:
                raise InputError(
                    f"node {n.name or i!r} ({n.op_type}) reads {name!r},"
                    " which no node, initializer or input gives",
                    "a graph whose every input is produced",
                    path,
                )
            waiting[i] += 1
            readers.setdefault(producer[name], []).append(i)
    ready = [i for i, w in enumerate(waiting) if w == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:  # the smallest ready index first: file order, where it is an execution order
        i = heapq.heappop(ready)
        order.append(i)
        for j in readers.get(i, ()):
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, j)
    if len(order) < len(protos):
        stuck = next(i for i, w in enumerate(waiting) if w)
        n = protos[stuck]
        raise InputError(
            f"the graph has a cycle through node {n.name or stuck!r} ({n.op_type})",
            "an acyclic graph (ONNX graphs are)",
            path,
        )
    return tuple(_node(k, protos[i], path) for k, i in enumerate(order))


def _text(value) -> str:
    """A string field as text (protobuf gives bytes where it is not UTF-8)."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _node(index: int, proto, path: str) -> Node:
    op_type = _text(proto.op_type)
    meta = {}
    if op_type not in _BOOKKEEPING:  # its modules name an op's row; a constant has none
        for p in proto.metadata_props:  # the three keys read, not the stack traces
            if p.key in _READ:
                meta[p.key] = _text(p.value)
    name = _text(proto.name)
    modules, classes = _modules(meta.get(_SCOPES, ""), meta.get(_CLASSES, ""), name)
    attrs = {}
    for a in proto.attribute:
        if a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS):
            attrs[a.name] = None  # a subgraph: no reader takes one
        else:
            attrs[a.name] = _attribute(a)
    rules = tuple(r.strip() for r in meta.get(_RULES, "").split(",") if r.strip())
    return Node(
        index,
        op_type,
        _text(proto.domain),
        name or f"{op_type}_{index}",
        tuple(map(_text, proto.input)),
        tuple(map(_text, proto.output)),
        attrs,
        modules,
        classes,
        rules,
    )


def _attribute(a) -> object:
    value = onnx.helper.get_attribute_value(a)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list):
        return tuple(v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in value)
    if isinstance(value, onnx.TensorProto):
        return _tensor_value(value)
    return value


def _modules(scopes: str, hierarchy: str, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The modules a node ran in and their classes: torch's name scopes (`['',
    'inception4a', 'inception4a.branch2', ..., 'relu_4']`, the last the traced op), else
    the legacy exporter's node name (`/inception4a/branch2/branch2.0/conv/Conv`)."""
    if scopes:
        scopes = _literal(scopes)
        classes = _literal(hierarchy or "[]")
        modules = tuple(s for s in scopes[1:-1] if s)
        kept = tuple(classes[1:-1]) if len(classes) == len(scopes) else ()
        return modules, kept if len(kept) == len(modules) else ()
    if name.startswith("/") and name.count("/") > 1:
        path, qualified = name.split("/")[1:-1], []
        for part in path:  # `branch2.0` under `inception4e.branch2`: inception4e.branch2.0
            prev = qualified[-1] if qualified else ""
            last = prev.rsplit(".", 1)[-1]
            if not prev or part.startswith(prev + "."):
                qualified.append(part)
            elif part.startswith(last + "."):
                qualified.append(prev + part[len(last) :])
            else:
                qualified.append(f"{prev}.{part}")
        return tuple(qualified), ()
    return (), ()


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")


def _literal(text: str) -> list[str]:
    """The strings of a list of strings as Python writes one (`['', 'conv1']`)."""
    if not (text.startswith("[") and text.endswith("]")):
        return []
    plain = '"' not in text and "\\" not in text and text.endswith("']")
    if plain and text.startswith("['"):  # plain names: split where they are joined
        return text[2:-2].split("', '")
    return [a or b for a, b in _QUOTED.findall(text)]


def _constants(graph) -> dict[str, tuple[tuple[int, ...], tuple]]:
    """The values of the small initializers stored in the file itself (shape constants,
    Clip bounds, a Split's sizes); external and large ones are not read."""
    out = {}
    for t in graph.initializer:
        if t.data_location == onnx.TensorProto.EXTERNAL:
            continue
        dims, values = _tensor_value(t)
        if values is not None:
            out[t.name] = (dims, values)
    return out


def _tensor_value(t) -> tuple[tuple[int, ...], tuple | None]:
    """A tensor's dimensions, and its flat values where it is small and in the file."""
    dims = tuple(t.dims)
    if t.data_location == onnx.TensorProto.EXTERNAL or math.prod(dims) > MAX_CONSTANT:
        return dims, None
    try:
        array = numpy_helper.to_array(t)
    except (ValueError, TypeError, RuntimeError):
        return dims, None
    return dims, tuple(array.ravel().tolist())


def inferred(graph: Graph) -> dict[str, tuple[int, ...]]:
    """onnx's shape inference (strict): every tensor's dimensions it can give."""
    try:
        model = shape_inference.infer_shapes(graph.data, strict_mode=True)
    except (shape_inference.InferenceError, RuntimeError, ValueError) as exc:
        raise InputError(
            f"onnx shape inference refuses the graph: {first_line(exc)}",
            "a model onnx.checker.check_model accepts",
            graph.path,
        ) from exc
    out: dict[str, tuple[int, ...]] = {}
    for v in (*model.graph.value_info, *model.graph.output):
        dims = tuple(d.dim_value for d in v.type.tensor_type.shape.dim)
        if dims and all(dims):  # 0: a dimension inference left symbolic
            if max(dims) > MAX_DIM:
                _check_dims(dims, f"tensor {_text(v.name)!r}", graph.path)
            out[_text(v.name)] = dims
    return out
