"""`grader build` and `grader grade`: expected outputs ahead of time; grading in two stages.

Grading: assemble (release + hidden drivers + the student's allowed files) -> forbidden-API scan -> the worker
runs each case and streams outputs -> verdicts here against stored expected values -> report. No reference
code runs while grading.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from pathlib import Path

from grader import expected as expected_store
from grader import sandbox
from grader.assemble import assemble
from grader.forbidden import scan_units
from grader.plan import Plan, make_plan, run_with_worker
from grader.report import GradeReport
from grader.session import WorkerSession
from grader.tree import Assignment, Tree, hidden_expected_path, seed_secret
from grader.verdict import judge, score


def unit_files(a: Assignment) -> dict[str, set[str]]:
    """unit key -> the files that hold its targets (from the module map)."""
    api = a.api()
    return {k: {api[t].split(":")[0].replace(".", "/") + ".py" for t in u.targets if t in api}
            for k, u in a.rubric.units.items()}


def plan_for(a: Assignment, hidden: bool, create_secret: bool = False) -> Plan:
    secret = seed_secret(a.id, create=create_secret) if hidden else None
    limits = {k: u.time_limit_s for k, u in a.rubric.units.items()}
    return make_plan(a.suite(hidden=hidden), secret, a.hidden_names(), limits)


def build(a: Assignment, visible: bool = True, log=print) -> None:
    """Compute and store expected outputs: the visible snapshot (committed) and the hidden file (secret).
    `visible=False` builds only the hidden file: what a fresh clone needs (its snapshot is committed, and
    rebuilding it would hide drift from `grader check`)."""
    plan = plan_for(a, hidden=True, create_secret=True)
    hidden = [s for s in plan.steps if s.instance.visibility == "hidden"]
    shown = [s for s in plan.steps if s.instance.visibility == "visible"] if visible else []
    values = expected_store.compute(plan, a.api(), a.package, steps=shown + hidden)
    if visible:
        expected_store.save(a.snapshot_path, a.id, shown, values)
        log(f"{a.id}: {len(shown)} visible expected outputs -> {a.snapshot_path}")
    expected_store.save(hidden_expected_path(a.id), a.id, hidden, values)
    log(f"{a.id}: {len(hidden)} hidden expected outputs -> {hidden_expected_path(a.id)} (never commit or release)")


def ensure_hidden(a: Assignment, log=print) -> None:
    """Build the hidden expected outputs on first use (a fresh clone has no secrets), or after the secret or
    the case definitions changed."""
    try:
        load_expected(a, plan_for(a, hidden=True, create_secret=True))
    except expected_store.ExpectedError:
        build(a, visible=False, log=log)


def load_expected(a: Assignment, plan: Plan) -> dict[str, object]:
    """Stored expected values for every step, refusing stale ones (inputs that no longer match)."""
    stored = dict(expected_store.load(a.snapshot_path, a.id))
    if any(s.instance.visibility == "hidden" for s in plan.steps):
        stored.update(expected_store.load(hidden_expected_path(a.id), a.id))
    out = {}
    for s in plan.steps:
        entry = stored.get(s.instance.id)
        if entry is None or entry["inputs"] != s.inputs_digest:
            raise expected_store.ExpectedError(
                f"stored expected output for {s.instance.id} is missing or was built from other inputs; "
                f"run `python -m grader build -a {a.id}`")
        out[s.instance.id] = entry["expected"]
    return out


def leaderboard(a: Assignment, plan: Plan, replies: dict, units: list) -> list[dict]:
    """Figures of merit for Gradescope's leaderboard, from units that passed (a wrong answer has no speed)."""
    passed = {u.key for u in units if u.status == "passed"}
    out = []
    for key, unit in a.rubric.units.items():
        lb = unit.leaderboard
        if lb is None or key not in passed:
            continue
        step = next((s for s in plan.steps if s.instance.name == lb.case and s.instance.visibility == "visible"),
                    None)
        reply = replies.get(step.instance.id) if step else None
        value = reply.outputs.get(lb.field) if reply and isinstance(reply.outputs, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append({"name": lb.name, "value": round(float(value), 6), "order": lb.order})
    return out


def grade(tree: Tree, aid: str, submission: Path, progress=None, isolation: sandbox.Isolation | None = None,
          job: int = 0, frozen: Path | None = None) -> GradeReport:
    """Grade one submission. `isolation` defaults to the best this machine offers (sandbox.detect()). `frozen`
    grades the hidden cases from a frozen file instead of the seed secret (a Gradescope package has no secret)."""
    a = tree.assignment(aid)
    isolation = isolation or sandbox.detect()
    start = time.perf_counter()
    report = GradeReport(aid, [])
    try:
        if frozen is not None:
            from grader.frozen import thaw

            visible = plan_for(a, hidden=False)
            plan, hidden_expected = thaw(a, visible, frozen)
            expected = {**load_expected(a, visible), **hidden_expected}
        else:
            plan = plan_for(a, hidden=True)
            expected = load_expected(a, plan)
        with tempfile.TemporaryDirectory(prefix="lmfs-grade-") as work:
            assembled = assemble(tree, a, submission, Path(work))
            report.ignored, report.problems = assembled.ignored, assembled.problems
            forbidden = scan_units(assembled.student_files, {k: list(u.forbidden) for k, u in a.rubric.units.items()},
                                   list(a.rubric.forbidden), unit_files(a))
            os.chmod(work, 0o711)  # degraded mode's unprivileged uid must reach the tree, not list the folder
            session = WorkerSession(assembled.root, a.package, a.rubric.preload, isolation=isolation, job=job,
                                    max_output_bytes=a.rubric.max_output_bytes)
            report.isolation = session.isolation_label
            try:
                replies = run_with_worker(plan, session, progress, budget_s=a.rubric.total_time_limit_s)
                report.log_tail = session.log_tail()
            finally:
                session.close()
        report.units = score(a.rubric, judge(plan, replies, expected), forbidden)
        report.leaderboard = leaderboard(a, plan, replies, report.units)
    except Exception as e:  # grading itself failed: still a valid report, a zero with the reason
        report.error = f"{type(e).__name__}: {e}"
        report.log_tail = traceback.format_exc()[-4000:]
    report.execution_time = time.perf_counter() - start
    return report
