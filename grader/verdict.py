"""Verdicts, in the grader's process: outputs against stored expected values, then points per unit.

The score comes from the plan (the manifest of expected cases), never from anything the worker counts: a case
with no reply, a reply out of turn or a malformed one fails with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.execution import Reply, Run, Status
from grader.forbidden import describe_watched
from grader.plan import Plan, Step
from grader.rubric import Rubric
from shared.cases import Raised

NOT_IMPLEMENTED = "builtins.NotImplementedError"
PASSED, WRONG, NOT_IMPL, ERROR, FORBIDDEN, BLOCKED, UNTESTED = (
    Status.PASSED, Status.WRONG, Status.NOT_IMPLEMENTED, Status.ERROR, Status.FORBIDDEN, Status.BLOCKED,
    Status.UNTESTED)


@dataclass
class CaseResult:
    id: str
    unit: str
    visibility: str
    status: str
    message: str
    seconds: float = 0.0
    note: str = ""
    margin: float | None = None  # the comparator's error / tolerance on a pass (grader check --deep)
    name: str = ""  # the case (or fixture) this instance draws from
    # Whether this instance can carry points: a fixture build never does (the cases that use it carry them),
    # nor does a case with no hidden draws (a worked example, a fixed-input check): grading runs hidden
    # instances only, so points the visible run projects must come from cases grading will also run.
    pointed: bool = True
    weight: float = 0.0  # its share of the unit's points, set by score()

    @property
    def passed(self) -> bool:
        return self.status == PASSED


@dataclass
class UnitResult:
    key: str
    title: str
    points: float
    earned: float
    status: str  # a Status (grader/execution.py)
    detail: str
    cases: list[CaseResult] = field(default_factory=list)
    blocked_by: list[str] = field(default_factory=list)
    optional: bool = False  # extra credit (rubric `optional = true`): outside the max score

    def part(self, visibility: str) -> tuple[float, float, list[CaseResult]]:
        """(earned, possible, cases) of this unit's visible or hidden cases."""
        cs = [c for c in self.cases if c.visibility == visibility]
        return sum(c.weight for c in cs if c.passed), sum(c.weight for c in cs), cs


def _describe_raised(r: dict) -> str:
    if r.get("file"):  # a file that does not compile: its name and line say it all
        return f"raised {r.get('type', '?')}: {r.get('message', '')}"
    where = f" at {r.get('where')}" if r.get("where") else ""
    return f"raised {r.get('type', '?')}: {r.get('message', '')}{where}"


def judge_case(step: Step, reply: Reply | None, expected: object) -> CaseResult:
    inst = step.instance
    note = getattr(step.definition, "note", "")

    pointed = inst.kind == "case" and (inst.visibility == "hidden" or getattr(step.definition, "hidden_draws", 0) > 0)

    def result(status: str, message: str) -> CaseResult:
        return CaseResult(inst.id, inst.unit, inst.visibility, status, message, reply.seconds if reply else 0.0,
                          note, name=inst.name, pointed=pointed)

    if step.problem:
        return result(ERROR, f"not run: {step.problem}")
    if reply is None:
        return result(ERROR, "no output was received for this case")
    failed = {Run.TIMEOUT: "timed out: ", Run.DIED: "crashed: ", Run.MALFORMED: "malformed output: ",
              Run.BOOT_FAILED: "the worker could not start: ", Run.STALE: "not run: "}
    if reply.status in failed:
        return result(ERROR, failed[Run(reply.status)] + reply.message)
    if reply.watched:  # judged here from the worker's report, whatever the case returned
        return result(FORBIDDEN, describe_watched(reply.watched))
    if reply.status == Run.FIXTURE_FAILED:
        r = reply.raised or {}
        if r.get("type") == NOT_IMPLEMENTED:
            return result(NOT_IMPL, f"the shared fixture '{step.definition.fixture}' is not implemented yet: "
                                    f"{r.get('message', '')}")
        return result(BLOCKED, f"blocked: the shared fixture '{step.definition.fixture}' failed to build "
                               f"({_describe_raised(r)})")
    outputs: object = reply.outputs
    if reply.status == Run.RAISED:
        r = reply.raised or {}
        outputs = Raised(str(r.get("type")), str(r.get("message", "")), str(r.get("where", "")))
    try:
        verdict = step.definition.compare(step.inputs, outputs, expected)
    except TypeError as e:
        return result(ERROR, f"the case's comparator failed: {e}")
    timed = getattr(step.definition, "timed", None)
    if verdict.ok and timed is not None:
        # the speed requirement, on the grader's own measurement (grader/timing.py), never the worker's
        if reply.timing is None:
            return result(ERROR, "this case is timed, but the grader measured no time for it")
        fast, why = reply.timing.verdict(timed.limit)
        if not fast:
            return result(WRONG, f"too slow: the call {why}")
    if verdict.ok:
        r = result(PASSED, "")
        r.margin = verdict.margin
        return r
    if isinstance(outputs, Raised):
        if outputs.type == NOT_IMPLEMENTED:
            return result(NOT_IMPL, outputs.message)
        return result(ERROR, _describe_raised(reply.raised or {}))
    return result(WRONG, verdict.message)


