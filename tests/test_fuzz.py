"""The fuzz held in CI: seeded cases of tests/fuzzing.py's generators (the text mutated,
the front matter restructured, declarations added) through every command. Every case
exits 0, 1 or 2, on 2 with only error lines, no traceback and no file written, within
2 s of CPU time. The long run is `python benchmarks/fuzz.py --cases N`
(benchmarks/README.md)."""

import random

import pytest

from inception_cost.cli import COMMANDS
from inception_cost.errors import InputError
from tests import fuzzing

CASES = 1_000  # 32 s of the file's 34 s on the 2-core machine at load 1 (2026-12-05)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_generated_specs_and_options_keep_the_promise(seed, tmp_path):
    rng = random.Random(seed)
    outcomes = [fuzzing.run_case(fuzzing.make_case(rng), tmp_path) for _ in range(CASES // 4)]
    failures = [fuzzing.describe(o) for o in outcomes if o.failure]
    assert failures == []
    codes = {o.exit_code for o in outcomes}
    assert {0, 2} <= codes  # the generators reach both answers and refusals


def test_every_command_is_fuzzed():
    """A new command is one more line of fuzzing.COMMANDS."""
    assert set(fuzzing.COMMANDS) == set(COMMANDS)


def test_every_spec_generator_and_command_is_reached():
    rng = random.Random(0)
    cases = [fuzzing.make_case(rng) for _ in range(600)]
    assert {c.model for c in cases} == {*fuzzing.TEXTS, *fuzzing.onnx_bases()}
    assert {c.args[0] for c in cases} == set(fuzzing.COMMANDS)
    assert {c.generator for c in cases} == {*fuzzing.GENERATORS, "whole"}
    assert {c.suffix for c in cases} == {".md", ".csv", ".onnx"}


@pytest.mark.parametrize("declaration", fuzzing.DECLARATIONS, ids=lambda d: d.__name__)
def test_every_declaration_is_generated_well_formed_and_not(declaration):
    """Each declaration generator adds its table to the front matter, well formed (the
    reader passes it on) and odd."""
    from inception_cost.spec.read import parse_csv, parse_markdown

    table = declaration.__name__.removeprefix("_declare_")
    key = {"kind": "kinds", "row": "rows", "column": "columns", "table": "connection_tables"}
    key |= {"symbol": "symbols", "footnote": "footnotes", "claim_row": "claim_rows"}
    key |= {"variant": "variants", "claim": "claims", "added": "added"}
    answers, declared = set(), 0
    rng = random.Random(26)
    for _ in range(40):
        spec = fuzzing.parse(fuzzing.TEXTS[rng.choice(("googlenet", "lenet5", "fire"))])
        sound = rng.random() < 0.5
        declaration(spec, rng, sound)
        declared += key[table] in spec.meta
        csv = rng.random() < 0.2
        text = fuzzing.write(spec, csv)
        try:
            (parse_csv if csv else parse_markdown)(text, "spec")
            answers.add("read")
        except InputError:
            answers.add("refused")
    assert answers == {"read", "refused"}
    assert declared >= 30
