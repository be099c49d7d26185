"""Cross-entropy as log(sum(exp(logits))) - logits[target] without subtracting the max first.

Correct on small logits, it overflows to inf (and then NaN) once a logit passes ~88 in float32, which
happens in real training runs with a large learning rate.
"""

import torch
from torch import Tensor

UNIT = "a1.cross_entropy"
TARGET = "cross_entropy"


def MUTANT(logits: Tensor, targets: Tensor) -> Tensor:
    log_norm = torch.log(torch.exp(logits).sum(dim=-1))
    return (log_norm - logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)).mean()
