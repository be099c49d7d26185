"""Expected outputs, computed ahead of time (`grader build`, and live in `grader check`) from the oracles and
the reference, on a plan's inputs. Where they are kept is grader/store.py."""

from __future__ import annotations

from typing import Any

from grader.execution import Reply, Run
from grader.plan import Plan, Step, run_in_process
from shared.cases import Impl
from shared.codec import decode, encode


class ExpectedError(RuntimeError):
    pass


def compute(plan: Plan, api: dict[str, str], package: str, steps: list[Step] | None = None,
            reference: dict[str, Reply] | None = None) -> dict[str, Any]:
    """Expected value per instance id: the oracle's answer, the reference's output, or None (properties)."""
    steps = plan.steps if steps is None else steps
    need_ref = [s for s in steps if s.definition.expect == "reference"]
    if need_ref and reference is None:
        reference = run_in_process(plan, Impl(api), package, need_ref)
    out: dict[str, Any] = {}
    for s in steps:
        e = s.definition.expect
        if e is None:
            out[s.instance.id] = None
        elif e == "reference":
            r = reference[s.instance.id]
            if r.status != Run.OK:
                raise ExpectedError(f"{s.instance.id}: the reference failed while building expected outputs: "
                                    f"{r.status} {r.raised or r.message}")
            out[s.instance.id] = r.outputs
        else:
            out[s.instance.id] = decode(encode(e(s.inputs)))
    return out
