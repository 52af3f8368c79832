"""Screenshots of the pictures in docs/img, as a reader sees them: each SVG rendered to a
PNG by a browser (headless Chromium) and, for the terminal pictures, by librsvg
(rsvg-convert), where rich's own SVG used to lose its alignment.

    python docs/regen.py           # the SVGs (and every output shown in the docs)
    python docs/screenshots.py     # the PNGs beside them

Needs `chromium` and `rsvg-convert` on the PATH (Debian: apt-get install chromium
librsvg2-bin); the tests do not, they hold the SVGs to their data (tests/test_plot.py,
tests/test_first_minutes.py).
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

IMAGES = Path(__file__).resolve().parent / "img"
#: picture -> the renderers that screenshot it
SHOTS = {
    "table.svg": ("chromium", "rsvg"),
    "profile.svg": ("chromium", "rsvg"),
    "networks.svg": ("chromium",),
    "googlenet-profile.svg": ("chromium",),
}
CHROMIUM = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def size(svg: Path) -> tuple[int, int]:
    """The picture's size in CSS pixels (matplotlib writes points, rich a viewBox)."""
    head = svg.read_text(encoding="utf-8")[:2000]
    found = re.search(
        r'<svg[^>]*\bwidth="([0-9.]+)(pt|px)?"[^>]*\bheight="([0-9.]+)(pt|px)?"', head
    )
    if found:
        scale = 4 / 3 if found[2] == "pt" else 1
        return math.ceil(float(found[1]) * scale), math.ceil(float(found[3]) * scale)
    box = re.search(r'viewBox="[0-9.]+ [0-9.]+ ([0-9.]+) ([0-9.]+)"', head)
    return math.ceil(float(box[1])), math.ceil(float(box[2]))


def chromium(svg: Path, png: Path) -> None:
    width, height = size(svg)
    with tempfile.TemporaryDirectory() as profile:
        page = Path(profile) / "page.html"
        page.write_text(
            '<html><body style="margin:0;background:white">'
            f'<img src="{svg.as_uri()}" width="{width}" height="{height}"></body></html>',
            encoding="utf-8",
        )
        subprocess.run(
            [
                shutil.which("chromium") or "chromium",
                *CHROMIUM,
                f"--user-data-dir={profile}/user",
                f"--window-size={width},{height}",
                f"--screenshot={png}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )


def rsvg(svg: Path, png: Path) -> None:
    subprocess.run(["rsvg-convert", str(svg), "-o", str(png)], check=True)


def main() -> int:
    for name, renderers in SHOTS.items():
        svg = IMAGES / name
        for renderer in renderers:
            png = svg.with_name(f"{svg.stem}-{renderer}.png")
            {"chromium": chromium, "rsvg": rsvg}[renderer](svg, png)
            print(f"{png.relative_to(IMAGES.parent.parent)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
