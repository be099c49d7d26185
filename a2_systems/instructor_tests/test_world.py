"""The world launcher (a2_systems/distributed/world.py): results per rank and task, a failing or hung rank
fails only its task and within its timeout, and clear errors outside a world."""

from __future__ import annotations

import socket
import time

import pytest
import torch
import torch.distributed as dist

from a2_systems.distributed.world import free_port, require_world, run_world


def _sum_of_ranks(rank: int, world_size: int, payload: int) -> float:
    t = torch.tensor([float(rank + payload)])
    dist.all_reduce(t)
    return float(t.item())


def _fails_on_rank_1(rank: int, world_size: int, payload: str) -> str:
    if payload == "boom" and rank == 1:
        raise ValueError("boom on purpose")
    t = torch.ones(1)
    dist.all_reduce(t)
    return payload


def _hangs_on_rank_1(rank: int, world_size: int, payload: str) -> str:
    if payload == "hang" and rank == 1:
        time.sleep(60)
    dist.barrier()
    return payload


@pytest.mark.parametrize("world_size", [2, 4])
def test_every_rank_answers_every_task_in_order(world_size: int) -> None:
    results = run_world(_sum_of_ranks, [0, 10], world_size=world_size)
    want = [sum(range(world_size)), sum(range(world_size)) + 10 * world_size]
    assert [r.values for r in results] == [[float(w)] * world_size for w in want]


def test_a_failing_rank_fails_its_task_only() -> None:
    results = run_world(_fails_on_rank_1, ["a", "boom", "c"])
    assert results[0].values == ["a", "a"] and results[2].values == ["c", "c"]
    err = results[1].error
    assert err is not None and err.rank == 1 and err.type == "builtins.ValueError"
    assert "boom on purpose" in err.describe() and "Traceback" in err.traceback


def test_a_hung_rank_times_out_instead_of_hanging_the_run() -> None:
    start = time.monotonic()
    results = run_world(_hangs_on_rank_1, ["a", "hang", "c"], task_timeout_s=4.0, collective_timeout_s=2.0)
    assert time.monotonic() - start < 20.0
    assert results[0].ok and results[2].values == ["c", "c"]
    assert not results[1].ok  # rank 0's barrier timed out (or the parent's deadline passed)


def test_require_world_outside_a_world_names_the_fix() -> None:
    with pytest.raises(RuntimeError, match="init_process_group"):
        require_world("DDPNaive")


def test_free_port_can_be_bound() -> None:
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", port))


def test_bad_arguments_raise_value_error() -> None:
    with pytest.raises(ValueError, match="world_size"):
        run_world(_sum_of_ranks, [0], world_size=0)
    with pytest.raises(ValueError, match="positive"):
        run_world(_sum_of_ranks, [0], task_timeout_s=0)
