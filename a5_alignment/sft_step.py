"""One SFT microbatch: the negative log-likelihood of the response tokens, scaled for gradient accumulation,
with its backward pass (HANDOUT.md §3.1)."""

from __future__ import annotations

from torch import Tensor

from a5_alignment.masked import masked_normalize


def sft_microbatch_train_step(policy_log_probs: Tensor, response_mask: Tensor, gradient_accumulation_steps: int,
                              normalize_constant: float = 1.0) -> tuple[Tensor, dict[str, Tensor]]:
    """policy_log_probs, response_mask: (batch, seq). Computes

        loss = mean_b( -sum_t mask[b, t] * log_probs[b, t] / normalize_constant ) / gradient_accumulation_steps

    calls loss.backward() and returns (loss, metadata) with metadata["nll"] the unscaled loss (detached).
    Dividing by the accumulation steps makes k microbatches of size n give the gradient of one batch of k*n.
    """
    # BEGIN SOLUTION
    if gradient_accumulation_steps < 1:
        raise ValueError(f"gradient_accumulation_steps must be >= 1, got {gradient_accumulation_steps}")
    per_seq = masked_normalize(policy_log_probs, response_mask, dim=-1, normalize_constant=normalize_constant)
    nll = -per_seq.mean()
    loss = nll / gradient_accumulation_steps
    loss.backward()
    return loss, {"nll": nll.detach()}
    # END SOLUTION
