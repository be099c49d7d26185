"""Portable verdicts: every assignment's visible cases, run in student mode on the reference under numpy's and
torch's other SIMD kernels (as on another CPU), give the verdicts the snapshot promises: all pass.

The snapshot was built on one machine; students run on others (AVX-512, AVX2, Apple's NEON, baseline x86).
`grader check` covers the reference on every hidden instance the same way (its determinism step); this covers
the student's path: the worker, the stored inputs and expected values, the comparators."""

import pytest

from grader.check import OTHER_DISPATCH
from grader.plan import plan_for, run_with_worker
from grader.session import WorkerSession, scrubbed_env
from grader.tree import TOOL_ROOT, Tree
from grader.verdict import judge

TREE = Tree(TOOL_ROOT)
ASSIGNMENTS = [aid for aid, a in TREE.assignments().items() if (a.package_dir / "cases" / "__init__.py").exists()]


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_visible_cases_pass_under_another_cpu_dispatch(aid):
    a = TREE.assignment(aid)
    plan, expected = plan_for(a, hidden=False)
    env = {**scrubbed_env(), **OTHER_DISPATCH}
    with WorkerSession(a.root, a.package, a.rubric.preload, env=env) as session:
        replies = run_with_worker(plan, session)
    failed = [f"{r.id}: {r.status}: {r.message[:300]}" for r in judge(plan, replies, expected) if not r.passed]
    assert not failed, f"{len(failed)} visible cases of {aid} change verdict under {OTHER_DISPATCH}:\n" + \
        "\n".join(failed[:20])


def test_the_dispatch_switches_pass_the_scrubbed_environment(monkeypatch):
    """A student reproducing a report (or CI) sets the variables outside; the worker's scrubbed environment
    must keep them, and the start-method switch too."""
    for k, v in {**OTHER_DISPATCH, "LMFS_START_METHOD": "spawn"}.items():
        monkeypatch.setenv(k, v)
    env = scrubbed_env()
    assert {k: env.get(k) for k in OTHER_DISPATCH} == OTHER_DISPATCH
    assert env.get("LMFS_START_METHOD") == "spawn"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_the_committed_margins_report_covers_every_case_within_the_gate(aid):
    """`grader check --deep` is too long for every CI run; its committed report is checked instead: it must
    name every case the assignment defines now (a new case needs a new deep run), with no failing draw and
    every worst margin at or below the gate."""
    import json

    from grader.deep import MARGIN_GATE, margins_path

    a = TREE.assignment(aid)
    path = margins_path(a)
    assert path.exists(), f"no margins report for {aid}: run `python -m grader check -a {aid} --deep`"
    report = json.loads(path.read_text())
    names = {c.name for c in a.suite(hidden=True).cases}
    missing = sorted(names - set(report["cases"]))
    assert not missing, f"{aid}: cases without a deep run ({missing[:10]}): rerun `grader check -a {aid} --deep`"
    failing = {n: r for n, r in report["cases"].items() if n in names and r["failures"]}
    assert not failing, f"{aid}: the reference failed draws of {sorted(failing)}"
    tight = {n: r["worst_margin"] for n, r in report["cases"].items()
             if n in names and (r["worst_margin"] or 0.0) > MARGIN_GATE}
    assert not tight, f"{aid}: worst margins above {MARGIN_GATE}: {tight}"
