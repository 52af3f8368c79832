"""Torch twins exported to ONNX once per test run: `model(kind, name)` is the path of the
export, made on first use and kept in a folder the run removes at its end.

torch's exporter takes seconds a model (it traces, then decomposes every op), so a test
module names the exports it reads with `prefetch` when it is collected, and one worker
process makes them in the background while the rest of the suite runs on the other core.

kinds: `tv` torchvision's network (tests/torch_vision.py), `tv-fold` the same exported
with torch's default settings (batch norm folded), `tv-aux` GoogLeNet with its two
auxiliary heads, `paper` the twin of the bundled table itself (tests/torch_models.py,
torch_papers.py, torch_googlenet.py), `probe` the twin of every primitive of issue 23
(tests/torch_probe.py) exported as each exporter writes it (`PROBE_EXPORTS`).
"""

from __future__ import annotations

import atexit
import multiprocessing
import shutil
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import torch_models
import torch_papers
import torch_probe
import torch_vision
from torch_googlenet import InferenceGoogLeNet

from inception_cost.implementation import torch_export
from inception_cost.spec.read import load_model

_VGG = {"vgg11": "A", "vgg11-lrn": "A-LRN", "vgg13": "B", "vgg16-c": "C", "vgg16": "D"}
_VGG |= {"vgg19": "E"}

#: Every bundled network with a twin of its table (LeNet-5's has none an export reads:
#: its C3 is a masked convolution, its subsampling and RBF units no ONNX operator).
PAPER_TWINS = {
    "googlenet": InferenceGoogLeNet,
    "googlenet-mnist": torch_models.MnistGoogLeNet,
    "alexnet": torch_models.AlexNet,
    "zfnet": torch_models.ZFNet,
    **{m: (lambda c=c: torch_models.VGG(c)) for m, c in _VGG.items()},
    **{f"resnet{d}": (lambda d=d: torch_models.ResNet(d)) for d in (18, 34, 50, 101, 152)},
    **torch_papers.TWINS,
}

#: The probe's exports: the exporter's defaults (opset 20: Gelu, HardSwish,
#: LayerNormalization nodes), opset 18 (GELU written out), and the legacy exporter at
#: opset 13 (h-swish as HardSigmoid times x; GELU and layer norm written out).
PROBE_EXPORTS = {"new": {}, "new-18": {"opset_version": 18}}
PROBE_EXPORTS["legacy-13"] = {"dynamo": False, "opset_version": 13}

_FOLDER = Path(tempfile.mkdtemp(prefix="inception-cost-onnx-"))
atexit.register(shutil.rmtree, _FOLDER, True)
_MADE: dict[tuple[str, str], Path] = {}
_PENDING: dict[tuple[str, str], Future] = {}
_POOL: list[ProcessPoolExecutor] = []


def twin(kind: str, name: str):
    """The torch module of (kind, name), random weights and batch-norm statistics."""
    if kind == "paper":
        return torch_vision.randomized(PAPER_TWINS[name]())
    if kind == "tv-aux":
        return torch_vision.randomized(torch_vision.GoogLeNet(aux=True))
    return torch_vision.randomized(torch_vision.TWINS[name]())


def _path(kind: str, name: str) -> Path:
    return _FOLDER / f"{kind}-{name}.onnx"


def _export(kind: str, name: str, path: str, module=None, threads: int = 0) -> str:
    if threads:
        import torch

        torch.set_num_threads(threads)
    if kind == "probe":
        return _export_probe(name, path)
    made = module if module is not None else twin(kind, name)
    torch_export.export(made, path, load_model(name).input_shape, fold=kind == "tv-fold")
    return path


def _export_probe(name: str, path: str) -> str:
    """The probe exported as `PROBE_EXPORTS[name]` says (the default: as torch_export does)."""
    import contextlib
    import io
    import warnings

    import torch

    probe, settings = torch_probe.randomized(torch_probe.Probe()), PROBE_EXPORTS[name]
    if not settings:
        torch_export.export(probe, path, torch_probe.INPUT)
        return path
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        h, w, c = torch_probe.INPUT
        x = torch.zeros(1, c, h, w)
        torch.onnx.export(probe, (x,), path, **{"dynamo": True, "optimize": False, **settings})
    return path


def prefetch(*keys: tuple[str, str]) -> None:
    """Start exporting `keys` in the background worker, in order."""
    if not _POOL:
        spawn = multiprocessing.get_context("spawn")  # torch's threads do not survive a fork
        _POOL.append(ProcessPoolExecutor(1, mp_context=spawn))
        atexit.register(_POOL[0].shutdown, cancel_futures=True)
    for kind, name in keys:
        if (kind, name) not in _MADE and (kind, name) not in _PENDING:
            path = str(_path(kind, name))
            _PENDING[kind, name] = _POOL[0].submit(_export, kind, name, path, None, 1)


def model(kind: str, name: str, module=None) -> str:
    """The path of the export of (kind, name) at the bundled table's input size; `module`
    exports that module under this key instead."""
    key = (kind, name)
    if key in _PENDING:
        _MADE[key] = Path(_PENDING.pop(key).result())
    if key not in _MADE:
        _MADE[key] = Path(_export(kind, name, str(_path(kind, name)), module))
    return str(_MADE[key])
