"""The `inception-cost` command: options in, one library call, a renderer out.

Each command is a module of this package, named after it, that imports at its top the
library calls and the text renderer it wires, and its rich renderer when it draws with
rich. The group imports only the module of the command being run (`COMMANDS`), so
`table --format csv` builds no other command's options and loads neither the NumPy
reference nor rich; `--help` and completing a command's name import them all (none of
them imports NumPy or rich when it loads).
"""

from __future__ import annotations

import importlib
import sys

import click

from inception_cost import __version__
from inception_cost.errors import InputError, InputErrors

#: `inception-cost` alone (click >= 8.2 raises it as a usage error; 8.1 prints the help)
_NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())

#: The commands. Each is the function of its own name in the module of its name (`_` for
#: `-`: cli/compare_bottleneck.py), and renders with render/NAME.py and, for rich,
#: render/terminal/NAME.py.
COMMANDS = (
    "claims",
    "compare-bottleneck",
    "conventions",
    "diff",
    "init",
    "memory",
    "models",
    "plot",
    "profile",
    "receptive",
    "sweep",
    "table",
    "time",
    "verify",
)


class _Cli(click.Group):
    """Every error is one line and exit code 2, never a traceback; each command is
    imported when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        name = cmd_name.replace("-", "_")
        return getattr(importlib.import_module(f"{__name__}.{name}"), name)

    def invoke(self, ctx: click.Context):
        """Run the command; a usage error the option parser raised without its command's
        context (`table --input` with no value) gets it, so the hint names the command's
        own help."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            name = ctx.invoked_subcommand
            if exc.ctx is None and name in COMMANDS:
                exc.ctx = click.Context(self.get_command(ctx, name), info_name=name, parent=ctx)
            raise

    def main(self, *args, **kwargs):
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except _NO_ARGS as exc:  # the help, as click prints it: not squashed onto one line
            fail(exc.format_message(), lines=True)
        except InputError as exc:
            many = isinstance(exc, InputErrors)  # one line per error, all of them
            fail(str(exc) if exc.where else f"inception-cost: {exc}", lines=many)
        except click.UsageError as exc:
            path = exc.ctx.command_path if exc.ctx else "inception-cost"
            fail(f"{path}: error: {exc.format_message()} (see {path} --help)")
        except click.ClickException as exc:
            fail(f"inception-cost: error: {exc.format_message()}", exc.exit_code)
        except click.Abort:
            fail("inception-cost: aborted", 1)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def fail(line: str, code: int = 2, lines: bool = False) -> None:
    """Print one line (or, with `lines`, each of several) to stderr and exit with `code`."""
    click.echo(line if lines else line.replace("\n", " "), err=True)
    sys.exit(code)


@click.group("inception-cost", cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="inception-cost")
def cli() -> None:
    """Count what every layer of a CNN costs, from the paper's own table, and audit its claims."""


def main() -> None:
    cli(prog_name="inception-cost")
