"""What the commands share: option types and decorators, reading the spec, delivering the
rendered result (`emit` a text format's, `show` what a rich renderer draws)."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable

import click
from click.core import ParameterSource

from inception_cost import machines
from inception_cost.cells import parse_shape, whole_number
from inception_cost.conventions import parse_padding
from inception_cost.errors import InputError, closest
from inception_cost.implementation.model import is_model
from inception_cost.render import FORMATS
from inception_cost.spec.read import load, load_model, model_name, model_names
from inception_cost.spec.records import Spec

DTYPES = ("float32", "float16", "bfloat16", "float64", "int8")


class Parsed(click.ParamType):
    """An option value read by one of the library's parsers, its errors in click's words."""

    def __init__(self, name: str, parse: Callable[[str], object]):
        self.name, self._parse = name, parse

    def convert(self, value, param, ctx):
        try:
            return self._parse(value)
        except InputError as exc:
            self.fail(f"{exc.message}; expected {exc.expected}", param, ctx)


class Whole(click.ParamType):
    """A whole number option, read by the same rule as a cell (ASCII digits, at most 18)."""

    name = "integer"

    def __init__(self, minimum: int):
        self.minimum = minimum

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        try:
            return whole_number(value, "value", self.minimum)
        except InputError as exc:
            self.fail(f"{exc.message}; expected {exc.expected}", param, ctx)


class Choice(click.Choice):
    """click's Choice, with a did-you-mean for a misspelt value (`--format jsn`)."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            near = closest(str(value), [str(c) for c in self.choices])
            if near is not None:
                exc.message = exc.message.rstrip(".") + f" (did you mean {near!r}?)"
            raise


SHAPE = Parsed("HxWxC", parse_shape)
PADDING = Parsed("same|valid|N", parse_padding)


def load_spec(spec_file: str | None, model: str | None, models: bool = True) -> Spec:
    """The SPEC file, a model file (.onnx: its `Implementation`; refused without `models`,
    for a command that rebuilds a table) or the bundled --model (GoogLeNet by default). A
    SPEC that is no file but a bundled model's name is read as that model, and stderr says
    so."""
    if spec_file and model:
        raise click.UsageError("give a SPEC file or --model, not both")
    if is_model(spec_file) and not models:
        raise click.UsageError("this command rebuilds a table's rows; a model file has none")
    if is_model(spec_file):
        from inception_cost.implementation.reader import read  # onnx: only for a model file

        return read(spec_file)
    if spec_file and spec_file != "-" and not os.path.lexists(spec_file):
        return load_model(_as_model(spec_file))
    if spec_file:
        return load(spec_file)
    return load_model(model or "googlenet")


def _as_model(spec_file: str) -> str:
    """The bundled model a SPEC that is no file names (said on stderr), or the error that
    says there is no such file, with the `--model` hint where the name is near one."""
    name = model_name(spec_file)
    if name is not None:
        click.echo(
            f"inception-cost: no file {spec_file}; reading the bundled model (--model {name})",
            err=True,
        )
        return name
    near = closest(spec_file, model_names())
    hint = f" (did you mean --model {near}?)" if near else ""
    raise InputError(
        f"no such file {spec_file}{hint}",
        "an existing spec file (.md or .csv), or --model NAME for a bundled one (see `models`)",
    )


def complete_models(ctx, param, incomplete: str):
    """Shell completion: the bundled specs' names (`Goog` completes too)."""
    return [n for n in model_names() if n.startswith(incomplete.lower())]


def _complete_variants(ctx, param, incomplete: str):
    """Shell completion: the variants of the spec given so far (googlenet's by default)."""
    try:
        spec = load_spec(ctx.params.get("spec_file"), ctx.params.get("model"))
    except (InputError, click.UsageError, OSError):
        return []
    return [v.name for v in spec.variants if v.name.startswith(incomplete)]


