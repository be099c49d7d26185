"""Expected outputs, computed ahead of time from oracles and the reference (`grader build`).

- visible instances at their published seeds -> `<package>/cases/snapshot.bin`: committed and released, so
  a student's local verdict equals the graded one and heavy oracles never run on a laptop;
- hidden instances at the term's secret seeds -> the secrets folder: never in git, never released.

Grading then needs no reference code at all. Each entry keeps a digest of its inputs, so a student whose
torch or numpy builds different inputs is told so instead of seeing a confusing mismatch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.plan import Plan, Step, run_in_process
from grader.session import Reply
from shared.cases import Impl
from shared.codec import decode, encode

VERSION = 1


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
            if r.status != "ok":
                raise ExpectedError(f"{s.instance.id}: the reference failed while building expected outputs: "
                                    f"{r.status} {r.raised or r.message}")
            out[s.instance.id] = r.outputs
        else:
            out[s.instance.id] = decode(encode(e(s.inputs)))
    return out


def save(path: Path, aid: str, plan_steps: list[Step], expected: dict[str, Any]) -> None:
    entries = {s.instance.id: {"expected": expected[s.instance.id], "inputs": s.inputs_digest} for s in plan_steps}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode({"version": VERSION, "assignment": aid, "entries": entries}))


def load(path: Path, aid: str) -> dict[str, dict]:
    if not path.exists():
        raise ExpectedError(f"no expected outputs at {path}; run `python -m grader build -a {aid}`")
    data = decode(path.read_bytes())
    if data.get("version") != VERSION or data.get("assignment") != aid:
        raise ExpectedError(f"{path} is not a version-{VERSION} expected file for {aid}; rebuild it")
    return data["entries"]
