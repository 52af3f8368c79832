"""Issue 26 after main's round: what `tables`, `onnx`, `time` and `prims` added, held to
the same guarantees (tests/test_reliability.py holds the issue's sixteen cases). Each test
named `test_found_...` was a traceback, a runaway or a silent acceptance before, found by
the fuzz over the new declarations and commands or by the bounds benchmark; the rest are
the rules they follow: symbols bounded as cells, every new declaration used or reported,
model files and their diff under the work budget, progress for the new long work.
"""

from __future__ import annotations

import pytest
from onnx_graphs import chain, save
from test_bad_input import check
from test_reliability import Heard
from tiny_spec import spec_text

from inception_cost import budget, progress

ROW = "| convolution | 3x3/1 | 8x8x4 | | | |\n"


# ----------------------------------------------------------------- symbols, as cells are


def test_found_an_expression_of_symbols_past_the_digit_bound(run, write):
    """k×k×...×k/7 with k of 18 digits: OverflowError while the message printed its value
    as a float; now the cells' bound, at the cell."""
    cell = "×".join(["k"] * 40) + "/7"
    header = "| type | #1x1 | #3x3 reduce | #3x3 | #5x5 reduce | #5x5 | pool proj |\n"
    text = '+++\ninput = "8x8x3"\n[symbols]\nk = 999999999999999998\n+++\n\n' + header
    text += "|---|---|---|---|---|---|---|\n" + f"| inception | {cell} | 1 | 1 | 1 | 1 | 1 |\n"
    for command in ("table", "verify", "memory", "time"):
        check(run(command, str(write(text)), "--format", "csv"), "spec.md:9:", "18 digits")


@pytest.mark.parametrize(
    ("value", "what"),
    [
        pytest.param("inf", "inf is not a positive number", id="inf (ValueError before)"),
        pytest.param("1e300", "at most 18 digits", id="1e300"),
        pytest.param("1e-300", "at most 18 digits", id="1e-300"),
        pytest.param("nan", "is not a positive number", id="nan"),
        pytest.param("-0.5", "is not a positive number", id="negative"),
    ],
)
def test_found_a_symbols_value_is_bounded_as_a_cell(run, write, value, what):
    text = spec_text(ROW, f'input = "8x8x3"\n[symbols]\nk = {value}')
    check(run("table", str(write(text)), "--format", "csv"), "spec.md:4:1", what)
    variant = spec_text(
        ROW, f'input = "8x8x3"\n[[variants]]\nname = "v"\nsymbols = {{ k = {value} }}'
    )
    check(run("table", str(write(variant)), "--format", "csv"), "spec.md:3:1", what)


def test_found_a_symbol_named_with_another_scripts_digit(run, write):
    text = spec_text(ROW, 'input = "8x8x3"\n[symbols]\n"a٣" = 3')
    check(run("table", str(write(text)), "--format", "csv"), "spec.md:4:1", "is not a name")


def _widths(rows: str, symbols: str) -> str:
    """A spec whose convolutions take their widths from a `c` column, under [symbols]."""
    head = "| type | patch size/stride | c |\n|---|---|---|\n"
    return f'+++\ninput = "8x8x3"\n[symbols]\n{symbols}\n+++\n\n{head}{rows}'


def test_a_decimal_symbol_reads_as_written(write):
    """The bound keeps what a paper prints: RepVGG's a = 0.75 makes 64a = 48."""
    from inception_cost.spec.read import load

    spec = load(write(_widths("| convolution | 3x3/1 | 64a |\n", "a = 0.75")))
    assert spec.rows[0].cells.filters == 48


# ---------------------------------------------------------------- kinds extended by name


def test_found_a_kind_extending_a_preactivation_kind_keeps_it(write):
    """`extends` started from a table without `preactivation`: the extended kind built
    conv-BN-ReLU where its base builds BN-ReLU-conv."""
    from inception_cost.builder import build
    from inception_cost.spec.read import load

    kinds = (
        '[kinds.pre]\npreactivation = true\nbranches = [{ layers = [{ op = "conv", name = "a",'
        ' kernel = 3, filters = "output" }] }]\n[kinds.pre2]\nextends = "pre"\n'
        "layers.a = { kernel = 1 }\n[conventions]\nbatch_norm = true"
    )
    rows = "| pre | | 8x8x4 | | | |\n| pre2 | | 8x8x4 | | | |\n"
    net = build(load(write(spec_text(rows, f'input = "8x8x3"\n{kinds}'))))
    kinds_of = [[op.kind for op in b.ops] for b in net.blocks]
    assert kinds_of[0] == ["bn", "relu", "conv"]
    assert kinds_of[1] == ["bn", "relu", "conv"]  # conv, bn, relu before
    assert net.blocks[1].ops[2].kernel == (1, 1)