def spec_source(model_help: str = "A bundled spec (see `models`); default googlenet."):
    """The SPEC argument and --model, which every command reading a spec takes."""

    def decorate(command):
        command = click.option(
            "--model", "-m", metavar="NAME", help=model_help, shell_complete=complete_models
        )(command)
        return click.argument("spec_file", metavar="[SPEC]", required=False, type=click.Path())(
            command
        )

    return decorate


#: What a file's suffix says it holds: a text format, or a picture of the rich output
#: (plain text for .txt, which takes any text format given with --format).
SUFFIX_FORMATS = {
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".txt": "rich",
    ".svg": "rich",
    ".html": "rich",
}
#: The formats a suffix holds besides its own: `table --format spec` is Markdown too.
ALSO = {".md": ("spec",), ".txt": ("markdown", "csv", "json", "spec")}
CHARTS = (".png", ".pdf")  # `plot`'s alone
PICTURES = (".svg", ".html")


def suffix_of(output: str | None) -> str:
    """`--output`'s suffix, lower case (`.json`), or "" (none, or standard output)."""
    if not output or output == "-":
        return ""
    name = output.replace("\\", "/").rsplit("/", 1)[-1]
    return name[name.rfind(".") :].lower() if "." in name.lstrip(".") else ""


def output_format(fmt: str, output: str | None, given: bool) -> str:
    """The format to write: `--format` as given, or what `--output`'s suffix says; a
    suffix that contradicts a `--format` given is refused (`--format json -o x.svg`)."""
    suffix = suffix_of(output)
    if suffix in CHARTS:
        raise click.UsageError(
            f"--output {output}: a {suffix} file is a chart, which `plot -o FILE{suffix}`"
            " draws; for this output give .svg or .html (a picture), .txt, .md, .csv or .json"
        )
    wanted = SUFFIX_FORMATS.get(suffix)
    if wanted is None or (given and fmt in (wanted, *ALSO.get(suffix, ()))):
        return fmt
    if given:
        what = "a picture of the rich output" if suffix in PICTURES else f"--format {wanted}"
        raise click.UsageError(
            f"--format {fmt} contradicts --output {output} (a {suffix} file holds {what});"
            f" give a FILE ending as --format says, or leave --format out"
        )
    return wanted


def output_options(command):
    """--output FILE and --force, for every command that prints a result; with --format,
    the file's suffix chooses the format where --format is not given (`deliver`)."""

    @functools.wraps(command)
    def deliver(*args, **kwargs):
        if "fmt" in kwargs:
            ctx = click.get_current_context()
            given = ctx.get_parameter_source("fmt") is not ParameterSource.DEFAULT
            kwargs["fmt"] = output_format(kwargs["fmt"], kwargs.get("output"), given)
        return command(*args, **kwargs)

    deliver = click.option("--force", is_flag=True, help="Let --output replace an existing file.")(
        deliver
    )
    return click.option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE instead of stdout (- is stdout), atomically, at full width; its"
        " suffix picks the format: .json .csv .md .txt, or .svg .html for a picture.",
    )(deliver)


FORMAT = click.option("--format", "fmt", type=Choice(FORMATS), default="rich", show_default=True)
BATCH = click.option("--batch", type=Whole(1), default=1, show_default=True)


def _dtype(help: str | None = None):
    """--dtype, one of DTYPES, float32 by default."""
    return click.option(
        "--dtype", type=Choice(DTYPES), default="float32", show_default=True, help=help
    )


DTYPE = _dtype()
ACTIVATION_DTYPE = _dtype("Element type for activation bytes.")
AUX = click.option(
    "--aux", is_flag=True, help="Include training-only rows (auxiliary classifiers)."
)
INPUT = click.option(
    "--input",
    "input_shape",
    type=SHAPE,
    metavar="HxWxC",
    help="Input size, overriding the spec's.",
)


def variant_option(help: str = "Analyse an alternative reading named in the spec."):
    """--variant NAME, completed from the spec given so far."""
    return click.option("--variant", metavar="NAME", help=help, shell_complete=_complete_variants)


