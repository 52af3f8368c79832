"""An implementation read as a `Network`: an ONNX model (or a PyTorch module exported to
one), each node mapped to the same primitive ops a table builds, grouped into rows by the
module names the exporter records, so every count, preset and renderer reads it as it
reads a table's network, and `diff` can hold the two against each other.

`model.py` is the light part every command may import (the `Implementation` a command
gets where it would get a `Spec`, and `Implementation.built`, which `builder.build`
calls); `reader.py` and the modules it uses import onnx, which only reading a model file
needs (2-3 s of start-up: docs/onnx.md).
"""
