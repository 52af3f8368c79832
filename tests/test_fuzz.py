"""The fuzz held in CI: seeded mutations of every bundled spec and of option values
through table, compare-bottleneck, conventions and verify (tests/fuzzing.py). Every case
exits 0, 1 or 2, on 2 with only error lines and no traceback, within 2 s of CPU time.
The long run is `python benchmarks/fuzz.py --cases N` (benchmarks/README.md)."""

import random

import pytest

from tests import fuzzing

CASES = 1_000  # about 25 s of CPU on the 2-core machine


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_mutated_specs_and_options_keep_the_promise(seed, tmp_path):
    rng = random.Random(seed)
    outcomes = [fuzzing.run_case(fuzzing.make_case(rng), tmp_path) for _ in range(CASES // 4)]
    failures = [fuzzing.describe(o) for o in outcomes if o.failure]
    assert failures == []
    codes = {o.exit_code for o in outcomes}
    assert {0, 2} <= codes  # the mutator reaches both answers and refusals


def test_every_bundled_spec_is_mutated():
    rng = random.Random(0)
    models = {fuzzing.make_case(rng).model for _ in range(400)}
    assert models == set(fuzzing.TEXTS)


@pytest.mark.slow
def test_mutated_onnx_models_keep_the_promise(tmp_path):
    """Model files cut, flipped and rewired (issue 24): exit 0, 1 or 2, never a trace."""
    rng = random.Random(24)
    bases = fuzzing.onnx_bases()
    outcomes = [fuzzing.run_case(fuzzing.make_onnx_case(rng, bases), tmp_path) for _ in range(300)]
    failures = [fuzzing.describe(o) for o in outcomes if o.failure]
    assert failures == []
    assert {0, 2} <= {o.exit_code for o in outcomes}


def test_init_on_mutated_tables_keeps_the_promise(tmp_path):
    """`init` drafts from any text with a table, or refuses it with error lines."""
    rng = random.Random(23)
    outcomes = [fuzzing.run_case(fuzzing.make_init_case(rng), tmp_path) for _ in range(120)]
    failures = [fuzzing.describe(o) for o in outcomes if o.failure]
    assert failures == []
    assert {o.exit_code for o in outcomes} >= {0}
