"""Expected values of a2.checkpointing's cases (instructor-only): the outputs and gradients of a plain
nn.Sequential of the same layers, and the layer start order that segments of `segment_size` give (0..L-1 for the
forward, then each segment's layers again, last segment first)."""

from a2_systems.cases.checkpointing import _layers
from shared.cases.tensors import numpy, tensor


def expect_stack(inp: dict) -> dict:
    import torch

    layers = _layers(inp)
    x = tensor(inp["x"]).requires_grad_(True)
    out = torch.nn.Sequential(*layers)(x)
    (out * out).sum().backward()
    depth, k = len(layers), inp["segment_size"]
    segments = [list(range(s, min(s + k, depth))) for s in range(0, depth, k)]
    order = list(range(depth)) + [i for seg in reversed(segments) for i in seg]
    return {"out": numpy(out), "x_grad": numpy(x.grad), "w_grads": [numpy(la[0].weight.grad) for la in layers],
            "start_order": order}
