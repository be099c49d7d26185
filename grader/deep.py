"""`grader check --deep`: fresh draws where they prove something, and every case's worst margin.

A margin is a passing comparison's error over its tolerance (shared/cases/compare.py: Verdict.margin). A case
whose worst margin over many draws stays at or below 0.5 has room for another CPU, BLAS or thread count; one
that creeps towards 1 fails some term's secret sooner or later. Fifty draws catch a 1-in-50 failure only 64% of
the time, so the gate is on margins, which warn long before a failure does.

- Cases with an independent expected side (an oracle or a property) are drawn at `SECRETS` fresh secrets,
  as many draws as their share of the budget buys, from `MIN_DRAWS` (a gloo world) to `MAX_DRAWS` (a cheap
  function). The last secret's reference runs in a fresh process under another SIMD dispatch and thread count,
  against oracles computed here, so a float32 oracle meets another CPU's rounding at many draws, not only at
  the stored ones.
- Fresh draws of a case whose expected value is the reference's output would compare the reference with itself.
  Their margins come instead from the reference run in fresh processes under another thread count and SIMD
  dispatch, judged against the stored values (grader/check.py: _determinism), plus every stored instance.

- The replay mutant and the answers-in-inputs scan (grader/check.py's sections 7-8) run at `REPLAY_SECRETS`
  fresh secrets (grader/replay.py: secret_sweep): a small answer space that a visible draw repeats at one
  secret in ten would otherwise surface as a red CI run, whose suite draws a scratch secret every time.
- Every mutant runs against the hidden instances of `SECRETS` more fresh secrets (grader/mutant_sweep.py): one
  that some secret's draws do not catch would keep its points in that term.

The report (`<package>/instructor_tests/margins.json`) is committed: the worst margin per case, its draws,
and where it happened.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from dataclasses import replace
from typing import Any

from grader.check import OTHER_DISPATCH
from grader.expected import compute
from grader.mutant_sweep import mutant_sweep, sweep_failures
from grader.plan import Plan, generate, limits, run_in_fresh_process, run_in_process
from grader.replay import secret_sweep
from grader.tree import Assignment
from grader.verdict import CaseResult, judge
from shared.cases import Case, Impl, Suite

SECRETS = 3
# replay and answers-in-inputs at fresh secrets: cheap (hidden expected values only), and a case that fails them
# at one secret in ten must be found before a CI run's scratch secret does
REPLAY_SECRETS = 20
MIN_DRAWS, MAX_DRAWS = 3, 200
MARGIN_GATE = 0.5
DEFAULT_BUDGET_S = 240.0


def margins_path(a: Assignment) -> Any:
    return a.package_dir / "instructor_tests" / "margins.json"


def _kind(c: Case) -> str:
    return "reference" if c.expect == "reference" else ("oracle" if c.expect is not None else "property")


def draws_per_case(suite: Suite, seconds: dict[str, float], budget_s: float) -> dict[str, int]:
    """Draws for each independent case: its even share of the budget over its measured cost per draw. A group's
    members run together in one world per secret, so they get one draw per secret."""
    fresh = [c for c in suite.cases if c.independent]
    share = budget_s / max(1, len(fresh))
    out = {}
    for c in fresh:
        if c.group is not None:
            out[c.name] = SECRETS
        else:
            cost = max(seconds.get(c.name, 0.05), 1e-3)
            out[c.name] = int(min(MAX_DRAWS, max(MIN_DRAWS, share // cost)))
    return out


def fresh_results(a: Assignment, draws: dict[str, int]) -> list[tuple[str, CaseResult]]:
    """The reference at fresh secrets against live oracles: (secret label, result) per draw. The expected side
    is always computed here; the last secret's reference runs in a fresh process under another thread count and
    SIMD dispatch, as a student's machine would run it against the instructor's expected values."""
    suite = a.suite(hidden=True)
    per_secret = {name: math.ceil(n / SECRETS) for name, n in draws.items()}
    cases = tuple(replace(c, hidden_draws=per_secret[c.name]) for c in suite.cases if c.name in per_secret)
    fresh_suite = Suite(cases, suite.fixtures, suite.groups)
    names = frozenset(c.name for c in cases)
    out = []
    for k in range(SECRETS):
        plan = generate(fresh_suite, secrets.token_hex(16), names, limits(a))
        plan = Plan([s for s in plan.steps if s.instance.kind == "case"] +
                    [s for s in plan.steps if s.instance.kind == "fixture"], plan.groups)
        elsewhere = k == SECRETS - 1
        if elsewhere:
            env = {**OTHER_DISPATCH, "OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2", "TORCHDYNAMO_DISABLE": "1"}
            ref = run_in_fresh_process(plan, a.root, a.id, env)
        else:
            ref = run_in_process(plan, Impl(a.api()), a.package)
        expected = compute(plan, a.api(), a.package, reference=ref)
        label = f"secret {k}" + (" (other dispatch)" if elsewhere else "")
        out += [(label, r) for r in judge(plan, ref, expected) if r.id in ref]
    return out


def deep_check(a: Assignment, plan: Plan, stored_results: list[CaseResult], report: Any,
               budget_s: float = DEFAULT_BUDGET_S) -> dict:
    start = time.perf_counter()
    suite = a.suite(hidden=True)
    by_id = plan.by_id()
    seconds: dict[str, float] = {}
    for r in stored_results:
        name = by_id[r.id].instance.name if r.id in by_id else r.id
        seconds[name] = max(seconds.get(name, 0.0), r.seconds)
    draws = draws_per_case(suite, seconds, budget_s)
    rows: dict[str, dict] = {}
    kinds = {c.name: _kind(c) for c in suite.cases}

    def add(name: str, where: str, r: CaseResult) -> None:
        row = rows.setdefault(name, {"expect": kinds.get(name, "fixture"), "draws": 0, "failures": 0,
                                     "worst_margin": None, "worst_at": ""})
        row["draws"] += 1
        if not r.passed:
            row["failures"] += 1
            row["first_failure"] = row.get("first_failure") or f"{where}: {r.id}: {r.message[:300]}"
        elif r.margin is not None and (row["worst_margin"] is None or r.margin > row["worst_margin"]):
            row["worst_margin"], row["worst_at"] = round(r.margin, 4), f"{where}: {r.id}"

    counts: dict[str, int] = {}  # comparisons by where they ran
    for r in stored_results:
        add(by_id[r.id].instance.name if r.id in by_id else r.id, "stored", r)
        counts["stored"] = counts.get("stored", 0) + 1
    for where, r in fresh_results(a, draws):
        add(r.id.split("#")[0].split("@")[0].removeprefix("fixture:"), where, r)
        counts[where] = counts.get(where, 0) + 1

    failing = {n: row for n, row in rows.items() if row["failures"]}
    tight = {n: row for n, row in rows.items() if (row["worst_margin"] or 0.0) > MARGIN_GATE}
    for n, row in sorted(failing.items()):
        report.failures.append(f"deep: the reference fails {n} in {row['failures']} of {row['draws']} draws "
                               f"({row['first_failure']})")
    for n, row in sorted(tight.items()):
        report.failures.append(f"deep: {n}'s worst margin {row['worst_margin']:.3g} exceeds {MARGIN_GATE} "
                               f"({row['worst_at']}): widen its tolerance as the computation warrants, or fix it")
    missed = mutant_sweep(a, SECRETS)
    report.failures += [f"deep: {f}" for f in sweep_failures(a, missed, SECRETS)]
    replayable = secret_sweep(a, REPLAY_SECRETS)
    report.failures += [f"deep: {f}" for f in replayable]
    elapsed = time.perf_counter() - start
    out = {"assignment": a.id, "gate": MARGIN_GATE, "secrets": SECRETS, "budget_s": budget_s,
           "seconds": round(elapsed, 1), "comparisons": counts, "cases": dict(sorted(rows.items())),
           "mutants_missed": {k: v for k, v in sorted(missed.items()) if v}}
    margins_path(a).parent.mkdir(parents=True, exist_ok=True)
    margins_path(a).write_text(json.dumps(out, indent=1) + "\n")
    known = [row["worst_margin"] for row in rows.values() if row["worst_margin"] is not None]
    report.lines.append(f"deep: {sum(row['draws'] for row in rows.values())} comparisons over {len(rows)} cases "
                        f"in {elapsed:.0f} s; worst margin {max(known) if known else 0:.3g} (gate {MARGIN_GATE}); "
                        f"{len(missed) - sum(v > 0 for v in missed.values())}/{len(missed)} mutants caught at "
                        f"{SECRETS} fresh secrets; replay and answers in inputs "
                        f"{'clean' if not replayable else f'{len(replayable)} problems'} at {REPLAY_SECRETS} more; "
                        f"report: {margins_path(a)}")
    return out
