"""Every kind of bad input: one line `FILE:LINE:COL: error: ...; expected ...`, exit 2."""

import re

import pytest

from tests.conftest import HEADER, spec_text

LINE = re.compile(r"^\S+:\d+:\d+: error: .+; expected .+$")


def check(result, where: str, what: str):
    assert result.exit_code == 2
    assert result.stdout == ""
    err = result.stderr
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert LINE.match(err.strip()), err
    assert where in err and what in err, err


def test_missing_file(run, tmp_path):
    check(run("table", str(tmp_path / "nope.md")), "nope.md:1:1", "no such file")


def test_directory(run, tmp_path):
    check(run("table", str(tmp_path)), ":1:1", "is a directory")


def test_empty_file(run, write):
    check(run("table", str(write(""))), "spec.md:1:1", "is empty")


def test_not_utf8(run, write):
    check(
        run("table", str(write(b'+++\ninput = "8x8x3"\n+++\n| caf\xe9 |\n'))),
        "spec.md:4:6",
        "not UTF-8",
    )


def test_no_table(run, write):
    check(
        run("table", str(write('+++\ninput = "8x8x3"\n+++\n\nJust prose.\n'))),
        "spec.md:4:1",
        "no layer table",
    )


def test_header_without_required_column(run, write):
    text = '+++\ninput = "8x8x3"\n+++\n| patch size | output size |\n|---|---|\n| 3x3 | 8x8x3 |\n'
    check(run("table", str(write(text))), "spec.md:4:1", "no 'type' column")


def test_unknown_column(run, write):
    text = spec_text("| softmax | | 8x8x3 | | | |\n").replace("| ops |", "| opz |")
    check(run("table", str(write(text))), "spec.md:5:", "unknown column 'opz'")


def test_wrong_number_of_cells(run, write):
    check(
        run("table", str(write(spec_text("| softmax | | 8x8x3 |\n")))),
        "spec.md:7:1",
        "row has 3 cells",
    )


def test_unknown_layer_type(run, write):
    check(
        run("table", str(write(spec_text("| convolutoin | 3x3/1 | 8x8x3 | | | |\n")))),
        "spec.md:7:3",
        "unknown layer type",
    )


def test_malformed_patch_size(run, write):
    check(
        run("table", str(write(spec_text("| convolution | 3x3/ | 8x8x3 | | | |\n")))),
        "spec.md:7:17",
        "malformed patch size",
    )


def test_malformed_output_size(run, write):
    check(
        run("table", str(write(spec_text("| convolution | 3x3/1 | 8x8 | | | |\n")))),
        "spec.md:7:25",
        "malformed size",
    )


@pytest.mark.parametrize("cell", ["0", "-3"])
def test_zero_or_negative_numbers(run, write, cell):
    text = (
        '+++\ninput = "8x8x3"\n+++\n'
        "| type | patch size/stride | output size | #1x1 |\n|---|---|---|---|\n"
        f"| inception | | 8x8x3 | {cell} |\n"
    )
    check(run("table", str(write(text))), "spec.md:6:", "#1x1")


def test_zero_claim(run, write):
    check(
        run("table", str(write(spec_text("| convolution | 3x3/1 | 8x8x3 | | 0K | |\n")))),
        "spec.md:7:",
        "must be positive",
    )


def test_kernel_larger_than_padded_input(run, write):
    rows = "| max pool | 9x9/1 | 1x1x3 | | | |\n"
    check(
        run("table", str(write(spec_text(rows)))),
        "spec.md:7:14",
        "larger than its padded input 8x8",
    )


def test_inconsistent_channel_counts(run, write):
    text = (
        '+++\ninput = "8x8x3"\n+++\n'
        "| type | patch size/stride | output size | #3x3 reduce | #3x3 |\n"
        "|---|---|---|---|---|\n| convolution | 3x3/1 | 8x8x192 | 64 | 128 |\n"
    )
    check(run("table", str(write(text))), "spec.md:6:", "inconsistent channel counts")


