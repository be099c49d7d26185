"""The reference tensor-parallel layers against a1's own SwiGLU and MultiHeadSelfAttention (independent modules)
on 2 and 4 gloo ranks, gradients included, their collectives, and their errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.distributed as dist

from a1_basics.nn.activations import SwiGLU
from a1_basics.nn.attention import MultiHeadSelfAttention
from a2_systems.cases.tp_drivers import Collectives
from a2_systems.distributed.tensor_parallel import (
    ColumnParallelLinear,
    ParallelAttention,
    ParallelMLP,
    RowParallelLinear,
)
from a2_systems.distributed.world import run_world

D_MODEL, D_FF, HEADS, SEQ = 16, 32, 4, 5


def _a1_modules() -> tuple[SwiGLU, MultiHeadSelfAttention, torch.Tensor]:
    torch.manual_seed(0)
    mlp = SwiGLU(D_MODEL, D_FF)
    attn = MultiHeadSelfAttention(D_MODEL, HEADS)
    x = torch.randn(2, SEQ, D_MODEL)
    return mlp, attn, x


def _parallel(rank: int, world_size: int, which: str) -> dict:
    mlp, attn, x = _a1_modules()
    if which == "mlp":
        layer = ParallelMLP.from_full(mlp.w1.weight, mlp.w2.weight, mlp.w3.weight)
    else:
        w_qkv = torch.cat([attn.q_proj.weight, attn.k_proj.weight, attn.v_proj.weight])
        layer = ParallelAttention.from_full(w_qkv, attn.output_proj.weight, HEADS)
    x = x.clone().requires_grad_(True)
    c = Collectives()
    with c.active():
        with c.phase("forward"):
            y = layer(x)
        with c.phase("backward"):
            (y ** 2).sum().backward()
    return {"y": y.detach().numpy(), "x_grad": x.grad.numpy(), "counts": c.counts,
            "grads": {n: p.grad.numpy() for n, p in layer.named_parameters()}}


@pytest.mark.parametrize("world_size", [2, 4])
@pytest.mark.parametrize("which", ["mlp", "attention"])
def test_parallel_block_equals_a1_module(which: str, world_size: int) -> None:
    result = run_world(_parallel, [which], world_size=world_size)[0]
    assert result.ok, result.error and result.error.traceback
    mlp, attn, x = _a1_modules()
    module = mlp if which == "mlp" else attn
    x.requires_grad_(True)
    y = module(x)
    (y ** 2).sum().backward()
    for rank, out in enumerate(result.values):
        np.testing.assert_allclose(out["y"], y.detach().numpy(), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(out["x_grad"], x.grad.numpy(), rtol=1e-5, atol=1e-5)
        assert out["counts"] == {"forward": {"all_reduce": 1}, "backward": {"all_reduce": 1}}, out["counts"]
        if which == "mlp":
            rows = slice(rank * D_FF // world_size, (rank + 1) * D_FF // world_size)
            np.testing.assert_allclose(out["grads"]["w1.weight"], mlp.w1.weight.grad[rows].numpy(), rtol=1e-4,
                                       atol=1e-5)
            np.testing.assert_allclose(out["grads"]["w2.weight"], mlp.w2.weight.grad[:, rows].numpy(), rtol=1e-4,
                                       atol=1e-5)
        else:
            rows = slice(rank * D_MODEL // world_size, (rank + 1) * D_MODEL // world_size)
            want = torch.cat([attn.q_proj.weight.grad[rows], attn.k_proj.weight.grad[rows],
                              attn.v_proj.weight.grad[rows]])
            np.testing.assert_allclose(out["grads"]["qkv_proj.weight"], want.numpy(), rtol=1e-4, atol=1e-5)


def _column_then_row(rank: int, world_size: int, _: None) -> dict:
    """A column layer without gather feeding a row layer: x W1^T W2^T with one all-reduce."""
    torch.manual_seed(1)
    w1, w2, x = torch.randn(12, 6), torch.randn(6, 12), torch.randn(3, 6)
    y = RowParallelLinear.from_full(w2)(ColumnParallelLinear.from_full(w1)(x))
    gathered = ColumnParallelLinear.from_full(w1, gather_output=True)(x)
    return {"y": y.detach().numpy(), "want": (x @ w1.T @ w2.T).numpy(), "gathered": gathered.detach().numpy(),
            "full": (x @ w1.T).numpy()}


def test_column_then_row_composes() -> None:
    result = run_world(_column_then_row, [None], world_size=3)[0]
    assert result.ok, result.error and result.error.traceback
    for out in result.values:
        np.testing.assert_allclose(out["y"], out["want"], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(out["gathered"], out["full"], rtol=1e-6, atol=1e-6)


def _errors(rank: int, world_size: int, _: None) -> list[str]:
    messages = []
    for make in (lambda: ColumnParallelLinear(4, 5), lambda: RowParallelLinear(5, 4), lambda: ParallelMLP(4, 5),
                 lambda: ParallelAttention(6, 3), lambda: ParallelAttention(6, 4),
                 lambda: ColumnParallelLinear.from_full(torch.zeros(4, 4, 4))):
        try:
            make()
            messages.append("no error")
        except ValueError as e:
            messages.append(str(e))
    return messages


def test_bad_sizes_are_clear_value_errors() -> None:
    result = run_world(_errors, [None])[0]
    assert result.ok, result.error and result.error.traceback
    assert all(m != "no error" for m in result.values[0]), result.values[0]
    assert "divisible by the world size 2" in result.values[0][0]


def test_no_process_group_is_a_clear_error() -> None:
    assert not dist.is_initialized()
    for make in (lambda: ColumnParallelLinear(4, 4), lambda: ParallelMLP(4, 8), lambda: ParallelAttention(8, 2)):
        with pytest.raises(RuntimeError, match="init_process_group"):
            make()
