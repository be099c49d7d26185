"""torch.tensor(scores).argmax(): a list of Python floats becomes float32, so scores 1e-9 apart tie and the
earlier one wins."""

import torch

UNIT = "a5.best_of_n"
TARGET = "best_of_n"


def MUTANT(scores):
    t = torch.tensor(list(scores))
    if t.numel() == 0 or torch.isnan(t).any():
        raise ValueError("bad scores")
    return int(t.argmax())
