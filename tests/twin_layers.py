"""One per-layer check of a built network against its torch twin, for every twin module."""

import torch
from torch.utils.flop_counter import FlopCounterMode

from inception_cost import cost


def assert_layers_match(net, twin, modules, flop_name, mac_kinds, device="cpu", shapes=True):
    """Each op with parameters has its twin module (`modules`, keyed by op name): the same
    params, the same output shape (when `shapes`), and for `mac_kinds` ops MACs equal to
    flop_counter / 2 (its count under `flop_name(op name)`); every module has its op."""
    seen = {}
    if shapes:
        for name, module in modules.items():
            module.register_forward_hook(
                lambda _m, _i, out, name=name: seen.__setitem__(name, tuple(out.shape))
            )
    h, w, c = net.input_shape
    with FlopCounterMode(display=False) as counter:
        twin(torch.zeros(1, c, h, w, device=device))
    flops = {k: sum(v.values()) for k, v in counter.get_flop_counts().items()}
    checked = set()
    for block in cost.analyse(net).blocks:
        for c_op in block.ops:
            if not (c_op.params or c_op.fixed):
                continue
            module = modules[c_op.op.name]
            assert c_op.params == sum(p.numel() for p in module.parameters()), c_op.op.name
            if shapes:
                ho, wo, co = c_op.op.out_shape
                assert seen[c_op.op.name] == (1, co, ho, wo), c_op.op.name
            if c_op.op.kind in mac_kinds:
                where = f"{type(twin).__name__}.m.{flop_name(c_op.op.name)}"
                assert c_op.macs == flops[where] // 2, c_op.op.name
            checked.add(c_op.op.name)
    assert checked == set(modules)  # every torch layer has its op
