"""Student mode: pytest is the front end, the grader's worker runs the cases.

An assignment's `tests/test_cases.py` is two lines (`test_case = case_test("a1", __file__)`), and its
`tests/conftest.py` re-exports the hooks below so the run ends with the per-unit progress table. The pytest
process imports case definitions and the snapshot only; student code runs in the worker, exactly as when
graded, so a local pass is a graded pass on these visible cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.execution import Reply
from grader.forbidden import scan_assignment, student_files
from grader.plan import Plan, Step, plan_for, run_with_worker
from grader.report import table
from grader.session import WorkerSession
from grader.tree import TOOL_ROOT, Assignment, Tree
from grader.verdict import PASSED, CaseResult, judge_case, score

_RUNS: dict[str, _Run] = {}  # assignment id -> its run (one pytest session may collect several assignments)


class _Run:
    """One worker per assignment for the whole pytest session, started on first use."""

    def __init__(self, a: Assignment, plan: Plan) -> None:
        self.a, self.plan = a, plan
        self.session: WorkerSession | None = None
        self.replies: dict[str, Reply] = {}
        self.results: dict[str, CaseResult] = {}
        self.printed = False
        # the static verdict grading gives these files (the runtime watcher's comes with each reply)
        self.forbidden = scan_assignment(a, student_files(a))

    def reply(self, step: Step) -> Reply:
        if step.instance.id not in self.replies:
            if self.session is None:
                # A tree without its own grader/ (the fixture assignment) borrows this one's.
                tool = None if (self.a.root / "grader").is_dir() else TOOL_ROOT
                self.session = WorkerSession(self.a.root, self.a.package, self.a.rubric.preload, tool)
            group = step.instance.group
            steps = [s for s in self.plan.steps if s.instance.group == group] if group else [step]
            self.replies.update(run_with_worker(self.plan.subset(steps), self.session))
        return self.replies[step.instance.id]

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None


def case_test(aid: str, test_file: str):
    """A parametrized pytest test over every visible case of the assignment whose tests/ holds `test_file`."""
    root = Path(test_file).resolve().parents[2]
    a = Tree(root).assignment(aid)
    plan, expected = plan_for(a, hidden=False)
    run = _RUNS.setdefault(aid, _Run(a, plan))
    steps = {s.instance.id: s for s in plan.steps}

    @pytest.mark.parametrize("case_id", list(steps), ids=[f"{s.instance.unit}:{i}" for i, s in steps.items()])
    def test_case(case_id: str) -> None:
        step = steps[case_id]
        if step.problem:  # the case's stored inputs are missing or stale: it fails alone, with the fix
            pytest.fail(f"{case_id}: {step.problem}", pytrace=False)
        result = judge_case(step, run.reply(step), expected.get(case_id))
        run.results[case_id] = result
        if not result.passed:
            pytest.fail(_explain(run, result, step), pytrace=False)
        if step.instance.unit in run.forbidden:  # passes, yet graded as forbidden: say so here too
            pytest.fail(f"{step.instance.unit}: forbidden: {'; '.join(run.forbidden[step.instance.unit])}",
                        pytrace=False)

    return test_case


def _explain(run: _Run, r: CaseResult, step: Step) -> str:
    unit = run.a.rubric.units[r.unit]
    lines = [f"{r.unit} ({unit.title}, HANDOUT.md {unit.handout}) case {r.id}: {r.status.replace('_', ' ')}",
             f"  {r.message}"]
    if getattr(step.definition, "note", ""):
        lines.append(f"  this case checks: {step.definition.note}")
    failing_deps = [d for d in unit.depends
                    if any(x.unit == d and not x.passed for x in run.results.values())]
    if failing_deps:
        one = len(failing_deps) == 1
        lines.append(f"  note: this unit uses {', '.join(failing_deps)}, which {'is' if one else 'are'} failing too: "
                     f"fix {'it' if one else 'them'} first")
    return "\n".join(lines)


def results_table(run: _Run) -> str:
    units = score(run.a.rubric, list(run.results.values()), run.forbidden)
    ran = {r.unit for r in run.results.values()}
    return table([u for u in units if u.key in ran], title=f"{run.a.id} progress (visible cases)", projected=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    # Every assignment's conftest re-exports this hook, so it may be called once per conftest: print each once.
    for run in _RUNS.values():
        if not run.results or run.printed:
            continue
        run.printed = True
        terminalreporter.write_sep("=", f"{run.a.id} progress")
        terminalreporter.write_line(results_table(run))
        passed = sum(r.status == PASSED for r in run.results.values())
        terminalreporter.write_line(f"{passed}/{len(run.results)} visible cases pass")


def pytest_sessionfinish(session, exitstatus) -> None:
    for run in _RUNS.values():
        run.close()
