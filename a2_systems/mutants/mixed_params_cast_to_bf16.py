"""Casts the model to bf16 instead of using autocast: no float32 master weights, so small updates round away."""

import torch

from a2_systems.profiling.mixed_precision import StepReport

UNIT = "a2.mixed_precision"
TARGET = "mixed_precision_step"


def MUTANT(model, loss_fn, x, y, optimizer, dtype=torch.bfloat16):
    model.to(dtype)
    optimizer.zero_grad(set_to_none=True)
    logits = model(x.to(dtype))
    loss = loss_fn(logits.float(), y)
    loss.backward()
    params = list(model.parameters())
    grads = tuple(str(p.grad.dtype) for p in params)
    optimizer.step()
    return StepReport(float(loss.detach()), str(logits.dtype), str(loss.dtype), tuple(str(p.dtype) for p in params),
                      grads)
