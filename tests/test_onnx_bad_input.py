"""A model file the reader cannot use: one line naming the file (and the node), exit 2,
never a traceback (issue 24)."""

import random
import re

import onnx
import pytest
from onnx_graphs import model, node, save, stem, tensor

LINE = re.compile(r"^\S+\.onnx: error: .+; expected .+$")


def check(result, *what: str) -> str:
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    err = result.stderr
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert LINE.match(err.strip()), err
    for w in what:
        assert w in err, err
    return err


def test_truncated_bytes(run, tmp_path):
    data = stem().SerializeToString()
    (tmp_path / "cut.onnx").write_bytes(data[: len(data) // 2])
    check(run("table", str(tmp_path / "cut.onnx")), "cut.onnx", "not an ONNX model")


@pytest.mark.parametrize("seed", range(3))
def test_random_bytes(run, tmp_path, seed):
    data = random.Random(seed).randbytes(4096)
    (tmp_path / "noise.onnx").write_bytes(data)
    check(run("table", str(tmp_path / "noise.onnx")), "noise.onnx", "not an ONNX model")


def test_empty_file(run, tmp_path):
    (tmp_path / "empty.onnx").write_bytes(b"")
    check(run("table", str(tmp_path / "empty.onnx")), "not an ONNX model")


def test_missing_file(run, tmp_path):
    check(run("table", str(tmp_path / "nope.onnx")), "nope.onnx", "cannot read it")


def test_a_cycle(run, tmp_path):
    m = model(
        [
            node("Add", ["x", "b"], ["a"], "first"),
            node("Relu", ["a"], ["b"], "second"),
            node("Relu", ["a"], ["y"], "out"),
        ]
    )
    check(run("table", save(m, tmp_path / "cycle.onnx")), "a cycle through node 'first' (Add)")


def test_a_dimension_of_ten_to_the_twelve(run, tmp_path):
    m = model([node("Relu", ["x"], ["y"], "r")], input_dims=(1, 3, 10**12, 8))
    check(run("table", save(m, tmp_path / "huge.onnx")), "dimension of 1,000,000,000,000")


def test_an_initializer_of_ten_to_the_twelve(run, tmp_path):
    big = onnx.TensorProto(name="w", data_type=onnx.TensorProto.FLOAT, dims=[10**12, 3, 1, 1])
    m = model([node("Conv", ["x", "w"], ["y"], "c", kernel_shape=[1, 1])], [big])
    check(run("table", save(m, tmp_path / "big.onnx")), "initializer 'w'", "1,000,000,000,000")


def test_an_unknown_operator_is_named_with_its_node(run, tmp_path):
    m = model([node("Softplus", ["x"], ["y"], "/act/Softplus")])
    check(
        run("table", save(m, tmp_path / "hs.onnx")),
        "no rule for ONNX operator 'Softplus'",
        "node '/act/Softplus'",
    )


def test_an_operator_of_another_domain(run, tmp_path):
    m = model([node("Relu", ["x"], ["r"], "r"), node("Gizmo", ["r"], ["y"], "/g/Gizmo")])
    m.graph.node[1].domain = "com.example"
    m.opset_import.append(onnx.helper.make_opsetid("com.example", 1))
    check(run("table", save(m, tmp_path / "gizmo.onnx")), "'Gizmo' of domain 'com.example'")


def test_a_missing_external_data_file(run, tmp_path):
    path = tmp_path / "ext.onnx"
    onnx.save(
        stem(cout=64),
        str(path),
        save_as_external_data=True,
        location="ext.onnx.data",
        size_threshold=0,
    )
    (tmp_path / "ext.onnx.data").unlink()
    check(run("table", str(path)), "its weights are in ext.onnx.data")


def test_two_image_inputs(run, tmp_path):
    m = model([node("Add", ["x", "z"], ["y"], "a")])
    m.graph.input.append(onnx.helper.make_tensor_value_info("z", 1, [1, 3, 8, 8]))
    check(run("table", save(m, tmp_path / "two.onnx")), "2 inputs (x, z)")


def test_a_symbolic_image_size(run, tmp_path):
    m = model([node("Relu", ["x"], ["y"], "r")], input_dims=(1, 3, "height", 8))
    check(run("table", save(m, tmp_path / "sym.onnx")), "symbolic dimension 'height'")


def test_settings_a_model_fixes_are_refused_not_ignored(run, tmp_path):
    path = save(stem(), tmp_path / "stem.onnx")
    check(run("table", path, "--input", "16x16x3"), "the model fixes its own input")
    check(run("table", path, "--no-bias"), "fixes its own bias")
    check(run("table", path, "--variant", "torchvision"), "unknown variant")


def test_a_weight_computed_from_the_image(run, tmp_path):
    m = model([node("Conv", ["x", "x"], ["y"], "/c/Conv", kernel_shape=[8, 8])])
    check(run("table", save(m, tmp_path / "w.onnx")), "node '/c/Conv' (Conv)", "weight")


def test_an_operator_only_a_pattern_reads(run, tmp_path):
    """A Pow with no LRN around it: held for a pattern, refused where it is read."""
    m = model([node("Pow", ["x", "two"], ["y"], "/p/Pow")], [tensor("two", (), 2.0)])
    check(run("table", save(m, tmp_path / "pow.onnx")), "node '/p/Pow' (Pow)")


def test_commands_that_rebuild_a_table_refuse_a_model(run, tmp_path):
    path = save(stem(), tmp_path / "stem.onnx")
    for args in (("sweep", path), ("compare-bottleneck", path)):
        result = run(*args)
        assert result.exit_code == 2 and "a model file has none" in result.stderr
        assert "Traceback" not in result.stderr
    check(run("receptive", path, "--input", "16x16x3"), "the model fixes its own input")
