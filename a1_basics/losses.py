"""Cross-entropy of next-token logits, computed stably by hand."""

from __future__ import annotations

import torch
from torch import Tensor


def cross_entropy(logits: Tensor, targets: Tensor) -> Tensor:
    """Mean over every position of -log softmax(logits)[target]: a 0-d tensor.

    logits: (..., vocab) unnormalised scores; targets: integer (...) in [0, vocab). Computed as
    logsumexp(logits) - logits[target], with the row max subtracted before exp so that nothing overflows;
    float16/bfloat16 logits are upcast to float32 (the result is float32 then; float64 stays float64).
    Naive equivalent: torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), targets.reshape(-1)), or
    -log(softmax(logits)[target]).mean(), which gives inf once a probability underflows to 0.
    """
    # BEGIN SOLUTION
    logits = logits.to(torch.promote_types(logits.dtype, torch.float32))
    # logsumexp(x) = m + log(sum(exp(x - m))) with m the row max: every exponent <= 0, the largest term is 1.
    # subtle: m cancels out of the gradient, so it is detached: autograd then skips amax's costly backward.
    m = logits.detach().amax(dim=-1, keepdim=True)  # (..., 1)
    log_norm = torch.log(torch.exp(logits - m).sum(dim=-1)) + m.squeeze(-1)  # (...,)
    target_logit = logits.gather(-1, targets.long().unsqueeze(-1)).squeeze(-1)  # (...,)
    return (log_norm - target_logit).mean()
    # END SOLUTION
