"""The suite stays in its pieces: every file that loads torch or a counting tool is marked
`torch` (so `pytest -m "not torch"` runs without torch), every file that draws with
matplotlib is marked `plot` (so `pytest -m "not plot"` runs without the plot extra), and
no test imports the conftest (shared helpers live in modules such as tests/tiny_spec.py)."""

from __future__ import annotations

import ast

import pytest
from pieces import HERE, PIECES, leaves_out, loads, marked

TEST_FILES = sorted(HERE.glob("test_*.py"))


@pytest.mark.parametrize("piece", sorted(PIECES))
@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.name)
def test_a_file_that_loads_a_piece_is_marked_with_it(path, piece):
    if loads(path, piece):
        assert marked(path, piece), (
            f"{path.name} imports what the {piece} piece needs: add"
            f" `pytestmark = pytest.mark.{piece}`"
        )


@pytest.mark.parametrize("path", sorted(HERE.glob("*.py")), ids=lambda p: p.name)
def test_no_file_imports_the_conftest(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            assert not any("conftest" in name for name in names), path.name


def test_the_sorting_reads_load_time_imports_only(tmp_path):
    files = {
        "top.py": "import torch.nn as nn\n",
        "guarded.py": "try:\n    from thop import profile\nexcept ImportError:\n    pass\n",
        "inside.py": "def f():\n    import torch\n",
        "plain.py": "import numpy as np\nfrom inception_cost import cost\n",
        "helper.py": "from twin_layers import assert_layers_match\n",  # a tests/ helper
        "package.py": "from tests import torch_models\n",
        "charts.py": "from inception_cost.render.plot import plotted\n",
        "charts_module.py": "from inception_cost.render import plot\n",
        "pyplot.py": "import matplotlib.pyplot as plt\n",
        "other_render.py": "from inception_cost.render.profile import bar\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    torch = {name for name in files if loads(tmp_path / name, "torch")}
    plot = {name for name in files if loads(tmp_path / name, "plot")}
    assert torch == {"top.py", "guarded.py", "helper.py", "package.py"}
    assert plot == {"charts.py", "charts_module.py", "pyplot.py"}
    assert loads(HERE / "test_kinds.py", "torch") and loads(HERE / "test_memory_torch.py", "torch")
    assert not loads(HERE / "test_cells.py", "torch") and not loads(HERE / "test_fuzz.py", "torch")
    assert not loads(HERE / "test_memory.py", "torch")  # its torch half is test_memory_torch.py
    assert loads(HERE / "test_plot.py", "plot") and not loads(HERE / "test_cli.py", "plot")


@pytest.mark.parametrize(
    ("markexpr", "piece", "left_out"),
    [
        ("", "torch", False),
        ("torch", "torch", False),
        ("not torch", "torch", True),
        ("not torch and not slow", "torch", True),
        ("(not torch) or slow", "torch", False),
        ("not slow", "torch", False),
        ("not (torch or slow)", "torch", True),
        ("not torch and not plot", "torch", True),
        ("not torch and not plot", "plot", True),
        ("not torch", "plot", False),
        ("not plot", "plot", True),
        ("not plot", "torch", False),
        ("plot or not torch", "plot", False),
    ],
)
def test_which_mark_expressions_leave_a_piece_unloaded(markexpr, piece, left_out):
    assert leaves_out(markexpr, piece) is left_out
