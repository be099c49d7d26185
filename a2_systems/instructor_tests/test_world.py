"""The world launcher (a2_systems/distributed/world.py): results per rank and task, a failing or hung rank
fails only its task and within its timeout, and clear errors outside a world; the same under spawn
(LMFS_START_METHOD=spawn, macOS's and Windows' path), where a rank imports from the parent's sys.path, a fn that
cannot be pickled is refused before any rank starts, and a graded case group gives the fork path's outputs."""

from __future__ import annotations

import importlib
import socket
import sys
import threading
import time
import types
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch
import torch.distributed as dist
from numpy.testing import assert_allclose

from a2_systems.distributed import world
from a2_systems.distributed.world import free_port, require_world, run_world
from shared.start_method import ENV as START_METHOD_ENV


@pytest.fixture
def spawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """LMFS_START_METHOD=spawn for the test, and a check that run_world started its ranks with spawn."""
    used: list[str | None] = []
    get_context = world.mp.get_context

    def recording(name: str | None = None) -> Any:
        used.append(name)
        return get_context(name)

    monkeypatch.setenv(START_METHOD_ENV, "spawn")
    monkeypatch.setattr(world.mp, "get_context", recording)
    yield
    assert used and set(used) == {"spawn"}, used


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


def _fails_or_hangs_on_rank_1(rank: int, world_size: int, payload: str) -> str:
    return (_hangs_on_rank_1 if payload == "hang" else _fails_on_rank_1)(rank, world_size, payload)


@pytest.mark.usefixtures("spawn")
def test_spawned_worlds_fail_a_task_alone_and_time_out_a_hung_one() -> None:
    """The two tests above in two spawned worlds (each rank of each imports torch again): "boom" fails alone and
    "c" runs in a fresh world, where "hang" times out instead of hanging the run."""
    start = time.monotonic()
    results = run_world(_fails_or_hangs_on_rank_1, ["a", "boom", "c", "hang"], task_timeout_s=4.0,
                        collective_timeout_s=2.0)
    assert time.monotonic() - start < 50.0  # rank 1 sleeps 60 s
    assert [r.values for r in results] == [["a", "a"], [], ["c", "c"], []]
    err = results[1].error
    assert err is not None and err.rank == 1 and err.type == "builtins.ValueError"
    assert "boom on purpose" in err.describe() and "Traceback" in err.traceback
    assert not results[3].ok  # rank 0's barrier timed out (or the parent's deadline passed)


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


PROBE = """
import torch
import torch.distributed as dist


class Payload:
    def __init__(self, k):
        self.k = k


def sum_of_ranks(rank, world_size, payload):
    t = torch.tensor([float(rank + payload.k)])
    dist.all_reduce(t)
    return float(t.item())
"""


@pytest.mark.usefixtures("spawn")
def test_spawned_ranks_all_reduce_with_fn_from_the_parents_sys_path(tmp_path: Any,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Like the grader's worker (an assembled tree at sys.path[0], not in PYTHONPATH): fn and the payloads'
    class live in a folder only the parent's sys.path names, and a spawned rank still imports them."""
    name = "lmfs_world_probe"
    (tmp_path / f"{name}.py").write_text(PROBE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    try:
        probe = importlib.import_module(name)
        results = run_world(probe.sum_of_ranks, [probe.Payload(0), probe.Payload(10)])
    finally:
        sys.modules.pop(name, None)
    assert [r.values for r in results] == [[1.0, 1.0], [21.0, 21.0]], [r.error for r in results]


def _local_fn() -> Any:
    def fn(rank: int, world_size: int, payload: Any) -> Any:
        return payload

    return fn


def test_spawn_refuses_what_cannot_be_pickled_before_starting_a_rank(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_start(*args: Any) -> Any:
        raise AssertionError("a rank was started")

    monkeypatch.setenv(START_METHOD_ENV, "spawn")
    monkeypatch.setattr(world, "_start", no_start)
    for fn, shown in ((lambda rank, world_size, payload: payload, "<lambda>"), (_local_fn(), "_local_fn.<locals>.fn")):
        with pytest.raises(TypeError, match=rf"spawn here \(LMFS_START_METHOD=spawn\).*fn '[^']*{shown}' cannot "
                                            rf"be.*Define fn at module level"):
            run_world(fn, [0])
    with pytest.raises(TypeError, match=r"payload 1 \(lock\).*plain data"):
        run_world(_sum_of_ranks, [0, threading.Lock()])
    interactive = types.ModuleType("__main__")  # a notebook's or REPL's __main__: no file a rank could import
    typed_in = _local_fn()
    typed_in.__module__, typed_in.__qualname__ = "__main__", "typed_in"
    interactive.typed_in = typed_in
    monkeypatch.setitem(sys.modules, "__main__", interactive)
    with pytest.raises(TypeError, match="interactive session"):
        run_world(typed_in, [0])


def _assert_same_outputs(got: Any, want: Any, where: str = "outputs") -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want), where
        for k in want:
            _assert_same_outputs(got[k], want[k], f"{where}[{k!r}]")
    elif isinstance(want, (list, tuple)) and not isinstance(want, np.ndarray):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _assert_same_outputs(g, w, f"{where}[{i}]")
    elif isinstance(want, np.ndarray):
        assert_allclose(got, want, rtol=1e-6, atol=1e-7, err_msg=where)
    else:
        assert got == want, where


def test_a_graded_ddp_group_gives_the_same_outputs_under_spawn(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ddp_naive case group as the grader runs it (world_cases.run_group -> ddp_drivers.train on 2 ranks, the
    reference wrapper through the api map), forked then spawned: the same per-rank outputs, and they pass."""
    from a2_systems.api import API
    from a2_systems.cases.ddp import SUITE
    from shared.cases import Impl, oracle

    case = next(c for c in SUITE.cases if c.name == "ddp_naive/train")
    group = next(g for g in SUITE.groups if g.name == case.group)
    inputs = [case.inputs(np.random.default_rng(seed)) for seed in case.seeds]
    monkeypatch.delenv(START_METHOD_ENV, raising=False)
    forked = group.run(Impl(API), inputs)
    monkeypatch.setenv(START_METHOD_ENV, "spawn")
    spawned = group.run(Impl(API), inputs)
    _assert_same_outputs(spawned, forked)
    for inp, out in zip(inputs, spawned, strict=True):
        verdict = case.compare(inp, out, oracle.resolve(case.expect)(inp))
        assert verdict.ok, verdict.message
