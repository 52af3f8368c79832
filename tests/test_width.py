"""Nothing cut off at any terminal width: whole columns give way, never part of a number,
never a verdict mark but with the claim column that holds it, in one order as the width
shrinks, and the output says what it left out."""

import io
import re

import pytest

WIDTHS = (40, 60, 80, 100, 200)
COMMANDS = (
    ("table", "-m", "googlenet"),
    ("table", "-m", "googlenet", "--expand"),
    ("table", "-m", "resnet50", "--variant", "v1.5"),
    ("table", "-m", "lenet5", "--as", "paper"),
    ("models",),
    ("conventions",),
    ("claims", "-m", "googlenet", "-m", "lenet5"),
    ("compare-bottleneck",),
    ("compare-bottleneck", "-m", "googlenet"),
    ("verify", "-m", "lenet5"),
    ("receptive", "-m", "googlenet"),
    ("receptive", "-m", "googlenet", "--expand"),
    ("receptive", "-m", "resnet50", "--expand"),
    ("sweep", "-m", "googlenet", "--input", "112..672/112"),
    ("sweep", "-m", "alexnet"),
)
MARKS = re.compile("[✓≈✗]")
# issue 16's: the share columns, memory and the profile bars
COMMANDS += (
    ("table", "-m", "googlenet", "--shares"),
    ("table", "-m", "googlenet", "--shares", "--expand"),
    ("table", "-m", "resnet50", "--shares", "--as", "torchinfo"),
    ("memory", "-m", "googlenet"),
    ("memory", "-m", "resnet50", "--aux", "--optimizer", "adam"),
    ("profile", "-m", "googlenet"),
    ("profile", "-m", "resnet152", "--by", "memory"),
)


@pytest.fixture(scope="module")
def outputs():
    from click.testing import CliRunner

    from inception_cost.cli import cli

    def run(args, width):
        env = {"COLUMNS": str(width), "NO_COLOR": "1"}
        result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    return {(args, w): run(args, w) for args in COMMANDS for w in WIDTHS}


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_nothing_cut_off_at_any_width(outputs, args):
    for width in WIDTHS:
        out = outputs[(args, width)]
        lines = out.splitlines()
        assert "…" not in out, (width, [x for x in lines if "…" in x][:3])
        assert max(len(x) for x in lines) <= width, width
        assert not [x for x in lines if x != x.rstrip()], f"trailing spaces at {width}"
        # every verdict mark at 200 columns is still there at this width, unless the claim
        # column holding it gave way, with its value (and the line says so)
        if not any(h.startswith("claim") for h in left_out(out)):
            assert len(MARKS.findall(out)) == len(MARKS.findall(outputs[(args, 200)])), width


def left_out(out: str) -> list[str]:
    """The headers a `left out at N columns: ...` line names (its wrapped lines joined)."""
    text = " ".join(out.split())
    if "left out at " not in text:
        return []
    note = text.split("left out at ", 1)[1].split(" columns: ", 1)[1].split(" (all from", 1)[0]
    return note.split(", ")


def test_profile_bars_take_the_console_width(outputs):
    """The largest row's bar ends at the last column, whatever the width."""
    for args in [a for a in COMMANDS if a[0] == "profile"]:
        for width in WIDTHS:
            lines = outputs[(args, width)].splitlines()
            assert max(len(x) for x in lines if "█" in x) == width, (args, width)


def test_shares_and_memory_say_what_they_left_out(outputs):
    narrow = " ".join(outputs[(("table", "-m", "googlenet", "--shares"), 60)].split())
    assert {"MAC%", "act%"} <= set(left_out(narrow))  # share columns give way before MACs
    assert "COLUMNS=" in narrow
    wide = outputs[(("table", "-m", "googlenet", "--shares"), 200)]
    assert "p%, MAC%, act%: each row's share of the network's params, MACs, activation" in wide
    memory = outputs[(("memory", "-m", "googlenet"), 60)]
    assert "left out at 60 columns: MiB, GB" in memory
    assert "MiB*" in memory and "MiB* = 2^20 bytes, printed as MB" in memory.replace("\n", " ")


