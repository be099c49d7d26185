"""`grader check -a aN`: proves the assignment is trustworthy before anyone is graded with it.

1. definitions: every unit has visible and hidden cases and at least one check independent of the reference;
2. the reference passes every visible and hidden case, within its time budget;
3. the reference is deterministic and portable: in two fresh processes with different PYTHONHASHSEED, thread
   counts and SIMD dispatch it passes every case against the stored expected values;
4. the stored expected outputs agree with a live recomputation, within each case's own tolerance;
5. the generated release imports, and every graded case fails on its stubs (through the real worker);
6. generated null mutants and hand-written mutants are each caught by a hidden instance of their unit (a
   mutation score: grading runs hidden instances only, so a mutant only visible cases catch would keep its
   points);
7. no hidden instance repeats a visible one's inputs, and the replay mutant (every visible expected value,
   no code: grader/replay.py) scores 0.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader import expected as expected_store
from grader.assemble import assemble
from grader.execution import Reply, Status
from grader.expected import ensure_hidden
from grader.mutants import Mutant, handwritten_mutants, null_mutants
from grader.plan import Plan, plan_for, run_in_process, run_with_worker
from grader.replay import collisions, replay_points
from grader.session import WorkerSession
from grader.timing import Timing
from grader.tree import TOOL_ROOT, Assignment, Tree
from grader.verdict import CaseResult, judge
from shared.cases import Impl, validate
from shared.cases.case import oracle_problems
from shared.codec import decode, encode


@dataclass
class CheckReport:
    assignment: str
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    mutation_caught: int = 0
    mutation_total: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def text(self) -> str:
        out = [f"grader check -a {self.assignment}", *self.lines]
        out += [f"WARNING: {w}" for w in self.warnings]
        out += [f"FAIL: {f}" for f in self.failures]
        out.append(f"{self.assignment}: {'OK' if self.ok else 'FAILED'} "
                   f"(mutation score {self.mutation_caught}/{self.mutation_total})")
        return "\n".join(out)


# The second determinism run also switches numpy's and torch's SIMD kernels, as another CPU would. numpy's
# feature names are per architecture (x86 groups here; an arm64 machine has none of them), torch's are not.
OTHER_DISPATCH = {"ATEN_CPU_CAPABILITY": "default"}
if platform.machine().lower() in ("x86_64", "amd64"):
    OTHER_DISPATCH["NPY_DISABLE_CPU_FEATURES"] = "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"


def reference_outputs(tree: Tree, aid: str, out: Path) -> None:
    """Run the reference on every stored instance and store its replies (one side of the determinism check)."""
    a = tree.assignment(aid)
    plan, _ = plan_for(a, hidden=True)
    replies = run_in_process(plan, Impl(a.api()), a.package)
    out.write_bytes(encode({k: {"status": str(r.status), "outputs": r.outputs, "raised": r.raised,
                                "message": r.message, "timing": r.timing and r.timing.as_data()}
                            for k, r in replies.items()}))


def _determinism(tree: Tree, a: Assignment, plan: Plan, stored: dict, report: CheckReport) -> list[CaseResult]:
    """The reference in two fresh processes (PYTHONHASHSEED 1 vs 2, 1 vs 2 threads, and the second under
    another SIMD dispatch) must pass every case against the stored expected values: a set-order tie, a
    thread-count reduction or a CPU's last bit that changed a verdict shows up here."""
    runs = (("1", "1", {}), ("2", "2", OTHER_DISPATCH))
    with tempfile.TemporaryDirectory() as tmp:
        procs = []
        for i, (hashseed, threads, extra) in enumerate(runs):
            env = {**os.environ, "PYTHONHASHSEED": hashseed, "OMP_NUM_THREADS": threads,
                   "MKL_NUM_THREADS": threads, "TORCHDYNAMO_DISABLE": "1", **extra}
            cmd = [sys.executable, "-m", "grader", "--root", str(tree.root), "reference-outputs", "-a", a.id,
                   "--out", f"{tmp}/{i}.bin"]
            procs.append(subprocess.Popen(cmd, env=env, cwd=TOOL_ROOT, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT))
        outs = []
        for p in procs:
            text = p.communicate(timeout=900)[0].decode(errors="replace")
            if p.returncode != 0:
                report.failures.append(f"determinism run failed:\n{text[-3000:]}")
                return []
        for i in range(len(runs)):
            outs.append(decode(Path(f"{tmp}/{i}.bin").read_bytes()))
    results: list[CaseResult] = []
    steps = plan.by_id()
    for i, out in enumerate(outs):
        replies = {k: Reply(v["status"], v["outputs"], v["raised"], v["message"],
                            timing=Timing.from_data(v.get("timing"))) for k, v in out.items()}
        got = judge(plan, replies, stored)
        bad = [r.id for r in got if not r.passed and not steps[r.id].problem]
        if bad:
            how = "PYTHONHASHSEED 1, 1 thread" if i == 0 else "PYTHONHASHSEED 2, 2 threads, other SIMD dispatch"
            report.failures.append(f"the reference run in a fresh process ({how}) fails against the stored "
                                   f"expected values: {', '.join(bad[:10])}")
        results += got
    if all(r.passed for r in results):
        report.lines.append(f"determinism: {len(outs[0])} replies pass in two fresh processes (PYTHONHASHSEED, "
                            f"thread counts and SIMD dispatch differ)")
    return results