# ---------------------------------------------------------- every declaration used or said


def _unused(write, rows: str, front: str) -> list[str]:
    from inception_cost.spec.read import load

    return [f"{u.what}: {u.why}" for u in load(write(spec_text(rows, front))).unused]


def test_a_symbol_used_in_an_expression_is_used(write):
    from inception_cost.spec.read import load

    rows = "| convolution | 3x3/1 | 16×k |\n| convolution | 3x3/1 | 64a |\n"
    assert load(write(_widths(rows, "k = 1\na = 0.25"))).unused == ()


def test_found_a_symbol_named_only_in_a_variants_title_is_unused(write):
    """The words of a variant's title counted as cells: `a` of "a = 1" hid an unused a."""
    front = (
        'input = "8x8x3"\n[symbols]\na = 1\n[[variants]]\nname = "v"\ntitle = "with a = 2"\n'
        "symbols = { a = 2 }"
    )
    assert _unused(write, ROW, front) == [
        "[symbols] a: no cell is a",
        "variant 'v''s symbol a: no cell is a",
    ]


def test_a_symbol_a_kind_reads_is_used(write):
    kind = (
        '[kinds.grouped]\nbranches = [{ layers = [{ op = "conv", name = "a", kernel = 3,'
        ' filters = "output", groups = "g" }] }]'
    )
    front = f'input = "8x8x4"\n[symbols]\ng = 2\n{kind}'
    assert _unused(write, "| grouped | | 8x8x4 | | | |\n", front) == []


def test_a_kind_only_extended_by_a_used_kind_is_used(write):
    kinds = (
        '[kinds.base]\nbranches = [{ layers = [{ op = "conv", name = "a", kernel = 3,'
        ' filters = "output" }] }]\n[kinds.derived]\nextends = "base"\n'
        'layers.a = { kernel = 1 }\n[kinds.alone]\nextends = "base"\n'
    )
    front = f'input = "8x8x4"\n{kinds}'
    assert _unused(write, "| derived | | 8x8x4 | | | |\n", front) == [
        "[kinds.alone]: no row is of it"
    ]


def test_a_declared_blank_header_is_used(write):
    """`[columns] "" = ...` declares the blank header: used where the table has one."""
    header = "| type | patch size/stride | output size | |\n|---|---|---|---|\n"
    text = '+++\ninput = "8x8x3"\n[columns]\n"" = "note"\n+++\n\n' + header
    text += "| convolution | 3x3/1 | 8x8x4 | x |\n"
    from inception_cost.spec.read import load

    assert load(write(text)).unused == ()


def test_the_docs_examples_declare_nothing_unused():
    """The examples of docs/ (the bundled specs: tests/test_reliability.py), each one
    that reads: every declaration they show is one the table uses."""
    from pathlib import Path

    from inception_cost.errors import InputError
    from inception_cost.spec.read import load

    read = {}
    for path in sorted(Path(__file__).parent.parent.glob("docs/examples/**/*.md")):
        try:
            read[path.name] = load(path).unused
        except InputError:
            continue  # a table pasted before its declarations (docs/examples/pasting)
    assert len(read) >= 8 and all(unused == () for unused in read.values()), read


# ------------------------------------------------------- model files and diff, bounded


def test_found_diff_of_two_long_networks_is_refused_before_it_aligns(run, write, tmp_path):
    """A table of 1,001 convolutions against a model of as many: the alignment weighs a
    million pairs (10,000 against 20,000 took 78 s and 4 GB); refused in one line."""
    table = write(spec_text(ROW * 1001, 'input = "8x8x4"'))
    onnx = chain(1001, tmp_path / "chain.onnx")
    result = run("diff", str(table), onnx, "--format", "csv")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "weighs 1,002,001 pairs of convolution and linear layers" in result.stderr


