"""`python -m grader fuzz -a a1` (`make fuzz A=a1`): the visible cases whose verdict needs no reference at fresh
random seeds, through the worker, so hidden-seed failures are no surprise.

In a student's release that is the property cases (no expected value: invariants, `raises`, distributions): a
release ships neither the reference nor the oracles (shared/cases/oracle.py). In the instructor's tree the oracle
cases run too, their expected values computed here."""

from __future__ import annotations

import secrets
from dataclasses import replace

from grader.plan import generate, run_with_worker
from grader.report import table
from grader.session import WorkerSession
from grader.tree import TOOL_ROOT, Tree
from grader.verdict import judge, score
from shared.cases import Suite, oracle
from shared.codec import decode, encode


def fuzz(tree: Tree, aid: str, draws: int = 3, seed: str | None = None) -> int:
    a = tree.assignment(aid)
    suite = a.suite(hidden=False)
    usable = [c for c in suite.cases if c.independent and c.group is None and _oracle_here(c.expect)]
    skipped = sum(c.independent and c.group is None for c in suite.cases) - len(usable)
    cases = tuple(replace(c, hidden_draws=draws) for c in usable)
    # Fresh draws are the "hidden" instances of a throwaway secret: the same machinery, at random seeds.
    seed = seed or secrets.token_hex(8)
    limits = {k: u.time_limit_s for k, u in a.rubric.units.items()}
    plan = generate(Suite(cases, suite.fixtures, ()), seed, frozenset(c.name for c in cases), limits)
    # a fixture build whose summary needs an oracle is not judged here (its cases still build it in the worker)
    plan = plan.subset([s for s in plan.steps if s.instance.kind == "case" or _oracle_here(s.definition.expect)])
    expected = {}
    for s in plan.steps:
        e = s.definition.expect
        expected[s.instance.id] = None if e is None else decode(encode(oracle.resolve(e)(s.inputs)))
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
    if skipped:
        print(f"fuzz: {skipped} cases whose expected values come from the instructor's oracles were left out "
              f"(a release ships none); the hidden draws grade those")
    return 0 if not failed else 1


def _oracle_here(expect) -> bool:
    """A property needs nothing; an oracle case runs only where its oracle can be imported (not in a release)."""
    try:
        oracle.resolve(expect)
    except oracle.OracleUnavailable:
        return False
    return True
