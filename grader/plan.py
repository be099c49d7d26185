"""A plan: every instance of an assignment's cases with its definition, inputs and time limit, in order.

Built in the grader's process from case definitions only (no student or reference code), and executed either
through a worker (grading, student mode, stubs) or in-process (reference and mutants, instructor side).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from grader.session import Reply, WorkerSession
from shared.cases import Case, Fixture, Group, Impl, Instance, Suite, instances, service
from shared.codec import decode, encode


@dataclass
class Step:
    instance: Instance
    definition: Case | Fixture
    inputs: dict
    time_limit_s: float
    fixture_inputs: dict | None = None

    @property
    def inputs_digest(self) -> str:
        return hashlib.sha256(encode(self.inputs)).hexdigest()[:16]


@dataclass
class Plan:
    steps: list[Step]
    groups: dict[str, Group]

    def by_id(self) -> dict[str, Step]:
        return {s.instance.id: s for s in self.steps}


def make_plan(suite: Suite, secret: str | None, hidden_names: frozenset[str], limits: dict[str, float],
              only_units: set[str] | None = None) -> Plan:
    """`limits` maps unit key -> safety time limit. `secret=None` plans the visible instances only."""
    cases = {c.name: c for c in suite.cases}
    fixtures = {f.name: f for f in suite.fixtures}
    fixture_inputs = {name: Instance(f"fixture:{name}", "fixture", name, f.unit, f.seed, "visible")
                      .make_inputs(f) for name, f in fixtures.items()}
    steps = []
    for inst in instances(suite, secret, hidden_names):
        if only_units is not None and inst.unit not in only_units:
            continue
        definition = fixtures[inst.name] if inst.kind == "fixture" else cases[inst.name]
        fx = fixture_inputs[definition.fixture] if inst.kind == "case" and definition.fixture else None
        steps.append(Step(inst, definition, inst.make_inputs(definition), limits.get(inst.unit, 20.0), fx))
    return Plan(steps, {g.name: g for g in suite.groups})


def _worker_inputs(step: Step) -> dict:
    d = step.definition
    return d.worker_inputs(step.inputs) if isinstance(d, Case) else step.inputs


def _service(step: Step) -> Any:
    """The step's service handler, built here in the grader's process from the full inputs (or None)."""
    d = step.definition
    if not isinstance(d, Case) or d.service is None:
        return None
    return service.guarded(d.service(step.inputs))


def _request(step: Step) -> dict:
    inst = step.instance
    req: dict[str, Any] = {"id": inst.id, "kind": inst.kind, "name": inst.name, "inputs": _worker_inputs(step)}
    if step.fixture_inputs is not None:
        req["fixture_inputs"] = step.fixture_inputs
    return req


TIMEOUTS_PER_UNIT = 2


def run_with_worker(plan: Plan, session: WorkerSession, progress=None, budget_s: float | None = None
                    ) -> dict[str, Reply]:
    """Send every step through the worker, one at a time; a group's members go in one request. Past `budget_s`
    seconds in all, the remaining steps fail without running (a submission that hangs in every case would
    otherwise hold a grading machine for limit x cases)."""
    import time

    replies: dict[str, Reply] = {}
    done_groups: set[str] = set()
    deadline = None if budget_s is None else time.monotonic() + budget_s
    timeouts: dict[str, int] = {}  # unit -> cases that timed out
    for step in plan.steps:
        inst = step.instance
        if deadline is not None and time.monotonic() > deadline:
            replies.setdefault(inst.id, Reply("timeout", message=f"not run: the submission used up its total time "
                                                                 f"budget of {budget_s:g} s"))
            continue
        if timeouts.get(inst.unit, 0) >= TIMEOUTS_PER_UNIT:
            # subtle: one hanging function must not spend the budget that the student's other units need
            replies.setdefault(inst.id, Reply("timeout", message=f"not run: {TIMEOUTS_PER_UNIT} earlier cases of "
                                                                 f"{inst.unit} timed out"))
            continue
        if inst.group:
            if inst.group in done_groups:
                continue
            done_groups.add(inst.group)
            members = [s for s in plan.steps if s.instance.group == inst.group]
            group = plan.groups[inst.group]
            req = {"id": f"group:{inst.group}", "kind": "group", "name": inst.group, "inputs": {},
                   "members": [{"id": m.instance.id, "inputs": m.inputs} for m in members]}
            reply = session.run(req, group.time_limit_s)
            replies.update(_split_group(reply, members))
        else:
            replies[inst.id] = session.run(_request(step), step.time_limit_s, service=_service(step))
            if replies[inst.id].status == "timeout":
                timeouts[inst.unit] = timeouts.get(inst.unit, 0) + 1
        if progress:
            progress(inst.id, replies.get(inst.id))
    return replies


def _split_group(reply: Reply, members: list[Step]) -> dict[str, Reply]:
    if reply.status == "ok":
        outs = reply.outputs
        if not isinstance(outs, list) or len(outs) != len(members):
            return {m.instance.id: Reply("malformed", message=f"the group returned {type(outs).__name__} instead "
                                         f"of {len(members)} outputs") for m in members}
        # a member whose output is exactly {"raised": {...}} raised on its own (the group's other members ran)
        return {m.instance.id: (Reply("raised", raised=o["raised"], seconds=reply.seconds)
                                if isinstance(o, dict) and set(o) == {"raised"} and isinstance(o["raised"], dict)
                                else Reply("ok", o, seconds=reply.seconds))
                for m, o in zip(members, outs, strict=True)}
    return {m.instance.id: Reply(reply.status, raised=reply.raised, message=f"group '{members[0].instance.group}': "
                                 f"{reply.message}", seconds=reply.seconds) for m in members}


def run_in_process(plan: Plan, impl: Impl, package: str, steps: list[Step] | None = None) -> dict[str, Reply]:
    """Trusted code only (the reference, mutants): run steps here, outputs round-tripped through the codec so
    they look exactly like a worker's."""
    import time

    from grader.worker import _raised

    built: dict[str, tuple[bool, Any]] = {}
    replies: dict[str, Reply] = {}
    todo = plan.steps if steps is None else steps
    done_groups: set[str] = set()

    def fixture(name: str, definition: Fixture, inputs: dict) -> tuple[bool, Any]:
        if name not in built:
            try:
                built[name] = (True, definition.build(impl, inputs))
            except Exception as e:
                built[name] = (False, _raised(e, package))
        return built[name]

    fixtures = {s.instance.name: s.definition for s in plan.steps if s.instance.kind == "fixture"}
    for step in todo:
        inst, d = step.instance, step.definition
        start = time.perf_counter()
        try:
            if inst.group:
                if inst.group in done_groups:
                    continue
                done_groups.add(inst.group)
                members = [s for s in plan.steps if s.instance.group == inst.group]
                outs = plan.groups[inst.group].run(impl, [m.inputs for m in members])
                replies.update(_split_group(Reply("ok", decode(encode(list(outs))),
                                                  seconds=time.perf_counter() - start), members))
                continue
            if inst.kind == "fixture":
                ok, obj = fixture(inst.name, d, step.inputs)
                reply = Reply("ok", decode(encode(d.summarize(obj)))) if ok else Reply("raised", raised=obj)
            elif d.fixture:
                ok, obj = fixture(d.fixture, fixtures[d.fixture], step.fixture_inputs)
                reply = (Reply("ok", decode(encode(d.run(impl, step.inputs, obj)))) if ok
                         else Reply("fixture_failed", raised=obj))
            else:
                with service.connected(_service(step)):
                    reply = Reply("ok", decode(encode(d.run(impl, _worker_inputs(step)))))
        except Exception as e:
            reply = Reply("raised", raised=_raised(e, package))
        reply.seconds = time.perf_counter() - start
        replies[inst.id] = reply
    return replies
