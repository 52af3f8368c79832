"""Every kind of bad input: one line `FILE:LINE:COL: error: ...; expected ...`, exit 2."""

import re

import pytest
from tiny_spec import HEADER, spec_text

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
        run("table", str(write(spec_text("| convolution | 3x3/1 | 8x8x | | | |\n")))),
        "spec.md:7:25",
        "malformed size",
    )


def test_output_size_without_channels_where_none_are_given(run, write):
    # 8x8 is a size whose channels a table prints elsewhere (ShuffleNet V2); here there are none
    check(
        run("table", str(write(spec_text("| convolution | 3x3/1 | 8x8 | | | |\n")))),
        "spec.md:7:25",
        "gives no output channels (its output size 8x8 prints none)",
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
        " one of alexnet, densenet121, densenet169, densenet201, densenet264, efficientnet-b0,"
        " googlenet, googlenet-mnist, lenet5, mobilenetv2, resnet18, resnet34, resnet50, resnet101,"
        " resnet152, resnext50, shufflenetv2, vgg11,"
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
    from inception_cost.spec.read import parse_markdown

    assert len(parse_markdown(text).rows) == 33  # Table 1's 25 rows + 2 LRN + 6 aux
    result = run("table", str(write(text)), "--format", "csv")
    table = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert result.exit_code == 0 and len(table) == 1 + 33  # header + every row


def test_row_after_the_table_ended_is_an_error(run, write):
    text = spec_text("| softmax | | 8x8x3 | | | |\n") + "Some prose.\n| softmax | | 8x8x3 | | | |\n"
    check(run("table", str(write(text))), "spec.md:9:1", "after the table ended")


def test_rows_without_outer_pipes_are_read():
    from inception_cost.spec.read import parse_markdown

    text = (
        '+++\ninput = "8x8x3"\n+++\n\ntype | patch size/stride | output size\n--- | --- | ---\n'
        "convolution | 3x3/1 | 8x8x4\n| max pool | 2x2/2 | 4x4x4 |\nsoftmax | | 4x4x4\n"
    )
    rows = parse_markdown(text).rows
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


# ------------------------------------------------------------ issue 13: networks that cannot exist

NET = (
    '+++\ninput = "8x8x4"\n{front}\n+++\n'
    "| type | patch size/stride | output size | building block | connection table | groups"
    " | padding |\n|---|---|---|---|---|---|---|\n"
)


def net(rows: str, front: str = "") -> str:
    return NET.format(front=front) + rows


@pytest.mark.parametrize("command", ["table", "verify"])
def test_residual_block_that_shrinks_its_map(run, write, command):
    text = net("| residual | | 8x8x64 | [2x2, 64] x 1 | | | |\n")
    check(run(command, str(write(text))), "spec.md:7:25", "a residual add of 7x7x64 and 8x8x64")


@pytest.mark.parametrize("command", ["table", "verify"])
def test_zero_pad_shortcut_that_narrows(run, write, command):
    text = net("| residual | | 8x8x2 | [3x3, 2; 3x3, 2] x 1 | | | |\n", 'shortcut = "zero-pad"')
    text = text.replace('shortcut = "zero-pad"', '[conventions]\nshortcut = "zero-pad"')
    check(run(command, str(write(text))), "spec.md:8:24", "cannot narrow 4 channels to 2")


@pytest.mark.parametrize("command", ["table", "verify"])
def test_connection_table_with_groups(run, write, command):
    front = '[connection_tables]\nT = ["X...", ".X..", "..X.", "...X"]'
    text = net("| conv | 3x3/1 | 8x8x4 | | T | 2 | |\n", front)
    check(run(command, str(write(text))), "spec.md:8:32", "a connection table and 2 groups")


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool_padding_not_smaller_than_the_window(run, write, mode):
    text = net(f"| {mode} pool | 2x2/1 | 8x8x4 | | | | 2 |\n")
    for command in ("table", "verify"):
        check(run(command, str(write(text))), "spec.md:7:", "padding 2 is not smaller than the 2x2")


@pytest.mark.parametrize("inception", ["reduced", "naive"])
def test_inception_modules_pad_same_under_an_integer_conv_padding(run, write, inception):
    # issue 12's kinds declare the module's padding: 1x1 unpadded, 3x3 by 1, 5x5 by 2, so
    # the branches concatenate at 8x8 (4 + 4 + 4 + 4 channels) whatever conv_padding says
    text = (
        f'+++\ninput = "8x8x4"\n[conventions]\nconv_padding = 2\ninception = "{inception}"\n'
        "+++\n| type | output size | #1x1 | #3x3 reduce | #3x3 | #5x5 reduce | #5x5 | pool proj |\n"
        "|---|---|---|---|---|---|---|---|\n| inception | 8x8x16 | 4 | 2 | 4 | 2 | 4 | 4 |\n"
    )
    if inception == "naive":  # no reductions, and the pool passes its 4 maps through
        text = text.replace(" 2 | 4 | 2 | 4 | 4 |", " | 4 | | 4 | |")
    result = run("verify", str(write(text)), "--format", "csv")
    assert result.exit_code == 0, result.stderr


def test_googlenet_with_padding_1_changes_only_its_stem(run):
    result = run("table", "--model", "googlenet", "--padding", "1", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    import csv

    rows = csv.DictReader(result.stdout.splitlines()[1:])
    out = {row["name"]: row["computed output size"] for row in rows}
    assert out["conv1"] == "110x110x64"  # (224 + 2 - 7) // 2 + 1
    assert out["3a"] == "28x28x256"  # 64 + 128 + 32 + 32


def test_lrn_wider_than_the_channels_runs(run, write):
    text = net("| lrn | | 8x8x4 | | | | |\n", "[conventions.lrn]\nsize = 21")
    result = run("verify", str(write(text)), "--format", "csv")
    assert result.exit_code == 0, result.stderr


def test_building_block_repeated_10_to_the_30(run, write):
    text = net("| residual | | 8x8x4 | [3x3, 4; 3x3, 4] x 1" + "0" * 30 + " | | | |\n")
    check(run("table", str(write(text))), "spec.md:7:24", "31 digits")
    text = net("| residual | | 8x8x4 | [3x3, 4; 3x3, 4] x 1001 | | | |\n")
    check(run("table", str(write(text))), "spec.md:7:24", "repeated 1,001 times")


def test_table_unrolling_past_the_layer_limit(run, write):
    rows = "| residual | | 8x8x4 | [3x3, 4; 3x3, 4] x 1000 | | | |\n" * 6
    check(run("table", str(write(net(rows)))), "spec.md:12:3", "more than 10,000 layers")


def test_row_repeat_past_the_bound(run, write):
    rows = "| 1001× convolution | 3x3/1 | 8x8x3 | | | |\n"
    check(run("table", str(write(spec_text(rows)))), "spec.md:7:3", "a row repeated 1,001 times")


def test_repeated_groups_unrolling_past_the_layer_limit(run, write):
    group = "| 1000× [convolution | 3x3/1 | 8x8x3 | | | |\n| convolution] | 3x3/1 | 8x8x3 | | | |\n"
    rows = (
        group * 5
        + "| 1000× [max pool | 3x3/1 | 8x8x3 | | | |\n| max pool] | 3x3/1 | 8x8x3 | | | |\n"
    )
    check(run("table", str(write(spec_text(rows)))), "spec.md:17:3", "more than 10,000 layers")


def test_module_n_past_the_bound(run, write):
    text = (
        '+++\ninput = "8x8x8"\n+++\n| operator | t | c | n | s | output size |\n'
        "|---|---|---|---|---|---|\n| bottleneck | 1 | 8 | 1001 | 1 | 8x8x8 |\n"
    )
    check(run("table", str(write(text))), "spec.md:6:", "a module repeated 1,001 times")


def test_bound_errors_come_with_the_others_in_one_run(run, write):
    rows = "| 1001× convolution | 3x3/1 | 8x8x3 | | | |\n| convolutoin | 3x3/1 | 8x8x3 | | | |\n"
    result = run("table", str(write(spec_text(rows))))
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and len(lines) == 2 and all(LINE.match(x) for x in lines)
    assert "spec.md:7:3: error: a row repeated" in lines[0] and "spec.md:8:3:" in lines[1]


@pytest.mark.parametrize(
    ("lrn", "what"),
    [
        ("alpha = nan", "lrn alpha = nan"),
        ("beta = inf", "lrn beta = inf"),
        ("k = 0", "lrn k = 0"),
        ("size = 10001", "lrn size 10001 is too wide"),
        ("size = true", "lrn size must be a positive integer"),
    ],
)
def test_lrn_settings_that_are_not_numbers(run, write, lrn, what):
    check(
        run("table", str(write(spec_text(SOFTMAX, f"[conventions.lrn]\n{lrn}")))), "spec.md:", what
    )


def test_bn_eps_nan_is_refused(run, write):
    text = spec_text(SOFTMAX, "[conventions]\nbn_eps = nan")
    check(run("table", str(write(text))), "spec.md:", "bn_eps must be a positive number")


def test_params_ratio_claim_on_a_network_without_params(run, write):
    front = '[[claims]]\nid = "r"\nquantity = "params_ratio"\nagainst = "alexnet"\nvalue = 12'
    result = run("table", str(write(net("| max pool | 2x2/2 | 4x4x4 | | | | |\n", front))))
    assert result.exit_code == 0, result.stderr
    assert "has no parameters: no ratio to check" in result.stdout


def test_huge_input_answers_at_once(run):
    import time

    start = time.process_time()
    result = run("table", "--input", "10000000x10000000x3", "--format", "csv")
    assert result.exit_code == 0 and time.process_time() - start < 2


def test_huge_batch_is_refused_in_one_line(run):
    result = run("table", "--batch", "1" + "0" * 305)
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    assert "306 digits" in result.stderr


def test_csv_spec_verifies_with_input(run, write):
    path = write("type,patch size/stride,output size\nconvolution,3x3/1,8x8x4\n", "t.csv")
    for command in ("verify", "conventions"):
        assert run(command, str(path), "--input", "8x8x3").exit_code == 0


# ------------------------------------------------------------------ issue 13: --output


def test_output_empty_path_is_refused(run):
    result = run("table", "--output", "")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "inception-cost: error: --output is empty; expected a file path\n"


def test_output_onto_proc(run):
    check(run("table", "--format", "csv", "-o", "/proc/x.csv"), "/proc/x.csv:1:1", "cannot write")


@pytest.mark.parametrize("path", ["/dev/null", "fifo"])
def test_output_onto_a_fifo_or_device(run, tmp_path, path):
    import os

    if path == "fifo":
        path = str(tmp_path / "fifo")
        os.mkfifo(path)
    check(run("table", "-o", path, "--force"), f"{path}:1:1", "not a regular file")


def test_output_failing_midway_keeps_the_old_file(run, tmp_path, monkeypatch):
    import errno
    import os

    out = tmp_path / "t.csv"
    out.write_text("precious")

    def full(_fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    check(run("table", "-o", str(out), "--force"), "t.csv:1:1", "No space left on device")
    assert out.read_text() == "precious" and [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_output_into_a_folder_that_cannot_be_written(run, tmp_path, monkeypatch):
    import tempfile

    def denied(**_kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    check(run("table", "-o", str(tmp_path / "x.csv")), "x.csv:1:1", "Permission denied")


def test_output_modes_follow_umask_and_the_replaced_file(run, tmp_path):
    import os
    import stat

    old = os.umask(0o027)
    try:
        new = tmp_path / "new.csv"
        assert run("table", "--format", "csv", "-o", str(new)).exit_code == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o640  # 0o666 under umask 027
        new.chmod(0o604)
        assert run("table", "--format", "csv", "-o", str(new), "--force").exit_code == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o604
    finally:
        os.umask(old)


def test_output_through_a_symlink_writes_its_target(run, tmp_path):
    target, link = tmp_path / "real.csv", tmp_path / "link.csv"
    target.write_text("old")
    link.symlink_to(target)
    assert run("table", "--format", "csv", "-o", str(link)).exit_code == 2  # exists: --force
    assert run("table", "--format", "csv", "-o", str(link), "--force").exit_code == 0
    assert link.is_symlink() and target.read_text().startswith("# spec: ")


def test_verify_input_of_10_to_the_110_cubed(run):
    side = "1" + "0" * 110
    result = run("verify", "--input", f"{side}x{side}x{side}")
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    assert "111 digits" in result.stderr


def test_huge_padding_answers_at_once(run):
    import time

    start = time.process_time()
    result = run("table", "--model", "vgg13", "--padding", "10000000", "--format", "json")
    assert result.exit_code == 0 and time.process_time() - start < 2


def test_endless_standard_input_is_capped():
    from click.testing import CliRunner

    from inception_cost.cli import cli

    result = CliRunner().invoke(cli, ["table", "-"], input="\0" * (16 * 1024 * 1024 + 1))
    assert result.exit_code == 2
    assert result.stderr.startswith("<stdin>:1:1: error: <stdin> is larger than 16 MiB")


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("spec.md", "+++\na = " + "[" * 100_000 + "\n+++\n" + HEADER, "spec.md:2:1"),
        ("t.csv", "# spec: " + "[" * 100_000 + "\ntype\nsoftmax\n", "t.csv:1:9"),
    ],
)
def test_front_matter_nested_too_deeply(run, write, name, text, where):
    check(run("table", str(write(text, name)), "--input", "8x8x3"), where, "nests too deeply")


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
    check(run("table", str(write(text))), "spec.md:7:39", "does not read 'growth rate'")


def test_rows_and_symbols_name_what_they_change(run, write):
    front = 'input = "8x8x3"\n[rows.conv9]\nsource = "s"\ntype = "linear"'
    check(run("table", str(write(spec_text(SOFTMAX, front)))), "spec.md:3:1", "names no row")
    front = 'input = "8x8x3"\n[symbols]\nk = 0'
    check(run("table", str(write(spec_text(SOFTMAX, front)))), "spec.md:3:1", "[symbols]")


# ShuffleNet V2's Table 5: width columns read by variants, claim rows, the unit's channels.
SHUFFLE = (
    '+++\ninput = "8x8x8"\n[conventions]\nbatch_norm = true\n'
    '[columns]\n"1×" = "filters"\n"2×" = "note"\n'
    '# [claim_rows."# of weights"]\n# quantity = "params"\n'
    '[[variants]]\nname = "2x"\ntitle = "t"\nsource = "s"\ncolumns = { filters = "2×" }\n+++\n'
    "| Layer | Output size | Stride | Repeat | 1× | 2× |\n|---|---|---|---|---|---|\n"
)
CLAIMED = SHUFFLE.replace("# [claim_rows", "[claim_rows").replace("# quantity", "quantity")


def test_a_shuffle_unit_whose_channels_do_not_halve(run, write):
    # the strided unit's right branch takes output / 2: 15 does not halve (the 2× column)
    text = SHUFFLE + "| Stage2 | 4×4 | 2 | 1 | 16 | 15 |\n"
    check(run("table", str(write(text)), "--variant", "2x"), "spec.md:18:31", "1/2 of 15")


def test_a_claim_row_cell_no_reading_reads(run, write):
    text = CLAIMED + "| Stage2 | 4×4 | 2 | 1 | 16 | 32 |\n| # of weights | 1K | | | 2K | |\n"
    check(run("table", str(write(text))), "spec.md:19:18", "under 'Output size'")


def test_a_variant_reading_no_note_column(run, write):
    text = (
        SHUFFLE.replace('filters = "2×"', 'filters = "3×"') + "| Stage2 | 4×4 | 2 | 1 | 16 | 32 |\n"
    )
    check(run("table", str(write(text))), "spec.md:10:1", "no note column of the table")


def test_a_blank_type_under_a_layer_row(run, write):
    text = SHUFFLE + "| FC | | | 1 | 16 | 32 |\n| | | | 1 | | |\n"
    check(run("table", str(write(text))), "spec.md:19:3", "row has no type")


def test_a_shuffle_unit_split_of_odd_channels(run, write):
    # the basic unit splits its input in halves: 5 channels do not halve
    text = SHUFFLE.replace('"8x8x8"', '"8x8x5"') + "| Stage2 | 8×8 | 1 | 1 | | |\n"
    check(run("table", str(write(text))), "spec.md:18:3", "5 channels do not split into 2")


def test_a_strided_unit_with_no_channels_left_for_its_right_branch(run, write):
    # the left branch keeps the input's 8 channels, which leaves none of 8 for the right
    text = SHUFFLE + "| Stage2 | 4×4 | 2 | 1 | 8 | 16 |\n"
    check(run("table", str(write(text))), "spec.md:18:26", "leaves none of 8")


def test_a_claim_row_declared_for_no_row(run, write):
    text = CLAIMED + "| Stage2 | 4×4 | 2 | 1 | 16 | 32 |\n"
    check(run("table", str(write(text))), "spec.md:8:1", "names no row of the table")


# Issue 18: EfficientNet-B0's squeeze-and-excitation, spellings and resolutions.
SE_KIND = (
    '+++\ninput = "8x8x16"\n[kinds."se block"]\nspellings = ["se block"]\n'
    'branches = [{ layers = [{ op = "se", name = "se", ratio = RATIO }] }]\n+++\n'
    "| type | output size |\n|---|---|\n| se block | 8x8x16 |\n"
)


def test_an_se_ratio_that_leaves_no_channel(run, write):
    result = run("table", str(write(SE_KIND.replace("RATIO", "0.01"))))
    check(result, "spec.md:9:3", "ratio 0.01 of 16 channels leaves no channel")


def test_an_se_ratio_out_of_range_or_on_another_layer(run, write):
    check(run("table", str(write(SE_KIND.replace("RATIO", "1.5")))), "spec.md:3:1", "ratio 1.5")
    text = SE_KIND.replace('op = "se", name = "se", ratio = RATIO', 'op = "relu", ratio = 0.5')
    check(run("table", str(write(text))), "spec.md:3:1", "ratio 0.5 is not allowed")


MB = (
    '+++\ninput = "8x8x8"\n[kinds.mb]\nspellings = ["MB{expansion}, k{patch}"]\n'
    'stride = ["dw"]\nstride_from_sizes = true\nbranches = [{ layers = [\n'
    '  { op = "conv", name = "expand", kernel = 1, filters = "input * expansion" },\n'
    '  { op = "dwconv", name = "dw", kernel = "patch", filters = "input", padding = "same" },\n'
    "] }]\n+++\n| operator | resolution | c |\n|---|---|---|\n"
)


def test_a_placeholder_no_layer_reads(run, write):
    text = MB.replace("k{patch}", "k{patch} g{groups}") + "| MB6, k3x3 g2 | 8 × 8 | |\n"
    check(run("table", str(write(text))), "spec.md:3:1", "fills {groups}, which no layer")


def test_a_cell_given_in_the_type_and_its_column(run, write):
    text = (
        MB.replace("| c |\n|---|---|---|", "| t |\n|---|---|---|") + "| MB6, k3x3 | 8 × 8 | 6 |\n"
    )
    check(run("table", str(write(text))), "spec.md:14:23", "'t' is given twice")
    text = MB + "| MB6, k3 | 8 × 8 | |\n"  # the placeholder's text read as a patch cell
    check(run("table", str(write(text))), "spec.md:14:3", "malformed patch size '3'")


def test_a_resolution_the_stage_cannot_stride_to(run, write):
    rows = "| MB6, k3x3 | 8 × 8 | |\n| MB6, k3x3 | 3 × 3 | |\n"
    check(run("table", str(write(MB + rows))), "spec.md:15:15", "3 does not divide")


def test_a_shuffle_unit_whose_halves_do_not_add_up_to_its_width(run, write):
    # a basic unit passes half its input (16 of 32) and makes the other half anew: it
    # keeps its input's 32 channels, not the 24 its cell prints
    text = SHUFFLE + "| Stage2 | 4×4 | 2 | 1 | 32 | 64 |\n| | 4×4 | 1 | 1 | 24 | 64 |\n"
    check(
        run("table", str(write(text))),
        "spec.md:19:",
        "comes out with 32 channels, where it gives 24",
    )


def test_every_unknown_header_in_one_run(run, write):
    # MobileNetV3's Table 2 as printed: four headers the vocabulary lacks, each refused at
    # its own column in the same run (not one per try)
    text = (
        "| Input | Operator | exp size | #out | SE | NL | s |\n|---|---|---|---|---|---|---|\n"
        "| 224² × 3 | conv2d, 3x3 | - | 16 | - | HS | 2 |\n"
    )
    result = run("table", str(write(text)))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert [line.split(": error: ")[1].split(" (")[0] for line in lines] == [
        "unknown column 'exp size'",
        "unknown column '#out'",
        "unknown column 'SE'",
        "unknown column 'NL'",
    ]
    assert [line.split(": error:")[0].rsplit(":", 2)[1:] for line in lines] == [
        ["1", "22"],
        ["1", "33"],
        ["1", "40"],
        ["1", "45"],
    ]


def test_variant_names_and_claim_ids_are_each_unique(run, write):
    twice = SHUFFLE.replace(
        "[[variants]]",
        '[[variants]]\nname = "2x"\ntitle = "t"\nsource = "s"\ninput = "4x4x8"\n[[variants]]',
    )
    text = twice + "| Stage2 | 4×4 | 2 | 1 | 16 | 32 |\n"
    check(run("table", str(write(text))), "spec.md:16:1", "variant name '2x' is taken")
    tabled = SHUFFLE.replace('name = "2x"', 'name = "as tabled"')
    text = tabled + "| Stage2 | 4×4 | 2 | 1 | 16 | 32 |\n"
    check(run("table", str(write(text))), "spec.md:11:1", "the table's own reading")
    claims = '[[claims]]\nid = "p"\nquantity = "params"\nvalue = "1K"\n'
    text = SHUFFLE.replace("[[variants]]", claims + claims + "[[variants]]")
    text += "| Stage2 | 4×4 | 2 | 1 | 16 | 32 |\n"
    check(run("table", str(write(text))), "spec.md:15:1", "claim id 'p' is taken")


def test_a_claim_row_printed_twice(run, write):
    row = "| # of weights | | | | 2K | 3K |\n"
    text = CLAIMED + "| Stage2 | 4×4 | 2 | 1 | 16 | 32 |\n" + row + row
    check(run("table", str(write(text))), "spec.md:20:", "gives claim 'of-weights' twice")


def test_a_claim_row_cell_keeps_its_footnote_mark(run, write):
    marked = CLAIMED.replace("[[variants]]", '[footnotes]\n"‡" = "x"\n[[variants]]')
    text = marked + "| Stage2 | 4×4 | 2 | 1 | 16 | 32 |\n| # of weights | | | | 2K‡ | 3K |\n"
    assert run("table", str(write(text))).exit_code == 0
    unexplained = (
        CLAIMED + "| Stage2 | 4×4 | 2 | 1 | 16 | 32 |\n| # of weights | | | | 2K† | 3K |\n"
    )
    check(run("table", str(write(unexplained))), "spec.md:19:", "footnote mark '†'")


def test_a_stride_written_in_a_spelled_patch_is_used(run, write):
    # `MB6, k3x3/1` writes stride 1 where the printed sizes (8 then 4) imply 2: the written
    # stride is built (it was dropped for the sizes'), so the next row's size disagrees
    rows = "| MB6, k3x3/1 | 8 × 8 | |\n| MB6, k3x3 | 4 × 4 | |\n"
    result = run("table", str(write(MB + rows)))
    assert result.exit_code == 0, result.stderr
    assert "input size: computed 8x8, claimed 4x4" in result.stdout
    text = (
        MB.replace("| c |\n|---|---|---|", "| s |\n|---|---|---|") + "| MB6, k3x3/1 | 8 × 8 | 2 |\n"
    )
    check(run("table", str(write(text))), "spec.md:14:3", "stride 2 and patch 3x3/1 disagree")


def test_a_module_row_takes_no_layer_parenthesis(run, write):
    # (x48) and (40%) belong to layers; a module row refuses them instead of dropping them
    check(run("table", str(write(MB + "| MB6, k3x3 (x48) | 8 × 8 | |\n"))), "spec.md:14:3", "x48")
    check(run("table", str(write(MB + "| MB6, k3x3 (40%) | 8 × 8 | |\n"))), "spec.md:14:3", "40%")
    # (stride 1) is the row's stride, not its name: the next row's size then disagrees
    rows = "| MB6, k3x3 (stride 1) | 8 × 8 | |\n| MB6, k3x3 | 4 × 4 | |\n"
    result = run("table", str(write(MB + rows)))
    assert result.exit_code == 0 and "input size: computed 8x8, claimed 4x4" in result.stdout


def test_a_broken_variant_is_still_a_reading_its_claims_may_name(run, write):
    # the variant's own error, once: not also "claim 'p' is about reading '2x', which the
    # spec does not have" (it has it; it is broken)
    claim = '[[claims]]\nid = "p"\nquantity = "params"\nvalue = "1K"\nreading = "2x"\n'
    text = SHUFFLE.replace("[[variants]]", claim + "[[variants]]").replace(
        'columns = { filters = "2×" }', 'columns = { filters = "2×" }\nbogus = 1'
    )
    check(
        run("table", str(write(text + "| Stage2 | 4×4 | 2 | 1 | 16 | 32 |\n"))), "spec.md:", "bogus"
    )


@pytest.mark.parametrize("command", ["memory", "profile", "plot"])
def test_every_batch_option_reads_numbers_by_one_rule(run, command, tmp_path):
    # memory, profile and plot read --batch with click's IntRange: 301 digits gave a
    # traceback (profile) or a 300-digit figure (memory), and a fullwidth 1 was taken
    extra = ["-o", str(tmp_path / "chart.svg")] if command == "plot" else []
    result = run(command, "--batch", "1" + "0" * 300, *extra)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "at most 18 digits" in result.stderr
    result = run(command, "--batch", "１", *extra)
    assert result.exit_code == 2 and "non-ASCII digit" in result.stderr, result.stderr
