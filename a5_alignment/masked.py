"""Reductions that count only the positions a mask selects (HANDOUT.md §2.3)."""

from __future__ import annotations

from torch import Tensor


def masked_normalize(tensor: Tensor, mask: Tensor, dim: int | None = None,
                     normalize_constant: float = 1.0) -> Tensor:
    """Sum of tensor over `dim` (every element when None) where mask is true, divided by normalize_constant.

    tensor and mask have the same shape; masked-out values never matter, even when they are inf or NaN.
    Naive equivalent: torch.where(mask, tensor, 0).sum(dim) / normalize_constant.
    """
    # BEGIN SOLUTION
    kept = tensor.where(mask.bool(), 0.0)
    total = kept.sum() if dim is None else kept.sum(dim=dim)
    return total / normalize_constant
    # END SOLUTION


def masked_mean(tensor: Tensor, mask: Tensor, dim: int | None = None) -> Tensor:
    """Mean of tensor over `dim` (every element when None) counting only positions where mask is true.

    A slice with no true position gives NaN (0 / 0), as torch.mean of an empty tensor does. Naive
    equivalent: torch.where(mask, tensor, 0).sum(dim) / mask.sum(dim).
    """
    # BEGIN SOLUTION
    m = mask.bool()
    kept = tensor.where(m, 0.0)
    if dim is None:
        return kept.sum() / m.sum()
    return kept.sum(dim=dim) / m.sum(dim=dim)
    # END SOLUTION
