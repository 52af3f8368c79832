"""Readers of a `Report`: rich (terminal), Markdown (a report, or the spec form), CSV, JSON.

The CSV, JSON and Markdown renderers import neither numpy nor rich, so a scripted
`--format csv` run starts as fast as click itself.
"""

FORMATS = ("rich", "markdown", "csv", "json")
#: `table` also writes the Markdown spec form, which reads back as a spec.
TABLE_FORMATS = (*FORMATS, "spec")
#: The formats that print no variant and no paper-level claim: `make_report` need not judge
#: them, each reading being a network built and costed (GoogLeNet's: four, one AlexNet).
UNJUDGED = ("csv",)


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
    if fmt == "spec":
        from inception_cost.render.markdown import to_spec

        return to_spec(report)
    from inception_cost.render.terminal import print_report

    print_report(report, console)
    return None
