"""An ONNX file -> an `Implementation`: each node mapped to our primitive ops by its ONNX
operator's reader (`mapping.READERS`, `patterns`), the ops grouped into rows by the
modules the exporter recorded (`rows`), every shape checked against onnx's inference.

The walk keeps, for every tensor, what it is (`values`): an activation an op of ours
writes, a constant, or a node held back for a later node to take in. A node is lowered
when its turn comes in execution order; a held node that no later node takes in, and
that something reads, is refused with the operator and node named.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace

from onnx import defs as onnx_defs

from inception_cost import budget, progress
from inception_cost.conventions import Conventions
from inception_cost.errors import InputError
from inception_cost.frontmatter import ClaimReading, Source
from inception_cost.implementation import mapping, patterns, rows
from inception_cost.implementation.model import Implementation
from inception_cost.implementation.onnx_file import Graph, Node, inferred
from inception_cost.implementation.onnx_file import read as read_graph
from inception_cost.implementation.values import Act, Const, Held, Value, fold
from inception_cost.network import Network
from inception_cost.ops import INPUT, Op

# patterns registers the readers of multi-node patterns in mapping.READERS


def read(path: str, name: str = "") -> Implementation:
    """The model at `path` as an `Implementation` (no weights loaded); `name` names it
    (default: the file's stem)."""
    graph = read_graph(path)
    _check_operators(graph)
    shapes = inferred(graph)  # onnx's own checks first: attributes, ranks, types
    lowered = Lowering(graph)
    lowered.run()
    _check_shapes(lowered, shapes)
    blocks = rows.group(lowered, graph)
    stem = name or path.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".onnx")
    input_shape = lowered.values[graph.input].shape
    net = Network(stem, input_shape, blocks, Conventions(), aux=False)
    folded = tuple(
        op.name
        for op in lowered.ops
        if op.kind == "conv" and "FuseBatchNormIntoConv" in lowered.node_of[op.name].rules
    )
    return Implementation(
        name=stem,
        title=f"{stem} (ONNX model, {graph.producer or 'producer not named'})",
        source=Source(f"ONNX model {path}, opset {graph.opset}", graph.name, ""),
        input_shape=input_shape,
        conventions=net.conventions,
        reading=ClaimReading(),
        claims=(),
        variants=(),
        connection_tables={},
        path=path,
        rows=tuple(b.row for b in blocks),
        columns=(),
        network=net,
        folded=folded,
        modules={op.name: rows.module_of(lowered.node_of[op.name]) for op in lowered.ops},
        producer=graph.producer,
        image=graph.input,
        tensors=dict(lowered.tensor_of),
        nodes={op.name: lowered.node_of[op.name].name for op in lowered.ops},
        params=dict(lowered.params),
        channels_last=frozenset(lowered.channels_last),
    )


