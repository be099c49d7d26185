"""The mean of the final hidden states over each row's real tokens instead of its last token."""

import torch

from a5_alignment.reward_model import RewardModel

UNIT = "a5.reward_model"
TARGET = "RewardModel"


class MUTANT(RewardModel):
    def forward(self, input_ids, lengths=None):
        seen = {}
        hook = self.policy.ln_final.register_forward_hook(lambda mod, args, out: seen.update(h=out))
        super().forward(input_ids, lengths)  # checks the lengths, runs the trunk once
        hook.remove()
        h, t = seen["h"], input_ids.shape[1]
        n = torch.full((h.shape[0],), t) if lengths is None else lengths
        keep = (torch.arange(t)[None, :] < n[:, None]).to(h.dtype)
        return self.score_head((h * keep[..., None]).sum(1) / keep.sum(1, keepdim=True)).squeeze(-1)
