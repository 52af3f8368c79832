"""Shared fixtures: files written to disk and a CLI runner that keeps stderr apart."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from inception_cost.cli import cli


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
