"""One home per op (issue 28): every op kind has an entry in every registry.

`REGISTRIES` is the list of places a new op kind goes, besides its record in `ops.py`
and the builder's step that makes it: one `ops.Registry` per concern, owned by the
concern's module. docs/architecture.md ("Where to add", "A primitive op") names the
same registries, and a test below holds the two together.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
from fresh import probe

import inception_cost
from inception_cost import cost, ops
from inception_cost.ops import KINDS, Registry

PACKAGE = Path(inception_cost.__file__).parent
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"

#: Every registry, as `module.NAME` under inception_cost, and what its entry for a kind is.
REGISTRIES = {
    "cost.COST": "the cost rule: counts per image, what the op writes, what it adds to depth",
    "memory.TORCH_MODULE": "whether torch writes the op as a module a forward hook sees",
    "receptive.RECEPTIVE": "how the op maps its inputs' receptive fields to its own",
    "presets.TOOL_RULES": "the tools' primitive counts, and which tools' rules were read",
    "reference.kernels.KERNELS": "how the NumPy reference runs the op",
    "reference.weights.WEIGHTS": "the arrays the reference seeds the op with",
    "reference.memory.WORKSPACE": "the temporaries the op's kernel allocates",
    "render.terminal.table.LABELS": "the op's name in the rich table's type column",
    "implementation.mapping.FORMS": "the ONNX forms the op is read from (docs/onnx.md)",
    "roofline.TRAFFIC": "the bytes the op moves in the roofline (docs/time.md)",
}
#: Registries keyed by something other than our op kinds: not walked above.
OTHER_KEYS = {"implementation.mapping.READERS": "ONNX operator -> the reader of its nodes"}


def registry(name: str) -> Registry:
    module, attr = name.rsplit(".", 1)
    return getattr(importlib.import_module(f"inception_cost.{module}"), attr)


def test_every_op_kind_has_an_entry_in_every_registry():
    """The list a new op kind needs: each line names a registry and a kind it lacks."""
    problems = []
    for name in REGISTRIES:
        reg = registry(name)
        problems += [
            f"{name} ({reg.concern}): no entry for op kind {k!r}" for k in KINDS if k not in reg
        ]
        problems += [
            f"{name}: an entry for {k!r}, which is no op kind" for k in reg if k not in KINDS
        ]
    assert not problems, "\n".join(problems)


def _constructed() -> set[str]:
    """Every `NAME = Registry(...)` (or `NAME: Registry[...] = Registry(...)`) in the package."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
                func = node.value.func
                func = func.value if isinstance(func, ast.Subscript) else func
                if isinstance(func, ast.Name) and func.id == "Registry":
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    found |= {f"{module}.{t.id}" for t in targets}
    return found


def test_the_list_names_every_registry_in_the_package():
    """A concern keyed by op kind is a registry in this list, so the walk above covers it."""
    assert _constructed() == set(REGISTRIES) | set(OTHER_KEYS)


def _doc_section() -> str:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    start = text.index("- **A primitive op**")
    return text[start : text.index("\n- **", start + 1)]


def test_architecture_where_to_add_names_every_registry():
    """docs/architecture.md's "A primitive op" lists exactly the registries above, one an
    item (`- `module.NAME`: what its entry is`)."""
    named = set(re.findall(r"^ +- `((?:[a-z_]+\.)+[A-Z_]+)`", _doc_section(), re.M))
    assert named == set(REGISTRIES)


def test_a_kind_without_an_entry_is_an_error_naming_concern_and_kind():
    class Unknown(ops.Op):
        kind = "unknown"

    op = Unknown("u", (ops.INPUT,), ((1, 1, 1),), (1, 1, 1))
    with pytest.raises(KeyError, match="no cost rule for op kind 'unknown'"):
        cost.op_cost(op)
    for name in REGISTRIES:
        with pytest.raises(KeyError, match=f"no {re.escape(registry(name).concern)} for op"):
            registry(name)["unknown"]


def test_a_kind_registered_twice_is_refused():
    reg: Registry[int] = Registry("test concern")
    reg.register("conv")(1)
    with pytest.raises(ValueError, match="test concern: op kind 'conv' registered twice"):
        reg.register("conv")(2)


def test_the_kernels_never_load_the_cost_model():
    """`verify` is worth something because the cost rules and the kernels could disagree:
    the kernels and their registry load nothing of the cost model."""
    loaded = probe(
        "import sys, inception_cost.reference.kernels\n"
        "print(*sorted(m for m in sys.modules if m.startswith('inception_cost')), sep='\\n')\n"
    )
    assert "inception_cost.ops" in loaded and "inception_cost.cost" not in loaded, loaded
