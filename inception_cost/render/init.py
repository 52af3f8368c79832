"""`init`'s draft written out: the front matter, then the pasted text as it was."""

from __future__ import annotations

from inception_cost.draft import Draft

HEAD = (
    "# Drafted by `inception-cost init` from the table below. Each `# read so` line is a",
    "# reading taken from the cells: uncomment it to keep it, or change it; each TODO is a",
    "# question the table leaves open, with the reader's best guess (docs/spec-format.md,",
    '# "Paste a table you have never seen").',
)


def render(draft: Draft) -> str:
    """The spec the draft reads as: its front matter between `+++` lines, the table."""
    body = draft.body if draft.body.endswith("\n") else draft.body + "\n"
    return "+++\n" + "\n".join([*HEAD, "", *draft.front]) + "\n+++\n" + body
