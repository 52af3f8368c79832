"""The commands end to end: formats, options, --output, width, colour."""

import csv
import io
import json
import sys

from fresh import probe, running

from inception_cost.render.tabular import to_dict
from inception_cost.report import make_report
from inception_cost.spec.read import load, load_model, model_path
from inception_cost.spec.variants import with_overrides


def test_default_is_bundled_googlenet_and_says_so(run):
    result = run("table")
    assert result.exit_code == 0
    assert "bundled GoogLeNet" in result.stderr
    assert "6,998,552" in result.stdout and "1,582,671,872 MACs" in result.stdout


def test_rich_fits_100_columns_and_header_names_conventions(run):
    out = run("table", "--model", "googlenet", env={"COLUMNS": "100"}).stdout
    assert max(len(line) for line in out.splitlines()) <= 100
    assert any(line.startswith("conv1 ") for line in out.splitlines())
    for phrase in (
        "input 224x224x3 · batch 1 · float32",
        "conv: same padding ((k-1)/2 each side), biases, relu",
        "pool: ceil rounding, no padding",
        "LRN across",  # wrapped at 100 columns, with its hanging indent: "  5 channels"
        "MAC = a multiply-add (conv, linear layers)",
        "act. = elements written (ReLU, dropout in place)",
    ):
        assert phrase in out
    assert "K = 1,024" in out  # the inferred reading of the params column is stated


