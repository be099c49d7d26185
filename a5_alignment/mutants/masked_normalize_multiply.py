"""masked_normalize as (tensor * mask): a NaN or inf in a masked-out position leaks into the sum."""

UNIT = "a5.masked"
TARGET = "masked_normalize"


def MUTANT(tensor, mask, dim=None, normalize_constant=1.0):
    kept = tensor * mask
    return (kept.sum() if dim is None else kept.sum(dim=dim)) / normalize_constant
