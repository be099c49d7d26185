"""r_chosen >= r_rejected: equal rewards count as a correct order (a constant reward model scores 100%)."""

UNIT = "a5.preference_loss"
TARGET = "pairwise_accuracy"


def MUTANT(r_chosen, r_rejected, tie=None):
    if r_chosen.shape != r_rejected.shape or (tie is not None and bool(tie.all())):
        raise ValueError("bad input")
    keep = ~tie if tie is not None else r_chosen == r_chosen
    return float((r_chosen[keep] >= r_rejected[keep]).double().mean())
