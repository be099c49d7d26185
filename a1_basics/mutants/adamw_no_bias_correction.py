"""AdamW without bias correction: θ ← θ − lr · m / (sqrt(v) + ε) with the raw moments.

Early on m and v are biased towards their zero initialisation, so the first steps are off by up to
sqrt(1 − β2^t) / (1 − β1^t); students who skip the "minor" correction term get this.
"""

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
                    state["exp_avg"], state["exp_avg_sq"] = torch.zeros_like(p), torch.zeros_like(p)
                m, v = state["exp_avg"], state["exp_avg_sq"]
                m.mul_(beta1).add_(p.grad, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                p.addcdiv_(m, v.sqrt().add_(eps), value=-lr)
                p.mul_(1 - lr * decay)
        return None