def test_found_a_model_files_rows_are_named_in_one_pass():
    """Each new row's name was checked against a set of every name made again (a model of
    40,000 modules: 45 s); a name taken again gets #2, #3, ... in one pass."""
    from inception_cost.implementation.rows import _Rows

    rows = _Rows()
    names = [rows.names[rows.new(None, n, "conv")] for n in ("a", "a", "a#3", "a", "b")]
    assert names == ["a", "a#2", "a#3", "a#4", "b"]


def test_a_model_files_ops_spend_from_the_work_budget(run, tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "WORK", 100)
    onnx = chain(60, tmp_path / "chain.onnx")  # 120 ops
    result = run("table", onnx, "--format", "csv")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "this run builds more than 100 ops" in result.stderr


def test_reading_a_model_file_and_timing_tell_their_progress(tmp_path):
    from inception_cost.implementation.reader import read
    from inception_cost.reference.timing import samples

    heard = Heard()
    with progress.listening(heard):
        impl = read(chain(3, tmp_path / "chain.onnx"))
        samples(impl.network, repeats=2)
    tasks = [e[1:] for e in heard.events if e[0] == "begin"]
    assert tasks[0] == (f"reading {tmp_path / 'chain.onnx'}", 7)
    assert ("timing chain", 3) in tasks  # a warm-up run and the two timed
    assert heard.events.count(("end",)) == len(tasks)


@pytest.mark.parametrize("fmt", ["csv", "spec"])
def test_found_a_symbol_of_another_script_reads_back(run, write, fmt):
    """`[symbols] "α" = 3` was written back as the bare key α = 3, which is no TOML:
    `--format csv` and `--format spec` raised TOMLDecodeError."""
    text = _widths("| convolution | 3x3/1 | 2α |\n", '"α" = 3')
    result = run("table", str(write(text)), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    name = "back.csv" if fmt == "csv" else "back.md"
    again = run("table", str(write(result.stdout, name)), "--format", "csv")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.splitlines()[-1].split(",")[4] == "8x8x6"


def test_found_a_kind_extending_what_is_no_name(run, write):
    """`extends = { ... }`: TypeError (unhashable type) while looking the base up."""
    text = spec_text(ROW, 'input = "8x8x3"\n[kinds.stage]\nextends = { layers = 1 }')
    check(run("table", str(write(text)), "--format", "csv"), "spec.md:3:1", "which is no kind")


@pytest.mark.torch  # onnxruntime: installed with the torch extras in CI
def test_found_onnxruntimes_own_log_line_beside_ours(tmp_path):
    """A model onnxruntime refuses (an initializer's data longer than its shape): its C++
    logger wrote a coloured line to stderr beside our one line; now only ours."""
    import subprocess
    import sys

    from onnx_graphs import stem

    m = stem()
    next(t for t in m.graph.initializer if t.name == "fb").dims[0] = 7
    path = save(m, tmp_path / "bad.onnx")
    command = [sys.executable, "-m", "inception_cost", "verify", path, "--format", "csv"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "error: onnxruntime cannot run the model" in result.stderr


def test_found_a_claim_row_of_no_name(run, write):
    """`[claim_rows.""]` named the rows that print nothing: StopIteration while its claims
    were read, in every command."""
    text = spec_text(ROW, 'input = "8x8x3"\n[claim_rows.""]\nquantity = "macs"')
    for command in ("table", "verify", "memory"):
        check(run(command, str(write(text)), "--format", "csv"), "spec.md:3:1", "has no name")


def test_found_a_stored_tensor_whose_data_does_not_fit_its_shape(run, tmp_path):
    """The reader reads a tensor's shape alone; verify MODEL.onnx loads its values, and
    ten values under a shape of four raised ValueError."""
    from onnx_graphs import stem

    m = stem()
    fw = next(t for t in m.graph.initializer if t.name == "fw")
    fw.dims[:] = [1, 4]  # its data still holds 10 x 4 values
    result = run("verify", save(m, tmp_path / "bad.onnx"), "--format", "csv")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "bad.onnx: error: tensor 'fw' holds values that do not fit its shape (1, 4)" in (
        result.stderr
    )
