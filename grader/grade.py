"""`grader grade`: grading in two stages.

Grading: assemble (release + hidden drivers + the student's allowed files) -> forbidden-API scan -> the worker
runs each hidden instance and streams outputs -> verdicts here against stored expected values -> report. No
reference code runs while grading, and no visible instance: every visible expected value ships with the release,
so a submission could answer those from memory. Points come only from draws no student has seen.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from pathlib import Path

from grader import sandbox
from grader.assemble import assemble
from grader.execution import Status
from grader.forbidden import scan_assignment
from grader.plan import Plan, hidden_only, plan_for, run_with_worker
from grader.probe import admit
from grader.report import GradeReport
from grader.session import WorkerSession
from grader.tree import Assignment, Tree
from grader.verdict import judge, score


def leaderboard(a: Assignment, plan: Plan, replies: dict, units: list) -> list[dict]:
    """Figures of merit for Gradescope's leaderboard, from units that passed (a wrong answer has no speed): the
    field of the case's first instance in the plan (graded: its first hidden draw)."""
    passed = {u.key for u in units if u.status == Status.PASSED}
    out = []
    for key, unit in a.rubric.units.items():
        lb = unit.leaderboard
        if lb is None or key not in passed:
            continue
        step = next((s for s in plan.steps if s.instance.name == lb.case), None)
        reply = replies.get(step.instance.id) if step else None
        value = reply.outputs.get(lb.field) if reply and isinstance(reply.outputs, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append({"name": lb.name, "value": round(float(value), 6), "order": lb.order})
    return out


def worker_readable(root: Path) -> None:
    """Copies keep the instructor's modes (a private tree, 0600 files): the worker's uid must read the assembled
    tree, and its owner is the grader, so the worker still cannot write it."""
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o755 if path.is_dir() else 0o644)


def grade(tree: Tree, aid: str, submission: Path, progress=None, isolation: sandbox.Isolation | None = None,
          job: int = 0, frozen: Path | None = None, no_isolation: bool = False) -> GradeReport:
    """Grade one submission. `isolation` defaults to the best this machine offers (sandbox.detect()). `frozen`
    is the hidden file to grade from instead of the term's own (a Gradescope package's copy). Raises
    probe.IsolationRefused, before any student code runs, where the worker could reach the instructor's files,
    unless `no_isolation` says the submission is trusted (grader/probe.py)."""
    a = tree.assignment(aid)
    isolation = isolation or sandbox.detect()
    held = admit(tree, isolation, job, frozen, no_isolation)
    start = time.perf_counter()
    report = GradeReport(aid, [], hidden_feedback=a.rubric.hidden_feedback)
    try:
        plan, expected = plan_for(a, hidden=True, hidden_file=frozen)
        plan = hidden_only(plan)
        with tempfile.TemporaryDirectory(prefix="lmfs-grade-") as work:
            assembled = assemble(tree, a, submission, Path(work))
            report.ignored, report.problems = assembled.ignored, assembled.problems
            forbidden = scan_assignment(a, assembled.student_files)
            os.chmod(work, 0o711)  # degraded mode's unprivileged uid must reach the tree, not list the folder
            worker_readable(assembled.root)
            session = WorkerSession(assembled.root, a.package, a.rubric.preload, isolation=isolation, job=job,
                                    max_output_bytes=a.rubric.max_output_bytes)
            report.isolation = held
            try:
                replies = run_with_worker(plan, session, progress, budget_s=a.rubric.total_time_limit_s)
                report.log_tail = session.log_tail()
            finally:
                session.close()
        report.units = score(a.rubric, judge(plan, replies, expected), forbidden)
        report.leaderboard = leaderboard(a, plan, replies, report.units)
    except Exception as e:  # noqa: BLE001 - grading itself failed: still a valid report, a zero with the reason
        report.error = f"{type(e).__name__}: {e}"
        report.log_tail = traceback.format_exc()[-4000:]
    report.execution_time = time.perf_counter() - start
    return report
