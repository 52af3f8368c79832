"""Every command's JSON output conforms to the schema shipped in inception_cost/schemas."""

import copy
import json

import pytest
from schema_subset import errors

from inception_cost import schemas
from inception_cost.spec import load_model, model_names

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
    found = errors(broken, schema)
    assert "$.totals: missing 'params'" in found
    assert "$.blocks[0].macs: str is not integer" in found
    assert "$.audit: unexpected 'surprise'" in found
    assert "$.schema_version: 1 is not 3" in found


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