def judge(plan: Plan, replies: dict[str, Reply], expected: dict[str, object]) -> list[CaseResult]:
    return [judge_case(s, replies.get(s.instance.id), expected.get(s.instance.id)) for s in plan.steps]


def weigh(cases: list[CaseResult], points: float) -> None:
    """Split a unit's points evenly over its pointed cases, then each case's share evenly over its instances,
    so a case drawn three times weighs what a case drawn once does. A run holding both visibilities (grader
    check) gives each half: grading holds hidden instances only, student mode visible ones only."""
    count: dict[str, dict[str, int]] = {}
    for c in cases:
        if c.pointed:
            names = count.setdefault(c.visibility, {})
            names[c.name] = names.get(c.name, 0) + 1
    for c in cases:
        names = count.get(c.visibility, {})
        c.weight = points / len(count) / len(names) / names[c.name] if c.pointed else 0.0


def score(rubric: Rubric, results: list[CaseResult], forbidden: dict[str, list[str]] | None = None) -> list[UnitResult]:
    """Points per unit, split over its pointed cases (weigh()). A unit that uses a forbidden API earns nothing;
    a unit whose own cases fail while a dependency is not passed is reported as blocked by that dependency."""
    forbidden = forbidden or {}
    by_unit: dict[str, list[CaseResult]] = {k: [] for k in rubric.units}
    for r in results:
        by_unit.setdefault(r.unit, []).append(r)
    for key, cases in by_unit.items():
        weigh(cases, rubric.units[key].points if key in rubric.units else 0.0)
    units: dict[str, UnitResult] = {}
    for key in dependency_order(rubric):
        unit = rubric.units[key]
        cases = by_unit[key]
        # the static scan's findings, then the runtime watcher's first (one call fails every case alike)
        reasons = forbidden.get(key, []) + [f"{c.message} (HANDOUT {unit.handout})" for c in cases
                                            if c.status == FORBIDDEN][:1]
        if reasons:
            units[key] = UnitResult(key, unit.title, unit.points, 0.0, FORBIDDEN, "; ".join(reasons), cases)
            continue
        if not cases:  # nothing ran for this unit (e.g. a subset run): no points, no verdict
            units[key] = UnitResult(key, unit.title, unit.points, 0.0, UNTESTED, "no cases ran", cases)
            continue
        n_pass = sum(c.passed for c in cases)
        earned = sum(c.weight for c in cases if c.passed)
        if cases and n_pass == len(cases):
            status, detail = PASSED, ""
        else:
            failing = [c for c in cases if not c.passed]
            kinds = {c.status for c in failing}
            if len(kinds) > 1:  # cases blocked by a broken fixture take the fixture build's own status
                kinds.discard(BLOCKED)
            blockers = [d for d in unit.depends if d in units and units[d].status != PASSED]
            if blockers:
                status, detail = BLOCKED, "blocked by " + ", ".join(blockers)
            elif kinds == {NOT_IMPL}:
                status, detail = NOT_IMPL, failing[0].message
            elif kinds == {BLOCKED}:  # no failing dependency: its own fixture failed to build (graded runs no
                status, detail = ERROR, failing[0].message  # fixture instance, so this is where that shows)
            else:
                status = WRONG if (WRONG in kinds or n_pass) else next(iter(sorted(kinds)))
                detail = f"{len(failing)} of {len(cases)} cases fail"
            units[key] = UnitResult(key, unit.title, unit.points, earned, status, detail, cases, blockers)
            continue
        units[key] = UnitResult(key, unit.title, unit.points, earned, status, detail, cases)
    for key, u in units.items():
        u.optional = rubric.units[key].optional
    return [units[k] for k in rubric.units]


def dependency_order(rubric: Rubric) -> list[str]:
    order: list[str] = []

    def visit(k: str) -> None:
        if k not in order:
            for d in rubric.units[k].depends:
                visit(d)
            order.append(k)

    for k in rubric.units:
        visit(k)
    return order
