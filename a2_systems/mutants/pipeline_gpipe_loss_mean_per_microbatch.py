"""Each microbatch's loss is its own mean cross-entropy divided by the number of microbatches (guessed as
total_tokens / its tokens): right when the microbatches are equal, mis-weighted when m does not divide the batch
(a smaller microbatch's tokens count more than the others')."""

import torch.nn.functional as F
from torch import Tensor

UNIT = "a2.pipeline_gpipe"
TARGET = "microbatch_loss"


def MUTANT(logits: Tensor, targets: Tensor, total_tokens: int) -> Tensor:
    mean = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    return mean / round(total_tokens / targets.numel())
