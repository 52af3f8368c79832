"""`verify MODEL.onnx`: the NumPy reference run with the model's own weights, and each
row's output held against onnxruntime's run of the same file on the same input.

The weights are read from the file (external data included) only here, into the layout
`weights.py` documents: a convolution's (Cout, Cin/g, kh, kw) as HWIO (a MatMul's (in,
out) over a channels-last map as a 1x1's), a linear layer's as (in, out) with its input
rows in our (H, W, C) flattening order (ONNX flattens (C, H, W)), a layer norm's or layer
scale's per-channel values as (C,). onnxruntime is the optional `onnxruntime` extra.
"""

from __future__ import annotations

import math

import numpy as np
import onnx
from onnx import numpy_helper

from inception_cost.errors import InputError, first_line
from inception_cost.network import Network
from inception_cost.ops import Conv2d, Flatten, LayerNorm, LayerScale, Linear


def weights(impl, net: Network, dtype: str) -> dict[str, np.ndarray]:
    """The model's own weights for every op of `net` (read from `impl`), as the executor
    takes them."""
    model = _load(impl.path)
    values = _Values(model, impl.path)
    out: dict[str, np.ndarray] = {}
    producers = {op.name: op for op in net.ops()}
    for op in net.ops():
        roles = impl.params.get(op.name)
        if not roles:
            continue
        for role, tensor in roles.items():
            if role == "layout":
                continue
            array = values.get(tensor, op.name)
            if isinstance(op, LayerNorm | LayerScale):
                array = array.reshape(-1)  # C x 1 x 1 (or C) -> C
            elif role == "weight" and isinstance(op, Conv2d) and roles.get("layout") == "io":
                array = array.reshape(1, 1, *array.shape)  # a MatMul's (in, out) -> HWIO
            elif role == "weight" and isinstance(op, Conv2d):
                array = array.transpose(2, 3, 1, 0)  # OIHW -> HWIO
            elif role == "weight" and isinstance(op, Linear):
                array = _linear(array, op, roles.get("layout", "oi"), producers)
            out[f"{op.name}.{role}"] = np.ascontiguousarray(array, dtype=dtype)
    return out


def _linear(array: np.ndarray, op: Linear, layout: str, producers) -> np.ndarray:
    """A linear weight as (in, out), its input rows in (H, W, C) order where it reads a
    flattened map (ONNX's Flatten and Reshape go (C, H, W))."""
    w = array.T if layout == "oi" else array
    source = producers.get(op.inputs[0])
    if isinstance(source, Flatten):
        h, wd, c = source.in_shapes[0]
        if h * wd > 1:
            w = w.reshape(c, h, wd, -1).transpose(1, 2, 0, 3).reshape(h * wd * c, -1)
    return w


def _load(path: str) -> onnx.ModelProto:
    try:
        return onnx.load(path)  # its external data too: verify needs the values
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read its weights: {exc}", "the model's data file", path) from None


class _Values:
    """Tensor values of a model: its initializers, Constant nodes, and the few nodes an
    exporter puts between a stored weight and its layer (Identity, Transpose, Cast; a
    view of a per-channel vector: ConvNeXt's `weight[:, None, None]`)."""

    def __init__(self, model: onnx.ModelProto, path: str):
        self.path = path
        self.init = {t.name: t for t in model.graph.initializer}
        self.nodes = {out: n for n in model.graph.node for out in n.output}

    def get(self, name: str, op: str) -> np.ndarray:
        if name in self.init:
            return self._array(self.init[name], name)
        node = self.nodes.get(name)
        if node is not None and node.op_type == "Constant":
            return self._array(node.attribute[0].t, name)
        if node is not None and node.op_type in ("Identity", "Cast", "Transpose", *_VIEWS):
            x = self.get(node.input[0], op)
            if node.op_type == "Transpose":
                perm = [list(a.ints) for a in node.attribute if a.name == "perm"]
                return x.transpose(perm[0] if perm else None)
            if node.op_type in _VIEWS and x.size != max(x.shape, default=1):
                raise InputError(
                    f"the weights of {op} are a view of {node.name!r} ({node.op_type})"
                    f" of a {'x'.join(map(str, x.shape))} tensor",
                    "weights stored in the file as their layer reads them",
                    self.path,
                )
            return x
        raise InputError(
            f"the weights of {op} are computed by node {node.name if node is not None else name!r}",
            "weights stored in the file (an initializer or a Constant)",
            self.path,
        )

    def _array(self, tensor, name: str) -> np.ndarray:
        """A stored tensor's values; data that does not fill its shape is refused (the
        reader read its shape alone)."""
        try:
            return numpy_helper.to_array(tensor)
        except ValueError as exc:
            raise InputError(
                f"tensor {name!r} holds values that do not fit its shape {tuple(tensor.dims)}"
                f" ({exc})",
                "a tensor whose data has one value per element of its shape",
                self.path,
            ) from None


#: Views of a stored vector an exporter puts before a per-channel weight (`[:, None, None]`).
_VIEWS = ("Unsqueeze", "Reshape", "Squeeze", "Flatten")


def runtime_outputs(impl, names: list[str], x: np.ndarray) -> dict[str, np.ndarray]:
    """onnxruntime's values of the ONNX tensors `names` for the input `x` (N, H, W, C)."""
    try:
        import onnxruntime
    except ImportError as exc:
        raise InputError(
            "verify MODEL.onnx runs the model with onnxruntime, which is not installed",
            "pip install 'inception-cost[onnxruntime]'",
        ) from exc
    model = _load(impl.path)
    declared = {o.name for o in model.graph.output}
    for name in names:
        if name not in declared:
            model.graph.output.append(onnx.helper.make_empty_tensor_value_info(name))
    options = onnxruntime.SessionOptions()
    # fatal only: an error it raises is one line of ours, not its log line beside it too
    options.log_severity_level = 4
    images = np.ascontiguousarray(x.transpose(0, 3, 1, 2), dtype=np.float32)
    try:
        session = onnxruntime.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
        batch = session.get_inputs()[0].shape[0]
        if batch == images.shape[0] or not isinstance(batch, int):
            runs = [session.run(names, {impl.image: images})]
        else:  # a batch fixed at export (1): the images one by one, their outputs stacked
            runs = [session.run(names, {impl.image: images[i : i + 1]}) for i in range(len(x))]
    except Exception as exc:  # onnxruntime's own errors have no common base class
        raise InputError(
            f"onnxruntime cannot run the model: {first_line(exc)}",
            "a model onnxruntime runs on the CPU",
            impl.path,
        ) from None
    return {name: np.concatenate([r[k] for r in runs]) for k, name in enumerate(names)}


def worst(ours: np.ndarray, theirs: np.ndarray, op, channels_last: bool = False) -> float:
    """The largest difference of our output from onnxruntime's, over the largest magnitude
    of theirs (a relative difference that does not blow up where a value is near 0); a
    `channels_last` tensor is N x H x W x C, as ours."""
    if ours.ndim == 4 and theirs.ndim == 4:
        ours = ours if channels_last else ours.transpose(0, 3, 1, 2)
    else:
        if isinstance(op, Flatten):
            h, w, c = op.in_shapes[0]
            ours = ours.reshape(-1, h, w, c).transpose(0, 3, 1, 2)
        ours = ours.reshape(theirs.shape)
    scale = float(np.abs(theirs).max()) if theirs.size else 0.0
    diff = float(np.abs(ours.astype(np.float64) - theirs.astype(np.float64)).max())
    return diff / scale if scale > 0 else (0.0 if diff == 0 else math.inf)