def caught_by(plan: Plan, a: Assignment, m: Mutant, expected: dict) -> str:
    """"hidden" (a graded instance fails), "visible" (only visible ones do) or "" (nothing fails)."""
    steps = [s for s in plan.steps if s.instance.unit == m.unit]
    impl = Impl(a.api(), {m.target: m.replacement})
    replies = run_in_process(plan, impl, a.package, steps)
    failing = {r.visibility for r in judge(plan.subset(steps), replies, expected) if not r.passed}
    return "hidden" if "hidden" in failing else "visible" if failing else ""


def _replay(a: Assignment, plan: Plan, stored: dict, report: CheckReport) -> None:
    """Section 7: hidden inputs never repeat visible ones, and known visible answers earn nothing graded."""
    same = collisions(plan)
    if same:
        report.failures.append(f"{len(same)} hidden instances repeat a visible instance's inputs, so their expected "
                               f"values ship with the release ({', '.join(f'{h} = {v}' for h, v in same[:6])}): "
                               f"give the case inputs drawn from its rng, or hidden_draws=0 (visible feedback only)")
    earned, won = replay_points(a, plan, stored)
    if earned > 0:
        report.failures.append(f"the replay mutant (every visible expected value, no code) scores {earned:.4g} "
                               f"graded points, on {', '.join(won[:8])}: these cases' answers do not depend on their "
                               f"inputs; draw inputs that change the answer, or set hidden_draws=0")
    report.lines.append(f"replay mutant: {earned:.4g}/{a.rubric.total_points:g} graded points")


def answers_in_inputs(plan: Plan, stored: dict) -> list[str]:
    """Hidden instances whose worker inputs hold a value that passes as the answer: student code in the worker
    can read its callers' frames, so returning that value would earn the case's points without the work."""
    leaks = []
    for s in plan.steps:
        if s.instance.visibility != "hidden" or s.instance.kind != "case" or s.problem:
            continue
        d = s.definition
        public = d.worker_inputs(s.inputs)
        for key, value in public.items() if isinstance(public, dict) else ():
            if isinstance(value, int | bool):  # a size the answer equals (aux = E when routing collapses) is
                continue  # the math, not the answer: it cannot be returned without knowing it
            try:
                ok = d.compare(s.inputs, value, stored.get(s.instance.id)).ok
            except Exception:  # noqa: BLE001 - a value of the wrong shape is simply not the answer
                ok = False
            if ok:
                leaks.append(f"{s.instance.id} (inputs[{key!r}])")
                break
    return leaks


def _answers_in_inputs(plan: Plan, stored: dict, report: CheckReport) -> None:
    leaks = answers_in_inputs(plan, stored)
    if leaks:
        report.failures.append(f"{len(leaks)} hidden instances hand the worker their answer in the inputs "
                               f"({', '.join(leaks[:8])}): keep it from the worker with public= on the case")
    else:
        report.lines.append("answers in inputs: no worker input passes as a hidden instance's answer")


