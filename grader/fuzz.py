"""`python -m grader fuzz -a a1` (`make fuzz A=a1`): the visible cases whose verdict needs no reference
(oracles and properties) at fresh random seeds, through the worker, so hidden-seed failures are no surprise.

Expected values come from the oracles, computed here; cases whose expected value is the reference's output are
skipped (no reference ships in a release)."""

from __future__ import annotations

import secrets
from dataclasses import replace

from grader.plan import generate, run_with_worker
from grader.report import table
from grader.session import WorkerSession
from grader.tree import TOOL_ROOT, Tree
from grader.verdict import judge, score
from shared.cases import Suite
from shared.codec import decode, encode


def fuzz(tree: Tree, aid: str, draws: int = 3, seed: str | None = None) -> int:
    a = tree.assignment(aid)
    suite = a.suite(hidden=False)
    cases = tuple(replace(c, hidden_draws=draws) for c in suite.cases if c.independent and c.group is None)
    # Fresh draws are the "hidden" instances of a throwaway secret: the same machinery, at random seeds.
    seed = seed or secrets.token_hex(8)
    limits = {k: u.time_limit_s for k, u in a.rubric.units.items()}
    plan = generate(Suite(cases, suite.fixtures, ()), seed, frozenset(c.name for c in cases), limits)
    expected = {}
    for s in plan.steps:
        e = s.definition.expect
        expected[s.instance.id] = None if e is None else decode(encode(e(s.inputs)))
    tool = None if (a.root / "grader").is_dir() else TOOL_ROOT
    session = WorkerSession(a.root, a.package, a.rubric.preload, tool)
    try:
        results = judge(plan, run_with_worker(plan, session), expected)
    finally:
        session.close()
    for r in results:
        if not r.passed:
            print(f"FAIL {r.id} ({r.unit}): {r.message[:300]}")
    units = [u for u in score(a.rubric, results) if u.cases]
    print(table(units, title=f"{aid} fuzz: {len(results)} cases at fresh seeds (seed {seed})"))
    failed = sum(not r.passed for r in results)
    print(f"fuzz: {len(results) - failed} passed, {failed} failed")
    return 0 if not failed else 1
