"""A student's SFT step, with a bug: the loss is not divided by gradient_accumulation_steps."""

from __future__ import annotations

from torch import Tensor

from a5_alignment.masked import masked_normalize


def sft_microbatch_train_step(policy_log_probs: Tensor, response_mask: Tensor, gradient_accumulation_steps: int,
                              normalize_constant: float = 1.0) -> tuple[Tensor, dict[str, Tensor]]:
    per_seq = masked_normalize(policy_log_probs, response_mask, dim=-1, normalize_constant=normalize_constant)
    loss = -per_seq.mean()
    loss.backward()
    return loss, {"nll": loss.detach()}
