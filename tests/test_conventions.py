"""The conventions' declarations: read, written back and documented as declared."""

import json
import re
import tomllib
from pathlib import Path

from click.testing import CliRunner

from inception_cost.cells import Patch
from inception_cost.cli import cli
from inception_cost.conventions import CONVENTIONS, DECLARED, Lrn, read, toml_lines
from inception_cost.errors import Location

ROOT = Path(__file__).resolve().parent.parent
HERE = Location("spec.md", 3, 1)


def test_a_reading_is_written_the_way_the_bundled_specs_write_it_and_reads_back():
    table = {
        "pool_rounding": "floor",
        "conv_padding": 2,
        "bias": False,
        "shortcut": "zero-pad",
        "batch_norm": True,
        "bn_eps": 0.001,
        "pool_patch": "2x2/2",
        "lrn": {"size": 3},
    }
    c = read(table, HERE)
    assert (c.pool_patch, c.lrn, c.bn_eps) == (Patch(2, 2, 2), Lrn(size=3), 0.001)
    lines = toml_lines(c, json.dumps)
    # the counting settings always; the network-shaping ones only where changed, in the
    # order of the fields; bn_eps after them, as it matters only under batch_norm
    assert lines == [
        "[conventions]",
        'pool_rounding = "floor"',
        "conv_padding = 2",
        'pool_padding = "valid"',
        "bias = false",
        'conv_activation = "relu"',
        'pool_patch = "2x2/2"',
        "batch_norm = true",
        'shortcut = "zero-pad"',
        "bn_eps = 0.001",
        "",
        "[conventions.lrn]",
        "size = 3",
        "alpha = 0.0001",
        "beta = 0.75",
        "k = 1.0",
    ]
    assert read(tomllib.loads("\n".join(lines))["conventions"], HERE) == c


def test_a_variants_lrn_is_written_in_the_spec_form(tmp_path):
    """A variant that changes the LRN window keeps it in `--format spec` (it was dropped)."""
    path = tmp_path / "spec.md"
    path.write_text(
        '+++\ninput = "8x8x4"\n[[variants]]\nname = "narrow"\n'
        "conventions = { lrn = { size = 3 } }\n+++\n\n"
        "| type | output size |\n|---|---|\n| lrn | 8x8x4 |\n",
        encoding="utf-8",
    )
    written = CliRunner().invoke(cli, ["table", str(path), "--format", "spec"])
    assert written.exit_code == 0, written.output
    line = "conventions = { lrn = { size = 3, alpha = 0.0001, beta = 0.75, k = 1.0 } }"
    assert line in written.output.splitlines()
    again = tmp_path / "again.md"
    again.write_text(written.output, encoding="utf-8")
    header = CliRunner().invoke(
        cli, ["table", str(again), "--variant", "narrow", "--format", "json"]
    )
    assert "LRN across 3 channels" in " ".join(json.loads(header.output)["settings"]["header"])


def test_every_convention_has_words_in_the_header():
    """Shown in the header's counting lines, on its `network:` line where changed, or with
    the setting it matters under."""
    for d in CONVENTIONS:
        shown = (d.shapes or d.header) and d.words
        assert shown or (d.under in DECLARED and DECLARED[d.under].words), d.name


def test_conventions_md_documents_every_convention_with_its_values_and_default():
    text = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        if m := re.match(r"\| `(\w+)[.`]", line):
            rows[m[1]] = [cell.strip() for cell in line.strip("|").split(" | ")]

    def shown(value: object) -> str:
        return f"`{str(value).lower() if isinstance(value, bool) else value}`"

    for d in CONVENTIONS:
        assert d.name in rows, f"docs/conventions.md has no row for {d.name}"
        values, default = rows[d.name][1:3]
        if d.values:
            listed = re.findall(r"`[^`]+`", values.split(" (")[0])
            assert listed == [shown(v) for v in d.values], d.name
        if isinstance(d.default, str | bool):
            assert default == shown(d.default), d.name
