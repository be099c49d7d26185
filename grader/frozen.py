"""Frozen hidden instances: what a grading machine gets instead of the seed secret.

A Gradescope package must grade hidden cases without the term's secret (which would let anyone regenerate
every hidden input) and without reference code. So `grader gradescope` freezes each hidden instance as data:
its case name, unit, inputs and expected value. Grading with `--frozen FILE` rebuilds the plan from the
published visible seeds plus these instances. The file is instructor data: the package installs it mode 0600,
and the worker runs as another uid (or, in the sandbox, cannot see it at all).
"""

from __future__ import annotations

from pathlib import Path

from grader.plan import Plan, Step
from grader.tree import Assignment
from shared.cases import Instance
from shared.codec import Limits, decode, encode

VERSION = 1


def freeze(a: Assignment, plan: Plan, expected: dict[str, object], path: Path) -> int:
    steps = [s for s in plan.steps if s.instance.visibility == "hidden"]
    entries = [{"id": s.instance.id, "name": s.instance.name, "unit": s.instance.unit, "inputs": s.inputs,
                "expected": expected[s.instance.id]} for s in steps]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode({"version": VERSION, "assignment": a.id, "entries": entries}))
    return len(entries)


def thaw(a: Assignment, visible: Plan, path: Path) -> tuple[Plan, dict[str, object]]:
    """The visible plan plus the frozen hidden steps, and the frozen expected values by instance id."""
    data = decode(path.read_bytes(), Limits(max_bytes=4 * 2**30))
    if data.get("version") != VERSION or data.get("assignment") != a.id:
        raise ValueError(f"{path} is not a frozen hidden-case file for {a.id}")
    suite = a.suite(hidden=True)
    cases = {c.name: c for c in suite.cases}
    fixture_steps = {s.instance.name: s for s in visible.steps if s.instance.kind == "fixture"}
    limits = {s.instance.unit: s.time_limit_s for s in visible.steps}
    steps, expected = list(visible.steps), {}
    for e in data["entries"]:
        case = cases.get(e["name"])
        if case is None:
            raise ValueError(f"{path}: hidden case '{e['name']}' has no definition in this release")
        inst = Instance(e["id"], "case", case.name, case.unit, -1, "hidden", case.fixture, case.group)
        fx = fixture_steps[case.fixture].inputs if case.fixture else None
        steps.append(Step(inst, case, e["inputs"], limits.get(case.unit, 20.0), fx))
        expected[e["id"]] = e["expected"]
    return Plan(steps, visible.groups), expected
