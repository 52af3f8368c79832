"""Every command output shown in README.md and docs/ is what the tool prints today."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("regen", ROOT / "docs" / "regen.py")
regen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen)

CASES = [
    (p, kind, cmd, body)
    for p in regen.FILES
    for kind, cmd, body in regen.blocks(p.read_text(encoding="utf-8"))
]


def test_docs_show_outputs():
    assert len(CASES) >= 5
    assert {p.name for p, *_ in CASES} >= {"README.md", "cli.md", "googlenet-audit.md"}


@pytest.mark.parametrize(
    ("path", "kind", "cmd", "body"), CASES, ids=[f"{p.name}: {c}" for p, _, c, _ in CASES]
)
def test_shown_output_is_current(path, kind, cmd, body):
    got = regen.run(cmd, kind)
    if cmd.split()[1] == "verify":  # times, rates and resident memory differ from run to run
        got, body = _timeless(got), _timeless(body)
    assert got == body, f"{path.name} is stale: run `python docs/regen.py`"


def _timeless(text: str) -> str:
    """Mask numbers with a decimal point (ms, GFLOP/s, MB, 1e-9 style): exact counts stay."""
    import re

    return re.sub(r"\d[\d,]*\.\d+(?:e[+-]\d+)?", "#", text)


def test_readme_first_screen_has_the_quick_start_and_set_up_the_two_commands():
    text = (ROOT / "README.md").read_text()
    first = "\n".join(text.splitlines()[:40])
    assert "## Quick start: your own table" in first and "(#set-up-and-tests)" in first
    set_up = text.split("\n## Set up and tests\n", 1)[1].split("\n## ", 1)[0]
    assert "<!-- ci:main -->" in set_up and "<!-- ci:test -->" in set_up
    assert "inception-cost table --model googlenet" in set_up
    assert "pytest" in set_up


def test_spec_format_example_is_a_valid_spec():
    from inception_cost import cost
    from inception_cost.builder import build
    from inception_cost.spec.read import parse_markdown

    text = (ROOT / "docs" / "spec-format.md").read_text()
    example = text.split("```markdown\n", 1)[1].split("```\n", 1)[0]
    s = parse_markdown(example, "example.md")
    a = cost.analyse(build(s))
    assert [b.block.out_shape for b in a.blocks] == [(32, 32, 16), (16, 16, 16), (1, 1, 10)]
    assert a.blocks[2].weights == 16 * 16 * 16 * 10


def test_every_text_block_in_the_docs_is_generated():
    """A fenced `text` block shows what the tool prints, so it is generated or absent."""
    import re

    for path in regen.FILES:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"^```text\n", text, re.M):
            before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
            assert re.fullmatch(r"<!-- (output|stderr): .+ -->", before), (
                f"{path.name}: a ```text block after {before!r} is not generated"
            )


def test_architecture_lists_every_op_kind():
    """The op table has a row for each op kind of `ops.KINDS`, and no other."""
    import re

    from inception_cost.ops import KINDS

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \|", text, re.M)
    assert sorted(rows) == sorted((cls.__name__, kind) for kind, cls in KINDS.items())
    assert "DESIGN.md" not in text  # the design notes live outside the repository


def test_every_spec_example_in_spec_format_works_as_given():
    """Each ```markdown example with front matter is a whole spec: it builds, and every
    output size and claim it states holds (the LeNet-5 figures are the paper's)."""
    import re

    from inception_cost import cost
    from inception_cost.audit import audit
    from inception_cost.builder import build
    from inception_cost.spec.read import parse_markdown

    text = (ROOT / "docs" / "spec-format.md").read_text(encoding="utf-8")
    examples = re.findall(r"```markdown\n(\+\+\+\n.*?)```\n", text, re.S)
    assert len(examples) >= 6
    names = []
    for example in examples:
        s = parse_markdown(example, "example.md")
        a = cost.analyse(build(s))
        statuses = {v.status for r in audit(s, a).rows for v in r.verdicts}
        assert statuses <= {"match"}, (s.name, statuses)
        names.append(s.name)
    assert "vgg-a-start" in names


def test_tests_cite_only_files_in_the_repository():
    """A clone is self-contained: the published figures the tests use live in docs/."""
    assert (ROOT / "docs" / "published-numbers.md").exists()
    for path in (ROOT / "tests").glob("*.py"):
        assert "shared/" + "reference" not in path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("name", sorted(regen.PICTURES))
def test_docs_terminal_pictures_are_current(name):
    """docs/img/table.svg and profile.svg are what `-o FILE.svg` writes today."""
    path = ROOT / "docs" / "img" / f"{name}.svg"
    assert path.read_text(encoding="utf-8") == regen.picture(regen.PICTURES[name]), (
        "run `python docs/regen.py`"
    )
