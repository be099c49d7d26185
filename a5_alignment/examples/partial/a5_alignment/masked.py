"""A student's masked reductions (correct)."""

from __future__ import annotations

import torch
from torch import Tensor


def masked_normalize(tensor: Tensor, mask: Tensor, dim: int | None = None,
                     normalize_constant: float = 1.0) -> Tensor:
    selected = torch.where(mask.bool(), tensor, torch.zeros_like(tensor))
    if dim is None:
        return selected.sum() / normalize_constant
    return selected.sum(dim) / normalize_constant


def masked_mean(tensor: Tensor, mask: Tensor, dim: int | None = None) -> Tensor:
    m = mask.bool()
    selected = torch.where(m, tensor, torch.zeros_like(tensor))
    if dim is None:
        return selected.sum() / m.sum()
    return selected.sum(dim) / m.sum(dim)
