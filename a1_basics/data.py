"""Training data: a long 1-D array of token ids (usually a uint16 memmap on disk) and random batches of
next-token-prediction windows drawn from it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch
from torch import Tensor


def get_batch(dataset: np.ndarray, batch_size: int, context_length: int,
              device: torch.device | str) -> tuple[Tensor, Tensor]:
    """Draws batch_size windows of context_length + 1 consecutive tokens at independent, uniformly random starts
    s in [0, len(dataset) − context_length − 1] (every window that fits), and splits each into an input and its
    target shifted by one: x[b] = dataset[s_b : s_b + context_length], y[b] = dataset[s_b + 1 : s_b +
    context_length + 1].

    dataset: 1-D integer array (np.memmap works: only the sampled windows are read). Returns x, y: int64
    (batch_size, context_length) on `device`. Randomness comes from numpy's global generator (np.random.seed
    makes it repeatable). Raises ValueError when the dataset has no window of context_length + 1 tokens.
    """
    # BEGIN SOLUTION
    n_starts = len(dataset) - context_length
    if n_starts < 1:
        raise ValueError(f"a dataset of {len(dataset)} tokens has no window of context_length + 1 = "
                         f"{context_length + 1} tokens")
    starts = np.random.randint(0, n_starts, size=batch_size)  # high is exclusive: s <= len - ctx - 1
    # (batch, ctx + 1) gather of the windows; only these rows of a memmap are read from disk.
    windows = np.stack([dataset[s:s + context_length + 1] for s in starts]).astype(np.int64)
    tokens = torch.from_numpy(windows).to(device)
    return tokens[:, :-1], tokens[:, 1:]
    # END SOLUTION


def load_tokens(path: str | Path, dtype: type = np.uint16) -> np.memmap:
    """Opens a flat binary file of token ids (as written by `write_tokens`) read-only, without loading it."""
    return np.memmap(path, dtype=dtype, mode="r")


def write_tokens(ids: Iterable[int] | np.ndarray, path: str | Path, dtype: type = np.uint16) -> int:
    """Writes token ids as a flat binary file of `dtype` (uint16 fits vocabularies up to 65,536). Returns the
    number of tokens written. Raises ValueError when an id does not fit the dtype."""
    arr = np.asarray(ids if isinstance(ids, np.ndarray) else np.fromiter(ids, dtype=np.int64))
    if arr.size and (arr.min() < 0 or arr.max() > np.iinfo(dtype).max):
        raise ValueError(f"token ids span [{arr.min()}, {arr.max()}], which does not fit {np.dtype(dtype).name}; "
                         f"pass a wider dtype")
    arr.astype(dtype).tofile(path)
    return int(arr.size)
