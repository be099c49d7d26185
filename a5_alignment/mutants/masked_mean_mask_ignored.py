"""masked_mean multiplying by the mask but dividing by every position's count."""

UNIT = "a5.masked"
TARGET = "masked_mean"


def MUTANT(tensor, mask, dim=None):
    kept = tensor.where(mask.bool(), 0.0)
    return kept.mean() if dim is None else kept.mean(dim=dim)
