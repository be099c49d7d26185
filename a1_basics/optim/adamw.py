"""AdamW (Loshchilov & Hutter, 2019): Adam with weight decay decoupled from the gradient."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch


class AdamW(torch.optim.Optimizer):
    """For each parameter θ with gradient g, at step t = 1, 2, ... (hyperparameters per param group):

        m ← β1 m + (1 − β1) g            v ← β2 v + (1 − β2) g²
        α_t = lr · sqrt(1 − β2^t) / (1 − β1^t)      (bias correction of m and v)
        θ ← θ − α_t m / (sqrt(v) + ε)
        θ ← θ − lr · λ θ                  (decoupled weight decay: never enters m or v)

    Parameters whose .grad is None are skipped (their step count does not advance). State per parameter:
    "step" (int), "exp_avg" (m), "exp_avg_sq" (v). Naive equivalent: torch.optim.AdamW, which decays before the
    Adam step and adds ε after dividing sqrt(v) by sqrt(1 − β2^t); the two agree to ~1e-4 over 1000 steps.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.01) -> None:
        if lr < 0 or eps < 0 or weight_decay < 0:
            raise ValueError(f"AdamW: lr, eps and weight_decay must be >= 0 (got {lr}, {eps}, {weight_decay})")
        if not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError(f"AdamW: betas must lie in [0, 1), got {betas}")
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One update of every parameter that has a gradient. `closure` re-evaluates the loss (optional)."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self.update(p, self.state[p], group)
        return loss

    def update(self, p: torch.Tensor, state: dict, group: dict) -> None:
        """One parameter's update, in place: its moments, its Adam step, its decoupled decay. `state` is the
        parameter's (empty before its first step), `group` its param group's hyperparameters."""
        # BEGIN SOLUTION
        lr, (beta1, beta2), eps, decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = torch.zeros_like(p)
            state["exp_avg_sq"] = torch.zeros_like(p)
        state["step"] += 1
        m, v, g = state["exp_avg"], state["exp_avg_sq"], p.grad
        m.mul_(beta1).add_(g, alpha=1 - beta1)
        v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        p.addcdiv_(m, v.sqrt().add_(eps), value=-self.step_size(lr, beta1, beta2, state["step"]))
        p.mul_(1 - lr * decay)
        # END SOLUTION

    @staticmethod
    def step_size(lr: float, beta1: float, beta2: float, t: int) -> float:
        """α_t = lr · sqrt(1 − β2^t) / (1 − β1^t) at step t = 1, 2, ..."""
        # BEGIN SOLUTION
        # subtle: both corrections fold into one step size; m and v themselves stay uncorrected.
        return lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
        # END SOLUTION
