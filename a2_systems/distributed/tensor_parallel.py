"""Tensor parallelism (Megatron-LM, Shoeybi et al. 2019): one layer's weight matrices split across ranks, every rank
seeing the whole batch. HANDOUT.md §7.1.

Notation: a full weight W has shape (d_out, d_in) and y = x W^T (a1's Linear). With P ranks, rank r holds

- ColumnParallelLinear: rows r*d_out/P .. (r+1)*d_out/P of W (a slice of the *outputs*); y_r = x W_r^T is rank r's
  slice of y, no communication in forward. The input x is the same on every rank, so each rank's gradient of x
  is only the part that flows through its own outputs: backward all-reduces (sums) dL/dx.
- RowParallelLinear: columns r*d_in/P .. (r+1)*d_in/P of W (a slice of the *inputs*); it takes rank r's slice of
  the input and y = sum_r x_r W_r^T: forward all-reduces (sums) the partial outputs, backward needs none.

A column-parallel layer followed by a row-parallel one needs no communication between them (the column layer's
output slice is exactly the row layer's input slice): one all-reduce in forward, one in backward, per block.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import Tensor, nn

from a2_systems.distributed.world import require_world


# BEGIN SOLUTION ONLY
class _CopyToParallel(torch.autograd.Function):
    """Megatron's f: identity in forward, all-reduce (sum) of the gradient in backward."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        grad = grad.contiguous().clone()
        dist.all_reduce(grad, op=dist.ReduceOp.SUM)
        return grad


class _ReduceFromParallel(torch.autograd.Function):
    """Megatron's g: all-reduce (sum) in forward, identity in backward."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        x = x.contiguous().clone()
        dist.all_reduce(x, op=dist.ReduceOp.SUM)
        return x

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return grad


class _GatherLastDim(torch.autograd.Function):
    """All-gather along the last dim in forward (rank order); backward keeps this rank's slice of the gradient."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        rank, world = dist.get_rank(), dist.get_world_size()
        ctx.rank, ctx.width = rank, x.shape[-1]
        parts = [torch.empty_like(x) for _ in range(world)]
        dist.all_gather(parts, x.contiguous())
        return torch.cat(parts, dim=-1)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return grad[..., ctx.rank * ctx.width:(ctx.rank + 1) * ctx.width].contiguous()


def _split(n: int, world: int, what: str) -> int:
    if n % world != 0:
        raise ValueError(f"{what} = {n} is not divisible by the world size {world}: tensor parallelism gives every "
                         f"rank an equal slice; choose a size that is a multiple of {world}")
    return n // world


def _matrix(weight: Tensor, what: str) -> tuple[int, int]:
    """(rows, columns) of a full weight matrix, or a clear error."""
    if not isinstance(weight, torch.Tensor) or weight.ndim != 2:
        got = tuple(weight.shape) if isinstance(weight, torch.Tensor) else type(weight).__name__
        raise ValueError(f"{what} must be a 2-D tensor (out_features, in_features), got {got}")
    return int(weight.shape[0]), int(weight.shape[1])


def _check_full(weight: Tensor, shape: tuple[int, ...], what: str) -> Tensor:
    if not isinstance(weight, torch.Tensor):
        raise TypeError(f"{what} must be a torch.Tensor, got {type(weight).__name__}")
    if tuple(weight.shape) != shape:
        raise ValueError(f"{what} has shape {tuple(weight.shape)}, expected the full weight's {shape}")
    return weight.detach()
# END SOLUTION ONLY


