"""Adam with L2 regularisation (g ← g + λθ) instead of decoupled weight decay.

This is torch.optim.Adam(weight_decay=...) and the bug AdamW's paper is about: the decay term passes through
the adaptive normalisation, so parameters with large gradients are barely decayed.
"""

import torch

from a1_basics.optim.adamw import AdamW

UNIT = "a1.adamw"
TARGET = "AdamW"


class MUTANT(AdamW):
    def update(self, p: torch.Tensor, state: dict, group: dict) -> None:
        lr, (beta1, beta2), eps, decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"], state["exp_avg_sq"] = torch.zeros_like(p), torch.zeros_like(p)
        state["step"] += 1
        m, v = state["exp_avg"], state["exp_avg_sq"]
        g = p.grad + decay * p  # the decay enters the moments; no decoupled decay step
        m.mul_(beta1).add_(g, alpha=1 - beta1)
        v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        p.addcdiv_(m, v.sqrt().add_(eps), value=-self.step_size(lr, beta1, beta2, state["step"]))
