"""`grader check -a aN`: proves the assignment is trustworthy before anyone is graded with it.

1. definitions: every unit has visible and hidden cases and at least one check independent of the reference;
2. the reference passes every visible and hidden case, within its time budget;
3. the reference is deterministic: two processes with different PYTHONHASHSEED and thread counts agree;
4. the stored expected outputs equal a live recomputation;
5. the generated release imports, and every graded case fails on its stubs (through the real worker);
6. generated null mutants and hand-written mutants are each caught by their unit (a mutation score).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import expected as expected_store
from grader.assemble import assemble
from grader.grade import load_expected, plan_for
from grader.mutants import Mutant, handwritten_mutants, null_mutants
from grader.plan import Plan, run_in_process, run_with_worker
from grader.session import Reply, WorkerSession
from grader.tree import TOOL_ROOT, Assignment, Tree
from grader.verdict import judge
from shared.cases import Impl, close, exact, validate
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


def _same(a: Any, b: Any) -> bool:
    """Structural agreement of two runs: exact for ints/bytes/strings, floats to about float32 precision (a
    different thread count may reorder a float reduction; a tie broken by set order changes ints, and that is
    what we catch)."""
    if isinstance(b, dict):
        return isinstance(a, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in b)
    if isinstance(b, (list, tuple)):
        return isinstance(a, (list, tuple)) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    import numpy as np

    if isinstance(b, float) or (isinstance(b, np.ndarray) and b.dtype.kind in "fc"):
        # subtle: a matmul may round differently with 1 and 2 threads; near zero that is a few float32 ulps of
        # the operands, not of the (tiny) result, so the absolute tolerance scales with the largest value.
        finite = np.abs(np.asarray(b, dtype=np.complex128 if np.iscomplexobj(b) else np.float64))
        finite = finite[np.isfinite(finite)]
        scale = max(1.0, float(finite.max())) if finite.size else 1.0
        return close(rtol=1e-5, atol=1e-6 * scale, check_dtype=True)(None, a, b).ok
    try:
        return exact()(None, a, b).ok
    except TypeError:
        return False


def reference_outputs(tree: Tree, aid: str, out: Path) -> None:
    """Run the reference on every instance and store its outputs (one side of the determinism check)."""
    a = tree.assignment(aid)
    plan = plan_for(a, hidden=True)
    replies = run_in_process(plan, Impl(a.api()), a.package)
    out.write_bytes(encode({k: {"status": r.status, "outputs": r.outputs} for k, r in replies.items()}))


def _determinism(tree: Tree, a: Assignment, report: CheckReport) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        procs = []
        for i, (hashseed, threads) in enumerate((("1", "1"), ("2", "2"))):
            env = {**os.environ, "PYTHONHASHSEED": hashseed, "OMP_NUM_THREADS": threads,
                   "MKL_NUM_THREADS": threads, "TORCHDYNAMO_DISABLE": "1"}
            cmd = [sys.executable, "-m", "grader", "--root", str(tree.root), "reference-outputs", "-a", a.id,
                   "--out", f"{tmp}/{i}.bin"]
            procs.append(subprocess.Popen(cmd, env=env, cwd=TOOL_ROOT, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT))
        outs = []
        for p in procs:
            text = p.communicate(timeout=900)[0].decode(errors="replace")
            if p.returncode != 0:
                report.failures.append(f"determinism run failed:\n{text[-3000:]}")
                return
        for i in range(2):
            outs.append(decode(Path(f"{tmp}/{i}.bin").read_bytes()))
    differ = [k for k in outs[0] if outs[0][k]["status"] != outs[1].get(k, {}).get("status")
              or not _same(outs[1][k]["outputs"], outs[0][k]["outputs"])]
    if differ:
        report.failures.append(f"the reference is not deterministic (PYTHONHASHSEED 1 vs 2, 1 vs 2 threads): "
                               f"{', '.join(differ[:10])}")
    else:
        report.lines.append(f"determinism: {len(outs[0])} outputs agree across PYTHONHASHSEED and thread counts")


def _caught(plan: Plan, a: Assignment, m: Mutant, expected: dict) -> bool:
    steps = [s for s in plan.steps if s.instance.unit == m.unit]
    impl = Impl(a.api(), {m.target: m.replacement})
    replies = run_in_process(plan, impl, a.package, steps)
    return any(not r.passed for r in judge(Plan(steps, plan.groups), replies, expected))


def check(tree: Tree, aid: str, determinism: bool = True) -> CheckReport:
    a = tree.assignment(aid)
    report = CheckReport(aid)
    suite = a.suite(hidden=True)
    report.failures += validate(suite, set(a.rubric.units))
    plan = plan_for(a, hidden=True)
    for key in a.rubric.units:
        steps = [s for s in plan.steps if s.instance.unit == key]
        if not any(s.instance.visibility == "visible" for s in steps):
            report.failures.append(f"unit {key} has no visible case")
        if not any(s.instance.visibility == "hidden" for s in steps):
            report.failures.append(f"unit {key} has no hidden case")
        if not any(getattr(s.definition, "independent", s.definition.expect != "reference") for s in steps):
            report.failures.append(f"unit {key} has no check independent of the reference (an oracle or property)")
    if report.failures:
        return report

    # 2 + 4: the reference against live expected values, and the stored ones against those.
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
    try:
        stored = load_expected(a, plan)
    except expected_store.ExpectedError as e:
        report.failures.append(str(e))
        return report
    drift = [k for k in live if (live[k] is None) != (stored[k] is None)
             or (live[k] is not None and not _same(stored[k], live[k]))]
    if drift:
        report.failures.append(f"stored expected outputs differ from a live recomputation (rerun `grader build -a "
                               f"{aid}` after a reference edit or a torch upgrade): {', '.join(drift[:10])}")
    else:
        report.lines.append(f"expected outputs: {len(live)} stored values equal a live recomputation")

    if determinism:
        _determinism(tree, a, report)

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
    not_stub = [r.id for r in stub_results if not r.passed and r.status not in ("not_implemented", "blocked")]
    if not_stub:
        report.warnings.append(f"cases fail on the stubs for another reason than NotImplementedError: "
                               f"{', '.join(not_stub[:10])}")
    report.lines.append(f"release stubs: {len(stub_results) - len(vacuous)}/{len(stub_results)} cases fail")

    # 6: mutants.
    for m in [*null_mutants(a), *handwritten_mutants(a)]:
        report.mutation_total += 1
        if _caught(plan, a, m, stored):
            report.mutation_caught += 1
        else:
            report.failures.append(f"mutant {m.name} ({m.unit}) is not caught by any case"
                                   + (f": {m.doc}" if m.doc else ""))
    report.lines.append(f"mutants: {report.mutation_caught}/{report.mutation_total} caught")
    return report
