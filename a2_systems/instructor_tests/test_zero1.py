"""The reference ShardedOptimizer against torch's own ZeroRedundancyOptimizer and the unsharded optimizer (bit
for bit), its per-rank optimizer state, and DDP + ZeRO-1 training against one process."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.distributed.optim import ZeroRedundancyOptimizer

from a2_systems.cases.zero1_drivers import state_bytes
from a2_systems.distributed.sharded_optimizer import ShardedOptimizer
from a2_systems.distributed.world import run_world

SHAPES = [(16, 8), (16,), (16, 16), (16,), (4, 16), (4,)]
STEPS = 5


def _grads(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((STEPS, *s)).astype(np.float32) for s in SHAPES]


def _run(rank: int, world_size: int, payload: tuple[str, int]) -> dict:
    which, seed = payload
    torch.manual_seed(0)
    params = [nn.Parameter(torch.randn(s)) for s in SHAPES]
    kw = {"lr": 1e-2, "weight_decay": 0.05}
    if which == "ours":
        opt = ShardedOptimizer(params, torch.optim.AdamW, **kw)
    elif which == "torch_zero":
        opt = ZeroRedundancyOptimizer(params, optimizer_class=torch.optim.AdamW, **kw)
    else:
        opt = torch.optim.AdamW(params, **kw)
    for step, _ in enumerate(range(STEPS)):
        for p, g in zip(params, _grads(seed), strict=True):
            p.grad = torch.from_numpy(g[step])
        opt.step()
    held = state_bytes(opt, params) if which != "torch_zero" else -1
    return {"params": [p.detach().numpy().copy() for p in params], "state_bytes": held}


@pytest.fixture(scope="module")
def runs() -> dict[str, list[dict]]:
    names = ["ours", "torch_zero", "unsharded"]
    results = run_world(_run, [(n, 3) for n in names])
    assert all(r.ok for r in results), [r.error.traceback for r in results if not r.ok]
    return {n: r.values for n, r in zip(names, results, strict=True)}


@pytest.mark.parametrize("oracle", ["torch_zero", "unsharded"])
def test_equals_torch_zero_and_unsharded_bit_for_bit(runs: dict, oracle: str) -> None:
    for rank in range(2):
        for ours, want in zip(runs["ours"][rank]["params"], runs[oracle][rank]["params"], strict=True):
            np.testing.assert_array_equal(ours, want)


def test_each_rank_holds_about_half_the_state(runs: dict) -> None:
    full = runs["unsharded"][0]["state_bytes"]
    held = [runs["ours"][r]["state_bytes"] for r in range(2)]
    assert sum(held) == full  # AdamW: exp_avg, exp_avg_sq and a step counter per parameter, each on one rank
    assert max(held) <= full / 2 + 2 * 4 * max(int(np.prod(s)) for s in SHAPES) + 4


def _ddp_zero(rank: int, world_size: int, seed: int) -> list[np.ndarray]:
    """CS336's check: DDP-averaged gradients + ShardedOptimizer equal one process on the whole batch."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 3))
    ddp = torch.nn.parallel.DistributedDataParallel(model)
    opt = ShardedOptimizer(model.parameters(), torch.optim.AdamW, lr=1e-2)
    rng = np.random.default_rng(seed)
    for _ in range(4):
        x, y = (torch.from_numpy(rng.standard_normal((8, k)).astype(np.float32)) for k in (6, 3))
        opt.zero_grad(set_to_none=True)
        ((ddp(x[rank * 4:(rank + 1) * 4]) - y[rank * 4:(rank + 1) * 4]) ** 2).mean().backward()
        opt.step()
    return [p.detach().numpy().copy() for p in model.parameters()]


def test_ddp_with_sharded_optimizer_equals_one_process() -> None:
    result = run_world(_ddp_zero, [7])[0]
    assert result.ok, result.error and result.error.traceback
    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 3))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    rng = np.random.default_rng(7)
    for _ in range(4):
        x, y = (torch.from_numpy(rng.standard_normal((8, k)).astype(np.float32)) for k in (6, 3))
        opt.zero_grad(set_to_none=True)
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
    for rank in range(2):
        for ours, p in zip(result.values[rank], model.parameters(), strict=True):
            np.testing.assert_allclose(ours, p.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_no_process_group_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="init_process_group"):
        ShardedOptimizer([nn.Parameter(torch.zeros(2))], torch.optim.SGD, lr=0.1)
