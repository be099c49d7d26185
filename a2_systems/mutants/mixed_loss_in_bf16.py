"""Computes the loss inside autocast from bf16 logits: the loss (and its gradient) loses precision."""

import torch

from a2_systems.profiling.mixed_precision import StepReport

UNIT = "a2.mixed_precision"
TARGET = "mixed_precision_step"


def MUTANT(model, loss_fn, x, y, optimizer, dtype=torch.bfloat16):
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(device_type=x.device.type, dtype=dtype):
        logits = model(x)
        loss = loss_fn(logits, y).to(dtype)
    loss.backward()
    params = list(model.parameters())
    grads = tuple(str(p.grad.dtype) for p in params)
    optimizer.step()
    return StepReport(float(loss.detach()), str(logits.dtype), str(loss.dtype), tuple(str(p.dtype) for p in params),
                      grads)
