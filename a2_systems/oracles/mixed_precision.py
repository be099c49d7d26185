"""Expected values of a2.mixed_precision's cases (instructor-only): autocast's documented dtypes (bfloat16 logits,
a float32 loss, float32 parameters and gradients) and a plain float32 SGD(lr=1) step of the same toy model,
computed in the grader's process."""

from a2_systems.cases.mixed_precision import _toy
from shared.cases.tensors import numpy, tensor


def expect_step(inp: dict) -> dict:
    import torch

    model = _toy(inp)
    before = [p.detach().clone() for p in model.parameters()]
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    loss = torch.nn.functional.cross_entropy(model(tensor(inp["x"])), tensor(inp["y"]))
    loss.backward()
    opt.step()
    n = len(before)
    return {"loss": float(loss.detach()), "logits_dtype": "torch.bfloat16", "loss_dtype": "torch.float32",
            "param_dtypes": ["torch.float32"] * n, "grad_dtypes": ["torch.float32"] * n,
            "updates": [numpy(p - b) for p, b in zip(model.parameters(), before, strict=True)]}
