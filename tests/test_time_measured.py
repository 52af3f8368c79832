"""On this machine: every row's roofline bound is at most its measured median NumPy time,
give or take noise (issue 25's acceptance: measured >= 0.8x predicted, over rows).

Timing on a shared 2-core machine is noisy, and the test is built so noise cannot fail it:
a run slowed by another process only lengthens the measured side; the machine is
calibrated before and after the runs and each figure kept at its higher value (a peak
measured while another process held a core is too low, and would inflate the bound); each
row's time is a median of five runs after a warm-up; and one row in ten may still fall
under 0.8x its bound. The whole network must take at least 0.8x its bound."""

import pytest

from inception_cost import cost, roofline
from inception_cost.builder import build
from inception_cost.reference import calibrate, timing
from inception_cost.spec.read import load_model

pytestmark = pytest.mark.slow

NETWORKS = ("googlenet", "resnet50", "mobilenetv2")


@pytest.fixture(scope="module")
def measured():
    before = calibrate.calibrate()
    runs = {}
    for name in NETWORKS:
        net = build(load_model(name))
        runs[name] = (net, *timing.measure(net, batch=1, repeats=5))
    here = calibrate.best(before, calibrate.calibrate())
    return {
        name: roofline.with_times(
            roofline.predict(cost.analyse(net), here, model=name), ops, rows, how
        )
        for name, (net, ops, rows, how) in runs.items()
    }


@pytest.mark.parametrize("name", NETWORKS)
def test_measured_rows_take_at_least_their_bound(measured, name):
    r = measured[name]
    assert all(row.measured > 0 for row in r.rows)
    under = [row.name for row in r.rows if row.measured < 0.8 * row.seconds]
    assert len(under) <= len(r.rows) // 10, under
    assert r.measured >= 0.8 * r.seconds
    for row in r.violations:  # every row under its bound says why
        assert r.cause(row)


@pytest.mark.parametrize("name", NETWORKS)
def test_predicted_and_measured_times_rank_alike(measured, name):
    """Not a tuned target: a rank correlation this far from zero means the bound orders the
    rows the way the run does (docs/time.md quotes the figures)."""
    assert measured[name].spearman > 0.5