def check(tree: Tree, aid: str, determinism: bool = True, deep: bool = False,
          deep_budget_s: float | None = None) -> CheckReport:
    a = tree.assignment(aid)
    report = CheckReport(aid)
    suite = a.suite(hidden=True)
    report.failures += validate(suite, set(a.rubric.units))
    oracles = oracle_problems(suite, a.package)
    if oracles and a.rubric.oracles_pending:
        report.warnings.append(f"{len(oracles)} expected sides are still functions in case files "
                               f"({a.rubric.oracles_pending}); the first: {oracles[0]}")
    else:
        report.failures += oracles
    ensure_hidden(a)  # a fresh clone has no hidden file yet: draw it, as grading would
    plan, stored = plan_for(a, hidden=True)
    for key in a.rubric.units:
        steps = [s for s in plan.steps if s.instance.unit == key]
        if not any(s.instance.visibility == "visible" for s in steps):
            report.failures.append(f"unit {key} has no visible case")
        if not any(s.instance.visibility == "hidden" for s in steps):
            report.failures.append(f"unit {key} has no hidden case")
        if not any(getattr(s.definition, "independent", s.definition.expect != "reference") for s in steps):
            report.failures.append(f"unit {key} has no check independent of the reference (an oracle or property)")
    stale = [s for s in plan.steps if s.problem]
    if stale:
        names = ", ".join(s.instance.id for s in stale[:10])
        report.failures.append(f"{len(stale)} stored instances are missing or stale ({names}): {stale[0].problem}")
    if report.failures:
        return report

    # 2 + 4: the reference against live expected values (oracles recomputed now, on the stored inputs), then
    # against the stored ones: a case the reference passes live but fails stored has drifted.
    ref = run_in_process(plan, Impl(a.api()), a.package)
    live = expected_store.compute(plan, a.api(), a.package, reference=ref)
    results = judge(plan, ref, live)
    bad = [r for r in results if not r.passed]
    report.failures += [f"the reference fails {r.id}: {r.status}: {r.message}" for r in bad]
    report.lines.append(f"reference: {len(results) - len(bad)}/{len(results)} cases pass "
                        f"({sum(r.visibility == 'visible' for r in results)} visible, "
                        f"{sum(r.visibility == 'hidden' for r in results)} hidden)")
    for r in results:
        unit = a.rubric.units[r.unit]
        if r.seconds > 3 * unit.budget_s:
            report.failures.append(f"{r.id} took {r.seconds:.2f} s, over 3x its budget of {unit.budget_s:g} s")
        elif r.seconds > unit.budget_s:
            report.warnings.append(f"{r.id} took {r.seconds:.2f} s, over its budget of {unit.budget_s:g} s")
    against_stored = judge(plan, ref, stored)
    passed_live = {r.id for r in results if r.passed}
    drift = [r.id for r in against_stored if not r.passed and r.id in passed_live]
    if drift:
        report.failures.append(f"stored expected outputs differ from a live recomputation beyond the cases' "
                               f"tolerances (rerun `grader build -a {aid}` after a reference edit or a torch "
                               f"upgrade): {', '.join(drift[:10])}")
    else:
        report.lines.append(f"expected outputs: {len(live)} stored values agree with a live recomputation")

    if determinism or deep:
        against_stored += _determinism(tree, a, plan, stored, report)
    if deep:
        from grader.deep import DEFAULT_BUDGET_S, deep_check

        deep_check(a, plan, against_stored, report, deep_budget_s or DEFAULT_BUDGET_S)

    # 5: the stubs, through the real worker, as a student's empty submission.
    with tempfile.TemporaryDirectory(prefix="lmfs-check-") as work:
        empty = Path(work) / "empty"
        empty.mkdir()
        assembled = assemble(tree, a, empty, Path(work))
        session = WorkerSession(assembled.root, a.package, a.rubric.preload)
        try:
            replies: dict[str, Reply] = run_with_worker(plan, session)
        finally:
            session.close()
    stub_results = judge(plan, replies, stored)
    vacuous = [r.id for r in stub_results if r.passed]
    if vacuous:
        report.failures.append(f"cases pass on the stubs (vacuous): {', '.join(vacuous)}")
    not_stub = [r.id for r in stub_results if not r.passed and r.status not in (Status.NOT_IMPLEMENTED, Status.BLOCKED)]
    if not_stub:
        report.warnings.append(f"cases fail on the stubs for another reason than NotImplementedError: "
                               f"{', '.join(not_stub[:10])}")
    report.lines.append(f"release stubs: {len(stub_results) - len(vacuous)}/{len(stub_results)} cases fail")

    # 6: mutants.
    for m in [*null_mutants(a), *handwritten_mutants(a)]:
        report.mutation_total += 1
        caught = caught_by(plan, a, m, stored)
        if caught == "hidden":
            report.mutation_caught += 1
        else:
            where = "is caught only by visible cases, so it would keep its points when graded" if caught else \
                "is not caught by any case"
            report.failures.append(f"mutant {m.name} ({m.unit}) {where}"
                                   + (f": {m.doc}" if m.doc else ""))
    report.lines.append(f"mutants: {report.mutation_caught}/{report.mutation_total} caught by hidden instances")
    _replay(a, plan, stored, report)
    _answers_in_inputs(plan, stored, report)
    return report
