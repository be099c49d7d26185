"""`python -m grader bench-grading [--quick]`: what grading costs, measured side by side in one run.

- time to grade the reference a1 submission in the sandbox (goal: under 60 s on 2 cores);
- the sandbox's overhead: the same grading in bwrap vs a plain subprocess (goal: under 10%);
- batch throughput: 20 submissions with --jobs 2 against --jobs 1.
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
    with tempfile.TemporaryDirectory() as tmp:
        sub = reference_submission(a, Path(tmp) / "ref")
        # the reference is the course's own code: trusted (probe.py), so it is timed even without isolation
        def once(iso: sandbox.Isolation) -> float:
            return _timed(lambda: grade(tree, aid, sub, isolation=iso, no_isolation=True))

        once(best)  # warm the page cache: both measurements below start equal
        sandboxed = min(once(best) for _ in range(2))
        unsandboxed = min(once(plain) for _ in range(2))
        rows.append(Row(f"grade the {aid} reference ({best.mode})", sandboxed, "s", "goal: 60 s on 2 cores", 60.0,
                        higher_is_better=False, goal=1.0))
        rows.append(Row(f"grade the {aid} reference, sandbox overhead", sandboxed, "s", "same, plain subprocess",
                        unsandboxed, higher_is_better=False, goal=1 / 1.1,
                        note="isolation: " + best.mode))
        subs = Path(tmp) / "class"
        for i in range(n_batch):
            shutil.copytree(sub, subs / f"student{i:02d}")
        t2 = _timed(lambda: run_batch(tree, aid, subs, Path(tmp) / "b2.sqlite", jobs=2, log=lambda m: None,
                                  no_isolation=True))
        t1 = _timed(lambda: run_batch(tree, aid, subs, Path(tmp) / "b1.sqlite", jobs=1, log=lambda m: None,
                                  no_isolation=True))
        rows.append(Row(f"batch of {n_batch} {aid} submissions, --jobs 2", n_batch / t2 * 60, "subs/min",
                        "--jobs 1", n_batch / t1 * 60, higher_is_better=True, goal=1.3))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m grader bench-grading", description=__doc__)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", type=Path, default=TOOL_ROOT / "out" / "bench" / "grader.json")
    args = p.parse_args(argv)
    rows = run(args.quick, n_batch=6 if args.quick else 20)
    print(table(rows))
    write_json(rows, args.out, {"quick": args.quick})
    print(f"written: {args.out}")
    return 0
