"""The reference DDP wrappers against torch.nn.parallel.DistributedDataParallel (an independent oracle), the
bucket rule as properties that hold without the reference, and the CS336 adapters' training loop."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.distributed as dist
from hypothesis import given, settings
from hypothesis import strategies as st

from a2_systems import cs336_adapters as adapters
from a2_systems.cases.ddp import BYTES, expected_buckets, param_shapes
from a2_systems.cases.ddp_drivers import ToyNet, Trace, build
from a2_systems.distributed.ddp_bucketed import DDPBucketed
from a2_systems.distributed.ddp_flat import DDPFlat
from a2_systems.distributed.ddp_naive import DDPNaive
from a2_systems.distributed.ddp_overlap import DDPIndividualParameters
from a2_systems.distributed.world import run_world

ARCH = {"d_in": 5, "d_hidden": 8, "d_out": 3, "n_blocks": 3, "tied": True, "frozen": True}
STEPS = 4


def _inputs(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    params = {n: (rng.standard_normal(s) * 0.4).astype(np.float32) for n, s, _ in param_shapes(ARCH)}
    return {"arch": ARCH, "params": params,
            "other": {n: p + np.float32(0.5) for n, p in params.items()},
            "x": rng.standard_normal((STEPS, 8, ARCH["d_in"])).astype(np.float32),
            "y": rng.standard_normal((STEPS, 8, ARCH["d_out"])).astype(np.float32)}


def _train(rank: int, world_size: int, payload: tuple[str, dict]) -> dict:
    """Train with one wrapper (ours or torch's) from different per-rank weights; parameters + trace."""
    which, inp = payload
    model = build(inp, inp["params"] if rank == 0 else inp["other"])
    if which == "torch":
        ddp: Any = torch.nn.parallel.DistributedDataParallel(model)
    elif which == "DDPBucketed":
        ddp = DDPBucketed(model, bucket_size_mb=600 / 2**20)
    else:
        ddp = {"DDPNaive": DDPNaive, "DDPFlat": DDPFlat, "DDPIndividualParameters": DDPIndividualParameters}[
            which](model)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    trace = Trace(model)
    n = 8 // world_size
    with trace.active():
        for step in range(STEPS):
            opt.zero_grad(set_to_none=True)
            x = torch.from_numpy(inp["x"][step][rank * n:(rank + 1) * n])
            y = torch.from_numpy(inp["y"][step][rank * n:(rank + 1) * n])
            loss = ((ddp(x) - y) ** 2).mean()
            with trace.phase_of("backward", step):
                loss.backward()
            if which != "torch":
                ddp.finish_gradient_synchronization()
            opt.step()
    return {"params": {k: v.detach().numpy().copy() for k, v in model.named_parameters()},
            "launches": trace.launches}


VARIANTS = ["DDPNaive", "DDPFlat", "DDPIndividualParameters", "DDPBucketed"]


@pytest.fixture(scope="module")
def trained() -> dict[str, list[dict]]:
    inp = _inputs(0)
    results = run_world(_train, [(w, inp) for w in ["torch", *VARIANTS]])
    assert all(r.ok for r in results), [r.error.traceback for r in results if not r.ok]
    return {w: r.values for w, r in zip(["torch", *VARIANTS], results, strict=True)}


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_equals_torch_ddp(trained: dict, variant: str) -> None:
    for rank in range(2):
        for name, want in trained["torch"][rank]["params"].items():
            np.testing.assert_allclose(trained[variant][rank]["params"][name], want, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{variant} rank {rank} {name}")


@pytest.mark.parametrize("variant", ["DDPIndividualParameters", "DDPBucketed"])
def test_overlapped_variants_launch_during_backward(trained: dict, variant: str) -> None:
    launches = np.asarray(trained[variant][0]["launches"])
    assert (launches[:, 2] == 1).all() and (launches[:, 3] == 1).all()  # during backward, async
    n_trainable = sum(t for _, _, t in param_shapes(ARCH)) - 1  # tied.weight is blocks.0.weight: listed once
    first = launches[launches[:, 0] == 0][0]
    assert first[4] < n_trainable  # launched before every gradient was ready


def _buckets(rank: int, world_size: int, caps: list[float]) -> list[list[list[str]]]:
    model = ToyNet(**ARCH)
    return [DDPBucketed(model, cap / 2**20).buckets for cap in caps]


@settings(derandomize=True, max_examples=5, deadline=None)
@given(st.lists(st.floats(min_value=10.0, max_value=5000.0), min_size=5, max_size=5))
def test_buckets_follow_the_rule(caps: list[float]) -> None:
    """Properties of any correct bucketing: reverse order, trainable only, each bucket within the cap unless
    it is a single parameter, and maximal (the next parameter would not have fitted)."""
    result = run_world(_buckets, [caps])[0]
    assert result.ok, result.error
    trainable = [(n, int(np.prod(s))) for n, s, t in param_shapes(ARCH) if t]
    size = dict(trainable)
    for cap, buckets in zip(caps, result.values[0], strict=True):
        assert [n for b in buckets for n in b] == [n for n, _ in reversed(trainable)]
        for b, nxt in zip(buckets, [*buckets[1:], None], strict=True):
            total = sum(size[n] for n in b) * BYTES
            assert total <= cap or len(b) == 1
            if nxt is not None:
                assert total + size[nxt[0]] * BYTES > cap
        assert buckets == expected_buckets(trainable, cap / 2**20)


def _adapters_loop(rank: int, world_size: int, inp: dict) -> dict:
    """CS336's test flow through the adapters: bucketed DDP + the sharded optimizer."""
    model = build(inp, inp["params"] if rank == 0 else inp["other"])
    ddp = adapters.get_ddp_bucketed(model, bucket_size_mb=0.0005)
    opt = adapters.get_sharded_optimizer(ddp.parameters(), torch.optim.AdamW, lr=1e-2)
    n = 8 // world_size
    for step in range(STEPS):
        adapters.ddp_bucketed_on_train_batch_start(ddp, opt)
        opt.zero_grad(set_to_none=True)
        x = torch.from_numpy(inp["x"][step][rank * n:(rank + 1) * n])
        y = torch.from_numpy(inp["y"][step][rank * n:(rank + 1) * n])
        ((ddp(x) - y) ** 2).mean().backward()
        adapters.ddp_bucketed_on_after_backward(ddp, opt)
        opt.step()
    assert ddp.module is model
    return {k: v.detach().numpy().copy() for k, v in model.named_parameters()}


def test_adapters_train_like_one_process() -> None:
    inp = _inputs(1)
    result = run_world(_adapters_loop, [inp])[0]
    assert result.ok, result.error and result.error.traceback
    model = build(inp, inp["params"], torch.float64)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    for step in range(STEPS):
        opt.zero_grad(set_to_none=True)
        x, y = (torch.from_numpy(inp[k][step]).double() for k in ("x", "y"))
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
    for rank in range(2):
        for name, p in model.named_parameters():
            np.testing.assert_allclose(result.values[rank][name], p.detach().numpy(), rtol=1e-4, atol=1e-5)


def _bad_sizes(rank: int, world_size: int, size: Any) -> str:
    try:
        DDPBucketed(ToyNet(**ARCH), size)
    except ValueError as e:
        return str(e)
    return "no error"


def test_bad_bucket_sizes_raise_value_error() -> None:
    for result in run_world(_bad_sizes, [0, -1.0, float("nan"), "1", True]):
        assert all("bucket_size_mb" in v for v in result.values), result.values


@pytest.mark.parametrize("cls", [DDPNaive, DDPFlat, DDPIndividualParameters])
def test_no_process_group_is_a_clear_error(cls: type) -> None:
    assert not dist.is_initialized()
    with pytest.raises(RuntimeError, match="init_process_group"):
        cls(ToyNet(**ARCH))