class ColumnParallelLinear(nn.Module):
    """y = x W^T with W (out_features, in_features) split by rows (outputs) over the ranks.

    `weight`: nn.Parameter of shape (out_features / P, in_features), rank r's rows r*out/P .. (r+1)*out/P.
    forward: x (..., in_features), the same on every rank -> (..., out_features / P), this rank's slice of y, or,
    with `gather_output=True`, the whole y (..., out_features) (one all-gather). Backward all-reduces dL/dx (sum),
    so every rank gets the full input gradient. Raises ValueError when out_features is not divisible by P, and
    RuntimeError without a process group. Initialised like a1's Linear (std sqrt(2 / (in + out)) of the full
    shape); `from_full` loads a full weight.
    """

    def __init__(self, in_features: int, out_features: int, gather_output: bool = False) -> None:
        super().__init__()
        # BEGIN SOLUTION
        self.rank, self.world_size = require_world("ColumnParallelLinear")
        self.in_features, self.out_features, self.gather_output = in_features, out_features, gather_output
        local = _split(out_features, self.world_size, "out_features")
        std = (2.0 / (in_features + out_features)) ** 0.5
        self.weight = nn.Parameter(torch.empty(local, in_features))
        nn.init.trunc_normal_(self.weight, std=std, a=-3 * std, b=3 * std)
        # END SOLUTION

    @classmethod
    def from_full(cls, weight: Tensor, gather_output: bool = False) -> ColumnParallelLinear:
        """A layer holding this rank's rows of the full `weight` (out_features, in_features) (copied, same dtype)."""
        # BEGIN SOLUTION
        out_features, in_features = _matrix(weight, "weight")
        layer = cls(in_features, out_features, gather_output)
        n = layer.weight.shape[0]
        w = _check_full(weight, (out_features, in_features), "weight")
        layer.weight = nn.Parameter(w[layer.rank * n:(layer.rank + 1) * n].clone())
        return layer
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """x: (..., in_features) -> (..., out_features / P), or (..., out_features) with gather_output."""
        # BEGIN SOLUTION
        y = F.linear(_CopyToParallel.apply(x), self.weight)
        return _GatherLastDim.apply(y) if self.gather_output else y
        # END SOLUTION


class RowParallelLinear(nn.Module):
    """y = x W^T with W (out_features, in_features) split by columns (inputs) over the ranks.

    `weight`: nn.Parameter of shape (out_features, in_features / P), rank r's columns r*in/P .. (r+1)*in/P.
    forward: x_r (..., in_features / P), this rank's slice of the input -> (..., out_features), the full y on
    every rank (one all-reduce, sum, in forward; none in backward: dL/dx_r = dL/dy W_r). Raises ValueError when
    in_features is not divisible by P, and RuntimeError without a process group.
    """

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        # BEGIN SOLUTION
        self.rank, self.world_size = require_world("RowParallelLinear")
        self.in_features, self.out_features = in_features, out_features
        local = _split(in_features, self.world_size, "in_features")
        std = (2.0 / (in_features + out_features)) ** 0.5
        self.weight = nn.Parameter(torch.empty(out_features, local))
        nn.init.trunc_normal_(self.weight, std=std, a=-3 * std, b=3 * std)
        # END SOLUTION

    @classmethod
    def from_full(cls, weight: Tensor) -> RowParallelLinear:
        """A layer holding this rank's columns of the full `weight` (out_features, in_features)."""
        # BEGIN SOLUTION
        out_features, in_features = _matrix(weight, "weight")
        layer = cls(in_features, out_features)
        n = layer.weight.shape[1]
        w = _check_full(weight, (out_features, in_features), "weight")
        layer.weight = nn.Parameter(w[:, layer.rank * n:(layer.rank + 1) * n].clone())
        return layer
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """x: (..., in_features / P) -> (..., out_features), summed over the ranks."""
        # BEGIN SOLUTION
        return _ReduceFromParallel.apply(F.linear(x, self.weight))
        # END SOLUTION


