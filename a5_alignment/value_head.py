"""A scalar value head on the policy's own trunk (HANDOUT.md §10.3): PPO's critic for the price of one
d_model -> 1 projection, since it reads the same final hidden states the LM head reads."""

from __future__ import annotations

from typing import Any

from torch import Tensor, nn


class PolicyWithValue(nn.Module):
    """Wraps a1's TransformerLM (`policy`) and adds `value_head = torch.nn.Linear(d_model, 1)` (with bias),
    initialised to zero, so that every value is 0 before training.

    forward(input_ids (batch, seq)) -> (logits (batch, seq, vocab), values (batch, seq)): logits exactly as
    policy(input_ids), values = value_head(h).squeeze(-1) where h = policy.ln_final(...) is the final hidden
    state, the input of the LM head. One pass through the trunk gives both (no second forward). Gradients of
    the values flow into the trunk (a shared critic). `policy` is the unchanged LM: sample from it.
    """

    def __init__(self, policy: Any) -> None:
        super().__init__()
        # BEGIN SOLUTION
        self.policy = policy
        d_model = policy.config.d_model
        param = next(policy.parameters())
        self.value_head = nn.Linear(d_model, 1, device=param.device, dtype=param.dtype)
        nn.init.zeros_(self.value_head.weight)
        nn.init.zeros_(self.value_head.bias)
        # END SOLUTION

    def forward(self, input_ids: Tensor) -> tuple[Tensor, Tensor]:
        # BEGIN SOLUTION
        p = self.policy
        if input_ids.shape[-1] > p.config.context_length:
            raise ValueError(f"a sequence of {input_ids.shape[-1]} tokens exceeds context_length="
                             f"{p.config.context_length}")
        x = p.token_embeddings(input_ids)  # (batch, seq, d_model)
        for i, layer in enumerate(p.layers):
            x = layer(x, layer_idx=i)
        h = p.ln_final(x)  # the LM head's input
        return p.lm_head(h), self.value_head(h).squeeze(-1)
        # END SOLUTION
