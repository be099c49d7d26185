"""Cross-entropy summed over positions instead of averaged.

The gradient is then batch_size x seq times larger, which silently changes the effective learning rate.
"""

import torch
from torch import Tensor

UNIT = "a1.cross_entropy"
TARGET = "cross_entropy"


def MUTANT(logits: Tensor, targets: Tensor) -> Tensor:
    shifted = logits - logits.amax(dim=-1, keepdim=True)
    log_norm = torch.log(torch.exp(shifted).sum(dim=-1))
    return (log_norm - shifted.gather(-1, targets.unsqueeze(-1)).squeeze(-1)).sum()
