"""Mutants at fresh secrets: does each mutant lose its points whatever the term's secret is?

`grader check` runs the mutants against one secret's hidden instances (the term's). A mutant that the hidden
draws catch only most of the time passes that check at one secret and keeps its points at another: a case
whose input space rarely reaches the mutant's bug. This sweep draws `secrets` fresh secrets, runs the reference
and every mutant on each secret's hidden instances only, and counts the secrets at which a mutant is not caught.
`grader check --deep` runs it; `python -m grader mutant-sweep -a aN --secrets 8` runs it alone.
"""

from __future__ import annotations

import secrets as secrets_mod
import time

from grader.expected import compute
from grader.mutants import handwritten_mutants, null_mutants
from grader.plan import generated_plan, hidden_only, run_in_process
from grader.tree import Assignment
from shared.cases import Impl


def mutant_sweep(a: Assignment, n_secrets: int, log=None, only: set[str] | None = None) -> dict[str, int]:
    """Mutant name -> the number of the `n_secrets` fresh secrets at which no hidden instance catches it (all
    mutants, or those named in `only`)."""
    from grader.check import caught_by  # check imports the deep check (and so this module) lazily

    mutants = [m for m in [*null_mutants(a), *handwritten_mutants(a)] if only is None or m.name in only]
    missed = {m.name: 0 for m in mutants}
    for k in range(n_secrets):
        start = time.perf_counter()
        plan = hidden_only(generated_plan(a, secrets_mod.token_hex(16)))
        ref = run_in_process(plan, Impl(a.api()), a.package)
        expected = compute(plan, a.api(), a.package, reference=ref)
        for m in mutants:
            if caught_by(plan, a, m, expected) != "hidden":
                missed[m.name] += 1
        if log:
            log(f"mutant sweep: secret {k + 1}/{n_secrets}: {sum(v > 0 for v in missed.values())} mutants missed "
                f"so far ({time.perf_counter() - start:.0f} s)")
    return missed


def sweep_failures(a: Assignment, missed: dict[str, int], n_secrets: int) -> list[str]:
    units = {m.name: m.unit for m in [*null_mutants(a), *handwritten_mutants(a)]}
    return [f"mutant {name} ({units.get(name, '?')}) keeps its points at {k} of {n_secrets} fresh secrets: its "
            f"unit's hidden draws reach its bug only sometimes; make every draw exercise it (or add hidden draws)"
            for name, k in sorted(missed.items()) if k]
