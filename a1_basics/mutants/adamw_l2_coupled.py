"""Adam with L2 regularisation (g ← g + λθ) instead of decoupled weight decay.

This is torch.optim.Adam(weight_decay=...) and the bug AdamW's paper is about: the decay term passes through
the adaptive normalisation, so parameters with large gradients are barely decayed.
"""

import math
from collections.abc import Callable

import torch

from a1_basics.optim.adamw import AdamW

UNIT = "a1.adamw"
TARGET = "AdamW"


class MUTANT(AdamW):
    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        for group in self.param_groups:
            lr, (beta1, beta2), eps, decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"], state["exp_avg_sq"] = torch.zeros_like(p), torch.zeros_like(p)
                state["step"] += 1
                t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
                g = p.grad + decay * p
                m.mul_(beta1).add_(g, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                alpha_t = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
                p.addcdiv_(m, v.sqrt().add_(eps), value=-alpha_t)
        return None
