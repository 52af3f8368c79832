"""Every command's JSON output conforms to the schema shipped in inception_cost/schemas,
checked by jsonschema at the draft each schema declares."""

import copy
import json

import jsonschema
import pytest

from inception_cost import schemas
from inception_cost.spec.read import load_model, model_names

RUNS = [
    *(("table", "-m", m) for m in model_names()),
    *(
        ("table", "-m", m, "--variant", v.name)
        for m in model_names()
        for v in load_model(m).variants
    ),
    ("table", "--aux", "--expand", "--flops", "--batch", "2"),
    ("table", "--as", "ptflops"),
    ("table", "--as", "torchprofile"),
    ("table", "-m", "lenet5", "--as", "paper"),
    ("table", "--input", "299x299x3", "--no-bias"),
    ("compare-bottleneck",),
    ("compare-bottleneck", "-m", "googlenet"),
    (
        "compare-bottleneck",
        "--input",
        "28x28x192",
        "--kernel",
        "5",
        "--out",
        "32",
        "--reduce",
        "16",
    ),
    ("verify", "-m", "lenet5"),
    ("conventions",),
    ("conventions", "-m", "lenet5"),
    ("conventions", "-m", "resnet18"),
    ("models",),
    ("claims",),
    *(("receptive", "-m", m) for m in model_names()),
    ("receptive", "-m", "googlenet", "--expand", "--aux"),
    ("receptive", "-m", "resnet50", "--expand", "--variant", "v1.5"),
    ("receptive", "-m", "lenet5", "--input", "64x64x1"),
    *(("sweep", "-m", m) for m in model_names()),
    ("sweep", "-m", "googlenet", "--input", "112..672/112", "--global-pool"),
    ("sweep", "-m", "alexnet", "--dtype", "float16"),
]

# issue 16's commands: memory and profile on every bundled spec, and their options
RUNS += [
    *(("memory", "-m", m) for m in model_names()),
    ("memory", "--aux", "--batch", "2", "--optimizer", "adam"),
    ("memory", "-m", "resnet50", "--variant", "v1.5", "--dtype", "float16", "--optimizer", "sgd"),
    *(("profile", "-m", m) for m in model_names()),
    ("profile", "--by", "params", "--aux"),
    ("profile", "-m", "vgg16", "--by", "memory", "--batch", "4"),
    ("table", "-m", "resnet18", "--expand", "--shares"),
]

# issue 25's time: presets, figures by hand with the cache rule, op lines, a measured run
RUNS += [
    ("time", "--machine", "a100"),
    ("time", "-m", "resnet50", "--machine", "h100", "--expand", "--batch", "8"),
    ("time", "-m", "mobilenetv2", "--machine", "i9-11900h", "--no-other-ops", "--aux"),
    ("time", "-m", "shufflenetv2", "--peak", "300G", "--bandwidth", "25G",
     "--cache-bandwidth", "100G", "--llc", "32MiB", "--precision", "tf32"),
    ("time", "-m", "lenet5", "--measure", "numpy", "--llc", "256KiB", "--repeat", "2",
     "--expand"),
]  # fmt: skip


def errors(value, schema: dict) -> list[str]:
    """Every place where `value` breaks `schema`, as `path: keyword: message`, by the
    validator of the draft the schema declares."""
    validator = jsonschema.validators.validator_for(schema, default=None)
    assert validator is not None, f"{schema.get('$schema')!r} is not a draft jsonschema knows"
    found = validator(schema).iter_errors(value)
    return sorted(f"{e.json_path}: {e.validator}: {e.message}" for e in found)


@pytest.mark.parametrize("command", schemas.COMMANDS)
def test_each_schema_is_valid_at_the_draft_it_declares(command):
    schema = schemas.load(command)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema.validators.validator_for(schema, default=None)
    assert validator is jsonschema.Draft202012Validator
    validator.check_schema(schema)  # raises SchemaError on a schema that breaks its draft


@pytest.mark.parametrize("args", RUNS, ids=" ".join)
def test_json_output_conforms_to_its_schema(run, args):
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    schema = schemas.load(args[0])
    assert errors(data, schema) == []
    assert data["schema_version"] == schema["properties"]["schema_version"]["const"]


def test_the_validator_catches_what_breaks_a_schema(run):
    data = json.loads(run("table", "-m", "lenet5", "--format", "json").stdout)
    schema = schemas.load("table")
    broken = copy.deepcopy(data)
    del broken["totals"]["params"]
    broken["blocks"][0]["macs"] = "117600"
    broken["audit"]["surprise"] = 1
    broken["schema_version"] = 1
    found = [e.split(": ")[:2] for e in errors(broken, schema)]
    assert found == [
        ["$.audit", "additionalProperties"],
        ["$.blocks[0].macs", "type"],
        ["$.schema_version", "const"],
        ["$.totals", "required"],
    ]


def test_every_command_with_json_has_a_schema():
    import click

    from inception_cost.cli import cli

    ctx = click.Context(cli)
    with_json = {
        name
        for name in cli.list_commands(ctx)
        if any(
            p.name == "fmt" and "json" in p.type.choices for p in cli.get_command(ctx, name).params
        )
    }
    assert with_json == set(schemas.COMMANDS)
