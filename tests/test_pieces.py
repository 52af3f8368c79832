"""The suite stays in its two pieces: every file that loads torch or a counting tool is
marked `torch` (so `pytest -m "not torch"` runs without torch), and no test imports the
conftest (shared helpers live in modules such as tests/tiny_spec.py)."""

from __future__ import annotations

import ast

import pytest
from pieces import HERE, leaves_torch_out, loads_torch, torch_marked

TEST_FILES = sorted(HERE.glob("test_*.py"))


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.name)
def test_a_file_that_loads_torch_is_marked_torch(path):
    if loads_torch(path):
        assert torch_marked(path), (
            f"{path.name} imports torch: add `pytestmark = pytest.mark.torch`"
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
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    loaded = {name: loads_torch(tmp_path / name) for name in files}
    assert loaded == {
        "top.py": True,
        "guarded.py": True,
        "inside.py": False,
        "plain.py": False,
        "helper.py": True,
        "package.py": True,
    }
    assert loads_torch(HERE / "test_kinds.py") and loads_torch(HERE / "test_memory_torch.py")
    assert not loads_torch(HERE / "test_cells.py") and not loads_torch(HERE / "test_fuzz.py")
    assert not loads_torch(HERE / "test_memory.py")  # its torch half is test_memory_torch.py


@pytest.mark.parametrize(
    ("markexpr", "left_out"),
    [
        ("", False),
        ("torch", False),
        ("not torch", True),
        ("not torch and not slow", True),
        ("(not torch) or slow", False),
        ("not slow", False),
        ("not (torch or slow)", True),
    ],
)
def test_which_mark_expressions_leave_the_torch_files_unloaded(markexpr, left_out):
    assert leaves_torch_out(markexpr) is left_out
