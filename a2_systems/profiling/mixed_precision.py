"""One training step in mixed precision: autocast's low-precision matmuls, float32 everywhere it matters.

Under `torch.autocast(device_type, dtype=torch.bfloat16)` matmul-heavy ops (linear, matmul, conv) run in bfloat16
while reductions and normalisations stay in float32. The parameters themselves stay float32 ("master weights"):
autocast casts them per op, so gradients arrive in float32 and the optimizer updates float32 values. The loss is
computed in float32 from logits cast up: a bf16 log-softmax over a large vocabulary loses the small differences
the gradient is made of. bfloat16 has float32's exponent range, so unlike float16 it needs no loss scaling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn


@dataclass(frozen=True)
class StepReport:
    loss: float
    logits_dtype: str  # dtype of the model's output inside autocast, e.g. "torch.bfloat16"
    loss_dtype: str  # dtype the loss was computed in
    param_dtypes: tuple[str, ...]  # after the step, in model.parameters() order
    grad_dtypes: tuple[str, ...]  # of the gradients the optimizer used


def mixed_precision_step(model: nn.Module, loss_fn: Callable[[Tensor, Tensor], Tensor], x: Tensor, y: Tensor,
                         optimizer: torch.optim.Optimizer, dtype: torch.dtype = torch.bfloat16) -> StepReport:
    """zero_grad; forward under autocast(`dtype`) on x's device type; loss_fn(logits in float32, y) outside
    autocast; backward; optimizer.step(). `dtype` is torch.bfloat16 or torch.float16 (float16 is GPU-only here,
    and would need a GradScaler: raise ValueError for it on CPU)."""
    # BEGIN SOLUTION
    device_type = x.device.type
    if dtype not in (torch.bfloat16, torch.float16):
        raise ValueError(f"dtype must be torch.bfloat16 or torch.float16, got {dtype}")
    if dtype == torch.float16 and device_type == "cpu":
        raise ValueError("float16 autocast needs a GPU and a GradScaler here; use torch.bfloat16 on CPU")
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(device_type=device_type, dtype=dtype):
        logits = model(x)
    loss = loss_fn(logits.float(), y)
    loss.backward()
    params = list(model.parameters())
    grad_dtypes = tuple(str(p.grad.dtype) for p in params if p.grad is not None)
    optimizer.step()
    return StepReport(float(loss.detach()), str(logits.dtype), str(loss.dtype), tuple(str(p.dtype) for p in params),
                      grad_dtypes)
    # END SOLUTION
