"""A plan: every instance of an assignment's cases with its definition, inputs and time limit, in order.

Two ways to make one, both in the grader's process from case definitions only (no student or reference code):
- `generate`: draw inputs from the seeds (`grader build`, fresh draws in `grader check --deep`, `grader fuzz`);
- `from_store`: read the inputs that were drawn once and stored (grader/store.py): grading and student mode.
  A stored entry that is missing or was drawn from another definition makes a step that does not run and
  fails that one case with the reason and the fix.
Either plan is executed through a worker (grading, student mode, stubs) or in-process (reference, mutants); both
run every request through grader/execution.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import store, timing
from grader.execution import Executor, Reply, Run, execute_here
from grader.fingerprint import fingerprint
from grader.session import WorkerSession
from grader.store import Stored
from grader.tree import Assignment, hidden_expected_path
from shared.cases import Case, Fixture, Group, Impl, Instance, Suite, Timed, instances, service
from shared.codec import Limits, decode, encode

DEFAULT_LIMIT_S = 20.0


@dataclass
class Step:
    instance: Instance
    definition: Case | Fixture
    inputs: dict
    time_limit_s: float
    fixture_inputs: dict | None = None
    fingerprint: str = ""
    problem: str = ""  # why this step cannot run (no stored inputs, or stale ones); empty when it can

    @property
    def inputs_digest(self) -> str:
        return hashlib.sha256(encode(self.inputs)).hexdigest()[:16]


@dataclass
class Plan:
    steps: list[Step]
    groups: dict[str, Group]

    def by_id(self) -> dict[str, Step]:
        return {s.instance.id: s for s in self.steps}

    def subset(self, steps: list[Step]) -> Plan:
        return Plan(steps, self.groups)


def definition_fingerprint(definition: Case | Fixture, inst: Instance) -> str:
    """Visible instances are named by their seed; hidden ones by their draw (the seed is the secret's)."""
    return fingerprint(definition.inputs, inst.seed if inst.visibility == "visible" else None)


def _planned(suite: Suite, hidden: bool, hidden_names: frozenset[str], secret: str | None,
             only_units: set[str] | None) -> list[tuple[Instance, Case | Fixture]]:
    defs: dict[str, Case | Fixture] = {c.name: c for c in suite.cases}
    fixtures = {f.name: f for f in suite.fixtures}
    # subtle: the hidden instances' ids (name#hK) need no secret, only their seeds do; a plan read from a store
    # gets a placeholder secret so it can name them without knowing it
    insts = instances(suite, (secret or "-") if hidden else None, hidden_names)
    return [(i, fixtures[i.name] if i.kind == "fixture" else defs[i.name]) for i in insts
            if only_units is None or i.unit in only_units]


def generate(suite: Suite, secret: str | None, hidden_names: frozenset[str], limits: dict[str, float],
             only_units: set[str] | None = None) -> Plan:
    """Inputs drawn now from each instance's seed. `secret=None` plans the visible instances only."""
    planned = _planned(suite, secret is not None, hidden_names, secret, only_units)
    fixture_inputs = {f.name: Instance(f"fixture:{f.name}", "fixture", f.name, f.unit, f.seed, "visible")
                      .make_inputs(f) for f in suite.fixtures}
    steps = []
    for inst, d in planned:
        fx = fixture_inputs[d.fixture] if inst.kind == "case" and d.fixture else None
        inputs = fixture_inputs[inst.name] if inst.kind == "fixture" else inst.make_inputs(d)
        # stored inputs come back from the codec as data; these are made the same shape now, so that expected
        # values computed from them (grader build) are computed from exactly what will be stored
        steps.append(Step(inst, d, decode(encode(inputs)), limits.get(inst.unit, DEFAULT_LIMIT_S),
                          None if fx is None else decode(encode(fx)), definition_fingerprint(d, inst)))
    return Plan(steps, {g.name: g for g in suite.groups})


def from_store(suite: Suite, hidden_names: frozenset[str], limits: dict[str, float], visible: Stored,
               hidden: Stored | None = None, only_units: set[str] | None = None) -> tuple[Plan, dict[str, Any]]:
    """The plan over stored inputs, and the stored expected values by instance id. `hidden=None` plans the
    visible instances only."""
    aid = visible.assignment
    stored = {**visible.entries, **(hidden.entries if hidden is not None else {})}
    steps, expected = [], {}
    for inst, d in _planned(suite, hidden is not None, hidden_names, None, only_units):
        fp = definition_fingerprint(d, inst)
        e = stored.get(inst.id)
        source = hidden if inst.visibility == "hidden" and hidden is not None else visible
        problem = ""
        if e is None:
            problem = (f"no stored inputs for {inst.id}: " + (source.problem or f"the stored instances predate this "
                       f"case; run `python -m grader build -a {aid}` (a student: ask for an updated release)"))
        elif e.get("fingerprint") != fp and source.fingerprints_comparable:
            problem = (f"the stored inputs of {inst.id} were drawn from another definition of the case (it was "
                       f"edited since); run `python -m grader build -a {aid}` (a student: ask for an updated "
                       f"release)")
        fx = None
        if inst.kind == "case" and d.fixture:
            fe = visible.entries.get(f"fixture:{d.fixture}")
            fx = fe["inputs"] if fe is not None else None
            if fx is None and not problem:
                problem = f"no stored inputs for the fixture '{d.fixture}'; run `python -m grader build -a {aid}`"
        steps.append(Step(inst, d, e["inputs"] if e is not None and not problem else {},
                          limits.get(inst.unit, DEFAULT_LIMIT_S), fx, fp, problem))
        if e is not None and not problem:
            expected[inst.id] = e["expected"]
    return Plan(steps, {g.name: g for g in suite.groups}), expected


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


@dataclass
class _Request:
    """One request to send and the steps its reply answers (several for a group)."""

    body: dict
    steps: list[Step]
    time_limit_s: float
    service: Any = None

    @property
    def timed(self) -> Timed | None:
        """The case's speed requirement (shared/cases/case.py `Timed`), or None."""
        d = self.steps[0].definition
        return d.timed if self.body["kind"] == "case" and isinstance(d, Case) else None


def _requests(plan: Plan, todo: list[Step]) -> Any:
    """The requests that run `todo`, in order: a group's members go in one request; stale steps in none."""
    done_groups: set[str] = set()
    for step in todo:
        inst = step.instance
        if step.problem:
            continue
        if inst.group:
            if inst.group in done_groups:
                continue
            done_groups.add(inst.group)
            members = [s for s in plan.steps if s.instance.group == inst.group and not s.problem]
            body = {"id": f"group:{inst.group}", "kind": "group", "name": inst.group, "inputs": {},
                    "members": [{"id": m.instance.id, "inputs": m.inputs} for m in members]}
            yield _Request(body, members, plan.groups[inst.group].time_limit_s)
        else:
            yield _Request(_request(step), [step], step.time_limit_s, _service(step))


def _answer(req: _Request, reply: Reply) -> dict[str, Reply]:
    return _split_group(reply, req.steps) if req.body["kind"] == "group" else {req.steps[0].instance.id: reply}


def _stale(todo: list[Step]) -> dict[str, Reply]:
    return {s.instance.id: Reply(Run.STALE, message=s.problem) for s in todo if s.problem}


TIMEOUTS_PER_UNIT = 2


def run_with_worker(plan: Plan, session: WorkerSession, progress=None, budget_s: float | None = None
                    ) -> dict[str, Reply]:
    """Send every step through the worker, one at a time; a group's members go in one request. Past `budget_s`
    seconds in all, the remaining steps fail without running (a submission that hangs in every case would
    otherwise hold a grading machine for limit x cases)."""
    import time

    replies = _stale(plan.steps)
    deadline = None if budget_s is None else time.monotonic() + budget_s
    timeouts: dict[str, int] = {}  # unit -> cases that timed out
    for req in _requests(plan, plan.steps):
        unit = req.steps[0].instance.unit
        if deadline is not None and time.monotonic() > deadline:
            skipped = Reply(Run.TIMEOUT, message=f"not run: the submission used up its total time budget of "
                                                 f"{budget_s:g} s")
        elif timeouts.get(unit, 0) >= TIMEOUTS_PER_UNIT:
            # subtle: one hanging function must not spend the budget that the student's other units need
            skipped = Reply(Run.TIMEOUT, message=f"not run: {TIMEOUTS_PER_UNIT} earlier cases of {unit} timed out")
        else:
            skipped = None
        if skipped is not None:
            replies.update({s.instance.id: skipped for s in req.steps})
            continue
        run = session.run_timed if req.timed is not None else session.run
        reply = run(req.body, req.time_limit_s, service=req.service)
        if reply.status == Run.TIMEOUT and req.body["kind"] != "group":
            timeouts[unit] = timeouts.get(unit, 0) + 1
        replies.update(_answer(req, reply))
        if progress:
            for s in req.steps:
                progress(s.instance.id, replies.get(s.instance.id))
    return replies


def _split_group(reply: Reply, members: list[Step]) -> dict[str, Reply]:
    if reply.status == Run.OK:
        outs = reply.outputs
        if not isinstance(outs, list) or len(outs) != len(members):
            return {m.instance.id: Reply(Run.MALFORMED, message=f"the group returned {type(outs).__name__} "
                                         f"instead of {len(members)} outputs") for m in members}
        # a member whose output is exactly {"raised": {...}} raised on its own (the group's other members ran)
        return {m.instance.id: (Reply(Run.RAISED, raised=o["raised"], seconds=reply.seconds)
                                if isinstance(o, dict) and set(o) == {"raised"} and isinstance(o["raised"], dict)
                                else Reply(Run.OK, o, seconds=reply.seconds))
                for m, o in zip(members, outs, strict=True)}
    return {m.instance.id: Reply(reply.status, raised=reply.raised, message=f"group '{members[0].instance.group}': "
                                 f"{reply.message}", seconds=reply.seconds) for m in members}


def executor_for(plan: Plan, impl: Impl, package: str) -> Executor:
    cases = {s.definition.name: s.definition for s in plan.steps if s.instance.kind == "case"}
    fixtures = {s.definition.name: s.definition for s in plan.steps if s.instance.kind == "fixture"}
    return Executor(cases, fixtures, plan.groups, impl, package)


def run_in_process(plan: Plan, impl: Impl, package: str, steps: list[Step] | None = None) -> dict[str, Reply]:
    """Trusted code only (the reference, mutants): the same requests as `run_with_worker`, run here through the
    same executor, request and reply round-tripped through the codec as over the pipe."""
    todo = plan.steps if steps is None else steps
    executor = executor_for(plan, impl, package)
    replies = _stale(todo)
    for req in _requests(plan, todo):
        replies.update(_answer(req, _execute_timed(executor, req)))
    return replies


def _execute_timed(executor: Executor, req: _Request) -> Reply:
    """`execute_here`, and for a timed case its CPU time against the calibration's, both measured here."""
    if req.timed is None:
        return execute_here(executor, req.body, req.service)
    reply, measured = timing.measure_here(lambda: execute_here(executor, req.body, req.service),
                                          req.timed.calibration)
    if reply.status == Run.OK:
        reply.timing = measured
    return reply


# Both ends of a requests file are the grader's own processes, and one file holds every request of a deep draw
# (a4's documents alone pass the 8 MiB header cap meant for a student's replies).
_TRUSTED_FILE = Limits(max_bytes=2**36, max_header_bytes=2**34, max_buffers=10**8)


def run_in_fresh_process(plan: Plan, root: Path, aid: str, env: dict[str, str]) -> dict[str, Reply]:
    """Trusted code only: the same requests, run by `python -m grader run-requests` in a fresh interpreter with
    `env` (another SIMD dispatch or thread count), on exactly these inputs (sent as data, never regenerated
    there). The expected side stays in this process, as on a student's machine against the instructor's."""
    import os
    import subprocess
    import sys
    import tempfile

    from grader.tree import TOOL_ROOT

    reqs = list(_requests(plan, plan.steps))
    with tempfile.TemporaryDirectory(prefix="lmfs-requests-") as tmp:
        src, dst = Path(tmp) / "requests.bin", Path(tmp) / "replies.bin"
        src.write_bytes(encode([{"body": r.body, "service_inputs": r.steps[0].inputs if r.service else None}
                                for r in reqs]))
        cmd = [sys.executable, "-m", "grader", "--root", str(root), "run-requests", "-a", aid, str(src), str(dst)]
        proc = subprocess.run(cmd, env={**os.environ, **env}, cwd=TOOL_ROOT, capture_output=True, text=True,
                              timeout=3600)
        if proc.returncode != 0:
            raise RuntimeError(f"run-requests failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
        wires = decode(dst.read_bytes(), _TRUSTED_FILE)
    replies = _stale(plan.steps)
    for req, wire in zip(reqs, wires, strict=True):
        reply = Reply.from_wire(wire, req.body["id"])
        reply.timing = timing.Timing.from_data(wire.get("timing"))  # our own process measured it
        replies.update(_answer(req, reply))
    return replies


def serve_requests(suite: Suite, impl: Impl, package: str, src: Path, dst: Path) -> None:
    """The far side of `run_in_fresh_process`: every request through the one executor, replies as data."""
    executor = Executor({c.name: c for c in suite.cases}, {f.name: f for f in suite.fixtures},
                        {g.name: g for g in suite.groups}, impl, package)
    cases = {c.name: c for c in suite.cases}
    out = []
    for item in decode(src.read_bytes(), _TRUSTED_FILE):
        body, full = item["body"], item["service_inputs"]
        case = cases.get(body["name"])
        channel = service.guarded(case.service(full)) if full is not None and case and case.service else None
        timed = case.timed if case is not None and body["kind"] == "case" else None
        r, measured = (execute_here(executor, body, channel), None) if timed is None else \
            timing.measure_here(lambda: execute_here(executor, body, channel), timed.calibration)  # noqa: B023
        out.append({"id": body["id"], "status": str(r.status), "outputs": r.outputs, "raised": r.raised,
                    "message": r.message, "seconds": r.seconds, "watched": r.watched,
                    "timing": measured.as_data() if measured is not None and r.status == Run.OK else None})
    dst.write_bytes(encode(out))


def limits(a: Assignment) -> dict[str, float]:
    return {k: u.time_limit_s for k, u in a.rubric.units.items()}


def plan_for(a: Assignment, hidden: bool, hidden_file: Path | None = None) -> tuple[Plan, dict[str, object]]:
    """The plan over the stored inputs and their expected values: the visible snapshot, plus (with `hidden`)
    the term's hidden file or `hidden_file` (a Gradescope package's copy). A missing or unreadable file never
    aborts: each case it should have held fails alone, with the reason and the fix."""
    visible = store.read(a.snapshot_path, a.id, "visible")
    secret = store.read(hidden_file or hidden_expected_path(a.id), a.id, "hidden") if hidden else None
    return from_store(a.suite(hidden=hidden), a.hidden_names(), limits(a), visible, secret)


def hidden_only(plan: Plan) -> Plan:
    """What grading runs: the hidden instances (a fixture build is not one: the cases that use it carry its
    points, and it is built for them in the worker from its published inputs)."""
    return plan.subset([s for s in plan.steps if s.instance.visibility == "hidden"])


def generated_plan(a: Assignment, secret: str | None) -> Plan:
    """Inputs drawn now: the published seeds, and the term's hidden seeds when `secret` is given."""
    return generate(a.suite(hidden=secret is not None), secret, a.hidden_names(), limits(a))
