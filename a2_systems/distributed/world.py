"""A world of ranks on one machine: forked processes joined by torch.distributed (gloo), for the graded case groups,
the benchmarks and your own experiments. Finished infrastructure: you never change this file.

    results = run_world(fn, [payload_a, payload_b], world_size=2)

runs `fn(rank, world_size, payload)` for every payload, in order, in each of `world_size` forked ranks that share
one process group, and returns one `TaskResult` per payload holding every rank's return value (or the first
failure's traceback text). Why it is built this way:

- fork, not spawn: a forked rank inherits the imported torch and your code (a spawn re-imports torch: ~5 s);
- a FileStore in a fresh temporary folder for the rendezvous, so there is no port to collide on (CS336's fixed
  port 12390 breaks two test runs on one machine); gloo itself listens on free ports of the loopback device;
- a timeout on the process group, so a collective whose partner died raises instead of waiting forever, and a
  deadline per task in the parent, so a hung rank is killed and its task fails with "timed out";
- one thread per rank (`torch.set_num_threads(1)`): two ranks on two cores, and results independent of the
  machine's thread count;
- when a task fails on any rank, the world is torn down and the remaining tasks run in a fresh world: a rank
  that died half-way through a sequence of collectives would otherwise pair its partner's next collective with
  the wrong one.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import socket
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from multiprocessing.connection import Connection, wait
from typing import Any

DEFAULT_TASK_TIMEOUT_S = 60.0
DEFAULT_COLLECTIVE_TIMEOUT_S = 20.0
# After one rank fails, how long its partners get to report the same task before the world is killed.
FAILURE_GRACE_S = 2.0


@dataclass
class RankError:
    """What one rank raised: the exception's qualified type, its message, where in the assignment's code, and
    the traceback text."""

    rank: int
    type: str
    message: str
    where: str = ""
    traceback: str = ""

    def describe(self) -> str:
        at = f" at {self.where}" if self.where else ""
        return f"rank {self.rank} raised {self.type}: {self.message}{at}"


@dataclass
class TaskResult:
    """One payload's outcome: every rank's return value (rank order) or the failure."""

    values: list[Any] = field(default_factory=list)
    error: RankError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def free_port() -> int:
    """A TCP port that is free now on the loopback device (bind port 0 and let the kernel choose). For
    launchers that need MASTER_PORT; run_world itself needs no port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def require_world(what: str) -> tuple[int, int]:
    """(rank, world_size) of the default process group, or a RuntimeError naming `what` and the fix when there
    is none. Call it first in every wrapper's constructor."""
    import torch.distributed as dist

    if not dist.is_available() or not dist.is_initialized():
        raise RuntimeError(f"{what} needs an initialised process group: call torch.distributed.init_process_group "
                           f"first (run_world in a2_systems/distributed/world.py does it for every rank)")
    return dist.get_rank(), dist.get_world_size()


def describe_exception(e: BaseException, rank: int, package: str = "a2_systems") -> RankError:
    """The exception as data, with the innermost frame in the assignment's files (like the grader's reports)."""
    where = ""
    marker = os.sep + package + os.sep
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if marker in frame.filename and os.sep + "world.py" not in frame.filename:
            where = f"{package}/{frame.filename.split(marker, 1)[1]}:{frame.lineno} in {frame.name}"
            break
    text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    return RankError(rank, f"{type(e).__module__}.{type(e).__qualname__}", str(e)[:2000], where, text[-6000:])


def init_rank(rank: int, world_size: int, store_dir: str, timeout_s: float = DEFAULT_COLLECTIVE_TIMEOUT_S) -> None:
    """Join the gloo process group of the world whose FileStore lives in `store_dir`."""
    import torch
    import torch.distributed as dist

    torch.set_num_threads(1)
    if os.path.isdir("/sys/class/net/lo"):
        # subtle: gloo binds the address the hostname resolves to; in a sandbox without a network that may be
        # unreachable, while loopback always is
        os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    store = dist.FileStore(os.path.join(store_dir, "store"), world_size)
    dist.init_process_group("gloo", store=store, rank=rank, world_size=world_size,
                            timeout=timedelta(seconds=timeout_s))


def _rank_main(rank: int, world_size: int, store_dir: str, timeout_s: float, fn: Callable[[int, int, Any], Any],
               payloads: Sequence[Any], conn: Connection) -> None:
    """Runs in a forked rank: join the world, then run each payload and send (index, ok, value) home."""
    try:
        init_rank(rank, world_size, store_dir, timeout_s)
    except BaseException as e:  # noqa: BLE001 - report anything, then leave
        conn.send((-1, False, describe_exception(e, rank)))
        conn.close()
        os._exit(1)
    for i, payload in enumerate(payloads):
        try:
            value = fn(rank, world_size, payload)
            conn.send((i, True, value))
        except BaseException as e:  # noqa: BLE001 - SystemExit from student code too
            conn.send((i, False, describe_exception(e, rank)))
            break
    try:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()
    except Exception:  # noqa: BLE001, S110 - the parent already has every result
        pass
    conn.close()
    os._exit(0)


