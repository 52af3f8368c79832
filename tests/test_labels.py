"""Every reading is labelled by its own name with its own settings, in every format."""

import json

from inception_cost.audit import MATCH, MISMATCH, TRUNCATED, judge
from inception_cost.cells import parse_quantity
from inception_cost.comparison import compare
from inception_cost.report import make_report
from inception_cost.spec.read import load_model


def _claim(report, claim_id):
    return next(ca for ca in report.audit.claims if ca.claim.id == claim_id)


def test_a_variants_totals_carry_its_own_name():
    report = make_report(load_model("resnet50"), variant="v1.5")
    checks = {c.reading: c.computed for c in _claim(report, "flops").checks}
    assert _claim(report, "flops").checks[0].reading == "v1.5"  # the reading analysed first
    # torchvision documents 4.09 GMACs for v1.5 (stride in the 3x3); the 1x1 placement
    # is cheaper: the stride-2 1x1 of each downsampling block sees a quarter of the map.
    assert round(checks["v1.5"] / 10**7) == 409
    assert checks["as tabled"] < checks["v1.5"]
    assert set(checks) == {"v1.5", "as tabled", "option-a"}


def test_the_header_says_what_a_whole_network_variant_is(run):
    out = run("table", "-m", "resnet50", "--variant", "v1.5", env={"COLUMNS": "200"}).stdout
    assert "the whole network with residual_stride = 3x3" in out
    assert "in place of the row it replaces" not in out
    assert "as tabled: 4,089,184,256" not in out and "v1.5: 4,089,184,256" in out
    out = run("table", "-m", "googlenet", "--variant", "separable").stdout
    assert "variant separable, row conv1 read as depthwise-separable" in out
    assert "as tabled: " in out and "separable: " in out


def test_json_reports_the_variants_own_settings(run):
    d = json.loads(
        run("table", "-m", "resnet50", "--variant", "option-a", "--format", "json").stdout
    )
    assert d["settings"]["variant"] == "option-a"
    assert d["settings"]["shortcut"] == "zero-pad"  # option A, not the projections of B
    assert d["settings"]["residual_stride"] == "first"
    d = json.loads(run("table", "-m", "resnet50", "--variant", "v1.5", "--format", "json").stdout)
    assert d["settings"]["residual_stride"] == "3x3"
    assert d["settings"]["shortcut"] == "projection"
    d = json.loads(
        run("table", "-m", "alexnet", "--variant", "input-224", "--format", "json").stdout
    )
    assert d["settings"]["input_shape"] == [224, 224, 3]


def test_flops_at_a_batch_leave_the_per_image_mac_claims_out_of_the_column(run):
    out = run("table", "--flops", "--batch", "8", env={"COLUMNS": "200"}).stdout
    assert "34M ✗" not in out and "360M ✓" not in out  # no MAC claim beside batch FLOPs
    assert "2.7K ✗" in out  # params do not depend on the batch: that claim stays
    assert "ops claims (multiply-adds per image) are left out beside this FLOPs column" in out
    # the verdicts themselves are still judged per image, on multiply-adds
    findings = out.split("Findings", 1)[1]
    assert "ops (multiply-adds): computed 118,013,952, claimed 34M" in findings


def test_params_reading_does_not_change_with_the_input_size(run):
    plain = run("table", "-m", "googlenet").stdout
    bigger = run("table", "-m", "googlenet", "--input", "299x299x3").stdout
    line = "params read as weights only, binary (K = 1,024)"
    assert line in plain and line in bigger


def test_paper_preset_follows_each_specs_own_reading():
    lenet = {c.preset.name: c for c in compare(load_model("lenet5")).counts}
    # LeCun et al. 1998: 60,000 trainable parameters and 340,908 connections
    assert (lenet["paper"].params, lenet["paper"].ops) == (60_000, 340_908)
    assert lenet["paper"].preset.unit == "connections"
    google = {c.preset.name: c for c in compare(load_model("googlenet")).counts}
    # Table 1 read as weights only and multiply-adds: 6,990,272 weights, 1,582,671,872 MACs
    assert (google["paper"].params, google["paper"].ops) == (6_990_272, 1_582_671_872)
    # ResNet's Table 1 prints no per-row params or ops: no paper rule to follow
    assert "paper" not in {c.preset.name for c in compare(load_model("resnet18")).counts}


def test_paper_preset_refused_where_the_table_claims_nothing(run):
    result = run("table", "-m", "resnet18", "--as", "paper")
    assert result.exit_code == 2 and "claims no params or ops" in result.stderr


def test_halfway_edges_of_the_rounding_rule():
    q = parse_quantity("159K")  # binary: one unit 1,024, the print 162,816
    upper = judge(162_816 + 512, q, binary=True)  # 159.5 Ki: 3a's 163,328 weights
    lower = judge(162_816 - 512, q, binary=True)  # 158.5 Ki
    assert upper.computed == 163_328
    assert (upper.status, upper.halfway) == (MATCH, True)
    assert (lower.status, lower.halfway) == (MATCH, True)
    assert judge(163_329, q, binary=True).status == TRUNCATED  # past the upper edge
    assert judge(162_303, q, binary=True).status == MISMATCH  # past the lower edge
    assert not judge(162_816, q, binary=True).halfway


def test_the_halfway_match_is_said_as_such(run):
    out = run("table", "-m", "googlenet", env={"COLUMNS": "200"}).stdout
    findings = out.split("Findings", 1)[1]
    assert "computed 163,328, claimed 159K = 162,816: match, exactly half a printed unit above" in (
        findings
    )
    assert "round half up would make it a truncation" in findings


def test_conventions_says_when_the_paper_preset_is_not_offered(run):
    out = run("conventions", "-m", "resnet18", env={"COLUMNS": "200"}).stdout
    assert "paper: not offered, the table claims no per-row params or ops" in out
    assert "paper: not offered" not in run("conventions", "-m", "lenet5").stdout


def test_a_column_variant_says_which_column_it_reads(run):
    # ShuffleNet V2's 0.5× reads its output channels from the 0.5× column: the header
    # said "the whole network with :" and named nothing
    data = json.loads(
        run("table", "-m", "shufflenetv2", "--variant", "0.5x", "--format", "json").stdout
    )
    line = next(h for h in data["settings"]["header"] if h.startswith("reading:"))
    assert "the whole network with filters from column 0.5×:" in line
