"""Which piece of the suite a test file belongs in: files that import torch or a third-party
counting tool when they load are marked `torch`, so `pytest -m "not torch"` never loads them
(and runs without torch installed); files that draw with matplotlib (the `plot` extra:
`inception_cost.render.plot` or matplotlib itself) are marked `plot`, so `pytest -m "not
plot"` runs without matplotlib. Read from the source, so a file is sorted before import."""

from __future__ import annotations

import ast
import functools
import itertools
import re
from pathlib import Path

from _pytest.mark.expression import Expression

HERE = Path(__file__).parent
# torch and the counting tools the presets and memory conventions are held against
TORCH = frozenset(
    {"torch", "torchvision", "torchinfo", "fvcore", "thop", "ptflops", "torchprofile", "calflops"}
)
# what needs the plot extra: matplotlib, and the charts drawn with it
PLOT = frozenset({"matplotlib", "inception_cost.render.plot"})
#: Each piece's mark and the modules that put a file in it.
PIECES = {"torch": TORCH, "plot": PLOT}


def _load_time_imports(tree: ast.Module) -> set[str]:
    """Modules a file imports as it loads (not those imported inside a function)."""
    names: set[str] = set()
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        todo.extend(ast.iter_child_nodes(node))
    return names


def _needs(name: str, modules: frozenset[str]) -> bool:
    """Whether importing `name` imports one of `modules` (or is one of their submodules)."""
    return any(name == m or name.startswith(f"{m}.") for m in modules)


@functools.cache
def loads(path: Path, piece: str) -> bool:
    """Whether loading the file imports one of the piece's modules, itself or through a
    helper module beside it (tests/torch_models.py, twin_layers.py, another test file)."""
    for name in _load_time_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if _needs(name, PIECES[piece]):
            return True
        parts = name.split(".")
        local = parts[1:] if parts[0] == HERE.name else parts[:1]  # `from tests import x`
        helper = HERE / f"{'/'.join(local)}.py" if local else None
        if helper and helper != path and helper.is_file() and loads(helper, piece):
            return True
    return False


def marked(path: Path, piece: str) -> bool:
    """Whether the file sets `pytestmark` to (a list holding) `pytest.mark.PIECE`."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not (isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "pytestmark"):
            continue
        marks = node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
        if any(ast.unparse(m) == f"pytest.mark.{piece}" for m in marks):
            return True
    return False


def leaves_out(markexpr: str, piece: str) -> bool:
    """Whether `-m markexpr` deselects every test marked `piece`, whatever else it carries."""
    if not markexpr:
        return False
    expr = Expression.compile(markexpr)
    others = sorted(set(re.findall(r"[\w.:+\-\[\]\\/]+", markexpr)) - {"and", "or", "not", piece})

    def picks(marks: set[str]) -> bool:
        return expr.evaluate(lambda name, /, **_: name in marks)

    subsets = (set(c) for n in range(len(others) + 1) for c in itertools.combinations(others, n))
    return not any(picks({piece, *marks}) for marks in subsets)
