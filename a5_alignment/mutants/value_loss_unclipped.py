"""The value loss without its clipped term: 0.5 * masked mean of (V - R)^2."""

from a5_alignment.masked import masked_mean

UNIT = "a5.ppo_step"
TARGET = "compute_value_loss"


def MUTANT(values, old_values, returns, response_mask, cliprange_value):
    err = (values - returns.detach()) ** 2
    return 0.5 * masked_mean(err, response_mask), {"clipped": err < 0}
