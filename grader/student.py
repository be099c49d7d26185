"""Student mode: pytest is the front end, the grader's worker runs the cases.

An assignment's `tests/test_cases.py` is two lines (`test_case = case_test("a1", __file__)`), and its
`tests/conftest.py` re-exports the hooks below so the run ends with the per-unit progress table. The pytest
process imports case definitions and the snapshot only; student code runs in the worker, exactly as when
graded, so a local pass is a graded pass on these visible cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import expected as expected_store
from grader.grade import plan_for
from grader.plan import Plan, Step, run_with_worker
from grader.report import table
from grader.session import Reply, WorkerSession
from grader.tree import Assignment, Tree
from grader.verdict import PASSED, CaseResult, judge_case, score

_STATE: dict = {"results": {}, "assignment": None, "session": None, "replies": {}}


class _Run:
    """One worker for the whole pytest session, started on first use."""

    def __init__(self, a: Assignment, plan: Plan) -> None:
        self.a, self.plan = a, plan

    def reply(self, step: Step) -> Reply:
        replies: dict[str, Reply] = _STATE["replies"]
        if step.instance.id not in replies:
            if _STATE["session"] is None:
                _STATE["session"] = WorkerSession(self.a.root, self.a.package, self.a.rubric.preload)
            steps = [s for s in self.plan.steps if s.instance.group == step.instance.group] if step.instance.group \
                else [step]
            replies.update(run_with_worker(Plan(steps, self.plan.groups), _STATE["session"]))
        return replies[step.instance.id]


def case_test(aid: str, test_file: str):
    """A parametrized pytest test over every visible case of the assignment whose tests/ holds `test_file`."""
    root = Path(test_file).resolve().parents[2]
    a = Tree(root).assignment(aid)
    plan = plan_for(a, hidden=False)
    try:
        stored = expected_store.load(a.snapshot_path, aid)
    except expected_store.ExpectedError:
        stored = {}
    run = _Run(a, plan)
    _STATE["assignment"] = a
    steps = {s.instance.id: s for s in plan.steps}

    @pytest.mark.parametrize("case_id", list(steps), ids=[f"{s.instance.unit}:{i}" for i, s in steps.items()])
    def test_case(case_id: str) -> None:
        step = steps[case_id]
        entry = stored.get(case_id)
        if entry is None:
            pytest.fail(f"no snapshot for {case_id}: the release is incomplete (expected {a.snapshot_path})",
                        pytrace=False)
        if entry["inputs"] != step.inputs_digest:
            pytest.fail(f"{case_id}: this machine builds different inputs than the snapshot was made from "
                        f"(another numpy version?); reinstall with `make venv`", pytrace=False)
        result = judge_case(step, run.reply(step), entry["expected"])
        _STATE["results"][case_id] = result
        if not result.passed:
            pytest.fail(_explain(a, result, step), pytrace=False)

    return test_case


def _explain(a: Assignment, r: CaseResult, step: Step) -> str:
    unit = a.rubric.units[r.unit]
    lines = [f"{r.unit} ({unit.title}, HANDOUT.md {unit.handout}) case {r.id}: {r.status.replace('_', ' ')}",
             f"  {r.message}"]
    if getattr(step.definition, "note", ""):
        lines.append(f"  this case checks: {step.definition.note}")
    failing_deps = [d for d in unit.depends
                    if any(x.unit == d and not x.passed for x in _STATE["results"].values())]
    if failing_deps:
        lines.append(f"  note: {', '.join(failing_deps)} (used by this unit) is failing too: fix it first")
    return "\n".join(lines)


def results_table() -> str | None:
    a: Assignment | None = _STATE["assignment"]
    results: dict[str, CaseResult] = _STATE["results"]
    if a is None or not results:
        return None
    units = score(a.rubric, list(results.values()))
    ran = {r.unit for r in results.values()}
    return table([u for u in units if u.key in ran], title=f"{a.id} progress (visible cases)")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001 - pytest hook
    text = results_table()
    if text:
        terminalreporter.write_sep("=", "progress")
        terminalreporter.write_line(text)
        passed = sum(r.status == PASSED for r in _STATE["results"].values())
        terminalreporter.write_line(f"{passed}/{len(_STATE['results'])} visible cases pass")


def pytest_sessionfinish(session, exitstatus) -> None:  # noqa: ARG001 - pytest hook
    if _STATE["session"] is not None:
        _STATE["session"].close()
        _STATE["session"] = None
