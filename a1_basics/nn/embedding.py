"""A token embedding table: row i of the weight is the vector of token id i."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class Embedding(nn.Module):
    """Looks up rows of a (num_embeddings, embedding_dim) weight.

    Naive equivalent: torch.nn.Embedding(num_embeddings, embedding_dim), or one_hot(ids) @ weight. Init:
    standard normal truncated at ±3.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # BEGIN SOLUTION
        self.weight = nn.Parameter(torch.empty(num_embeddings, embedding_dim, device=device, dtype=dtype))
        nn.init.trunc_normal_(self.weight, mean=0.0, std=1.0, a=-3.0, b=3.0)
        # END SOLUTION

    def forward(self, token_ids: Tensor) -> Tensor:
        """token_ids: integer (...) -> (..., embedding_dim), in the weight's dtype."""
        # BEGIN SOLUTION
        return self.weight[token_ids]
        # END SOLUTION
