"""ParallelAttention that gives each rank a contiguous 1/P of the fused w_qkv rows (rank 0
gets all of W_q and part of W_k) instead of the q, k and v rows of its own heads."""

import torch
from torch import Tensor, nn

from a2_systems.distributed.tensor_parallel import ParallelAttention, RowParallelLinear

UNIT = "a2.tensor_parallel"
TARGET = "ParallelAttention"


class MUTANT(ParallelAttention):
    @classmethod
    def from_full(cls, w_qkv: Tensor, w_o: Tensor, num_heads: int) -> ParallelAttention:
        d_model = w_o.shape[0]
        attn = cls(d_model, num_heads)
        n = 3 * d_model // attn.world_size
        attn.qkv_proj.weight = nn.Parameter(torch.as_tensor(w_qkv)[attn.rank * n:(attn.rank + 1) * n].clone())
        attn.output_proj = RowParallelLinear.from_full(w_o)
        return attn
