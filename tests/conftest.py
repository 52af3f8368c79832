"""Shared fixtures: files written to disk and a CLI runner that keeps stderr apart; and the
pieces of the suite (`torch`, `plot`): their files are not even loaded when `-m` leaves
them out, and the torch tests run on CI's two threads."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pieces import PIECES, leaves_out, marked

from inception_cost.cli import cli

TORCH_THREADS = 2  # CI's cores; torch would take every core of the machine


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave a file of a piece unloaded when `-m` deselects all of it: its imports may need
    torch or matplotlib."""
    if collection_path.suffix == ".py" and collection_path.name.startswith("test_"):
        markexpr = config.getoption("markexpr")
        if any(leaves_out(markexpr, p) and marked(collection_path, p) for p in PIECES):
            return True
    return None


@pytest.fixture(autouse=True)
def _torch_threads(request):
    if request.node.get_closest_marker("torch") is not None:
        import torch  # only here: the other tests run without torch installed

        torch.set_num_threads(TORCH_THREADS)


@pytest.fixture
def write(tmp_path):
    def _write(text: str | bytes, name: str = "spec.md"):
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def run():
    def _run(*args: str, env: dict | None = None):
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    return _run