def test_plain_text_when_piped_or_no_color(run):
    out = run("table", env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in out
    assert "✗" in out and "✓" in out  # verdicts survive without colour


def test_flops_batch_and_bias_options(run):
    rows = list(
        csv.DictReader(
            io.StringIO(
                run("table", "--format", "csv", "--flops", "--batch", "4").stdout.split("\n", 1)[1]
            )
        )
    )
    conv1 = rows[0]
    # the counts that scale with the batch say so in their header; params do not scale
    assert int(conv1["computed MACs (batch of 4)"]) == 4 * 118_013_952
    assert int(conv1["computed FLOPs (batch of 4)"]) == 8 * 118_013_952
    assert conv1["verdict ops (per image)"] == "mismatch"  # 34M against 118,013,952 per image
    assert int(conv1["computed params"]) == 9_472
    data = json.loads(run("table", "--format", "json", "--no-bias").stdout)
    assert data["totals"]["params"] == 6_990_272
    assert "bias" in data["settings"]["overrides"]


def test_aux_includes_training_only_rows(run):
    data = json.loads(run("table", "--format", "json", "--aux").stdout)
    assert data["totals"]["params"] == 13_378_280
    names = [b["name"] for b in data["blocks"]]
    assert "aux1/pool" in names and "aux2/classifier" in names
    plain = json.loads(run("table", "--format", "json").stdout)
    assert "aux1/pool" not in [b["name"] for b in plain["blocks"]]


def test_json_has_schema_version_and_exact_ints(run):
    data = json.loads(run("table", "--format", "json").stdout)
    assert data["schema_version"] == 3
    assert data["totals"]["macs"] == 1_582_671_872 and isinstance(data["totals"]["macs"], int)
    conv1 = data["blocks"][0]
    assert conv1["verdicts"]["params"] == {
        "status": "mismatch",
        "computed": 9408,
        "claimed": "2.7K",
        "claimed_value": "2764.8",
        "difference": "6643.2",
        "percent": 240.278,
    }


def test_csv_one_row_per_layer_with_claims_and_verdicts(run):
    meta, text = run("table", "--format", "csv").stdout.split("\n", 1)
    assert json.loads(meta.removeprefix("# spec: "))["input"] == "224x224x3"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(load_model("googlenet").rows)
    five_a = next(r for r in rows if r["type"] == "inception (5a)")
    assert (five_a["params"], five_a["verdict params"], five_a["computed weights"]) == (
        "1072K",
        "mismatch",
        "1042432",
    )


def test_spec_form_reads_back_as_the_same_analysis(run, tmp_path):
    out = tmp_path / "g.md"
    assert run("table", "--format", "spec", "--input", "256x256x3", "-o", str(out)).exit_code == 0
    back = make_report(load(out))
    first = make_report(with_overrides(load_model("googlenet"), input_shape=(256, 256, 3)))
    a, b = to_dict(first), to_dict(back)
    for d in (a, b):
        d["model"].pop("path")
        d["audit"].pop("findings")
        d["settings"].pop("overrides")
        d["settings"].pop("header")
        for block in d["blocks"]:
            block.pop("location")
            block["cells"].pop("name", None)  # the written form names every row
    assert a == b
    assert back.analysis.totals.macs != 1_582_671_872  # the override really changed it


def test_csv_output_reads_back_with_input(run, tmp_path):
    out = tmp_path / "g.csv"
    run("table", "--format", "csv", "-o", str(out))
    again = run("table", str(out), "--input", "224x224x3", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["totals"]["params"] == 6_998_552


def test_output_refuses_to_overwrite_without_force(run, tmp_path):
    out = tmp_path / "t.csv"
    out.write_text("precious")
    result = run("table", "--format", "csv", "-o", str(out))
    assert result.exit_code == 2 and "exists" in result.stderr and "--force" in result.stderr
    assert out.read_text() == "precious"
    assert run("table", "--format", "csv", "-o", str(out), "--force").exit_code == 0
    assert out.read_text().split("\n")[1].startswith("type,")
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]  # no temporary left behind


def test_output_never_replaces_the_spec_being_read(run, tmp_path):
    path = tmp_path / "g.md"
    path.write_text(model_path("googlenet").read_text())
    before = path.read_text()
    result = run("table", str(path), "--format", "markdown", "-o", str(path), "--force")
    assert result.exit_code == 2 and "is the spec being read" in result.stderr
    assert path.read_text() == before


def test_expand_lists_branch_ops(run):
    out = run("table", "--expand", env={"COLUMNS": "140"}).stdout
    assert "3x3_reduce" in out and "pool_proj" in out and "conv 5x5/1" in out


def test_variant_option_analyses_the_alternative_reading(run):
    data = json.loads(run("table", "--format", "json", "--variant", "separable").stdout)
    assert data["totals"]["macs"] == 1_498_677_248
    assert data["blocks"][0]["type"] == "separable convolution"


def test_command_line_settings_reach_a_variant_with_its_own_conventions(run):
    # torchvision's reading sets its own conventions; --no-bias must still reach it, not be
    # dropped: its only bias is the classifier's 1,000 (convolutions are bias-free)
    args = ("table", "-m", "googlenet", "--variant", "torchvision", "--format", "json")
    assert json.loads(run(*args).stdout)["totals"]["params"] == 6_624_904
    data = json.loads(run(*args, "--no-bias").stdout)
    assert data["settings"]["bias"] is False
    assert data["totals"]["params"] == 6_624_904 - 1_000


def test_models_lists_bundled_specs(run):
    data = json.loads(run("models", "--format", "json").stdout)["models"]
    googlenet = next(m for m in data if m["name"] == "googlenet")
    assert googlenet["params"] == 6_998_552 and googlenet["macs"] == 1_582_671_872
    # the 12x claim is checkable now that AlexNet is bundled
    assert googlenet["claims_differ"] > 0 and googlenet["not_checkable"] == 0
    lenet = next(m for m in data if m["name"] == "lenet5")
    assert (lenet["claims_hold"], lenet["claims_differ"]) == (22, 0)  # 6 rows x 3 + 3 + depth
    names = [m["name"] for m in data]
    assert names[:3] == ["alexnet", "densenet121", "densenet169"]
    text = run("models").stdout
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "resnet152" in text


def test_python_dash_m_and_version(run):
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "inception_cost", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("inception-cost, version ")


def test_scripted_formats_import_neither_numpy_nor_rich():
    """The CSV, JSON and Markdown paths stay light: start-up is their whole cost."""
    runs = "".join(running("table", "--format", fmt) for fmt in ("csv", "json", "markdown", "spec"))
    heavy = "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'rich')))\n"
    assert probe("import sys\n" + runs + heavy)[-1] == "[]"


def test_a_command_imports_no_other_command():
    """`table` builds its own options only: the other commands' modules (and the libraries
    they wire: the NumPy reference's verify, presets, sweep) stay unimported."""
    loaded, libraries = probe(
        "import sys\n"
        + running("table", "--format", "csv")
        + "print(sorted(m for m in sys.modules if m.startswith('inception_cost.cli.')))\n"
        "print(sorted(m for m in ('inception_cost.verify', 'inception_cost.presets',"
        " 'inception_cost.sweep') if m in sys.modules))\n"
    )[-2:]
    assert loaded == "['inception_cost.cli.options', 'inception_cost.cli.table']"
    assert libraries == "[]"


def test_claims_lists_every_claim_with_its_verdict(run):
    data = json.loads(run("claims", "--format", "json").stdout)
    tabled = {(c["model"], c["claim"]): c for c in data["claims"] if c["reading"] == "as tabled"}
    ratio = tabled[("googlenet", "alexnet-ratio")]
    assert ratio["verdict"] == "mismatch" and ratio["computed"].startswith("8.71")
    assert tabled[("lenet5", "connections")]["computed"] == "340908"
    assert tabled[("resnet152", "vgg16-flops")]["verdict"] == "mismatch"
    heads = {h["model"]: h for h in data["heads"]}
    assert heads["vgg16"]["params"] == 7 * 7 * 512 * 4096 + 4096 and not heads["vgg16"]["pooled"]
    g = heads["googlenet"]
    assert g["pooled"] and g["params"] == 1024 * 1000 + 1000
    assert g["other_head_params"] == 7 * 7 * 1024 * 1000 + 1000
    text = run("claims", "--model", "googlenet").stdout
    assert "8.71 vs 12: mismatch" in text and "alexnet ·" not in text


def test_claims_csv_and_unknown_model(run):
    rows = run("claims", "--model", "lenet5", "--format", "csv").stdout.splitlines()
    assert rows[0].startswith("model,claim,reading") and len(rows) == 4
    bad = run("claims", "--model", "lenet")
    assert bad.exit_code == 2 and "unknown model 'lenet'" in bad.stderr


def test_markdown_is_a_readable_report_and_spec_the_form_that_reads_back(run):
    report = run("table", "-m", "googlenet", "--format", "markdown").stdout
    assert not report.startswith("+++")  # no front matter: pasteable into a README
    header = next(x for x in report.splitlines() if x.startswith("| layer"))
    assert header.count("|") - 1 <= 10  # a handful of columns, not the spec's thirty
    assert "| conv1 | convolution | 112x112x64 | 1 | 9,472 | 2.7K ✗ | 118,013,952 | 34M ✗ |" in (
        report
    )
    form = run("table", "-m", "googlenet", "--format", "spec").stdout
    assert form.startswith("+++\n") and "verdict params" in form


def test_fail_on_exits_1_when_a_claim_does_not_hold(run):
    bad = run("table", "-m", "googlenet", "--fail-on", "mismatch", "--format", "csv")
    assert bad.exit_code == 1 and "claims do not hold (--fail-on mismatch)" in bad.stderr
    assert bad.stdout.split("\n")[1].startswith("type,")  # the output is still printed first
    # LeNet-5's 22 checks all hold (the paper's own figures)
    assert run("table", "-m", "lenet5", "--fail-on", "truncated").exit_code == 0
    # ResNet-50's 3.8G is 3,857,973,248: only a truncation
    assert run("table", "-m", "resnet50", "--fail-on", "mismatch").exit_code == 0
    assert run("table", "-m", "resnet50", "--fail-on", "truncated").exit_code == 1


def test_shell_completion_of_models_variants_and_presets():
    from click.shell_completion import ShellComplete

    from inception_cost.cli import cli

    def complete(args, incomplete):
        comp = ShellComplete(cli, {}, "inception-cost", "_INCEPTION_COST_COMPLETE")
        return [c.value for c in comp.get_completions(args, incomplete)]

    resnets = {f"resnet{n}" for n in (18, 34, 50, 101, 152)}
    assert set(complete(["table", "-m"], "resnet")) == resnets
    assert complete(["claims", "--model"], "len") == ["lenet5"]
    assert set(complete(["table", "-m", "resnet50", "--variant"], "")) == {"v1.5", "option-a"}
    assert set(complete(["verify", "--variant"], "")) == {"separable", "naive", "torchvision"}
    assert complete(["table", "--as"], "pt") == ["ptflops", "ptflops-aten"]
    assert complete(["receptive", "-m", "resnet50", "--variant"], "v") == ["v1.5"]
    assert complete(["sweep", "-m", "alexnet", "--variant"], "") == ["input-224"]


def test_models_and_claims_write_output(run, tmp_path):
    out = tmp_path / "m.csv"
    assert run("models", "--format", "csv", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("name,input,rows,params,MACs")
    assert run("models", "--format", "csv", "-o", str(out)).exit_code == 2  # exists
    claims = tmp_path / "c.json"
    assert run("claims", "-m", "lenet5", "--format", "json", "-o", str(claims)).exit_code == 0
    assert {c["model"] for c in json.loads(claims.read_text())["claims"]} == {"lenet5"}


def test_receptive_and_sweep_write_output_like_the_others(run, tmp_path):
    out = tmp_path / "r.txt"
    assert run("receptive", "-m", "lenet5", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("lenet5: receptive fields on the 32x32 input")
    result = run("sweep", "-m", "lenet5", "-o", str(out))
    assert result.exit_code == 2 and "exists" in result.stderr and "--force" in result.stderr
    assert run("sweep", "-m", "lenet5", "--format", "csv", "-o", str(out), "--force").exit_code == 0
    assert out.read_text().startswith("model,input,variant,final_map")
    spec = tmp_path / "lenet5.md"
    spec.write_text(run("table", "-m", "lenet5", "--format", "spec").stdout)
    result = run("receptive", str(spec), "--format", "markdown", "-o", str(spec), "--force")
    assert result.exit_code == 2 and "is the spec being read" in result.stderr


def test_a_variant_runs_where_the_table_as_printed_does_not(run):
    # MobileNetV2's 0.35 reading pools globally; at 160 the table's own 7x7 pool does not
    # fit: the variant is analysed and the table's claims say why they are not checked
    args = ("table", "-m", "mobilenetv2", "--variant", "0.35-96", "--input", "160x160x3")
    data = json.loads(run(*args, "--format", "json").stdout)
    assert data["totals"]["params"] == 1_677_128  # the 0.35 width's, at any input size
    params = next(c for c in data["audit"]["claims"] if c["id"] == "params")
    assert [(k["reading"], k["status"]) for k in params["checks"]] == [
        ("as tabled", "not checkable")
    ]
    assert "not built: 7x7 kernel is larger" in params["checks"][0]["note"]


def test_no_command_shows_the_help_as_it_reads(run):
    """`inception-cost` alone is a usage error (exit 2) that shows the whole help, one
    line per line, not squashed into one error line."""
    out = run()
    assert out.exit_code == 2 and out.stdout == ""
    lines = out.stderr.splitlines()
    assert lines[0].startswith("Usage: inception-cost [OPTIONS] COMMAND")
    assert "Commands:" in lines and any(line.split()[:1] == ["verify"] for line in lines)


def test_output_dash_is_standard_output(run, tmp_path, monkeypatch):
    """`-o -` prints, as `-` reads standard input for SPEC: no file named `-` appears."""
    monkeypatch.chdir(tmp_path)
    out = run("table", "-m", "lenet5", "--format", "csv", "-o", "-")
    assert out.exit_code == 0 and out.stdout.startswith("# spec: ")
    assert out.stdout == run("table", "-m", "lenet5", "--format", "csv").stdout
    assert list(tmp_path.iterdir()) == []


def test_without_matplotlib_one_line_says_how(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from inception_cost.cli import cli

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails
    result = CliRunner().invoke(cli, ["plot", "-o", str(tmp_path / "g.png")])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "pip install 'inception-cost[plot]'" in result.stderr
    assert not (tmp_path / "g.png").exists()
