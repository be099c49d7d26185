"""get_batch drawing starts from [0, len − context_length − 2]: the last window that fits is never drawn.

An off-by-one from treating randint's upper bound as inclusive (or from reserving one token too many for y).
Every single batch looks fine; only the distribution of starts shows it.
"""

import numpy as np
import torch
from torch import Tensor

UNIT = "a1.get_batch"
TARGET = "get_batch"


def MUTANT(dataset: np.ndarray, batch_size: int, context_length: int, device: str) -> tuple[Tensor, Tensor]:
    starts = np.random.randint(0, len(dataset) - context_length - 1, size=batch_size)
    windows = np.stack([dataset[s:s + context_length + 1] for s in starts]).astype(np.int64)
    tokens = torch.from_numpy(windows).to(device)
    return tokens[:, :-1], tokens[:, 1:]
