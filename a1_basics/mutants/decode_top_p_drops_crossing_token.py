"""top_p_filter keeping tokens while the cumulative mass INCLUDING the token is <= p.

That drops the token that makes the mass reach p (so the kept mass is below p), and can keep nothing at all
when the top token alone exceeds p; the handout keeps the smallest set whose mass is >= p.
"""

import torch
from torch import Tensor

UNIT = "a1.decoding"
TARGET = "top_p_filter"


def MUTANT(probs: Tensor, p: float) -> Tensor:
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    keep_sorted = torch.cumsum(sorted_probs, dim=-1) <= p
    keep_sorted[..., 0] = True  # at least keep the top token
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = probs.where(keep, torch.zeros((), dtype=probs.dtype))
    return kept / kept.sum(dim=-1, keepdim=True)
