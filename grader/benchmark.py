"""`python -m grader bench-grading [--quick]`: what grading costs, measured side by side in one run.

- time to grade the reference a1 submission in the sandbox (goal: under 60 s on 2 cores);
- the sandbox's overhead: the same grading in bwrap vs a plain subprocess (goal: under 10%);
- grading against the same hidden instances run in-process (no worker, no sandbox, no pipe), measured in the
  same run, two ways: cold, in a fresh interpreter that imports what it needs and runs them once, as any run
  from nothing must (goal: grading within 1.3x of it); and warm, in this process after a first run, the work
  alone with every import and first use paid before (no goal: a fresh worker pays those costs by definition, and
  the profile says how much they are);
- batch throughput: 20 submissions with --jobs 2 against --jobs 1, and that speedup against the machine's own
  two-process speedup (a CPU loop run twice at once vs one after the other, in the same run): a host whose cores
  slow each other caps --jobs 2 below 2x whatever the grader does;
- a profile of where grading's time goes: the worker's boot (its imports, torch's among them), the work, and the
  rest (per-request fork, codec, pipe, the sandbox), printed and written to the JSON.
`--quick` uses the numpy fixture assignment instead of a1 (seconds).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from grader import sandbox
from grader.batch import run_batch
from grader.demo import reference_submission
from grader.expected import ensure_hidden
from grader.grade import grade
from grader.plan import hidden_only, plan_for, run_in_process
from grader.session import WorkerSession
from grader.tree import TOOL_ROOT, Tree, use_scratch_secrets
from shared.bench import Row, table, write_json

FIXTURE = TOOL_ROOT / "grader" / "tests" / "fixture_tree"


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(quick: bool, n_batch: int = 20) -> list[Row]:
    tree, aid = (Tree(FIXTURE), "fx") if quick else (Tree(TOOL_ROOT), "a1")
    a = tree.assignment(aid)
    use_scratch_secrets(TOOL_ROOT / "out" / "scratch-secrets")  # the benchmark's own throwaway secret
    ensure_hidden(a, log=lambda *x: None)
    best = sandbox.detect()
    plain = sandbox.Isolation(sandbox.DEGRADED, "benchmark anchor")
    rows = []
    profile: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        sub = reference_submission(a, Path(tmp) / "ref")
        # the reference is the course's own code: trusted (probe.py), so it is timed even without isolation
        def once(iso: sandbox.Isolation) -> float:
            return _timed(lambda: grade(tree, aid, sub, isolation=iso, no_isolation=True))

        once(best)  # warm the page cache: both measurements below start equal
        sandboxed = min(once(best) for _ in range(2))
        unsandboxed = min(once(plain) for _ in range(2))
        work, n_requests = _work_in_process(a)
        cold = min(_cold_in_process(tree, aid) for _ in range(2))
        boot = min(_boot(a, sub, iso) for iso in (best,) for _ in range(2))
        profile.update(grade_s=round(sandboxed, 3), worker_boot_s=round(boot, 3), work_in_process_s=round(work, 3),
                       requests=n_requests,
                       rest_per_request_ms=round(1000 * max(0.0, sandboxed - boot - work) / max(1, n_requests), 2))
        rows.append(Row(f"grade the {aid} reference ({best.mode})", sandboxed, "s",
                        "the same hidden instances in-process, cold", cold, higher_is_better=False, goal=1 / 1.3,
                        note=f"worker boot {boot:.2f} s of it; cold: a fresh interpreter importing what it needs, "
                             f"timed from its first import to its last reply"))
        rows.append(Row(f"grade the {aid} reference ({best.mode}), against the warm work", sandboxed, "s",
                        "the same hidden instances in-process, warm", work, higher_is_better=False,
                        note="warm: this process's second run, every import and first use paid before; the "
                             "difference is the worker's boot, the student modules' imports and torch's lazy "
                             "ones in a fresh process, and the per-request rest (profile)"))
        rows.append(Row(f"grade the {aid} reference ({best.mode}), wall", sandboxed, "s", "goal: 60 s on 2 cores", 60.0,
                        higher_is_better=False, goal=1.0))
        rows.append(Row(f"grade the {aid} reference, sandbox overhead", sandboxed, "s", "same, plain subprocess",
                        unsandboxed, higher_is_better=False, goal=1 / 1.1,
                        note="isolation: " + best.mode))
        subs = Path(tmp) / "class"
        for i in range(n_batch):
            shutil.copytree(sub, subs / f"student{i:02d}")
        ceilings = [_two_process_speedup()]
        t2 = _timed(lambda: run_batch(tree, aid, subs, Path(tmp) / "b2.sqlite", jobs=2, log=lambda m: None,
                                  no_isolation=True))
        ceilings.append(_two_process_speedup())
        t1 = _timed(lambda: run_batch(tree, aid, subs, Path(tmp) / "b1.sqlite", jobs=1, log=lambda m: None,
                                  no_isolation=True))
        ceilings.append(_two_process_speedup())
        ceiling = sum(ceilings) / len(ceilings)
        profile.update(two_process_speedup=[round(c, 3) for c in ceilings])
        rows.append(Row(f"batch of {n_batch} {aid} submissions, --jobs 2", n_batch / t2 * 60, "subs/min",
                        "--jobs 1", n_batch / t1 * 60, higher_is_better=True, goal=1.8,
                        note=f"this machine's own two-process speedup in the same run: {ceiling:.2f}x"))
        rows.append(Row(f"batch of {n_batch} {aid} submissions, --jobs 2 over --jobs 1", t1 / t2, "x",
                        "the machine's two-process speedup (a CPU loop twice at once vs one after the other)",
                        ceiling, higher_is_better=True,
                        note="how much of what the cores give two processes grading turns into throughput: "
                             "on a host whose cores slow each other, 1.8x over --jobs 1 may not exist at all; "
                             "measured before, between and after the two batches, averaged"))
    return rows, profile


def _work_in_process(a) -> tuple[float, int]:
    """Seconds to run the hidden instances grading runs, here, through the same executor (the work itself; the
    reference is the course's own code, so running it in this process is safe), and how many requests."""
    from shared.cases import Impl
    from shared.cases.api_map import load_api

    plan, _ = plan_for(a, hidden=True)
    plan = hidden_only(plan)
    impl = Impl(load_api(a.package))
    run_in_process(plan, impl, a.package)  # imports and first-use costs out of the reading
    return _timed(lambda: run_in_process(plan, impl, a.package)), len(plan.steps)


# subtle: timed inside the interpreter, from before its first import: its own start-up is left out, which only
# makes the anchor smaller than what grading's worker (timed from its spawn) is compared with
_COLD = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from grader.plan import hidden_only, plan_for, run_in_process
from grader.tree import Tree
from shared.cases import Impl
from shared.cases.api_map import load_api
a = Tree(Path(sys.argv[1])).assignment(sys.argv[2])
plan, _ = plan_for(a, hidden=True)
run_in_process(hidden_only(plan), Impl(load_api(a.package)), a.package)
print(time.perf_counter() - start)
"""


_BURN = "s = 0\nfor i in range(12_000_000):\n    s += i * i"


def _two_process_speedup() -> float:
    """How much faster two CPU-bound Python processes finish when run at once than one after the other: what
    the machine gives `--jobs 2` at best (a host that shares or throttles its cores gives less than 2)."""
    import subprocess
    import sys

    def burn(n: int) -> None:
        procs = [subprocess.Popen([sys.executable, "-c", _BURN]) for _ in range(n)]
        if any(p.wait() != 0 for p in procs):
            raise RuntimeError("the two-process CPU loop failed")

    serial = _timed(lambda: (burn(1), burn(1)))
    parallel = _timed(lambda: burn(2))
    return serial / parallel


def _cold_in_process(tree: Tree, aid: str) -> float:
    """Seconds a fresh interpreter takes to import what it needs and run the hidden instances grading runs,
    in-process (the reference is the course's own code): what running them costs from nothing."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _COLD, str(tree.root), aid], cwd=TOOL_ROOT, capture_output=True,
                          text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"the cold in-process run failed:\n{done.stderr[-4000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def _boot(a, sub: Path, iso: sandbox.Isolation) -> float:
    """Seconds from starting a worker over the submission's tree to its first answer-ready state."""
    session = WorkerSession(Path(a.root), a.package, a.rubric.preload, isolation=iso)
    try:
        return _timed(session.start)
    finally:
        session.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m grader bench-grading", description=__doc__)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", type=Path, default=TOOL_ROOT / "out" / "bench" / "grader.json")
    args = p.parse_args(argv)
    rows, profile = run(args.quick, n_batch=6 if args.quick else 20)
    print(table(rows))
    print("where grading's time goes: " + ", ".join(f"{k} {v}" for k, v in profile.items()))
    write_json(rows, args.out, {"quick": args.quick, "profile": profile})
    print(f"written: {args.out}")
    return 0
