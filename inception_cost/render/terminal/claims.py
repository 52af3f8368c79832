"""`claims` on a terminal: each claim quoted once, its readings in their verdict's colour."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from inception_cost.catalog import Survey
from inception_cost.render.claims import HEADS_TITLE, claim_lines, head_lines
from inception_cost.render.terminal.prose import hang
from inception_cost.verdicts import Status


def draw(survey: Survey, console: Console) -> None:
    """Each claim quoted once, its readings under it in their verdict's colour; the heads."""
    lines, summary = claim_lines(survey)
    items = survey.heads
    styles = {Status.TRUNCATED: "yellow", Status.UNCHECKED: "dim"}
    for text, status in lines:
        if status:
            style = "green" if Status(status).holds else styles.get(status, "red")
            console.print(hang(text, 4, style))
        else:
            console.print(hang(Text(text, style="bold")))
    console.print(hang(summary, style="dim"))
    if items:
        console.print()
        console.print(Text(HEADS_TITLE, style="bold"))
        for line in head_lines(items):
            console.print(hang(line, 2))