class Lowering:
    """The walk: each node in execution order becomes ops, an alias, a constant or a held
    node. Readers (mapping.py, patterns.py) call the methods below."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.values: dict[str, Value] = {}
        self.ops: list[Op] = []
        self.node_of: dict[str, Node] = {}  # our op -> the node it was read from
        self.tensor_of: dict[str, str] = {}  # our op -> the ONNX tensor it writes
        self.params: dict[str, dict[str, str]] = {}  # our op -> role -> ONNX tensor
        self.channels_last: set[str] = set()  # our ops whose tensors are N x H x W x C
        self.readers = Counter(name for n in graph.nodes for name in set(n.inputs))
        self.readers.update(graph.outputs)
        self._names: Counter = Counter()
        self._index: dict[str, int] = {}  # op name -> position in self.ops

    def run(self) -> None:
        g = self.graph
        self.values[g.input] = Act(INPUT, g.input_dims)
        for name, dims in g.initializers.items():
            values = g.constants.get(name, (dims, None))[1]
            self.values[name] = Const(dims, values, math.prod(dims))
        with progress.task(f"reading {g.path}", len(g.nodes)) as step:
            for node in g.nodes:
                step()
                made = len(self.ops)
                self._lower(node)
                budget.spend(len(self.ops) - made)  # a model's ops, as a table's are built
        for out in g.outputs:
            value = self.values.get(out)
            if isinstance(value, Held):
                raise self.unread(value)
            if not isinstance(value, Act) or value.op == INPUT:
                raise InputError(
                    f"output {out!r} is not computed from the input",
                    "outputs the image flows to",
                    g.path,
                )

    def _lower(self, node: Node) -> None:
        inputs = [self.values.get(name) if name else None for name in node.inputs]
        consts = [v for v in inputs if v is not None]
        if node.op_type == "CastLike":
            consts = consts[:1]  # its second input gives only the type
        if (consts and all(isinstance(v, Const) for v in consts)) or node.op_type == "Constant":
            value = fold(node, consts)
            if value is not None:
                for out in node.outputs:
                    self.values[out] = value
                return
        if node.op_type == "Shape" and isinstance(inputs[0], Act | Held):
            dims = inputs[0].dims
            if dims is not None:
                start, end = node.attrs.get("start", 0), node.attrs.get("end", len(dims))
                kept = dims[start:end]
                self.values[node.outputs[0]] = Const((len(kept),), tuple(kept))
                return
        if node.domain not in ("", "ai.onnx") or node.op_type not in mapping.READERS:
            self.hold(node, inputs)
            return
        try:
            mapping.READERS[node.op_type](node, self)
        except (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError) as exc:
            # what onnx's checks let through and a reader cannot take (a malformed node)
            raise self.refuse(
                node,
                f"cannot be read ({type(exc).__name__}: {str(exc)[:200]})",
                "a node as its ONNX operator defines it",
            ) from exc

    # -- what readers call ------------------------------------------------------------
    def value(self, node: Node, i: int) -> Value | None:
        name = node.inputs[i] if i < len(node.inputs) else ""
        return self.values.get(name) if name else None

    def act(self, node: Node, i: int = 0, any_layout: bool = False) -> Act:
        """Input `i`, which must be an activation (a held node there is refused), laid out
        N x C x H x W unless the reader takes a channels-last map too (`any_layout`)."""
        v = self.value(node, i)
        if isinstance(v, Held):
            raise self.unread(v)
        if not isinstance(v, Act):
            raise self.refuse(
                node,
                f"reads a constant as its input {i + 1}",
                "an activation computed from the image",
            )
        if v.channels_last and not any_layout:
            raise self.refuse(
                node,
                f"reads a channels-last map ({'x'.join(map(str, v.dims))}, N x H x W x C)",
                "N x C x H x W here (a channels-last map is read by elementwise operators,"
                " LayerNormalization, MatMul, and Transpose back)",
            )
        return v

    def const(self, node: Node, i: int, what: str) -> Const:
        v = self.value(node, i)
        if not isinstance(v, Const):
            raise self.refuse(
                node,
                f"computes its {what} in the graph",
                f"a stored {what} (an initializer or a Constant)",
            )
        return v

    def attr(self, node: Node, key: str, default=None):
        """An attribute, of the type of its `default` (int, float, str, or a tuple of
        ints): one of another type is refused, naming the node."""
        value = node.attrs.get(key, default)
        if default is None or value is default:
            return value
        if isinstance(default, tuple):
            ok = isinstance(value, tuple) and all(_integer(v) for v in value)
        elif isinstance(default, float):
            ok = (_integer(value) or isinstance(value, float)) and math.isfinite(value)
        elif isinstance(default, int):
            ok = _integer(value)
        else:
            ok = isinstance(value, type(default))
        if not ok:
            raise self.refuse(node, f"has {key} = {value!r}", f"{key} as its operator defines it")
        return value

    def emit(
        self,
        node: Node,
        cls: type[Op],
        inputs: list[Act],
        dims,
        params=None,
        output=0,
        channels_last: bool = False,
        **fields_,
    ) -> Act:
        """Our op `cls` reading `inputs`, writing the node's `output` (its first, unless a
        Split's part), of ONNX dimensions `dims` (N x H x W x C where `channels_last`);
        `params` names the ONNX tensors of its weights (role -> tensor), which `verify`
        loads."""
        out = Act("", tuple(dims), channels_last)
        if out.shape is None:
            raise self.refuse(node, f"gives a {len(dims)}-D output", "a 4-D map or a 2-D vector")
        name = self._name(node, cls.kind)
        op = cls(
            name, tuple(a.op for a in inputs), tuple(a.shape for a in inputs), out.shape, **fields_
        )
        self._index[name] = len(self.ops)
        self.ops.append(op)
        self.node_of[name] = node
        self.tensor_of[name] = node.outputs[output]
        if params:
            self.params[name] = {role: t for role, t in params.items() if t}
        if channels_last:
            self.channels_last.add(name)
        out = Act(name, out.dims, channels_last)
        self.values[node.outputs[output]] = out
        return out

    def alias(self, node: Node, value: Act, dims=None, output: int = 0) -> None:
        """The node's output is `value` itself (a copy, a view): with `dims` where the view
        has other ONNX dimensions (N x C x 1 x 1 as N x C)."""
        self.values[node.outputs[output]] = value if dims is None else Act(value.op, tuple(dims))

    def hold(self, node: Node, inputs, dims=None, source: Act | None = None) -> None:
        """The node held for a later one to take in; but an elementwise node whose
        expression, through the nodes held before it, is an op of ours of one map (torch's
        GELU as Div, Erf, Add, Mul, Mul) is read as that op (`patterns.function`)."""
        found = patterns.function(node, inputs)
        if found is not None:
            x, cls, fields_ = found
            self.emit(node, cls, [x], x.dims, channels_last=x.channels_last, **fields_)
            return
        held = Held(node, tuple(inputs), None if dims is None else tuple(dims), source)
        for out in node.outputs:
            self.values[out] = held

    def op(self, value: Value) -> Op | None:
        """The op that wrote an activation (None for the input or a non-activation)."""
        if isinstance(value, Act) and value.op in self._index:
            return self.ops[self._index[value.op]]
        return None

    def only_reader(self, node: Node, i: int) -> bool:
        """Whether `node` is the one reader of its input `i` (a pattern may then rewrite
        the op that wrote it)."""
        return self.readers[node.inputs[i]] == 1

    def rewrite(
        self, value: Act, node: Node, cls: type[Op] | None = None, params=None, **changes
    ) -> Act:
        """The op that wrote `value` changed: `changes` to its fields, or made a `cls` of
        the same inputs and shapes (a Sigmoid that a swish's Mul takes in); `node`'s output
        is then that op's. Only where `node` is the one reader of `value`."""
        i = self._index[value.op]
        old = self.ops[i]
        if cls is None:
            self.ops[i] = replace(old, **changes)
        else:
            self.ops[i] = cls(old.name, old.inputs, old.in_shapes, old.out_shape, **changes)
        self.node_of[old.name] = node
        self.tensor_of[old.name] = node.outputs[0]
        if params:
            self.params.setdefault(old.name, {}).update(params)
        self.values[node.outputs[0]] = value
        return value

    def refuse(self, node: Node, what: str, expected: str) -> InputError:
        return InputError(f"{node.where()} {what}", expected, self.graph.path)

    def unread(self, held: Held) -> InputError:
        """A held node something reads: the first operator in it without a rule named."""
        culprit = _first_unknown(held) or held.node
        if culprit.op_type in mapping.READERS:
            return self.refuse(
                culprit,
                "has no rule where it is used here",
                "an operator inception-cost reads (docs/onnx.md), or the pattern an exporter"
                " writes for one",
            )
        return unknown_operator(culprit, self.graph.path)

    def _name(self, node: Node, kind: str) -> str:
        base = rows.op_name(node, kind, self.graph)
        self._names[base] += 1
        k = self._names[base]
        return base if k == 1 else f"{base}#{k}"


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_operators(graph: Graph) -> None:
    """Every operator is one onnx defines (a custom one has no rule here either)."""
    for node in graph.nodes:
        if not onnx_defs.has(node.op_type, node.domain):
            raise unknown_operator(node, graph.path)


def unknown_operator(node: Node, path: str) -> InputError:
    return InputError(
        f"no rule for ONNX operator {node.op_type!r}"
        f"{f' of domain {node.domain!r}' if node.domain else ''} (node {node.name!r})",
        "an operator inception-cost reads (docs/onnx.md lists them)",
        path,
    )


def _first_unknown(held: Held) -> Node | None:
    """The earliest node in a held tree whose operator has no reader at all."""
    found: list[Node] = []
    stack, seen = [held], set()
    while stack:
        h = stack.pop()
        if id(h) in seen:
            continue
        seen.add(id(h))
        if h.node.op_type not in mapping.READERS or h.node.domain not in ("", "ai.onnx"):
            found.append(h.node)
        stack.extend(v for v in h.inputs if isinstance(v, Held))
    return min(found, key=lambda n: n.index) if found else None


def _check_shapes(lowered: Lowering, shapes: dict[str, tuple[int, ...]]) -> None:
    """Every activation's dimensions as we read them, against onnx's inference."""
    for name, value in lowered.values.items():
        if not isinstance(value, Act) or value.op == INPUT or name not in shapes:
            continue
        theirs = shapes[name]
        if theirs[1:] != value.dims[1:] or len(theirs) != len(value.dims):
            node = lowered.node_of[value.op]
            raise lowered.refuse(
                node,
                f"comes out {'x'.join(map(str, value.dims))} as read here, where onnx's shape"
                f" inference gives {'x'.join(map(str, theirs))}",
                "a model onnx.shape_inference agrees with (a bug report, if it does)",
            )
