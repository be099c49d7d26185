"""Student: mixed precision (HANDOUT §2.4). Bug: the loss is computed inside autocast, from bf16 logits."""

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class StepReport:
    loss: float
    logits_dtype: str
    loss_dtype: str
    param_dtypes: tuple
    grad_dtypes: tuple


def mixed_precision_step(model, loss_fn, x, y, optimizer, dtype=torch.bfloat16):
    if dtype == torch.float16 and x.device.type == "cpu":
        raise ValueError("float16 needs a GPU")
    optimizer.zero_grad()
    with torch.autocast(device_type=x.device.type, dtype=dtype):
        logits = model(x)
        loss = loss_fn(logits, y).to(dtype)
    loss.backward()
    grads = tuple(str(p.grad.dtype) for p in model.parameters())
    optimizer.step()
    return StepReport(loss.item(), str(logits.dtype), str(loss.dtype), tuple(str(p.dtype) for p in model.parameters()),
                      grads)
