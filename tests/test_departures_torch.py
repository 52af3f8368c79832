"""docs/departures.md is what `diff` says today of each torchvision twin (issue 24): the
page rendered from this run's own exports equals the file (`python docs/departures.py`
rewrites it)."""

import importlib.util
from pathlib import Path

import exported
import pytest

pytestmark = pytest.mark.torch

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("departures", ROOT / "docs" / "departures.py")
departures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(departures)

exported.prefetch(*(("tv", name) for name in departures.NETWORKS))


def test_departures_page_is_current():
    paths = {name: exported.model("tv", name) for name in departures.NETWORKS}
    page = departures.render(paths)
    assert departures.PAGE.read_text(encoding="utf-8") == page, (
        "docs/departures.md is stale: run `python docs/departures.py`"
    )


def test_every_network_torchvision_also_ships_is_on_the_page():
    from torch_vision import TWINS

    assert set(departures.NETWORKS) == set(TWINS)
