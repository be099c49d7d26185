"""Per-token log-probabilities of the labels under a model, and the entropy of its next-token distributions
(HANDOUT.md §2.2)."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor


def compute_entropy(logits: Tensor) -> Tensor:
    """Entropy (in nats) of softmax(logits) over the last dim: logits (..., vocab) -> (...).

    Must stay finite for logits of any size (no exp of large numbers). Naive equivalent:
    -(softmax(z) * log_softmax(z)).sum(-1) with torch.nn.functional.
    """
    # BEGIN SOLUTION
    log_z = torch.logsumexp(logits, dim=-1, keepdim=True)
    log_p = logits - log_z  # (..., vocab)
    return -(log_p.exp() * log_p).sum(dim=-1)
    # END SOLUTION


def model_logits(model: Any, input_ids: Tensor) -> Tensor:
    """model(input_ids) as a (batch, seq, vocab) tensor: our TransformerLM returns the logits directly, a
    transformers model returns an object with `.logits`; both are accepted."""
    out = model(input_ids)
    return out.logits if hasattr(out, "logits") else out


def get_response_log_probs(model: Any, input_ids: Tensor, labels: Tensor,
                           return_token_entropy: bool = False) -> dict[str, Tensor]:
    """log p(labels[b, t] | input_ids[b, :t+1]) for every position: input_ids, labels (batch, seq) int64 ->
    {"log_probs": (batch, seq)} plus {"token_entropy": (batch, seq)} when asked.

    `model(input_ids)` gives logits (batch, seq, vocab) (or an object with `.logits`). Gradients flow into the
    model. Naive equivalent: torch.nn.functional.log_softmax(logits, -1).gather(-1, labels[..., None]).
    """
    # BEGIN SOLUTION
    logits = model_logits(model, input_ids)  # (batch, seq, vocab)
    log_z = torch.logsumexp(logits, dim=-1)  # (batch, seq)
    picked = logits.gather(-1, labels.unsqueeze(-1)).squeeze(-1)  # (batch, seq)
    out = {"log_probs": picked - log_z}
    if return_token_entropy:
        out["token_entropy"] = compute_entropy(logits)
    return out
    # END SOLUTION
