"""Expected outputs, computed ahead of time (`grader build`, and live in `grader check`) from the oracles and
the reference, on a plan's inputs, and the build that stores them (the visible snapshot, the term's hidden file).
Where and how they are kept is grader/store.py."""

from __future__ import annotations

from typing import Any

from grader import store
from grader.execution import Reply, Run
from grader.plan import Plan, Step, generated_plan, run_in_process
from grader.tree import Assignment, hidden_expected_path, seed_secret
from shared.cases import Impl, oracle
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
            out[s.instance.id] = decode(encode(oracle.resolve(e)(s.inputs)))
    return out


def build(a: Assignment, visible: bool = True, log=print) -> None:
    """Draw and store inputs and expected outputs: the visible snapshot (committed) and the hidden file (secret).
    `visible=False` builds only the hidden file: what a fresh clone needs (its snapshot is committed, and
    rebuilding it would hide drift from `grader check`)."""
    secret = seed_secret(a.id, create=True)
    plan = generated_plan(a, secret)
    hidden = [s for s in plan.steps if s.instance.visibility == "hidden"]
    shown = [s for s in plan.steps if s.instance.visibility == "visible"] if visible else []
    values = compute(plan, a.api(), a.package, steps=shown + hidden)
    if visible:
        store.save(a.snapshot_path, store.Stored(a.id, "visible", {s.instance.id: store.entry(s, values[s.instance.id])
                                                                   for s in shown}))
        log(f"{a.id}: {len(shown)} visible instances (inputs and expected outputs) -> {a.snapshot_path}")
    store.save(hidden_expected_path(a.id), store.Stored(
        a.id, "hidden", {s.instance.id: store.entry(s, values[s.instance.id]) for s in hidden},
        store.secret_id(secret)))
    log(f"{a.id}: {len(hidden)} hidden instances -> {hidden_expected_path(a.id)} (never commit or release)")


def ensure_hidden(a: Assignment, log=print) -> None:
    """Draw the hidden instances on first use: a fresh clone has no secret, and a rotated secret needs new ones.
    A hidden file of the current secret is never redrawn here; stale entries are `grader check`'s to report."""
    secret = seed_secret(a.id, create=True)
    try:
        current = store.load(hidden_expected_path(a.id), a.id, "hidden").secret_id == store.secret_id(secret)
    except store.StoreError:
        current = False
    if not current:
        build(a, visible=False, log=log)
