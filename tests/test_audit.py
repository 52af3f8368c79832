"""The audit of GoogLeNet's Table 1 against the fact-checked findings, and its rules."""

import pytest

from inception_cost.audit import MATCH, MISMATCH, TRUNCATED, judge
from inception_cost.cells import parse_quantity
from inception_cost.render.table import render
from inception_cost.report import make_report
from inception_cost.spec.read import load, load_model, model_path


@pytest.fixture(scope="module")
def audit():
    return make_report(load_model("googlenet")).audit


def test_judge_rounds_within_printed_precision():
    q = parse_quantity("2.7K")
    assert judge(2_712, q, binary=False).status == MATCH  # 2,650 .. 2,750
    assert judge(2_751, q, binary=False).status == TRUNCATED  # 2.751K printed as 2.7K
    assert judge(2_801, q, binary=False).status == MISMATCH
    assert judge(2_712, q, binary=True).status == MISMATCH  # 2,713.6 .. 2,816
    assert judge(73_608_192, parse_quantity("73M"), False).status == TRUNCATED
    assert judge(73_499_999, parse_quantity("73M"), False).status == MATCH


def test_params_reading_is_binary_weights_only(audit):
    # conv2's 114,688 weights are exactly 112 Ki, the linear layer's 1,024,000 1000 Ki.
    assert audit.params_reading.binary and audit.params_reading.counts == "weights only"
    for name in ("conv2", "fc1"):
        v = audit.row(name).params
        assert v.status == MATCH and v.difference == 0
    decimal = next(
        f for f in audit.params_fits if not f.reading.binary and f.reading.counts == "weights only"
    )
    chosen = next(f for f in audit.params_fits if f.chosen)
    assert chosen.matches > decimal.matches


def test_ops_reading_is_decimal_multiply_adds(audit):
    assert not audit.ops_reading.binary and audit.ops_reading.counts == "multiply-adds"
    statuses = {r.name: r.ops.status for r in audit.rows if r.ops}
    assert {n for n, s in statuses.items() if s == MISMATCH} == {"conv1", "5a"}
    assert statuses["4a"] == TRUNCATED


def test_conv1_anomaly(audit):
    r = audit.row("conv1")
    assert (r.params.computed, r.params.status) == (9_408, MISMATCH)
    assert (r.ops.computed, r.ops.status) == (118_013_952, MISMATCH)
    assert "agree with each other" in r.note and "own columns" in r.note


def test_5a_claims_agree_with_each_other_not_with_columns(audit):
    r = audit.row("5a")
    assert r.params.computed == 1_042_432 and r.ops.computed == 51_079_168
    assert r.params.status == r.ops.status == MISMATCH
    assert "agree with each other" in r.note


def test_4c_params_claim_follows_from_nothing(audit):
    r = audit.row("4c")
    assert r.ops.status == MATCH and r.params.status == MISMATCH
    assert "neither" in r.note


def test_output_sizes_and_depths_all_hold(audit):
    for r in audit.rows:
        for v in (r.output, r.depth):
            assert v is None or v.status == MATCH, r.name


def test_separable_reading_reproduces_both_conv1_claims(audit):
    v = audit.variants[0]
    assert v.variant.name == "separable"
    assert v.row.params.computed == 2_712 and v.row.ops.computed == 34_019_328
    assert v.row.ops.status == MATCH
    # 2.7K is 2,712 only read as K = 1,000: the audit says so rather than hiding it.
    assert any(not r.binary and r.counts == "weights only" for r in v.row.params_elsewhere)
    assert v.totals.macs == 1_498_677_248


def test_paper_level_claims(audit):
    checks = {c.claim.id: {ch.reading: ch for ch in c.checks} for c in audit.claims}
    assert checks["budget"]["as tabled"].status == "over"
    assert checks["budget"]["separable"].status == "within"
    assert checks["depth"]["as tabled"].status == MATCH
    assert checks["depth-with-pooling"]["as tabled"].status == MATCH
    ratio = checks["alexnet-ratio"]["as tabled"]
    # docs/published-numbers.md section 4: 60,965,224 / 6,998,552 = 8.7x, not 12x
    assert ratio.status == MISMATCH and round(float(ratio.computed), 2) == 8.71
    assert checks["depth"]["naive"].computed == 13  # stem 3 + one conv per naive module 9 + fc


def test_fixed_reading_is_respected(tmp_path):
    text = (
        model_path("googlenet")
        .read_text()
        .replace('params_unit = "auto"', 'params_unit = "decimal"')
    )
    path = tmp_path / "g.md"
    path.write_text(text)
    audit = make_report(load(path)).audit
    assert not audit.params_reading.binary
    # The binary reading still shows how well it would have fitted.
    assert any(f.reading.binary and f.matches for f in audit.params_fits)


def test_audit_is_per_image_whatever_the_batch():
    a1 = make_report(load_model("googlenet")).audit
    a8 = make_report(load_model("googlenet"), batch=8).audit
    assert [r.ops.status for r in a1.rows if r.ops] == [r.ops.status for r in a8.rows if r.ops]


def _count_builds(monkeypatch) -> list[tuple[str, str, bool]]:
    """Every network built from now on, wherever: (spec name, variant, aux)."""
    from inception_cost import builder

    built = []
    real = builder._build

    def counted(s, aux, variant, strides):
        built.append((s.name, variant, aux))
        return real(s, aux, variant, strides)

    monkeypatch.setattr(builder, "_build", counted)
    return built


GOOGLENET_READINGS = [
    ("alexnet", "", False),  # the 12x fewer parameters claim
    ("googlenet", "", False),
    ("googlenet", "naive", False),
    ("googlenet", "separable", False),
    ("googlenet", "torchvision", False),
]


def test_each_network_is_built_once_per_report(monkeypatch):
    """make_report builds each network the report needs once, the audit none: GoogLeNet's
    table, its three variants and AlexNet for the 12x claim. A variant analysed at batch 8
    is costed twice (at 8, and at one image for the claims) but built once, and the table
    as tabled (fitting the claimed columns, judging the claims) once too."""
    built = _count_builds(monkeypatch)
    googlenet = load_model("googlenet")
    make_report(googlenet)
    assert sorted(built) == GOOGLENET_READINGS
    built.clear()
    make_report(googlenet, variant="naive", batch=8)
    assert sorted(built) == GOOGLENET_READINGS
    built.clear()
    make_report(googlenet, aux=True)  # the rows at inference too: another network
    assert sorted(built) == sorted([*GOOGLENET_READINGS, ("googlenet", "", True)])


def test_the_rows_alone_when_no_reading_is_asked_for(monkeypatch):
    """A CSV prints no variant and no paper-level claim: its report builds one network, not
    GoogLeNet's five (the table, three variants, AlexNet for the 12x claim)."""
    built = _count_builds(monkeypatch)
    googlenet = load_model("googlenet")
    full = make_report(googlenet)
    assert len(built) == 5
    built.clear()
    rows_only = make_report(googlenet, readings=False)
    assert built == [("googlenet", "", False)]
    assert rows_only.audit.rows == full.audit.rows
    assert rows_only.audit.claims is None and rows_only.audit.variants is None
    with pytest.raises(ValueError, match="not judged"):
        rows_only.audit.counts  # noqa: B018 (a property that must refuse)
    # the CSV prints no claim; the formats that print them refuse a report without them
    assert render(rows_only, "csv") == render(full, "csv")
    for fmt in ("markdown", "json", "spec"):
        with pytest.raises(ValueError, match="prints the claims"):
            render(rows_only, fmt)
