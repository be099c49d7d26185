"""A world of ranks on one machine: processes joined by torch.distributed (gloo), for the graded case groups, the
benchmarks and your own experiments. Finished infrastructure: you never change this file.

    results = run_world(fn, [payload_a, payload_b], world_size=2)

runs `fn(rank, world_size, payload)` for every payload, in order, in each of `world_size` ranks that share one
process group, and returns one `TaskResult` per payload holding every rank's return value (or the first
failure's traceback text). Why it is built this way:

- fork where it is safe, spawn elsewhere (shared/start_method.py, the rule the grader's worker follows too):
  on Linux a forked rank inherits the imported torch and your code, so a world starts in milliseconds; macOS
  makes fork after importing torch unsafe and Windows has no fork, so there (and on Linux with
  LMFS_START_METHOD=spawn) every rank is a fresh interpreter that imports torch again (~4-5 s a world). A
  spawned rank gets `fn` and the payloads pickled, so `fn` must be defined at module level (not a lambda or a
  nested function) and the payloads must be plain data; run_world checks this before starting any rank, and the
  rank starts with the parent's sys.path, so it imports the same modules;
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
import pickle
import shutil
import socket
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from multiprocessing.connection import Connection, wait
from typing import Any

from shared.start_method import ENV as START_METHOD_ENV
from shared.start_method import start_method

DEFAULT_TASK_TIMEOUT_S = 60.0
DEFAULT_COLLECTIVE_TIMEOUT_S = 20.0
# After one rank fails, how long its partners get to report the same task before the world is killed.
FAILURE_GRACE_S = 2.0
# A spawned rank imports torch before it can join (~4 s alone, far more on a loaded machine): its start gets this
# on top of task_timeout_s.
SPAWN_START_S = 60.0
# The message a rank sends once it has joined the world (index READY, ok=True) or failed to (ok=False).
READY = -1


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


def _rank_main(rank: int, world_size: int, store_dir: str, timeout_s: float, fn: Any, payloads: Sequence[Any],
               conn: Connection, pickled: bool = False, sys_path: list[str] | None = None) -> None:
    """A rank (module-level: a spawn target too): join the world, say so, then run each payload and send
    (index, ok, value) home. Under spawn `fn` and each payload arrive as their pickles (`pickled`) and are loaded
    here, after sys.path is the parent's, so their modules import as they did there; a payload that does not
    load fails its own task."""
    if sys_path is not None:
        sys.path[:] = sys_path
    try:
        if pickled:
            fn = pickle.loads(fn)
            import torch.distributed  # noqa: F401 - the slow part of a spawned rank's start, before the barrier

            _start_barrier(rank, world_size, store_dir)
        init_rank(rank, world_size, store_dir, timeout_s)
    except BaseException as e:  # noqa: BLE001 - report anything, then leave
        conn.send((READY, False, describe_exception(e, rank)))
        conn.close()
        os._exit(1)
    conn.send((READY, True, None))
    for i, payload in enumerate(payloads):
        try:
            value = fn(rank, world_size, pickle.loads(payload) if pickled else payload)
            conn.send((i, True, value))
        except BaseException as e:  # noqa: BLE001 - SystemExit from student code too
            conn.send((i, False, describe_exception(e, rank)))
            break
    try:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()
    except Exception:  # noqa: BLE001 - the parent already has every result
        pass
    conn.close()
    os._exit(0)


def _start_barrier(rank: int, world_size: int, store_dir: str, timeout_s: float = SPAWN_START_S) -> None:
    """Spawned ranks import torch at their own pace, and init_process_group's rendezvous waits only the collective
    timeout for a late partner: they meet here first (a file per rank in the world's folder)."""
    mark = os.path.join(store_dir, "started.{}")
    with open(mark.format(rank), "w"):
        pass
    deadline = time.monotonic() + timeout_s
    while missing := [r for r in range(world_size) if not os.path.exists(mark.format(r))]:
        if time.monotonic() > deadline:
            raise TimeoutError(f"rank(s) {missing} did not start within {timeout_s:g} s")
        time.sleep(0.005)


def _why_spawn() -> str:
    if os.environ.get(START_METHOD_ENV, "").strip():
        return f"{START_METHOD_ENV}={os.environ[START_METHOD_ENV].strip()}"
    if not hasattr(os, "fork"):
        return f"{sys.platform} has no fork"
    return f"{'macOS' if sys.platform == 'darwin' else sys.platform} cannot fork safely after importing torch"


def _not_picklable(what: str, problem: str) -> TypeError:
    return TypeError(f"run_world starts its ranks with spawn here ({_why_spawn()}), so fn and every payload are "
                     f"pickled to reach them, and {what} cannot be: {problem}. Define fn at module level (a plain "
                     f"`def` in a module, not a lambda, a nested function or a closure; functools.partial of one "
                     f"is fine) and pass what it needs as payloads of plain data (numbers, strings, lists, dicts, "
                     f"numpy arrays)")


def _pickle_work(fn: Callable, payloads: Sequence[Any]) -> tuple[bytes, list[bytes]]:
    """fn's and each payload's pickle for spawned ranks, or a TypeError naming what is not picklable and the
    fix (raised before any rank starts, instead of a pickling traceback from inside multiprocessing)."""
    main = sys.modules.get("__main__")
    if getattr(fn, "__module__", None) == "__main__" and not getattr(main, "__file__", None):
        raise _not_picklable(f"fn {getattr(fn, '__qualname__', fn)!r}", "it is defined in an interactive session "
                             "(a notebook, a REPL or python -c), which a spawned rank cannot import; move it into "
                             "a .py file and import it from there")
    try:
        fn_bytes = pickle.dumps(fn, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:
        raise _not_picklable(f"fn {getattr(fn, '__qualname__', repr(fn)[:80])!r}", f"{type(e).__name__}: {e}") from e
    out = []
    for i, payload in enumerate(payloads):
        try:
            out.append(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception as e:
            raise _not_picklable(f"payload {i} ({type(payload).__name__})", f"{type(e).__name__}: {e}") from e
    return fn_bytes, out


def _start(method: str, fn: Any, payloads: Sequence[Any], world_size: int, timeout_s: float
           ) -> tuple[list[Any], list[Connection], str]:
    """Start the ranks. Under fork `fn` and `payloads` are the objects themselves; under spawn their pickles."""
    spawn = method == "spawn"
    if not spawn:
        import torch.distributed  # noqa: F401 - imported once here, inherited by every rank (~3 s each otherwise)

    ctx = mp.get_context(method)
    store_dir = tempfile.mkdtemp(prefix="lmfs-world-")
    extra = (True, list(sys.path)) if spawn else ()
    procs, conns = [], []
    for rank in range(world_size):
        parent_end, child_end = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_rank_main,
                        args=(rank, world_size, store_dir, timeout_s, fn, payloads, child_end, *extra),
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


def _run_once(method: str, fn: Any, payloads: Sequence[Any], world_size: int, task_timeout_s: float,
              collective_timeout_s: float) -> list[TaskResult]:
    """Run payloads in one world until the first failure; returns the results of the tasks that finished, then
    the failed one (if any)."""
    procs, conns, store_dir = _start(method, fn, payloads, world_size, collective_timeout_s)
    results: list[TaskResult] = []
    failure: RankError | None = None
    try:
        got: dict[int, dict[int, Any]] = {}  # task index -> {rank: value}
        rank_of = {id(c): r for r, c in enumerate(conns)}
        live = list(conns)
        joined: set[int] = set()
        # the ranks' start has its own allowance; each task's deadline starts once every rank has joined
        deadline = time.monotonic() + task_timeout_s + (SPAWN_START_S if method == "spawn" else 0.0)
        while len(results) < len(payloads) and live:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for c in wait(live, timeout=left):
                try:
                    index, ok, value = c.recv()
                except (EOFError, OSError):
                    live.remove(c)
                    if rank_of[id(c)] not in joined:  # died while starting: its partners wait for it in vain
                        deadline = min(deadline, time.monotonic() + FAILURE_GRACE_S)
                    continue
                if index == READY and ok:
                    joined.add(rank_of[id(c)])
                    if len(joined) == world_size and failure is None:
                        deadline = time.monotonic() + task_timeout_s
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
            started = len(joined) == world_size
            if failure is None:
                if not live:  # every rank closed its pipe: let them exit, so a crash reads as one
                    for p in procs:
                        p.join(timeout=1.0)
                dead = [r for r, p in enumerate(procs) if p.exitcode not in (None, 0)]
                if dead:
                    when = "during this task" if started else "before joining the world" + (
                        " (a spawned rank that dies while starting usually could not import fn's module, or ran "
                        "the main script's top level again: put the script's work under `if __name__ == "
                        "\"__main__\":`; its traceback is on stderr)" if method == "spawn" else "")
                    failure = RankError(dead[0], "RankDied", f"rank {dead[0]} died (exit code "
                                                             f"{procs[dead[0]].exitcode}) {when}")
                elif started:
                    failure = RankError(-1, "builtins.TimeoutError",
                                        f"no answer from every rank within {task_timeout_s:g} s (a hung "
                                        f"collective, or a rank waiting for its partner)")
                else:
                    failure = RankError(-1, "builtins.TimeoutError", "the ranks did not all join the world in time")
            results.append(TaskResult(error=failure))
            if not started:
                # a world that cannot start would fail the same way again: every remaining task fails with it
                results += [TaskResult(error=failure) for _ in range(len(payloads) - len(results))]
    finally:
        _stop(procs, conns, store_dir)
    return results


def run_world(fn: Callable[[int, int, Any], Any], payloads: Sequence[Any], world_size: int = 2,
              task_timeout_s: float = DEFAULT_TASK_TIMEOUT_S,
              collective_timeout_s: float = DEFAULT_COLLECTIVE_TIMEOUT_S) -> list[TaskResult]:
    """Run `fn(rank, world_size, payload)` on every rank for each payload, in order; one TaskResult per payload.

    The ranks are forked or spawned by shared.start_method's rule (fork on Linux; spawn on macOS and Windows,
    or with LMFS_START_METHOD=spawn). Forked, `fn` and the payloads reach the ranks as they are; spawned, they
    are pickled, so `fn` must be a module-level function and the payloads plain data (a TypeError says so before
    any rank starts). Return values always come back pickled, so return plain data (numpy arrays, numbers,
    lists, dicts). A failed task ends its world; the next task starts a new one (unless the world could not
    start at all: then every remaining task fails with that error). `collective_timeout_s` bounds
    every collective (init_process_group's timeout); `task_timeout_s` bounds each task as seen from the parent
    (a spawned world's start gets SPAWN_START_S more, to import torch).
    """
    if world_size < 1:
        raise ValueError(f"world_size must be at least 1, got {world_size}")
    if task_timeout_s <= 0 or collective_timeout_s <= 0:
        raise ValueError("task_timeout_s and collective_timeout_s must be positive")
    method = start_method()
    work_fn: Any = fn
    work: Sequence[Any] = payloads
    if method == "spawn":
        work_fn, work = _pickle_work(fn, payloads)
    results: list[TaskResult] = []
    while len(results) < len(payloads):
        results += _run_once(method, work_fn, work[len(results):], world_size, task_timeout_s,
                             collective_timeout_s)
    return results
