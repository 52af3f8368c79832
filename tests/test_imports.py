"""Imports where a reader expects them (issue 14): at the top of each module, the heavy
libraries behind module boundaries (rich only under render/terminal/, numpy only under
reference/), and the few imports inside a function each listed here with its reason."""

from __future__ import annotations

import ast
from pathlib import Path

from fresh import probe, running

import inception_cost

PACKAGE = Path(inception_cost.__file__).parent

#: (module file, what it imports inside a function): why it may not be at the top.
INSIDE = {
    ("errors.py", "difflib"): "the suggestions are only computed for a misspelt name",
    ("network.py", "inception_cost"): "validate reads network's ops: an import cycle",
    ("cli/options.py", "inception_cost.output"): "tempfile (7 ms) only for --output",
    ("verify.py", "inception_cost.reference"): "NumPy only when a network runs (not --help)",
    ("cli/verify.py", "rich.console"): "the progress bar only on a terminal",
    ("cli/verify.py", "rich.progress"): "the progress bar only on a terminal",
    ("render/plot.py", "matplotlib"): "the optional plot extra",
    ("render/plot.py", "matplotlib.figure"): "the optional plot extra",
    ("render/plot.py", "matplotlib.backends.backend_agg"): "the optional plot extra",
    ("render/plot.py", "matplotlib.text"): "the optional plot extra",
    ("render/plot.py", "matplotlib.transforms"): "the optional plot extra",
    ("cli/table.py", "inception_cost.presets"): "the presets only for --as completion",
    ("report.py", "inception_cost.presets"): "the presets only for --as",
    ("counted.py", "inception_cost.presets"): "the presets only for --as",
    ("counted.py", "inception_cost"): "the presets only for --as",
    ("machines/__init__.py", "platformdirs"): "only where a calibration is read or written",
    ("machines/__init__.py", "inception_cost.output"): "tempfile only to store a calibration",
    ("machines/__init__.py", "inception_cost.reference.calibrate"): "NumPy only for --calibrate",
    ("roofline.py", "inception_cost.reference"): "NumPy only for --measure",
    ("reference/calibrate.py", "subprocess"): "macOS's sysctl only on macOS",
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
