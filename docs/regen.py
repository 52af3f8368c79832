"""Keep every command output shown in README.md and docs/ equal to what the tool prints.

A block in a Markdown file written as

    <!-- output: inception-cost table --format csv -->
    ```text
    ...
    ```

holds the stdout of that command (run in-process, 100 columns, no colour); a block
opened with `<!-- stderr: inception-cost ... -->` holds what the command writes to
stderr (an error line) instead. `python docs/regen.py` rewrites the blocks;
tests/test_docs.py fails when one is stale, and every fenced `text` block in docs/ is
one of these (or it is not an output).

It also draws the charts in docs/img/ (GoogLeNet's per-row cost, the networks compared)
with a JSON sidecar of the values each one plots, read back from the figure; the tests
hold the sidecars to the analysis, so a stale chart is found by its data, not its bytes.
And it writes the terminal pictures there (`table` and `profile` as `-o FILE.svg` writes
them), which tests/test_docs.py holds to a fresh run byte for byte.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's inception_cost, not an installed one
IMAGES = ROOT / "docs" / "img"
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(
    r"(<!-- (?P<kind>output|stderr): (?P<cmd>.+?) -->\n```text\n)(?P<body>.*?)(```)", re.S
)


def run(cmdline: str, kind: str = "output") -> str:
    """The stdout (or, for `stderr`, the stderr) of one `inception-cost ...` command line,
    as a user at 100 columns sees it. `--help` runs as the real command does, in a process
    of its own: click's test runner wraps help at 80 columns where a terminal's is 78."""
    from click.testing import CliRunner

    from inception_cost.cli import cli

    args = shlex.split(cmdline)
    assert args[0] == "inception-cost", cmdline
    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    if "--help" in args:
        return _process(args[1:], env, kind)
    result = CliRunner().invoke(cli, args[1:], env=env, prog_name="inception-cost")
    return result.stderr if kind == "stderr" else result.stdout


def _process(args: list[str], env: dict, kind: str) -> str:
    """`python -m inception_cost ARGS` in a process of its own, this checkout's package."""
    import os
    import subprocess

    env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "inception_cost", *args], capture_output=True, text=True, env=env
    )
    return done.stderr if kind == "stderr" else done.stdout


def blocks(text: str):
    for m in BLOCK.finditer(text):
        yield m["kind"], m["cmd"], m["body"]


def regenerate(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    new = BLOCK.sub(lambda m: m[1] + run(m["cmd"], m["kind"]) + m[5], text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


def charts() -> dict:
    """name -> matplotlib figure of each chart the docs show."""
    from inception_cost import machines, roofline
    from inception_cost.landscape import points
    from inception_cost.profile import profile
    from inception_cost.render.plot import (
        claim_verdicts,
        comparison_figure,
        layer_figure,
        roofline_figure,
    )
    from inception_cost.report import make_report
    from inception_cost.spec.read import load_model

    googlenet = make_report(load_model("googlenet"), readings=False)  # as `plot -m googlenet`
    return {
        "googlenet-profile": layer_figure(
            [profile("googlenet", googlenet.analysis, q) for q in ("params", "macs", "memory")],
            claim_verdicts(googlenet),
        ),
        "networks": comparison_figure(points()),
        "googlenet-roofline": roofline_figure(
            roofline.predict(googlenet.analysis, machines.lookup("i9-11900h"), model="googlenet")
        ),
    }


#: docs/img's terminal pictures: name -> the command that writes it with `-o NAME.svg`
PICTURES = {
    "table": "inception-cost table --model googlenet",
    "profile": "inception-cost profile --model googlenet",
}


def picture(cmdline: str) -> str:
    """The SVG a command writes with `-o FILE.svg`, as a user's run writes it."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "picture.svg"
        run(f"{cmdline} -o {path}")
        return path.read_text(encoding="utf-8")


def draw() -> list[str]:
    """Write each chart as SVG with its plotted values beside it as JSON, and each
    terminal picture (docs/screenshots.py renders them all to PNG)."""
    import json

    from inception_cost.render.plot import plotted, save

    IMAGES.mkdir(exist_ok=True)
    changed = []
    files = [(IMAGES / f"{name}.svg", picture(cmd)) for name, cmd in PICTURES.items()]
    for name, figure in charts().items():
        files += [
            (IMAGES / f"{name}.svg", save(figure, ".svg")),
            (IMAGES / f"{name}.json", json.dumps(plotted(figure), indent=1) + "\n"),
        ]
    for path, text in files:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path.name)
    return changed


if __name__ == "__main__":
    changed = [p.name for p in FILES if regenerate(p)] + draw()
    print("regenerated: " + (", ".join(changed) or "nothing"), file=sys.stderr)
