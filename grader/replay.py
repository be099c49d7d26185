"""The built-in replay mutant: a submission that knows every visible expected value and implements nothing.

The release ships every visible instance's inputs and expected output (cases/snapshot.bin), so this is what a
student can do without writing any code. Grading runs hidden instances only; this proves that knowing the
visible answers earns nothing there. For each hidden instance the mutant answers with the visible expected
value of the same case that would pass, if any does (an upper bound on any replay strategy), else the first.
A case it beats has an answer that does not depend on its inputs (a worked example, a constant property):
give it no hidden draws (visible feedback only) or inputs that change its answer.
"""

from __future__ import annotations

from typing import Any

from grader.execution import Reply, Run
from grader.plan import Plan, hidden_only
from grader.tree import Assignment
from grader.verdict import judge, judge_case, score


def collisions(plan: Plan) -> list[tuple[str, str]]:
    """(hidden id, visible id) pairs with equal inputs: a hidden draw the student has already seen."""
    seen = {s.inputs_digest: s.instance.id for s in plan.steps if s.instance.visibility == "visible"
            and s.instance.kind == "case" and not s.problem}
    return [(s.instance.id, seen[s.inputs_digest]) for s in plan.steps
            if s.instance.visibility == "hidden" and not s.problem and s.inputs_digest in seen]


def replay_replies(plan: Plan, stored: dict[str, Any]) -> dict[str, Reply]:
    """The replay mutant's reply to every hidden instance of `plan`."""
    known: dict[str, list[Any]] = {}
    for s in plan.steps:
        if s.instance.visibility == "visible" and s.instance.kind == "case" and s.instance.id in stored:
            known.setdefault(s.instance.name, []).append(stored[s.instance.id])
    replies = {}
    for s in plan.steps:
        if s.instance.visibility != "hidden":
            continue
        candidates = known.get(s.instance.name, [])
        if not candidates:  # a hidden-only case: nothing to replay
            replies[s.instance.id] = Reply(Run.RAISED, raised={"type": "builtins.NotImplementedError",
                                                               "message": "replay: no visible value"})
            continue
        replies[s.instance.id] = next(
            (r for r in (Reply(Run.OK, outputs=c) for c in candidates)
             if judge_case(s, r, stored.get(s.instance.id)).passed),
            Reply(Run.OK, outputs=candidates[0]))
    return replies


def replay_points(a: Assignment, plan: Plan, stored: dict[str, Any]) -> tuple[float, list[str]]:
    """The graded points the replay mutant earns on `plan`'s hidden instances, and the instances it passes."""
    results = judge(hidden_only(plan), replay_replies(plan, stored), stored)
    return sum(u.earned for u in score(a.rubric, results)), [r.id for r in results if r.passed]


def secret_sweep(a: Assignment, n_secrets: int) -> list[str]:
    """`grader check`'s replay and answers-in-inputs sections at `n_secrets` fresh secrets: a case whose answer
    space is small passes them at the term's secret and fails them at another (the suite draws a scratch secret
    each run, so such a case fails one CI run in a few). One line per problem found, naming the secret's index."""
    import secrets

    from grader.check import answers_in_inputs  # check imports this module
    from grader.expected import compute
    from grader.plan import generated_plan

    found = []
    for k in range(n_secrets):
        plan = generated_plan(a, secrets.token_hex(16))
        stored = compute(plan, a.api(), a.package)  # the visible values too: the cases as defined now
        found += [f"fresh secret {k}: hidden {h} repeats visible {v}'s inputs" for h, v in collisions(plan)]
        earned, won = replay_points(a, plan, stored)
        if earned > 0:
            found.append(f"fresh secret {k}: the replay mutant scores {earned:.4g} graded points on "
                         f"{', '.join(won[:6])}: draw inputs whose answers a visible draw cannot repeat, or set "
                         f"hidden_draws=0")
        found += [f"fresh secret {k}: {leak} hands the worker its answer" for leak in answers_in_inputs(plan, stored)]
    return found
