"""Case groups that run in a world of ranks (a2_systems/distributed/world.py): one world per group and world size
(a member's inputs may name its "world_size", default WORLD_SIZE; forked, or spawned where shared/start_method.py
says so) runs every member case, each rank returns its own outputs, and a
failure in one case is that case's output (an "raised" record) rather than the whole group's. Torch-free at
import: drivers are imported inside the ranks. What reaches a spawned rank is pickled: `_task` (module-level)
and `(impl, inputs)` per member, an Impl (its module map, names only) and the member's plain-data inputs.

A member's inputs name their driver, "package.module:function", called on every rank as
`driver(impl, inputs, rank, world_size) -> plain data`; the member's output is `{"ranks": [rank 0's, ...]}` or,
when a rank raised, `{"raised": {"type", "message", "where"}}`.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from shared.cases import Comparator, Group, Verdict

WORLD_SIZE = 2
TASK_TIMEOUT_S = 30.0
COLLECTIVE_TIMEOUT_S = 15.0
NOT_IMPLEMENTED = "builtins.NotImplementedError"


def _driver(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _task(rank: int, world_size: int, payload: tuple[Any, dict]) -> Any:
    impl, inputs = payload
    return _driver(inputs["driver"])(impl, inputs, rank, world_size)


def run_group(impl: Any, inputs_list: list[dict], warm: str | None = None) -> list[dict]:
    """Group.run: every member in one world (a fresh one after a member fails). `warm` ("module:function") runs
    first in this process, so forked ranks inherit what it imports; spawned ranks inherit nothing, so there it is
    skipped."""
    from a2_systems.distributed.world import run_world
    from shared.start_method import can_fork

    if warm is not None and can_fork():
        _driver(warm)()
    # members run in worlds of their own size (inputs["world_size"], default WORLD_SIZE): one world per size, in
    # order of first appearance; each member's output goes back to its place
    sizes = list(dict.fromkeys(world_size_of(inp) for inp in inputs_list))
    results: list[Any] = [None] * len(inputs_list)
    for size in sizes:
        where = [i for i, inp in enumerate(inputs_list) if world_size_of(inp) == size]
        got = run_world(_task, [(impl, inputs_list[i]) for i in where], world_size=size,
                        task_timeout_s=TASK_TIMEOUT_S, collective_timeout_s=COLLECTIVE_TIMEOUT_S)
        for i, r in zip(where, got, strict=True):
            results[i] = r
    if results and all(not r.ok and r.error.type == NOT_IMPLEMENTED for r in results):
        # subtle: a group's members can only return outputs, which the grader judges "wrong"; raised from the
        # group itself, a stub's NotImplementedError reaches every member as "not implemented", as in a1
        raise NotImplementedError(results[0].error.message)
    return [{"ranks": r.values} if r.ok else _raised(r.error) for r in results]


def world_size_of(inputs: Any) -> int:
    """The number of ranks a member's world has: its inputs' "world_size", else WORLD_SIZE."""
    size = inputs.get("world_size", WORLD_SIZE) if isinstance(inputs, dict) else WORLD_SIZE
    return int(size)


def _raised(error: Any) -> dict:
    """A member that raised (on any rank), as `{"raised": {type, message, where}}` with the message naming
    the rank. world() fails it with that text; a grader that maps this form to a raised reply reports a stub's
    NotImplementedError as "not implemented"."""
    message = error.message if error.rank < 0 else f"rank {error.rank}: {error.message}"
    return {"raised": {"type": error.type, "message": message, "where": error.where}}


def world_group(name: str, warm: str | None = None, time_limit_s: float = 120.0) -> Group:
    return Group(name, functools.partial(run_group, warm=warm), time_limit_s=time_limit_s)


class world(Comparator):
    """Unwraps a world member's output: a rank's error fails the case with its text; otherwise
    `check(inputs, ranks, expected) -> Verdict` judges the per-rank outputs."""

    def __init__(self, name: str, check: Callable[[dict, list, Any], Verdict]) -> None:
        self.name, self.check = f"world({name})", check

    def __call__(self, inputs: Any, outputs: Any, expected: Any) -> Verdict:
        if isinstance(outputs, dict) and isinstance(outputs.get("raised"), dict):
            r = outputs["raised"]
            where = f" at {r.get('where')}" if r.get("where") else ""
            return Verdict(False, f"raised {r.get('type')}: {r.get('message')}{where}")
        size = world_size_of(inputs)
        if not isinstance(outputs, dict) or not isinstance(outputs.get("ranks"), list) or \
                len(outputs["ranks"]) != size:
            return Verdict(False, f"expected one output per rank of the {size}-rank world, got "
                                  f"{type(outputs).__name__}")
        try:
            return self.check(inputs, outputs["ranks"], expected)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
            return Verdict(False, f"{self.name}: malformed rank output ({type(e).__name__}: {e})")
