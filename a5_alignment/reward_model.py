"""A reward model for RLHF (Stiennon et al. 2020, "Learning to summarize from human feedback"; Ouyang et al. 2022;
HANDOUT.md §13.1): the policy's trunk with a scalar head that reads the final hidden state of each sequence's
last token, the same d_model -> 1 projection as PPO's value head (§10.3) at one position instead of every one."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn


class RewardModel(nn.Module):
    """Wraps a1's TransformerLM (`policy`, kept as `self.policy`; its LM head is unused) and adds
    `score_head = torch.nn.Linear(d_model, 1)` (with bias), initialised to zero, so every reward is 0 before
    training.

    forward(input_ids (batch, seq), lengths (batch,) int or None) -> rewards (batch,): row b's reward is
    score_head(h[b, lengths[b] - 1]), where h = policy.ln_final(...) is the final hidden state (the LM head's
    input) and lengths[b] counts row b's real tokens (prompt + response), the rest of the row being padding on
    the right; lengths None means every row is full. Each length must lie in [1, seq], else ValueError. One pass
    through the trunk; gradients reach it (the trunk is trained with the head).
    """

    def __init__(self, policy: Any) -> None:
        super().__init__()
        # BEGIN SOLUTION
        self.policy = policy
        param = next(policy.parameters())
        self.score_head = nn.Linear(policy.config.d_model, 1, device=param.device, dtype=param.dtype)
        nn.init.zeros_(self.score_head.weight)
        nn.init.zeros_(self.score_head.bias)
        # END SOLUTION

    def forward(self, input_ids: Tensor, lengths: Tensor | None = None) -> Tensor:
        # BEGIN SOLUTION
        p = self.policy
        b, t = input_ids.shape
        if t > p.config.context_length:
            raise ValueError(f"a sequence of {t} tokens exceeds context_length={p.config.context_length}")
        if lengths is None:
            lengths = torch.full((b,), t, dtype=torch.long, device=input_ids.device)
        if lengths.shape != (b,) or bool(((lengths < 1) | (lengths > t)).any()):
            raise ValueError(f"lengths must have shape ({b},) with values in [1, {t}]; got {lengths.tolist()}")
        x = p.token_embeddings(input_ids)  # (batch, seq, d_model)
        for i, layer in enumerate(p.layers):
            x = layer(x, layer_idx=i)
        h = p.ln_final(x)
        last = h[torch.arange(b, device=h.device), lengths.long() - 1]  # (batch, d_model)
        return self.score_head(last).squeeze(-1)
        # END SOLUTION
