"""The value loss taking the smaller of the clipped and unclipped errors (optimistic, not pessimistic)."""

import torch

from a5_alignment.masked import masked_mean

UNIT = "a5.ppo_step"
TARGET = "compute_value_loss"


def MUTANT(values, old_values, returns, response_mask, cliprange_value):
    v_clip = old_values + torch.clamp(values - old_values, -cliprange_value, cliprange_value)
    a, b = (values - returns) ** 2, (v_clip - returns) ** 2
    return 0.5 * masked_mean(torch.minimum(a, b), response_mask), {"clipped": b < a}
