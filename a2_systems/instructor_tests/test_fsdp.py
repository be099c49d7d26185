"""The reference FSDP against torch.nn.parallel.DistributedDataParallel (an independent oracle) with AdamW on 2 and
4 ranks, its per-rank parameter and optimizer-state bytes, a frozen weight left alone, gradient accumulation over
two micro-batches, and its errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.distributed as dist

from a2_systems.cases.ddp import param_shapes
from a2_systems.cases.ddp_drivers import ToyNet, build
from a2_systems.cases.fsdp_drivers import held_bytes
from a2_systems.cases.tp_drivers import Collectives
from a2_systems.cases.zero1_drivers import state_bytes
from a2_systems.distributed.fsdp import FSDP
from a2_systems.distributed.world import run_world

ARCH = {"d_in": 5, "d_hidden": 9, "d_out": 3, "n_blocks": 2, "tied": True, "frozen": True}
STEPS, BATCH = 3, 8


def _inputs(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    params = {n: (rng.standard_normal(s) * 0.4).astype(np.float32) for n, s, _ in param_shapes(ARCH)}
    return {"arch": ARCH, "params": params, "other": {n: p + np.float32(0.5) for n, p in params.items()},
            "x": rng.standard_normal((STEPS, BATCH, ARCH["d_in"])).astype(np.float32),
            "y": rng.standard_normal((STEPS, BATCH, ARCH["d_out"])).astype(np.float32)}


def _train(rank: int, world_size: int, payload: tuple[str, dict, int]) -> dict:
    which, inp, micro = payload
    model = build(inp, inp["params"] if rank == 0 else inp["other"])
    wrapper = FSDP(model) if which == "fsdp" else torch.nn.parallel.DistributedDataParallel(model)
    params = [p for p in wrapper.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-2, weight_decay=0.1)
    n = BATCH // world_size
    c = Collectives()
    held = []
    with c.active():
        for step in range(STEPS):
            opt.zero_grad(set_to_none=True)
            x = torch.from_numpy(inp["x"][step][rank * n:(rank + 1) * n])
            y = torch.from_numpy(inp["y"][step][rank * n:(rank + 1) * n])
            for xs, ys in zip(x.chunk(micro), y.chunk(micro), strict=True):
                (((wrapper(xs) - ys) ** 2).mean() / micro).backward()
            if which == "fsdp":
                wrapper.finish_gradient_synchronization()
            opt.step()
            held.append(held_bytes(wrapper))
    if which == "fsdp":
        state = {k: v.numpy() for k, v in wrapper.full_state_dict().items()}
    else:
        state = {k: v.detach().numpy().copy() for k, v in model.named_parameters()}
    return {"params": state, "held": held, "opt_bytes": state_bytes(opt, params), "counts": c.counts,
            "frozen": model.frozen.weight.detach().numpy().copy()}


@pytest.mark.parametrize("world_size", [2, 4])
def test_fsdp_equals_torch_ddp_with_adamw(world_size: int) -> None:
    inp = _inputs(world_size)
    fsdp, ddp = run_world(_train, [("fsdp", inp, 1), ("ddp", inp, 1)], world_size=world_size)
    assert fsdp.ok and ddp.ok, (fsdp.error or ddp.error).traceback
    n_trainable = sum(int(np.prod(s)) for n, s, t in param_shapes(ARCH) if t)
    frozen = int(np.prod(param_shapes(ARCH)[-3][1])) * 4  # frozen.weight
    shard = -(-n_trainable // world_size) * 4
    for rank in range(world_size):
        for name, want in ddp.values[rank]["params"].items():
            np.testing.assert_allclose(fsdp.values[rank]["params"][name], want, rtol=1e-5, atol=1e-6,
                                       err_msg=f"rank {rank} {name}")
        assert fsdp.values[rank]["held"] == [shard + frozen] * STEPS
        assert ddp.values[rank]["held"][-1] >= n_trainable * 4 + frozen
        # AdamW: two moments of the shard and one step counter
        assert fsdp.values[rank]["opt_bytes"] == 2 * shard + 4
        assert fsdp.values[rank]["counts"] == {"other": {"all_gather": STEPS, "reduce_scatter": STEPS}}
        # the frozen weight is rank 0's on every rank, never stepped
        np.testing.assert_array_equal(fsdp.values[rank]["frozen"], inp["params"]["frozen.weight"])


def test_two_micro_batches_accumulate_like_one_batch() -> None:
    inp = _inputs(7)
    one, two = run_world(_train, [("fsdp", inp, 1), ("fsdp", inp, 2)])
    assert one.ok and two.ok, (one.error or two.error).traceback
    for name, want in one.values[0]["params"].items():
        np.testing.assert_allclose(two.values[0]["params"][name], want, rtol=1e-5, atol=1e-6)
    # the parameters are gathered once per step, however many forwards it has
    assert two.values[0]["counts"] == {"other": {"all_gather": STEPS, "reduce_scatter": STEPS}}


def _no_trainable(rank: int, world_size: int, _: None) -> str:
    model = ToyNet(3, 4, 2, 1, tied=False, frozen=False).requires_grad_(False)
    try:
        FSDP(model)
    except ValueError as e:
        return str(e)
    return "no error"


def test_module_without_trainable_parameters_is_a_value_error() -> None:
    result = run_world(_no_trainable, [None])[0]
    assert result.ok and all("trainable" in v for v in result.values), result


def test_no_process_group_is_a_clear_error() -> None:
    assert not dist.is_initialized()
    with pytest.raises(RuntimeError, match="init_process_group"):
        FSDP(ToyNet(3, 4, 2, 1, tied=False, frozen=False))
