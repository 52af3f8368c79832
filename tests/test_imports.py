"""Imports where a reader expects them (issue 14): at the top of each module, the heavy
libraries behind module boundaries (rich only under render/terminal/, numpy only under
reference/), and the few imports inside a function each listed here with its reason."""

from __future__ import annotations

import ast
from pathlib import Path

from fresh import probe, running

import inception_cost
from inception_cost.cli import COMMANDS

PACKAGE = Path(inception_cost.__file__).parent

#: (module file, what it imports inside a function): why it may not be at the top.
INSIDE = {
    ("errors.py", "difflib"): "the suggestions are only computed for a misspelt name",
    ("cli/options.py", "inception_cost.output"): "tempfile (7 ms) only for --output",
    ("verify.py", "inception_cost.reference"): "NumPy only when a network runs (not --help)",
    ("cli/__init__.py", "inception_cost.render.terminal.progress"): (
        "rich's progress bar only for long work on a terminal"
    ),
    ("render/plot.py", "matplotlib"): "the optional plot extra",
    ("render/plot.py", "matplotlib.figure"): "the optional plot extra",
    ("render/plot.py", "matplotlib.backends.backend_agg"): "the optional plot extra (labels)",
    ("render/plot.py", "matplotlib.text"): "the optional plot extra (labels' boxes)",
    ("cli/table.py", "inception_cost.presets"): "the presets only for --as completion",
    ("report.py", "inception_cost.presets"): "the presets only for --as",
    ("counted.py", "inception_cost.presets"): "the presets only for --as",
    ("counted.py", "inception_cost"): "the presets only for --as",
    ("cli/options.py", "inception_cost.render.terminal"): "only a rich run imports rich",
    ("cli/options.py", "inception_cost.implementation.reader"): "onnx (2-3 s) for a .onnx only",
    ("cli/diff.py", "inception_cost.implementation.reader"): "onnx (2-3 s) for --torch only",
    ("cli/diff.py", "inception_cost.implementation"): "torch, the optional extra, for --torch",
    ("implementation/torch_export.py", "torch"): "the optional torch extra",
    ("reference/onnx_run.py", "onnxruntime"): "the optional onnxruntime extra",
    ("reference/onnx_timing.py", "onnxruntime"): "the optional onnxruntime extra",
    ("machines/__init__.py", "platformdirs"): "only where a calibration is read or written",
    ("machines/__init__.py", "inception_cost.output"): "tempfile only to store a calibration",
    ("machines/__init__.py", "inception_cost.reference.calibrate"): "NumPy only for --calibrate",
    ("roofline.py", "inception_cost.reference"): "NumPy only for --measure",
    ("reference/calibrate.py", "subprocess"): "macOS's sysctl only on macOS",
}
#: Each command draws with rich through render/terminal/NAME.py, imported in its rich branch.
DRAWN = [c.replace("-", "_") for c in COMMANDS if c not in ("plot", "init")]
INSIDE |= {
    (f"cli/{name}.py", f"inception_cost.render.terminal.{name}"): "only a rich run imports rich"
    for name in DRAWN
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _imported(node) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    return [node.module or ""]


def _inside_functions(tree) -> set[str]:
    found = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found.update(_imported(node))
    return found


def _at_top(tree) -> set[str]:
    return {
        name
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in _imported(node)
    }


def test_imports_inside_functions_are_only_the_listed_ones():
    found = {(name, imported) for name, tree in _modules() for imported in _inside_functions(tree)}
    assert found - INSIDE.keys() == set(), "import it at the module's top, or list it with why"
    assert INSIDE.keys() - found == set(), "no longer imported inside a function: unlist it"


def test_help_and_completion_import_neither_numpy_nor_rich():
    """`--help` and completing a command name load every command's module: each must load
    without NumPy or rich, which only running `verify` or drawing with rich needs."""
    lines = probe(
        "import sys\n"
        "from click.shell_completion import ShellComplete\n"
        + running("--help", code=None)
        + "complete = ShellComplete(cli, {}, 'inception-cost', '_INCEPTION_COST_COMPLETE')\n"
        "print([c.value for c in complete.get_completions([], 'v')])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'rich'}))\n"
    )
    *_, completed, heavy = lines
    assert any("compare-bottleneck" in line for line in lines) and completed == "['verify']"
    assert heavy == "[]"


def test_rich_and_numpy_stay_behind_their_module_boundaries():
    for name, tree in _modules():
        roots = {m.split(".")[0] for m in _at_top(tree)}
        if "rich" in roots:
            assert name.startswith("render/terminal/"), name
        if "numpy" in roots:
            assert name.startswith("reference/"), name


def test_each_command_is_named_after_its_module_and_imports_its_renderers():
    """cli/NAME.py wires the command NAME (`_` for `-`), rendering with render/NAME.py's
    `render` (imported at its top) and render/terminal/NAME.py's `draw` (in its rich
    branch); `plot` draws with matplotlib (render/plot.py) and has no text formats, `init`
    writes a spec (render/init.py) and draws nothing."""
    trees = dict(_modules())
    for command in COMMANDS:
        name = command.replace("-", "_")
        tree = trees[f"cli/{name}.py"]
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert name in defined, command
        assert f"render/{name}.py" in trees, command
        if command == "plot":
            continue
        if command == "init":
            assert _names(tree.body, "inception_cost.render.init") == {"render"}, command
            continue
        assert _names(tree.body, f"inception_cost.render.{name}") == {"render"}, command
        assert _names(ast.walk(tree), f"inception_cost.render.terminal.{name}") == {"draw"}
        assert f"render/terminal/{name}.py" in trees, command


def _names(nodes, module: str) -> set[str]:
    return {
        a.name
        for node in nodes
        if isinstance(node, ast.ImportFrom) and node.module == module
        for a in node.names
    }


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _defined(trees) -> set[str]:
    """The private names the package defines itself: its functions, classes, assigned
    attributes and names (`def _apply`, `self._out = ...`, `_NO_ARGS = ...`)."""
    out = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                out.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                out.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                out.add(node.id)
    return {name for name in out if _private(name)}


def _libraries(tree) -> set[str]:
    """The names a module binds to a library's modules (`import dataclasses`, `from rich
    import box`), not to the package's own."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {
                a.asname or a.name.split(".")[0]
                for a in node.names
                if a.name.split(".")[0] != "inception_cost"
            }
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] not in (
            "inception_cost",
            "__future__",
        ):
            out |= {a.asname or a.name for a in node.names}
    return out


def private_names(tree: ast.AST, defined: set[str] = frozenset()) -> list[str]:
    """Where a module reaches a private name of a library (the standard library included):
    an import of `_x` or from a module `_x` (`from dataclasses import _FIELDS`, `import
    rich._loop`), `_x` of a library's module (`dataclasses._process_class`), and `obj._x`
    or `getattr(obj, "_x")` of a private name the package does not `defined` itself (a
    library's object: `column._cells`)."""
    found, libraries = [], _libraries(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            modules += [node.module] if isinstance(node, ast.ImportFrom) else []
            for module in modules:
                parts = module.split(".")
                if parts[0] != "inception_cost" and any(_private(part) for part in parts):
                    found.append(f"{node.lineno}: imports {module}")
            if isinstance(node, ast.ImportFrom) and node.module.split(".")[0] != "inception_cost":
                found += [
                    f"{node.lineno}: imports {a.name} from {node.module}"
                    for a in node.names
                    if _private(a.name)
                ]
        elif isinstance(node, ast.Attribute) and _private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            of_library = isinstance(root, ast.Name) and root.id in libraries
            if of_library or node.attr not in defined:
                found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
            and node.args[1].value not in defined
        ):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_reaches_a_private_name_of_a_library():
    """A library's private names may change in any release: the package uses what rich,
    click and the standard library publish (issue 28: records.py and drawn.py went)."""
    modules = dict(_modules())
    defined = _defined(modules.values())
    found = {name: hits for name, tree in modules.items() if (hits := private_names(tree, defined))}
    assert found == {}


def test_the_private_name_check_finds_each_way_in():
    source = (
        "from dataclasses import _FIELDS\n"
        "import rich._loop\n"
        "from rich._emoji_codes import EMOJI\n"
        "import dataclasses\n"
        "x = dataclasses._process_class\n"
        "def f(table, kind):\n"
        "    table._ok = table.columns[0]._cells + kind._apply(table._ok)\n"
        "    return getattr(table, '_renderables'), table.__class__, dataclasses._apply\n"
        "from inception_cost.columns import norm as _norm\n"
    )
    hits = private_names(ast.parse(source), defined={"_ok", "_apply"})
    assert sorted(hits) == [
        "1: imports _FIELDS from dataclasses",
        "2: imports rich._loop",
        "3: imports rich._emoji_codes",
        "5: dataclasses._process_class",
        "7: table.columns[0]._cells",
        "8: dataclasses._apply",
        "8: getattr(table, '_renderables')",
    ]


def test_the_records_and_the_audit_import_neither_reader_nor_builder():
    """The data goes one way: the network's records (what the cost model, the reference
    and the validator read) need no reader, and the audit builds nothing (make_report
    builds what it judges)."""
    (records, audit) = probe(
        "import sys\n"
        "import inception_cost.network, inception_cost.validate, inception_cost.cost\n"
        "print(sorted(m for m in sys.modules if m.startswith(('inception_cost.spec',"
        " 'inception_cost.builder'))))\n"
        "import inception_cost.audit\n"
        "print(sorted(m for m in sys.modules if m.startswith('inception_cost.builder')))\n"
    )
    assert records == "[]" and audit == "[]"


def test_a_table_run_imports_no_onnx():
    """onnx takes 2-3 s to import (its ml_dtypes): only reading a model file may pay it."""
    (heavy,) = probe(
        "import sys\n"
        + running("table", "--model", "googlenet", "--format", "csv")
        + running("diff", "--help")
        + "heavy = {'onnx', 'onnxruntime', 'torch'}\n"
        + "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )[-1:]
    assert heavy == "[]"


def test_time_on_a_table_imports_neither_onnx_nor_onnxruntime():
    """--measure onnxruntime on a table is refused before anything heavy loads, and a
    prediction on a table never loads onnx or onnxruntime."""
    (heavy,) = probe(
        "import sys\n"
        + running("time", "-m", "lenet5", "--machine", "a100", "--format", "csv")
        + running("time", "-m", "lenet5", "--measure", "onnxruntime", code=2)
        + "heavy = {'onnx', 'onnxruntime', 'torch', 'numpy'}\n"
        + "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )[-1:]
    assert heavy == "[]"
