"""Verdicts, in the grader's process: outputs against stored expected values, then points per unit.

The score comes from the plan (the manifest of expected cases), never from anything the worker counts: a case
with no reply, a reply out of turn or a malformed one fails with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.plan import Plan, Step
from grader.rubric import Rubric
from grader.session import Reply
from shared.cases import Raised

NOT_IMPLEMENTED = "builtins.NotImplementedError"
# Case statuses, worst last within the failures.
PASSED, WRONG, NOT_IMPL, ERROR, FORBIDDEN, BLOCKED = (
    "passed", "wrong", "not_implemented", "error", "forbidden", "blocked")


@dataclass
class CaseResult:
    id: str
    unit: str
    visibility: str
    status: str
    message: str
    seconds: float = 0.0
    note: str = ""

    @property
    def passed(self) -> bool:
        return self.status == PASSED


@dataclass
class UnitResult:
    key: str
    title: str
    points: float
    earned: float
    status: str  # passed | wrong | not_implemented | blocked | forbidden | error | partial
    detail: str
    cases: list[CaseResult] = field(default_factory=list)
    blocked_by: list[str] = field(default_factory=list)
    optional: bool = False  # extra credit (rubric `optional = true`): outside the max score

    def part(self, visibility: str) -> tuple[float, float, list[CaseResult]]:
        """(earned, possible, cases) of this unit's visible or hidden cases."""
        cs = [c for c in self.cases if c.visibility == visibility]
        share = self.points / len(self.cases) if self.cases else 0.0
        return sum(share for c in cs if c.passed), share * len(cs), cs


def _describe_raised(r: dict) -> str:
    where = f" at {r.get('where')}" if r.get("where") else ""
    return f"raised {r.get('type', '?')}: {r.get('message', '')}{where}"


def judge_case(step: Step, reply: Reply | None, expected: object) -> CaseResult:
    inst = step.instance
    note = getattr(step.definition, "note", "")

    def result(status: str, message: str) -> CaseResult:
        return CaseResult(inst.id, inst.unit, inst.visibility, status, message, reply.seconds if reply else 0.0,
                          note)

    if reply is None:
        return result(ERROR, "no output was received for this case")
    if reply.status in ("timeout", "died", "malformed", "boot_failed"):
        return result(ERROR, {"timeout": "timed out: ", "died": "crashed: ", "malformed": "malformed output: ",
                              "boot_failed": "the worker could not start: "}[reply.status] + reply.message)
    if reply.status == "fixture_failed":
        r = reply.raised or {}
        if r.get("type") == NOT_IMPLEMENTED:
            return result(NOT_IMPL, f"the shared fixture '{step.definition.fixture}' is not implemented yet: "
                                    f"{r.get('message', '')}")
        return result(BLOCKED, f"blocked: the shared fixture '{step.definition.fixture}' failed to build "
                               f"({_describe_raised(r)})")
    outputs: object = reply.outputs
    if reply.status == "raised":
        r = reply.raised or {}
        outputs = Raised(str(r.get("type")), str(r.get("message", "")), str(r.get("where", "")))
    try:
        verdict = step.definition.compare(step.inputs, outputs, expected)
    except TypeError as e:
        return result(ERROR, f"the case's comparator failed: {e}")
    if verdict.ok:
        return result(PASSED, "")
    if isinstance(outputs, Raised):
        if outputs.type == NOT_IMPLEMENTED:
            return result(NOT_IMPL, outputs.message)
        return result(ERROR, _describe_raised(reply.raised or {}))
    return result(WRONG, verdict.message)


def judge(plan: Plan, replies: dict[str, Reply], expected: dict[str, object]) -> list[CaseResult]:
    return [judge_case(s, replies.get(s.instance.id), expected.get(s.instance.id)) for s in plan.steps]


def score(rubric: Rubric, results: list[CaseResult], forbidden: dict[str, list[str]] | None = None) -> list[UnitResult]:
    """Points per unit, split evenly across its cases. A unit that uses a forbidden API earns nothing; a unit
    whose own cases fail while a dependency is not passed is reported as blocked by that dependency."""
    forbidden = forbidden or {}
    by_unit: dict[str, list[CaseResult]] = {k: [] for k in rubric.units}
    for r in results:
        by_unit.setdefault(r.unit, []).append(r)
    units: dict[str, UnitResult] = {}
    for key in _dependency_order(rubric):
        unit = rubric.units[key]
        cases = by_unit[key]
        if key in forbidden:
            units[key] = UnitResult(key, unit.title, unit.points, 0.0, FORBIDDEN,
                                    "; ".join(forbidden[key]), cases)
            continue
        if not cases:  # nothing ran for this unit (e.g. a subset run): no points, no verdict
            units[key] = UnitResult(key, unit.title, unit.points, 0.0, "untested", "no cases ran", cases)
            continue
        n_pass = sum(c.passed for c in cases)
        earned = unit.points * n_pass / len(cases) if cases else 0.0
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
            else:
                status = WRONG if (WRONG in kinds or n_pass) else next(iter(sorted(kinds)))
                detail = f"{len(failing)} of {len(cases)} cases fail"
            units[key] = UnitResult(key, unit.title, unit.points, earned, status, detail, cases, blockers)
            continue
        units[key] = UnitResult(key, unit.title, unit.points, earned, status, detail, cases)
    for key, u in units.items():
        u.optional = rubric.units[key].optional
    return [units[k] for k in rubric.units]


def _dependency_order(rubric: Rubric) -> list[str]:
    order: list[str] = []

    def visit(k: str) -> None:
        if k not in order:
            for d in rubric.units[k].depends:
                visit(d)
            order.append(k)

    for k in rubric.units:
        visit(k)
    return order