def test_bad_toml_front_matter(run, write):
    check(
        run("table", str(write('+++\ninput = "8x8x3\n+++\n' + HEADER))),
        "spec.md:2:",
        "bad TOML front matter",
    )


def test_unclosed_front_matter(run, write):
    check(
        run("table", str(write('+++\ninput = "8x8x3"\n' + HEADER))), "spec.md:1:1", "never closed"
    )


def test_csv_without_input_size(run, write):
    path = write("type,patch size/stride,output size\nsoftmax,,1x1x3\n", "t.csv")
    check(run("table", str(path)), "t.csv:1:1", "gives no input size")


def test_input_naming_no_earlier_row(run, write):
    text = spec_text("| softmax | | 8x8x3 | | | |\n").replace("| ops |", "| input |")
    text = text.replace("| softmax | | 8x8x3 | | | |", "| softmax | | 8x8x3 | | | 4a |")
    check(run("table", str(write(text))), "spec.md:7:", "input '4a' names no earlier row")


def test_unknown_model_name(run):
    result = run("table", "--model", "alexnett")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert (
        result.stderr
        == "inception-cost: error: unknown model 'alexnett' (did you mean 'alexnet'?); expected"
        " one of alexnet, densenet121, densenet169, densenet201, densenet264, googlenet,"
        " googlenet-mnist, lenet5, mobilenetv2, resnet18, resnet34, resnet50, resnet101,"
        " resnet152, resnext50, vgg11,"
        " vgg11-lrn, vgg13, vgg16, vgg16-c, vgg19, zfnet\n"
    )


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["--format", "xml"], "'xml' is not one of"),
        (["--batch", "0"], "must be at least 1, got 0"),
        (["--dtype", "float8"], "'float8' is not one of"),
        (["--input", "12x12"], "malformed size '12x12'"),
        (["--padding", "half"], "padding 'half' is not allowed"),
        (["--variant", "nope"], "unknown variant 'nope'"),
        (["--frobnicate"], "No such option"),
    ],
)
def test_unknown_option_values(run, args, what):
    result = run("table", *args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and what in result.stderr
    assert result.stderr.startswith("inception-cost")


def test_spec_and_model_together(run, write):
    result = run(
        "table", str(write(spec_text("| softmax | | 8x8x3 | | | |\n"))), "--model", "googlenet"
    )
    assert result.exit_code == 2 and "not both" in result.stderr


# ------------------------------------------------------------------ the other networks' cells

RES = (
    '+++\ninput = "8x8x4"\n+++\n'
    "| type | output size | building block | groups |\n|---|---|---|---|\n"
)


def test_malformed_building_block(run, write):
    text = RES + "| residual | 8x8x4 | [3x3 64; 3x3, 64] x 2 | |\n"
    check(run("table", str(write(text))), "spec.md:6:22", "malformed building block")


def test_residual_stride_must_divide(run, write):
    text = RES + "| residual | 3x3x4 | [3x3, 4; 3x3, 4] x 1 | |\n"
    check(run("table", str(write(text))), "spec.md:6:14", "does not divide the input height 8")


def test_residual_without_block(run, write):
    check(
        run("table", str(write(RES + "| residual | 8x8x4 | | |\n"))),
        "spec.md:6:",
        "no building block",
    )


def test_groups_must_divide_channels(run, write):
    text = RES.replace("building block", "patch size/stride") + "| conv | 8x8x6 | 3x3/1 | 4 |\n"
    check(run("table", str(write(text))), "spec.md:6:26", "do not split into 4 groups")


def test_unknown_connection_table(run, write):
    text = (
        '+++\ninput = "8x8x2"\n+++\n| type | patch size/stride | output size | connection table |\n'
        "|---|---|---|---|\n| conv | 3x3/1 | 8x8x2 | Table II |\n"
    )
    check(run("table", str(write(text))), "spec.md:6:26", "connection table 'Table II' is not")


def test_connection_table_of_the_wrong_size(run, write):
    text = (
        '+++\ninput = "8x8x2"\n[connection_tables]\nT = ["XX", "X."]\n+++\n'
        "| type | patch size/stride | output size | connection table |\n"
        "|---|---|---|---|\n| conv | 3x3/1 | 8x8x3 | T |\n"
    )
    check(run("table", str(write(text))), "spec.md:8:26", "connection table 'T' has 2 output maps")


SOFTMAX = "| softmax | | 8x8x2 | | | |\n"


def test_connection_table_with_an_unread_output(run, write):
    front = 'input = "8x8x2"\n[connection_tables]\nT = ["X.", "X."]'
    check(
        run("table", str(write(spec_text(SOFTMAX, front)))),
        "spec.md:3:1",
        "output map 1 reads no",
    )


def test_variant_that_changes_nothing(run, write):
    front = 'input = "8x8x2"\n[[variants]]\nname = "x"'
    check(run("table", str(write(spec_text(SOFTMAX, front)))), "spec.md:3:1", "changes nothing")


def test_bad_convention_value(run, write):
    front = 'input = "8x8x2"\n[conventions]\nshortcut = "identity"'
    check(
        run("table", str(write(spec_text(SOFTMAX, front)))),
        "spec.md:3:1",
        "shortcut = 'identity' is not allowed",
    )


# ------------------------------------------------------------ kinds, columns, cells as printed

FIRE = (
    '+++\ninput = "8x8x8"\n+++\n'
    "| type | output size | s1x1 | e1x1 | e3x3 | #3x3 |\n|---|---|---|---|---|---|\n"
)


def test_unknown_kind_suggests_the_nearest(run, write):
    text = FIRE + "| fier | 8x8x16 | 4 | 8 | 8 | |\n"
    check(run("table", str(write(text))), "spec.md:6:3", "unknown layer type 'fier' (did you mean")


def test_zero_in_a_column_the_kind_requires(run, write):
    text = FIRE + "| fire | 8x8x16 | 0 | 8 | 8 | |\n"
    check(run("table", str(write(text))), "spec.md:6:19", "s1x1 is 0")


def test_a_count_the_kind_needs_is_blank(run, write):
    text = FIRE + "| fire | 8x8x16 | 4 | 8 | | |\n"
    check(run("table", str(write(text))), "spec.md:6:", "has no 'e3x3' count")


def test_a_cell_the_kind_does_not_read(run, write):
    text = FIRE + "| fire | 8x8x16 | 4 | 8 | 8 | 8 |\n"
    check(run("table", str(write(text))), "spec.md:6:31", "a fire row does not read '#3x3'")


def test_a_module_stride_with_no_place(run, write):
    text = (
        '+++\ninput = "8x8x8"\n+++\n| type | patch size/stride | #1x1 |\n|---|---|---|\n'
        "| inception | stride 2 | 4 |\n"
    )
    check(run("table", str(write(text))), "spec.md:6:15", "has no place for stride 2")


def test_a_pool_kind_the_module_has_no_place_for(run, write):
    text = (
        '+++\ninput = "8x8x8"\n+++\n| type | #1x1 | pool proj |\n|---|---|---|\n'
        "| inception | 4 | avg + 4 |\n"
    )
    check(run("table", str(write(text))), "spec.md:6:19", "no pool whose kind")


def test_contradictory_stride_and_patch(run, write):
    text = (
        '+++\ninput = "8x8x8"\n+++\n| type | patch size/stride |\n|---|---|\n'
        "| conv / s2 | 3x3/1 |\n"
    )
    check(run("table", str(write(text))), "spec.md:6:3", "stride 2 and patch 3x3/1 disagree")


def test_multiplier_on_a_plain_convolution(run, write):
    check(
        run("table", str(write(spec_text("| convolution (x5) | 3x3/1 | 8x8x3 | | | |\n")))),
        "spec.md:7:3",
        "takes no multiplier x5",
    )


def test_repeat_over_an_empty_group(run, write):
    check(
        run("table", str(write(spec_text("| 5× [] | | | | | |\n")))),
        "spec.md:7:3",
        "a repeat over an empty group",
    )


def test_repeated_group_never_closed(run, write):
    rows = "| 2× [convolution | 3x3/1 | 8x8x3 | | | |\n| softmax | | 8x8x3 | | | |\n"
    check(run("table", str(write(spec_text(rows)))), "spec.md:7:3", "never closed")


def test_unexplained_footnote(run, write):
    check(
        run("table", str(write(spec_text("| convolution* | 3x3/1 | 8x8x3 | | | |\n")))),
        "spec.md:7:3",
        "footnote '*' is not explained",
    )


def test_filter_shape_reading_other_channels(run, write):
    text = (
        '+++\ninput = "8x8x3"\n+++\n| Type / Stride | Filter Shape |\n|---|---|\n'
        "| Conv / s1 | 3 × 3 × 4 × 32 |\n"
    )
    check(run("table", str(write(text))), "spec.md:6:15", "says 4 input channels")


def test_input_image_row_disagreeing_with_the_front_matter(run, write):
    rows = "| input image | | 9x9x3 | | | |\n| softmax | | 8x8x3 | | | |\n"
    check(run("table", str(write(spec_text(rows)))), "spec.md:7:", "the input image row is 9x9x3")


def test_declared_column_colliding_with_a_built_in(run, write):
    front = 'input = "8x8x3"\n[columns]\n"Depth" = "note"'
    check(
        run("table", str(write(spec_text(SOFTMAX, front)))),
        "spec.md:4:1",
        "column 'Depth' is built in",
    )


def test_declared_column_naming_no_field(run, write):
    front = 'input = "8x8x3"\n[columns]\n"Width" = "widht"'
    check(run("table", str(write(spec_text(SOFTMAX, front)))), "spec.md:4:1", "names no field")


def test_kind_branch_naming_a_missing_column(run, write):
    front = (
        'input = "8x8x3"\n[kinds.mine]\n'
        'branches = [{ layers = [{ op = "conv", name = "a", filters = "nope" }] }]'
    )
    check(
        run("table", str(write(spec_text(SOFTMAX, front)))),
        "spec.md:3:1",
        "kind 'mine' reads column 'nope'",
    )


def test_kind_named_like_a_built_in(run, write):
    front = 'input = "8x8x3"\n[kinds.fire]\nbranches = [{ identity = true }]'
    check(run("table", str(write(spec_text(SOFTMAX, front)))), "spec.md:3:1", "is built in")


def test_kind_with_an_unknown_op(run, write):
    front = 'input = "8x8x3"\n[kinds.mine]\nbranches = [{ layers = [{ op = "lstm" }] }]'
    check(run("table", str(write(spec_text(SOFTMAX, front)))), "spec.md:3:1", "op = 'lstm'")


def test_kind_stride_to_no_layer(run, write):
    front = (
        'input = "8x8x3"\n[kinds.mine]\nstride = ["b"]\n'
        'branches = [{ layers = [{ op = "conv", name = "a", filters = "8" }] }]'
    )
    check(run("table", str(write(spec_text(SOFTMAX, front)))), "spec.md:3:1", "stride goes to 'b'")


def test_kernel_larger_because_of_an_upstream_stride(run, write):
    rows = (
        "| max pool | 2x2/2 | 8x8x3 | | | |\n"  # printed 8x8, comes out 4x4
        "| max pool | 5x5/1 | 4x4x3 | | | |\n"
    )
    check(
        run("table", str(write(spec_text(rows)))),
        "spec.md:8:14",
        "spec.md:7:3 comes out 4x4x3, where the table prints 8x8x3",
    )


# ------------------------------------------------------------------ issue 13: the reader

GOOGLENET = "inception_cost/models/googlenet.md"


def googlenet_text() -> str:
    with open(GOOGLENET, encoding="utf-8") as fh:
        return fh.read()


@pytest.mark.parametrize("value", ["²", "٣", "３", "1²"])
def test_non_ascii_digit_in_an_option(run, value):
    result = run("table", "--padding", value)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "non-ASCII digit" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("option", ["--batch", "--input"])
def test_non_ascii_digit_in_a_number_option(run, option):
    value = "٣" if option == "--batch" else "224x224x٣"
    result = run("table", option, value)
    assert result.exit_code == 2 and "non-ASCII digit '٣'" in result.stderr, result.stderr


def test_non_ascii_digit_in_a_cell(run, write):
    check(
        run("table", str(write(spec_text("| convolution | 3x3/1 | 8x8x1² | | | |\n")))),
        "spec.md:7:25",
        "non-ASCII digit '²'",
    )


def test_integer_of_5000_digits_in_a_cell(run, write):
    rows = f"| convolution | 3x3/1 | 8x8x{'9' * 5000} | | | |\n"
    check(run("table", str(write(spec_text(rows)))), "spec.md:7:25", "5000 digits")


@pytest.mark.parametrize("option", ["--batch", "--input", "--padding", "--seed"])
def test_integer_of_5000_digits_in_an_option(run, option):
    value = "9" * 5000 if option != "--input" else f"{'9' * 5000}x8x3"
    command = "verify" if option == "--seed" else "table"
    result = run(command, option, value)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "at most 18 digits" in result.stderr


def test_csv_field_over_the_csv_module_limit(run, write):
    path = write('type,patch size/stride,output size\n"' + "a" * 140_000 + '",,1x1x3\n', "t.csv")
    check(run("table", str(path), "--input", "8x8x3"), "t.csv:2:1", "140,009 characters")


def test_blank_line_inside_the_table_continues_it(run, write):
    text = googlenet_text().replace("| inception (4a)", "\n| inception (4a)", 1)
    assert text != googlenet_text()
    from inception_cost import spec

    assert len(spec.parse_markdown(text).rows) == 33  # Table 1's 25 rows + 2 LRN + 6 aux
    result = run("table", str(write(text)), "--format", "csv")
    assert result.exit_code == 0 and result.stdout.count("\n") == 1 + 33  # header + every row


def test_row_after_the_table_ended_is_an_error(run, write):
    text = spec_text("| softmax | | 8x8x3 | | | |\n") + "Some prose.\n| softmax | | 8x8x3 | | | |\n"
    check(run("table", str(write(text))), "spec.md:9:1", "after the table ended")


def test_rows_without_outer_pipes_are_read():
    from inception_cost import spec

    text = (
        '+++\ninput = "8x8x3"\n+++\n\ntype | patch size/stride | output size\n--- | --- | ---\n'
        "convolution | 3x3/1 | 8x8x4\n| max pool | 2x2/2 | 4x4x4 |\nsoftmax | | 4x4x4\n"
    )
    rows = spec.parse_markdown(text).rows
    assert [r.type for r in rows] == ["convolution", "max pool", "softmax"]
    assert rows[1].at("patch").col == 14 and rows[2].at("output").col == 13


@pytest.mark.parametrize(("char", "col"), [("\x00", 6), ("\u200b", 6), ("\x0c", 6), ("\x1b", 6)])
def test_invisible_character_in_a_type(run, write, char, col):
    rows = f"| max{char} pool | 2x2/2 | 4x4x3 | | | |\n"
    check(run("table", str(write(spec_text(rows)))), f"spec.md:7:{col}", "invisible character")


def test_spec_over_16_mib(run, write):
    check(run("table", str(write("+" * (16 * 1024 * 1024 + 1)))), "spec.md:1:1", "16 MiB")


def test_fifo_is_refused_not_waited_on(run, tmp_path):
    import os

    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    check(run("table", str(fifo)), "pipe.md:1:1", "not a regular file")


def test_device_is_refused(run):
    check(run("table", "/dev/zero"), "/dev/zero:1:1", "not a regular file")


def test_dash_reads_standard_input():
    from click.testing import CliRunner

    from inception_cost.cli import cli

    text = spec_text("| convolution | 3x3/1 | 8x8x4 | | | |\n")
    result = CliRunner().invoke(cli, ["table", "-", "--format", "csv"], input=text)
    assert result.exit_code == 0, result.stderr
    # 3x3x3 weights + 1 bias per filter, 4 filters: 112 params; 8x8x4 outputs x 27 MACs
    assert ",112," in result.stdout and ",6912," in result.stdout
    csv = "type,patch size/stride,output size\nsoftmax,,8x8x3\n"
    result = CliRunner().invoke(cli, ["table", "-", "--input", "8x8x3"], input=csv)
    assert result.exit_code == 0, result.stderr
    bad = CliRunner().invoke(cli, ["table", "-"], input=spec_text("| convolutoin | | | | | |\n"))
    assert bad.exit_code == 2 and bad.stderr.startswith("<stdin>:7:3: error: unknown layer")


def test_zero_filter_convolution_token(run, write):
    text = '+++\ninput = "8x8x3"\n+++\n| type | output size |\n|---|---|\n| conv3-0 | |\n'
    for command in ("table", "verify"):
        check(run(command, str(write(text))), "spec.md:6:3", "filters must be positive, got 0")


def test_zero_kernel_in_a_building_block(run, write):
    text = RES + "| residual | 8x8x64 | [0x0, 64] x 1 | |\n"
    for command in ("table", "verify"):
        check(run(command, str(write(text))), "spec.md:6:23", "block kernel must be positive")


def test_model_must_be_a_bundled_name(run):
    result = run("table", "--model", "../models/googlenet")
    assert result.exit_code == 2 and "unknown model '../models/googlenet'" in result.stderr


def test_variant_of_a_training_only_row(run, write):
    front = (
        'input = "8x8x3"\n[[variants]]\nrow = "aux"\nname = "wide"\ntype = "conv"\noutput = "8x8x8"'
    )
    text = spec_text(
        "| convolution | 3x3/1 | 8x8x4 | | | |\n| convolution (aux) | 1x1/1 | 8x8x4 | | | |\n",
        front,
    ).replace("| depth | params | ops |", "| depth | params | phase |")
    text = text.replace(
        "| 8x8x4 | | | |\n| convolution (aux) | 1x1/1 | 8x8x4 | | | |",
        "| 8x8x4 | | | |\n| convolution (aux) | 1x1/1 | 8x8x4 | | | train |",
    )
    path = write(text)
    assert run("table", str(path)).exit_code == 0  # the audit reads the variant's row with aux
    for command in ("table", "verify"):
        check(run(command, str(path), "--variant", "wide"), "spec.md:3:1", "training-only row")
    assert run("table", str(path), "--variant", "wide", "--aux").exit_code == 0


def test_every_row_error_in_one_run(run, write):
    rows = (
        "| convolutoin | 3x3/1 | 8x8x3 | | | |\n"
        "| softmax | | 8x8x3 |\n"
        "| max pool | 3x3/ | 8x8x3 | | | |\n"
    )
    result = run("table", str(write(spec_text(rows))))
    assert result.exit_code == 2 and result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert [line.split(": error: ")[0].rsplit("spec.md", 1)[1] for line in lines] == [
        ":7:3",
        ":8:1",
        ":9:14",
    ]
    assert all(LINE.match(line) for line in lines)


def test_past_the_limit_and_n_more(run, write):
    result = run("table", str(write(spec_text("| convolutoin | 3x3/1 | 8x8x3 | | | |\n" * 25))))
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and len(lines) == 21
    assert "error: and 5 more" in lines[-1] and all(LINE.match(line) for line in lines)


def test_a_claim_error_points_at_its_own_claim(run, write):
    front = (
        'input = "8x8x3"\n[[claims]]\nid = "a"\nquantity = "macs"\nvalue = "1K"\n'
        '[[claims]]\nid = "b"\nquantity = "macz"\nvalue = "1K"'
    )
    check(
        run("table", str(write(spec_text(SOFTMAX, front)))),
        "spec.md:7:1",
        "quantity = 'macz' is not allowed (did you mean 'macs'?)",
    )


BROKEN_VARIANT = (
    '+++\ninput = "8x8x3"\n[[variants]]\nname = "tiny"\ntitle = "t"\nsource = "s"\n'
    'input = "2x2x3"\n+++\n| type | patch size/stride | output size |\n|---|---|---|\n'
    "| convolution | 3x3/1 | 8x8x4 |\n| max pool | 5x5/1 | 4x4x4 |\n"
)


def test_a_variant_that_cannot_be_built_is_named_and_the_rest_is_read(run, write):
    path = write(BROKEN_VARIANT)
    result = run("table", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    import json

    (finding,) = json.loads(result.stdout)["audit"]["findings"]
    assert finding["row"] == "variant tiny" and finding["location"].endswith("spec.md:3:1")
    assert finding["points"][0].startswith("cannot be built: 5x5 kernel is larger")
    check(run("table", str(path), "--variant", "tiny"), "spec.md:12:14", "variant 'tiny': 5x5")


# Issue 18: bad input specific to MobileNetV2's, ResNeXt's and DenseNet's kinds.
V2 = (
    '+++\ninput = "8x8x8"\n[conventions]\nbatch_norm = true\n+++\n'
    "| operator | t | c | n | s |\n|---|---|---|---|---|\n"
)


def test_a_repeat_n_of_0(run, write):
    result = run("table", str(write(V2 + "| bottleneck | 6 | 8 | 0 | 1 |\n")))
    check(result, "spec.md:8:24", "repeat must be positive")


def test_an_expansion_below_1(run, write):
    result = run("table", str(write(V2 + "| bottleneck | 0.5 | 8 | 1 | 1 |\n")))
    check(result, "spec.md:8:16", "t '0.5' is not a whole number")
    result = run("table", str(write(V2 + "| bottleneck | 0 | 8 | 1 | 1 |\n")))
    check(result, "spec.md:8:16", "t is 0")


def test_a_cardinality_that_does_not_divide_the_channels(run, write):
    text = (
        '+++\ninput = "8x8x8"\n[conventions]\nbatch_norm = true\n+++\n'
        "| type | output size | building block |\n|---|---|---|\n"
        "| residual | 8x8x16 | [1x1, 8; 3x3, 8, C=3; 1x1, 16] x 1 |\n"
    )
    check(run("table", str(write(text))), "spec.md:8:23", "do not split into 3 groups")


def test_a_growth_rate_with_no_dense_block(run, write):
    text = spec_text("| convolution | 3x3/1 | 8x8x4 | | | |", 'input = "8x8x3"')
    text = text.replace("| ops |\n", "| ops | growth rate |\n").replace("|---|\n", "|---|---|\n", 1)
    text = text.replace("| | | |", "| | | | 32 |")
    check(run("table", str(write(text))), "spec.md:", "does not read 'growth rate'")


def test_rows_and_symbols_name_what_they_change(run, write):
    front = 'input = "8x8x3"\n[rows.conv9]\nsource = "s"\ntype = "linear"'
    check(run("table", str(write(spec_text(SOFTMAX, front)))), "spec.md:3:1", "names no row")
    front = 'input = "8x8x3"\n[symbols]\nk = 0'
    check(run("table", str(write(spec_text(SOFTMAX, front)))), "spec.md:3:1", "[symbols]")