def test_what_was_left_out_is_said():
    from click.testing import CliRunner

    from inception_cost.cli import cli

    out = CliRunner().invoke(cli, ["table"], env={"COLUMNS": "80"}).stdout
    note = next(x for x in out.splitlines() if x.startswith("left out at 80 columns"))
    assert "type" in note and "COLUMNS=" in (note + out.split(note, 1)[1][:200])
    assert "d = depth" in out  # the depth column stays at 80 columns, so does its legend
    narrow = CliRunner().invoke(cli, ["table"], env={"COLUMNS": "60"}).stdout
    assert "d = depth" not in narrow  # left out at 60: its legend goes with it


def test_a_legend_goes_with_its_column():
    from click.testing import CliRunner

    from inception_cost.cli import cli

    def out(width, *args):
        return CliRunner().invoke(cli, list(args), env={"COLUMNS": str(width)}).stdout

    wide, narrow = out(100, "receptive"), out(60, "receptive", "--expand")
    assert "paths of 3a, 3b" in wide
    assert "paths of 3a" not in narrow and "paths" in narrow.split("left out at 60 columns")[1]
    wide, narrow = out(100, "sweep"), out(60, "sweep")
    assert "act. MB: elements every op writes" in wide and "floor: floor rounding" in wide
    assert "act. MB:" not in narrow and "floor: floor" not in narrow
    assert left_out(narrow)[:3] == ["floor", "act. MB", "area x"]


# issue 27 (5): the order docs/cli.md gives for `table`, the first to give way first; a
# claim column goes with the value it judges
TABLE_ORDER = ["other", "type", "act.", "d", "output", "MACs", "params"]
PAIRS = {"claim w,Ki": "params", "claim K": "MACs"}


@pytest.fixture(scope="module")
def googlenet_headers():
    """The table's column headers at every width from 40 to 200, drawn as a terminal."""
    from rich.console import Console

    from inception_cost.render.terminal.table import draw
    from inception_cost.report import make_report
    from inception_cost.spec.read import load_model

    report = make_report(load_model("googlenet"))
    out = {}
    for width in range(40, 201):
        console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
        draw(report, console)
        line = next(x for x in console.file.getvalue().splitlines() if x.startswith("layer "))
        out[width] = re.split(r"\s{2,}", line.strip())
    return out


def test_columns_give_way_in_one_order_monotonic_in_the_width(googlenet_headers):
    first_shown = {}
    for width in range(40, 200):
        narrow, wide = set(googlenet_headers[width]), set(googlenet_headers[width + 1])
        assert narrow <= wide, (width, narrow - wide)  # nothing comes back as width shrinks
        for header in wide - narrow:
            first_shown[header] = width + 1
    assert set(googlenet_headers[40]) == {"layer", "params", "claim w,Ki"}
    assert set(googlenet_headers[200]) >= {*TABLE_ORDER, *PAIRS}
    # the documented order: what gives way first appears last as the width grows
    appear = [first_shown[h] for h in reversed(TABLE_ORDER) if h in first_shown]
    assert appear == sorted(appear)
    assert [h for h in TABLE_ORDER if h in first_shown] == TABLE_ORDER[:-1]  # params: at 40


def test_a_claim_column_never_shows_without_its_value(googlenet_headers):
    for width, headers in googlenet_headers.items():
        for claim, value in PAIRS.items():
            assert claim not in headers or value in headers, width
            if claim in headers:  # right after its value
                assert headers.index(claim) == headers.index(value) + 1, width


def test_fit_keeps_a_claim_with_its_value():
    """Hand-sized columns: `c` judges `v` (priority 0, always shown), `d` judges `w`."""
    from inception_cost.render.terminal.fit import Col, cells, fit

    cols = [Col("name"), Col("v", "right"), Col("c", "right", paired=True)]
    cols += [Col("w", "right", 1), Col("d", "right", paired=True)]
    rows = [cells("aaaa", "1", "2", "333", "444")]
    # name 4 + v 1 + c 1 and two gaps of 3: 12; w 3 and d 3 with their gaps: 24
    assert [fit(cols, rows, width)[1] for width in (11, 12, 23, 24)] == [
        ["w", "d"],
        ["w", "d"],
        ["w", "d"],
        [],
    ]
    assert fit(cols, rows, 11)[2] == 24