class ParallelMLP(nn.Module):
    """a1's SwiGLU, W2 (SiLU(W1 x) * W3 x), tensor-parallel: `w1`, `w3` ColumnParallelLinear(d_model, d_ff) (no
    gather), `w2` RowParallelLinear(d_ff, d_model). Rank r computes d_ff / P hidden units end to end; exactly one
    all-reduce in forward (w2's) and one in backward (x's gradient). x: (..., d_model) -> (..., d_model), the
    same on every rank. ValueError when d_ff is not divisible by P.
    """

    def __init__(self, d_model: int, d_ff: int) -> None:
        super().__init__()
        # BEGIN SOLUTION
        self.w1 = ColumnParallelLinear(d_model, d_ff)
        self.w2 = RowParallelLinear(d_ff, d_model)
        self.w3 = ColumnParallelLinear(d_model, d_ff)
        # END SOLUTION

    @classmethod
    def from_full(cls, w1: Tensor, w2: Tensor, w3: Tensor) -> ParallelMLP:
        """From a1 SwiGLU's full weights: w1, w3 (d_ff, d_model), w2 (d_model, d_ff)."""
        # BEGIN SOLUTION
        d_ff, d_model = _matrix(w1, "w1")
        mlp = cls(d_model, d_ff)
        _check_full(w2, (d_model, d_ff), "w2")
        _check_full(w3, (d_ff, d_model), "w3")
        mlp.w1 = ColumnParallelLinear.from_full(w1)
        mlp.w2 = RowParallelLinear.from_full(w2)
        mlp.w3 = ColumnParallelLinear.from_full(w3)
        return mlp
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """x: (..., d_model) -> (..., d_model)."""
        # BEGIN SOLUTION
        # subtle: x goes through two column layers; each all-reduces its own share of dL/dx in backward, which
        # would be two all-reduces. Copying x into the parallel region once makes it one.
        x = _CopyToParallel.apply(x)
        h = F.silu(F.linear(x, self.w1.weight)) * F.linear(x, self.w3.weight)
        return self.w2(h)
        # END SOLUTION


class ParallelAttention(nn.Module):
    """Causal multi-head self-attention (no RoPE, no biases) with the heads split over the ranks.

    Full weights: `w_qkv` (3 d_model, d_model) = [W_q; W_k; W_v] stacked by rows (head h of W_q is rows
    h*d_head .. (h+1)*d_head, likewise W_k, W_v) and `w_o` (d_model, d_model). Rank r owns heads
    r*H/P .. (r+1)*H/P: `qkv_proj` is a ColumnParallelLinear whose weight (3 d_model / P, d_model) is
    [W_q rows of those heads; W_k rows; W_v rows] (NOT a contiguous third of w_qkv), `output_proj` a
    RowParallelLinear holding w_o's columns of those heads. Forward: x (batch, seq, d_model) -> same shape, every
    rank; one all-reduce in forward, one in backward. ValueError when num_heads is not divisible by P or
    d_model by num_heads.
    """

    def __init__(self, d_model: int, num_heads: int) -> None:
        super().__init__()
        # BEGIN SOLUTION
        if d_model % num_heads != 0:
            raise ValueError(f"d_model = {d_model} is not divisible by num_heads = {num_heads}")
        self.rank, self.world_size = require_world("ParallelAttention")
        self.d_model, self.num_heads, self.d_head = d_model, num_heads, d_model // num_heads
        self.local_heads = _split(num_heads, self.world_size, "num_heads")
        self.qkv_proj = ColumnParallelLinear(d_model, 3 * d_model)
        self.output_proj = RowParallelLinear(d_model, d_model)
        # END SOLUTION

    @classmethod
    def from_full(cls, w_qkv: Tensor, w_o: Tensor, num_heads: int) -> ParallelAttention:
        """This rank's heads of the full weights (see the class docstring for the slicing)."""
        # BEGIN SOLUTION
        d_model = _matrix(w_o, "w_o")[0]
        attn = cls(d_model, num_heads)
        w_qkv = _check_full(w_qkv, (3 * d_model, d_model), "w_qkv")
        _check_full(w_o, (d_model, d_model), "w_o")
        width = attn.local_heads * attn.d_head
        rows = slice(attn.rank * width, (attn.rank + 1) * width)
        local = torch.cat([w_qkv[i * d_model:(i + 1) * d_model][rows] for i in range(3)])  # (3 width, d_model)
        attn.qkv_proj.weight = nn.Parameter(local.clone())
        attn.output_proj = RowParallelLinear.from_full(w_o)
        return attn
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """x: (batch, seq, d_model) -> (batch, seq, d_model)."""
        # BEGIN SOLUTION
        b, s, _ = x.shape
        q, k, v = self.qkv_proj(x).chunk(3, dim=-1)  # each (b, s, local_heads * d_head)
        q, k, v = (t.reshape(b, s, self.local_heads, self.d_head).transpose(1, 2) for t in (q, k, v))
        o = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (b, local_heads, s, d_head)
        return self.output_proj(o.transpose(1, 2).reshape(b, s, self.local_heads * self.d_head))
        # END SOLUTION
