"""`inception-cost init`: a pasted table drafted into a spec, its guesses and questions in
its front matter."""

from __future__ import annotations

import click

from inception_cost.cli.options import emit
from inception_cost.draft import draft
from inception_cost.render.init import render
from inception_cost.table import read_text


@click.command()
@click.argument("table_file", metavar="TABLE")
@click.option("--output", "-o", metavar="FILE", help="Write the spec to FILE (never over TABLE).")
@click.option("--force", is_flag=True, help="Let --output replace an existing file.")
def init(table_file, output, force) -> None:
    """Draft a spec from a table pasted as its paper prints it (TABLE, or - for standard
    input): each reading the reader takes from the cells is written as a commented
    declaration, each question it leaves open as a TODO with its best guess."""
    text = read_text(table_file)
    emit(render(draft(text, table_file)), output, force, table_file)
