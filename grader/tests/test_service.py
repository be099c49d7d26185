"""Case services (shared/cases/service.py): a secret held in the grader's process, queried by student code over the
worker's pipe. A throwaway package plays the assignment: the student binary-searches a secret number through
service calls; the worker receives only the public inputs."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader import sandbox
from grader.plan import Plan, Step, run_in_process, run_with_worker
from grader.session import WorkerSession
from shared.cases import Impl, Instance

GUESS = '''
from shared.cases import service


def find_secret(lo, hi):
    """Binary search with the service answering 'higher', 'lower' or 'equal'."""
    while lo <= hi:
        mid = (lo + hi) // 2
        answer = service.call({"guess": mid})
        if answer == "equal":
            return mid
        lo, hi = (mid + 1, hi) if answer == "higher" else (lo, mid - 1)
    return None


def peek(inputs):
    """A cheat: everything the worker received."""
    return sorted(inputs)


def bad_request():
    return service.call({"guess": "not a number"})
'''

CASES = '''
from shared.cases import Case, Suite, exact


def _inputs(rng):
    return {"lo": 0, "hi": 1000, "secret": int(rng.integers(0, 1001))}


def _service(inputs):
    secret = inputs["secret"]

    def handle(request):
        g = request["guess"]
        if not isinstance(g, int):
            raise ValueError("guess must be an int")
        return "equal" if g == secret else ("higher" if g < secret else "lower")

    return handle


def _public(inputs):
    return {k: v for k, v in inputs.items() if k != "secret"}


SUITE = Suite(cases=(
    Case(name="guess/search", unit="sv.guess", inputs=_inputs, compare=exact(),
         run=lambda impl, inp: impl.find_secret(inp["lo"], inp["hi"]), expect=lambda inp: inp["secret"],
         service=_service, public=_public, seeds=(0,)),
    Case(name="guess/peek", unit="sv.guess", inputs=_inputs, compare=exact(), run=lambda impl, inp: impl.peek(inp),
         expect=lambda inp: ["hi", "lo"], service=_service, public=_public, seeds=(0,)),
    Case(name="guess/bad_request", unit="sv.guess", inputs=_inputs, compare=exact(),
         run=lambda impl, inp: impl.bad_request(), expect=None, service=_service, public=_public, seeds=(0,)),
    Case(name="guess/no_service", unit="sv.guess", inputs=_inputs, compare=exact(),
         run=lambda impl, inp: impl.find_secret(0, 3), seeds=(0,)),
))
'''


@pytest.fixture(scope="module")
def sv_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("svtree")
    pkg = root / "sv_pkg"
    (pkg / "cases").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "guess.py").write_text(textwrap.dedent(GUESS))
    (pkg / "api.py").write_text('API = {"find_secret": "sv_pkg.guess:find_secret", "peek": "sv_pkg.guess:peek", '
                                '"bad_request": "sv_pkg.guess:bad_request"}\n')
    (pkg / "cases" / "__init__.py").write_text(textwrap.dedent(CASES))
    return root


def _plan(root: Path) -> Plan:
    sys.path.insert(0, str(root))
    try:
        import importlib

        suite = importlib.import_module("sv_pkg.cases").SUITE
    finally:
        sys.path.remove(str(root))
    steps = []
    for c in suite.cases:
        inst = Instance(f"{c.name}@0", "case", c.name, c.unit, 0, "visible")
        steps.append(Step(inst, c, c.inputs(np.random.default_rng(7)), 20.0))
    return Plan(steps, {})


def _check(replies: dict, secret: int) -> None:
    assert replies["guess/search@0"].status == "ok" and replies["guess/search@0"].outputs == secret
    # the worker saw the public inputs only: the secret never left the grader's process
    assert replies["guess/peek@0"].outputs == ["hi", "lo"]
    bad = replies["guess/bad_request@0"]
    assert bad.status == "raised" and bad.raised["type"].endswith("ServiceError")
    assert "guess must be an int" in bad.raised["message"]
    nos = replies["guess/no_service@0"]
    assert nos.status == "raised" and "no service" in nos.raised["message"]


@pytest.mark.parametrize("mode", ["subprocess", "degraded"])
def test_service_over_the_worker_pipe(sv_root: Path, mode: str) -> None:
    plan = _plan(sv_root)
    secret = plan.steps[0].inputs["secret"]
    isolation = None if mode == "subprocess" else sandbox.Isolation(sandbox.DEGRADED, "forced by the test")
    tool = Path(__file__).resolve().parents[2]
    with WorkerSession(sv_root, "sv_pkg", ("numpy",), tool_dir=tool, isolation=isolation) as session:
        replies = run_with_worker(plan, session)
    _check(replies, secret)


def test_service_in_process(sv_root: Path) -> None:
    plan = _plan(sv_root)
    sys.path.insert(0, str(sv_root))
    try:
        import importlib

        replies = run_in_process(plan, Impl(importlib.import_module("sv_pkg.api").API), "sv_pkg")
    finally:
        sys.path.remove(str(sv_root))
    _check(replies, plan.steps[0].inputs["secret"])
