"""The rows of an implementation: its ops grouped by the modules the exporter recorded, so
`inception4a` is one row and `--expand` shows its ops.

A node's row is the outermost module it ran in, below a wrapper every node shares and
through containers (Sequential, ModuleList, ModuleDict: `features.3` is a row, not
`features`). An op no module ran (a function in a forward), an activation or batch
norm of a module of its own reading the row just built (ResNet's `bn1` and `relu`
after `conv1`), and a parameter-free module called again (a shared `relu`) join the row
of the input they read last. A graph without names has a row per op.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inception_cost.errors import Location
from inception_cost.implementation.onnx_file import Graph, Node
from inception_cost.network import Block
from inception_cost.ops import INPUT, Op
from inception_cost.spec.records import Row

_CONTAINERS = ("Sequential", "ModuleList", "ModuleDict")
#: Ops that change each element alone: they join the row they read.
_PER_ELEMENT = ("bn", "relu", "sigmoid", "swish", "tanh", "hswish", "hsigmoid", "gelu", "dropout")
_WEIGHTED = ("conv", "linear", "bn", "layernorm")


def table_row(index: int, name: str, type_: str, path: str) -> Row:
    """The table row an implementation's row stands for: its name and type, no cells and
    no claims (the one place an implementation makes a `Row`)."""
    return Row(index, name, type_, Location(path, 1, 1), {}, {})


def op_name(node: Node, kind: str, graph: Graph) -> str:
    """Our name for the op a node gives: its weight's module (`inception3a.branch2.0.conv`),
    else its module (`maxpool1`, `conv1/relu` for a function in one), else its kind."""
    weight = node.inputs[1] if kind in _WEIGHTED and len(node.inputs) > 1 else ""
    if weight.endswith(".weight") and weight in graph.initializers:
        return weight.removesuffix(".weight")
    module = module_of(node)
    if not module:
        return kind
    leaf = node.classes[-1] if node.classes else ""
    if leaf.startswith("torch.nn.modules.") and not _container(leaf):
        return module
    return f"{module}/{kind}"


def module_of(node: Node) -> str:
    """The innermost module a node ran in ("" for none)."""
    return node.modules[-1] if node.modules else ""


def _container(cls: str) -> bool:
    return cls.startswith("torch.nn.modules.container.") and cls.rsplit(".", 1)[-1] in _CONTAINERS


@dataclass(slots=True)
class _Rows:
    keys: list[str | None] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    ops: list[list[Op]] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)  # the names, kept as they are given
    # name -> the last #k it took: a run of rows of one name is named in one pass
    last: dict[str, int] = field(default_factory=dict)

    def new(self, key: str | None, name: str, type_: str) -> int:
        k = self.last.get(name, 1)
        unique = name if k == 1 else f"{name}#{k}"
        while unique in self.taken:
            k += 1
            unique = f"{name}#{k}"
        self.last[name] = k
        self.taken.add(unique)
        self.keys.append(key)
        self.names.append(unique)
        self.types.append(type_)
        self.ops.append([])
        return len(self.keys) - 1


def group(lowered, graph: Graph) -> tuple[Block, ...]:
    """The blocks of the lowered graph's ops, in execution order."""
    nodes = lowered.node_of
    if not any(nodes[op.name].modules for op in lowered.ops):
        return _one_per_op(lowered.ops, graph.path)
    wrapper = _wrapper([nodes[op.name] for op in lowered.ops])
    rows = _Rows()
    row_of: dict[str, int] = {}
    current: int | None = None
    closed: set[str] = set()
    for op in lowered.ops:
        node = nodes[op.name]
        key, type_ = _key(node, wrapper)
        read = [row_of[i] for i in op.inputs if i != INPUT]
        latest = max(read) if read else None
        if current is not None and key is not None and key == rows.keys[current]:
            target = current
        elif latest is not None and (
            key is None
            or (key in closed and op.kind not in _WEIGHTED)
            or (op.kind in _PER_ELEMENT and latest == current)
        ):
            target = latest
        else:
            if current is not None and rows.keys[current] is not None:
                closed.add(rows.keys[current])
            target = current = rows.new(key, key or op.kind, type_ or _WORDS.get(op.kind, op.kind))
        rows.ops[target].append(op)
        row_of[op.name] = target
    return tuple(
        Block(
            name,
            type_,
            table_row(i, name, type_, graph.path),
            tuple(ops),
            ops[0].inputs[0] if ops[0].inputs else INPUT,
            False,
        )
        for i, (name, type_, ops) in enumerate(zip(rows.names, rows.types, rows.ops, strict=True))
    )


def _one_per_op(ops: list[Op], path: str) -> tuple[Block, ...]:
    """A graph that names no module: a row per op, named as the op."""
    return tuple(
        Block(
            op.name,
            _WORDS.get(op.kind, op.kind),
            table_row(i, op.name, op.kind, path),
            (op,),
            op.inputs[0] if op.inputs else INPUT,
            False,
        )
        for i, op in enumerate(ops)
    )


def _wrapper(nodes: list[Node]) -> int:
    """How many outer modules every node that ran in a module shares (a model wrapped in
    another: `net.` before every name)."""
    lists = [n.modules for n in nodes if n.modules]
    if not lists:
        return 0
    shared = 0
    for level in zip(*lists, strict=False):
        if len(set(level)) != 1 or len(level) < len(lists):
            break
        shared += 1
    return shared


def _key(node: Node, wrapper: int) -> tuple[str | None, str]:
    """The node's row (a module's qualified name, None for none) and that module's class."""
    modules, classes = node.modules, node.classes
    i = wrapper
    while i < len(modules) - 1 and (
        _container(classes[i]) if classes else modules[i + 1].rsplit(".", 1)[-1].isdigit()
    ):
        i += 1
    if i >= len(modules):
        return None, ""
    return modules[i], classes[i].rsplit(".", 1)[-1] if classes else ""


_WORDS = {
    "conv": "convolution",
    "pool": "pool",
    "lrn": "local response norm",
    "bn": "batch norm",
    "linear": "linear",
    "softmax": "softmax",
    "dropout": "dropout",
    "flatten": "flatten",
    "concat": "concat",
    "add": "add",
}