def emit(text: str | bytes, output: str | None, force: bool, spec_file: str | None) -> None:
    """Print `text`, or write it to `output` (never over the SPEC file read); `-` is stdout,
    as it is for the SPEC read."""
    if output is not None and output != "-":
        # imported here: writing atomically needs tempfile, which costs a printing run 7 ms
        from inception_cost.output import write_output

        write_output(output, text, force=force, protect=[spec_file] if spec_file else [])
    else:
        click.echo(text, nl=False)


def show(draw: Callable, result, output: str | None, force: bool, spec_file, **options) -> None:
    """`draw(result, console, **options)`, a rich renderer, drawn in full first: to the
    terminal as its console drew it, or to `output` (an SVG or HTML page for those
    suffixes, else plain text), at full width whatever the terminal's."""
    # imported here: only a rich run imports rich (the command imported `draw` the same way)
    from inception_cost.render.terminal import as_text

    output = None if output == "-" else output
    shown = as_text(
        draw,
        result,
        tty=output is None and sys.stdout.isatty(),
        suffix=suffix_of(output),
        file=output is not None,
        **options,
    )
    if output is None:
        sys.stdout.write(shown)  # as the console drew it: its colours are its own choice
    else:
        emit(shown, output, force, spec_file)


#: the options `machine_options` gathers into one `machine` argument for machines.choose
MACHINE_OPTIONS = ("name", "peak", "bandwidth", "cache_bandwidth", "llc", "calibrate", "precision")


def _rate(option: str) -> Parsed:
    return Parsed("RATE", lambda text: machines.parse_rate(text, option))


def machine_options(command):
    """The machine `time` and `plot --roofline` bound a network on (--machine, --peak,
    --bandwidth, --cache-bandwidth, --llc, --calibrate, --precision), passed to the command
    as one `machine` dict of machines.choose's arguments."""

    @functools.wraps(command)
    def gathered(**kwargs):
        return command(machine={k: kwargs.pop(f"machine_{k}") for k in MACHINE_OPTIONS}, **kwargs)

    options = [
        click.option(
            "--machine",
            "machine_name",
            metavar="NAME",
            help="A machine from its vendor's figures (a100, h100, i9-11900h), or calibrated:"
            " the figures --calibrate stored; default calibrated.",
            shell_complete=lambda ctx, param, text: [
                n for n in (*machines.presets(), machines.CALIBRATED) if n.startswith(text)
            ],
        ),
        click.option(
            "--peak",
            "machine_peak",
            type=_rate("--peak"),
            metavar="RATE",
            help="Peak FLOP/s by hand (300G, 19.5T), with --bandwidth.",
        ),
        click.option(
            "--bandwidth",
            "machine_bandwidth",
            type=_rate("--bandwidth"),
            metavar="RATE",
            help="Memory bandwidth in bytes/s by hand (25G, 2039G).",
        ),
        click.option(
            "--cache-bandwidth",
            "machine_cache_bandwidth",
            type=_rate("--cache-bandwidth"),
            metavar="RATE",
            help="Cache bandwidth by hand, with --llc: the cache-aware rule.",
        ),
        click.option(
            "--llc",
            "machine_llc",
            type=Parsed("SIZE", lambda t: machines.parse_size(t, "--llc")),
            metavar="SIZE",
            help="The last-level cache (32MiB), instead of the machine's or the OS's.",
        ),
        click.option(
            "--calibrate",
            "machine_calibrate",
            is_flag=True,
            help="Measure this machine (NumPy matmul peak, STREAM-style bandwidths), store"
            " the figures in the user configuration folder and use them.",
        ),
        click.option(
            "--precision",
            "machine_precision",
            type=click.Choice(machines.PRECISIONS),
            help="The peak to use (default: the --dtype's own; tf32 for float32 on Tensor Cores).",
        ),
    ]
    for option in reversed(options):
        gathered = option(gathered)
    return gathered