def _start(fn: Callable, payloads: Sequence[Any], world_size: int, timeout_s: float
           ) -> tuple[list[Any], list[Connection], str]:
    import torch.distributed  # noqa: F401 - imported once here, inherited by every rank (~3 s each otherwise)

    ctx = mp.get_context("fork")
    store_dir = tempfile.mkdtemp(prefix="lmfs-world-")
    procs, conns = [], []
    for rank in range(world_size):
        parent_end, child_end = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_rank_main, args=(rank, world_size, store_dir, timeout_s, fn, payloads, child_end),
                        daemon=True, name=f"rank{rank}")
        p.start()
        child_end.close()
        procs.append(p)
        conns.append(parent_end)
    return procs, conns, store_dir


def _stop(procs: list[Any], conns: list[Connection], store_dir: str) -> None:
    for p in procs:
        p.join(timeout=2.0)
        if p.is_alive():
            p.kill()
            p.join(timeout=5.0)
    for c in conns:
        c.close()
    shutil.rmtree(store_dir, ignore_errors=True)


def _run_once(fn: Callable, payloads: Sequence[Any], world_size: int, task_timeout_s: float,
              collective_timeout_s: float) -> list[TaskResult]:
    """Run payloads in one world until the first failure; returns the results of the tasks that finished, then
    the failed one (if any)."""
    procs, conns, store_dir = _start(fn, payloads, world_size, collective_timeout_s)
    results: list[TaskResult] = []
    failure: RankError | None = None
    try:
        got: dict[int, dict[int, Any]] = {}  # task index -> {rank: value}
        rank_of = {id(c): r for r, c in enumerate(conns)}
        live = list(conns)
        deadline = time.monotonic() + task_timeout_s
        while len(results) < len(payloads) and live:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for c in wait(live, timeout=left):
                try:
                    index, ok, value = c.recv()
                except (EOFError, OSError):
                    live.remove(c)
                    continue
                if not ok:
                    if failure is None:
                        failure = value
                        # the partners get a moment to report the same task (a symmetric error reads better
                        # from rank 0), then the world goes
                        deadline = min(deadline, time.monotonic() + FAILURE_GRACE_S)
                    continue
                got.setdefault(index, {})[rank_of[id(c)]] = value
            while len(got.get(len(results), {})) == world_size:
                done = got.pop(len(results))
                results.append(TaskResult(values=[done[r] for r in range(world_size)]))
                if failure is None:
                    deadline = time.monotonic() + task_timeout_s
        if len(results) < len(payloads):
            if failure is None:
                dead = [r for r, p in enumerate(procs) if p.exitcode not in (None, 0)]
                if dead:
                    failure = RankError(dead[0], "RankDied", f"rank {dead[0]} died (exit code "
                                                             f"{procs[dead[0]].exitcode}) during this task")
                else:
                    failure = RankError(-1, "builtins.TimeoutError",
                                        f"no answer from every rank within {task_timeout_s:g} s (a hung "
                                        f"collective, or a rank waiting for its partner)")
            results.append(TaskResult(error=failure))
    finally:
        _stop(procs, conns, store_dir)
    return results


def run_world(fn: Callable[[int, int, Any], Any], payloads: Sequence[Any], world_size: int = 2,
              task_timeout_s: float = DEFAULT_TASK_TIMEOUT_S,
              collective_timeout_s: float = DEFAULT_COLLECTIVE_TIMEOUT_S) -> list[TaskResult]:
    """Run `fn(rank, world_size, payload)` on every rank for each payload, in order; one TaskResult per payload.

    `fn` and the payloads reach the ranks by fork (no pickling); return values come back pickled, so return
    plain data (numpy arrays, numbers, lists, dicts). A failed task ends its world; the next task starts a new
    one. `collective_timeout_s` bounds every collective (init_process_group's timeout); `task_timeout_s` bounds
    each task as seen from the parent.
    """
    if world_size < 1:
        raise ValueError(f"world_size must be at least 1, got {world_size}")
    if task_timeout_s <= 0 or collective_timeout_s <= 0:
        raise ValueError("task_timeout_s and collective_timeout_s must be positive")
    results: list[TaskResult] = []
    while len(results) < len(payloads):
        results += _run_once(fn, payloads[len(results):], world_size, task_timeout_s, collective_timeout_s)
    return results
