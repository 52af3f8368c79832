"""Readers of a `Report`: rich (terminal), Markdown, CSV and JSON.

The CSV, JSON and Markdown renderers import neither numpy nor rich, so a scripted
`--format csv` run starts as fast as click itself.
"""

FORMATS = ("rich", "markdown", "csv", "json")


def render(report, fmt: str, console=None) -> str | None:
    """The report as text in `fmt`; `rich` prints to `console` and returns None."""
    if fmt == "csv":
        from inception_cost.render.tabular import to_csv

        return to_csv(report)
    if fmt == "json":
        from inception_cost.render.tabular import to_json

        return to_json(report)
    if fmt == "markdown":
        from inception_cost.render.markdown import to_markdown

        return to_markdown(report)
    from inception_cost.render.terminal import print_report

    print_report(report, console)
    return None
