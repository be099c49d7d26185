"""One execution path: a fixture, a group and a case give equal replies in-process and in the worker (forked or
spawned children), and a stored entry that is stale or missing fails only its own case."""

import os
import signal
import time
from dataclasses import replace

import numpy as np
import pytest

from grader import store
from grader.execution import Reply, Run
from grader.plan import from_store, plan_for, run_in_process, run_with_worker
from grader.processes import descendants
from grader.session import WorkerSession
from grader.tree import TOOL_ROOT
from grader.verdict import judge
from shared.cases import Impl, Suite


def _equal(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def _comparable(r: Reply) -> tuple:
    return r.status, r.outputs, (r.raised or {}).get("type"), (r.raised or {}).get("message")


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_fixture_group_and_case_reply_the_same_in_process_and_in_the_worker(fx_tree, monkeypatch, method):
    monkeypatch.setenv("LMFS_START_METHOD", method)
    a = fx_tree.assignment("fx")
    plan, _ = plan_for(a, hidden=False)
    kinds = {s.instance.kind for s in plan.steps} | {"group" for s in plan.steps if s.instance.group}
    assert kinds == {"fixture", "case", "group"}  # the fixture assignment exercises all three
    here = run_in_process(plan, Impl(a.api()), a.package)
    with WorkerSession(a.root, a.package, a.rubric.preload, TOOL_ROOT) as session:
        there = run_with_worker(plan, session)
    assert here.keys() == there.keys()
    for k in here:
        mine, theirs = _comparable(here[k]), _comparable(there[k])
        assert mine[0] == theirs[0] == Run.OK or k.startswith("sqrt/negative"), (k, mine, theirs)
        assert _equal(mine, theirs), (k, mine, theirs)
    # the raising case raised the same exact type with the same message on both paths
    assert here["sqrt/negative@0"].status == there["sqrt/negative@0"].status == Run.RAISED


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_killed_child_is_replaced_under_either_start_method(fx_tree, monkeypatch, method):
    """The spawn path (macOS's default) keeps the zygote's supervision: a child killed mid-session (a segfault,
    the OOM killer) is reported and the next case runs in a fresh one."""
    monkeypatch.setenv("LMFS_START_METHOD", method)
    a = fx_tree.assignment("fx")
    plan, _ = plan_for(a, hidden=False)
    add = plan.subset([s for s in plan.steps if s.instance.id == "add/random@0"])
    with WorkerSession(a.root, a.package, a.rubric.preload, TOOL_ROOT) as session:
        assert run_with_worker(add, session)["add/random@0"].status == Run.OK
        children = descendants(session._proc.pid)
        assert children, "the zygote has a child that runs cases"
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)  # the dead child stays a zombie until the zygote's next request reaps it
        assert run_with_worker(add, session)["add/random@0"].status == Run.OK
        assert set(descendants(session._proc.pid)).isdisjoint(children), "a fresh child ran the second case"


def test_a_stale_or_missing_entry_fails_only_its_own_case(fx_tree):
    a = fx_tree.assignment("fx")
    suite = a.suite(hidden=False)
    visible = store.load(a.snapshot_path, "fx", "visible")
    limits = {k: u.time_limit_s for k, u in a.rubric.units.items()}
    # the instructor edits one case's generator after the build: another argument to the same factory
    edited = Suite(tuple(replace(c, inputs=lambda rng: {"x": float(rng.uniform(1, 50))}) if c.name == "sqrt/value"
                         else c for c in suite.cases), suite.fixtures, suite.groups)
    entries = dict(visible.entries)
    entries.pop("add/random@1")  # and one entry went missing
    plan, expected = from_store(edited, a.hidden_names(), limits, replace(visible, entries=entries))
    problems = {s.instance.id: s.problem for s in plan.steps if s.problem}
    assert set(problems) == {"sqrt/value@0", "add/random@1"}
    assert "another definition" in problems["sqrt/value@0"] and "grader build -a fx" in problems["sqrt/value@0"]
    assert "no stored inputs" in problems["add/random@1"]
    results = judge(plan, run_in_process(plan, Impl(a.api()), a.package), expected)
    by_id = {r.id: r for r in results}
    assert by_id["sqrt/value@0"].status == "error" and "not run" in by_id["sqrt/value@0"].message
    assert all(r.passed for r in results if r.id not in problems), [r for r in results if not r.passed]


def test_stored_inputs_are_read_not_regenerated(fx_tree, monkeypatch):
    """Student mode and grading never call a case's generator: on another CPU it would draw other floats."""
    a = fx_tree.assignment("fx")
    import shared.cases.case as case_module

    def refuse(self, definition):
        raise AssertionError(f"{self.id}: inputs were regenerated")

    monkeypatch.setattr(case_module.Instance, "make_inputs", refuse)
    plan, expected = plan_for(a, hidden=True)
    assert plan.steps and not [s for s in plan.steps if s.problem]
    assert all(s.instance.id in expected for s in plan.steps)


def test_fingerprints_are_compared_only_under_the_python_that_wrote_them(fx_tree):
    """inspect may cut a lambda's source differently in another Python: a student's 3.12 must not see every
    case as stale, while the instructor's own version still catches an edited case."""
    a = fx_tree.assignment("fx")
    suite = a.suite(hidden=False)
    visible = store.load(a.snapshot_path, "fx", "visible")
    limits = {k: u.time_limit_s for k, u in a.rubric.units.items()}
    edited = Suite(tuple(replace(c, inputs=lambda rng: {"x": 4.0}) if c.name == "sqrt/value" else c
                         for c in suite.cases), suite.fixtures, suite.groups)
    same, _ = from_store(edited, a.hidden_names(), limits, replace(visible, python=store.python_version()))
    other, _ = from_store(edited, a.hidden_names(), limits, replace(visible, python="2.7"))
    assert [s.instance.id for s in same.steps if s.problem] == ["sqrt/value@0"]
    assert not [s for s in other.steps if s.problem]
