"""get_batch returning y = x (targets not shifted by one).

The model then learns to copy its input; the loss falls to zero and generation is garbage.
"""

import numpy as np
import torch
from torch import Tensor

UNIT = "a1.get_batch"
TARGET = "get_batch"


def MUTANT(dataset: np.ndarray, batch_size: int, context_length: int, device: str) -> tuple[Tensor, Tensor]:
    starts = np.random.randint(0, len(dataset) - context_length, size=batch_size)
    x = torch.from_numpy(np.stack([dataset[s:s + context_length] for s in starts]).astype(np.int64)).to(device)
    return x, x.clone()
