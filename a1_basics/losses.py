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
    return _CrossEntropy.apply(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1).long())
    # END SOLUTION


# BEGIN SOLUTION ONLY
class _CrossEntropy(torch.autograd.Function):
    """Mean cross-entropy of rows of logits (n, V) against targets (n,), with its gradient written out.

    Autograd through logsumexp - gather is just as correct; this saves its bookkeeping on the largest tensor of a
    training step (batch x seq x vocab): the backward is one pass, d loss / d logits = (softmax - onehot) / n.
    """

    @staticmethod
    def forward(ctx, logits: Tensor, targets: Tensor) -> Tensor:
        # logsumexp(x) = m + log(sum(exp(x - m))) with m the row max: every exponent <= 0, the largest term is 1.
        m = logits.amax(dim=-1, keepdim=True)  # (n, 1)
        # subtle: in place wherever the (n, V) tensor allows: a fresh tensor that size comes from the OS page by
        # page (page faults cost several times the arithmetic), so each one allocated less is a pass saved
        exps = (logits - m).exp_()  # (n, V)
        sums = exps.sum(dim=-1, keepdim=True)  # (n, 1)
        log_norm = torch.log(sums) + m  # (n, 1)
        target_logit = logits.gather(-1, targets.unsqueeze(-1))  # (n, 1)
        ctx.save_for_backward(exps, sums, targets)
        return (log_norm - target_logit).mean()

    @staticmethod
    def backward(ctx, grad: Tensor) -> tuple[Tensor, None]:
        exps, sums, targets = ctx.saved_tensors
        scale = grad / exps.shape[0]
        # exps is dead after this (a second backward through the graph raises: its version counter moved)
        g = exps.mul_(scale / sums)  # softmax * scale
        g.scatter_add_(-1, targets.unsqueeze(-1), torch.full_like(sums, -1.0) * scale)
        return g, None
# END SOLUTION ONLY
