"""`python -m grader COMMAND`: the instructor tool (and the student's `test`). Parsing only; each command is a
function in its own module."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared.triton_mode import default_to_interpreter

default_to_interpreter()  # before any command imports triton (shared/triton_mode.py says why)

from grader.tree import TOOL_ROOT, Tree, TreeError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m grader", description=__doc__)
    p.add_argument("--root", type=Path, default=TOOL_ROOT, help="the tree that holds the assignments")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("release", help="write one assignment's student tree")
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("out", type=Path)
    s.add_argument("--force", action="store_true", help="overwrite release files edited since they were written")

    s = sub.add_parser("build", help="compute expected outputs (visible snapshot and hidden file)")
    s.add_argument("-a", "--assignment", required=True)

    s = sub.add_parser("secret", help="the term's seed secrets: create once, export for the staff, import")
    secret = s.add_subparsers(dest="secret_command", required=True)
    t = secret.add_parser("create", help="draw a term's secret and its hidden instances (the only command that does)")
    t.add_argument("-a", "--assignment", action="append", required=True)
    t.add_argument("--rotate", action="store_true", help="replace an existing secret (every submission regrades)")
    t = secret.add_parser("export", help="write the secrets and hidden instances to one file (mode 0600)")
    t.add_argument("-a", "--assignment", action="append", required=True)
    t.add_argument("out", type=Path)
    t = secret.add_parser("import", help="install the staff's secrets file, checked before anything is written")
    t.add_argument("file", type=Path)
    t.add_argument("--force", action="store_true", help="replace a different secret already here")

    s = sub.add_parser("check", help="prove the reference passes, stubs and mutants fail, expected is current")
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("--no-determinism", action="store_true", help="skip the two-process determinism check")
    s.add_argument("--deep", action="store_true",
                   help="also draw oracle and property cases at 3+ fresh secrets, gate every case's worst margin "
                        "at 0.5, run every mutant at 3 more; writes <package>/instructor_tests/margins.json")
    s.add_argument("--budget-s", type=float, default=None, help="seconds of fresh draws for --deep (default 240)")

    s = sub.add_parser("grade", help="grade one submission (a folder or a zip)")
    s.add_argument("submission", type=Path)
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("--out", type=Path, help="write Gradescope results.json here")
    s.add_argument("--junit", type=Path, help="also write JUnit XML here")
    s.add_argument("--frozen", type=Path, help="the hidden instances from this file instead of the term's own "
                   "(a Gradescope package's copy)")
    _isolation_flags(s)

    s = sub.add_parser("gradescope", help="package an assignment as a Gradescope autograder zip")
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("out", type=Path)

    s = sub.add_parser("batch", help="grade a folder (or zip) of submissions in parallel into a resumable store")
    s.add_argument("source", type=Path)
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("--jobs", type=int, default=2)
    s.add_argument("--store", type=Path, default=None,
                   help="SQLite file (default .grader-batches/<aid>.sqlite: outside out/, which make clean removes)")
    s.add_argument("--regrade", action="store_true", help="grade finished submissions again")
    s.add_argument("--only", action="append", metavar="NAME", help="grade only this submission, again (repeatable)")
    s.add_argument("--frozen", type=Path, help="grade from this hidden file (a Gradescope package's) instead")
    s.add_argument("--export", type=Path, help="then write the gradebook CSV and results.json files here")
    _isolation_flags(s)

    s = sub.add_parser("stats", help="class statistics of a batch store: per unit pass rate, mean, failures")
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("--store", type=Path, default=None, help="the batch store (default .grader-batches/<aid>.sqlite)")
    s.add_argument("--out", type=Path, default=Path("out/stats"), help="folder for the CSV, JSON and PNG")

    s = sub.add_parser("similarity", help="pairs of similar student files across submissions (copydetect)")
    s.add_argument("source", type=Path, help="the submissions folder (or zip), as for batch")
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("--threshold", type=float, default=0.5, help="list pairs above this similarity (0-1)")
    s.add_argument("--out", type=Path, default=Path("out/similarity"))

    s = sub.add_parser("submit", help="student: run the visible cases, then zip exactly the graded files")
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("--out", type=Path, help="default: <assignment>-submission.zip")
    s.add_argument("--no-test", action="store_true", help="skip the visible cases")
    s.add_argument("--allow-broken", action="store_true", help="zip files that do not compile (they score 0)")

    s = sub.add_parser("test", help="with -a: the visible cases (student mode); without: the whole suite")
    s.add_argument("-a", "--assignment")
    s.add_argument("-u", "-k", "--unit", action="append", dest="units", metavar="UNIT",
                   help="student mode: only this unit (`softmax` or `a1.softmax`; repeatable)")
    s.add_argument("--full", action="store_true", help="student mode: every failure in full, as pytest reports it")
    s.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")

    s = sub.add_parser("doctor", help="is this machine ready: Python, packages, CPU, disk, data files, the worker")
    s.add_argument("-a", "--assignment", default=None, help="one assignment (default: a release's, or every one)")

    s = sub.add_parser("mutant-sweep", help="every mutant against the hidden instances of several fresh secrets")
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("--secrets", type=int, default=5, help="fresh secrets to draw (default 5)")
    s.add_argument("--mutant", action="append", help="only this mutant (repeatable; default: every mutant)")

    s = sub.add_parser("fuzz", help="property cases (and, in the instructor's tree, oracle cases) at fresh seeds")
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("--draws", type=int, default=3, help="fresh seeds per case")
    s.add_argument("--seed", help="replay a run: the seed it printed")

    s = sub.add_parser("bench", help="run an assignment's benchmarks (python -m <package>.bench)")
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("--quick", action="store_true", help="small sizes: a smoke test in seconds")

    s = sub.add_parser("bench-grading", help="what grading costs: time, sandbox overhead, batch throughput")
    s.add_argument("--quick", action="store_true", help="the numpy fixture assignment instead of a1")

    s = sub.add_parser("demo", help="build the release and grade the bundled example submissions (make grade)")
    s.add_argument("-a", "--assignment", default=None, help="one assignment (default: every assignment)")
    s.add_argument("--out", type=Path, default=TOOL_ROOT / "out")

    s = sub.add_parser("run-requests", help=argparse.SUPPRESS)
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("requests", type=Path)
    s.add_argument("replies", type=Path)

    s = sub.add_parser("reference-outputs", help=argparse.SUPPRESS)
    s.add_argument("-a", "--assignment", required=True)
    s.add_argument("--out", type=Path, required=True)

    args = p.parse_args(argv)
    tree = Tree(args.root.resolve())
    try:
        return _dispatch(args, tree)
    except (TreeError, ValueError, FileNotFoundError, FileExistsError, RuntimeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


def _isolation_flags(s: argparse.ArgumentParser) -> None:
    s.add_argument("--no-isolation", action="store_true",
                   help="grade even where student code could read or write your files (the probe says what it "
                        "found); only for submissions you trust: the report then says 'none'")
    s.add_argument("--container", metavar="IMAGE", default=None,
                   help="one Docker/Podman container per submission from IMAGE (README 'Isolation': building it)")
    s.add_argument("--runtime", choices=("docker", "podman"), default=None,
                   help="the container runtime (default: docker if found, else podman)")


def _isolation(args: argparse.Namespace):
    """The isolation the flags ask for: a container, or the best this machine offers (None)."""
    if args.container is None:
        if args.runtime:
            raise ValueError("--runtime only applies with --container IMAGE")
        return None
    from grader.container import detect

    return detect(args.container, args.runtime)


def _dispatch(args: argparse.Namespace, tree: Tree) -> int:
    if args.command == "release":
        from grader.release import ReleaseEditedError, write_release

        try:
            out = write_release(tree, tree.assignment(args.assignment), args.out.resolve(), force=args.force)
        except (ReleaseEditedError, FileExistsError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print(f"release of {args.assignment} written to {out}")
        return 0
    if args.command == "secret":
        from grader import secret

        if args.secret_command == "create":
            for aid in args.assignment:
                secret.create(tree, aid, rotate=args.rotate)
        elif args.secret_command == "export":
            out = secret.export(args.assignment, args.out.resolve())
            print(f"secrets of {', '.join(args.assignment)} written to {out} (mode 0600): hand it to the staff "
                  f"privately; never commit it")
        else:
            print(f"imported the secrets of {', '.join(secret.import_(args.file.resolve(), args.force))}")
        return 0
    if args.command == "build":
        from grader.expected import build

        build(tree.assignment(args.assignment))
        return 0
    if args.command == "check":
        from grader.check import check

        report = check(tree, args.assignment, determinism=not args.no_determinism, deep=args.deep,
                       deep_budget_s=args.budget_s)
        print(report.text())
        return 0 if report.ok else 1
    if args.command == "grade":
        from grader.grade import grade
        from grader.report import junit, table, to_json

        report = grade(tree, args.assignment, args.submission.resolve(),
                       frozen=args.frozen.resolve() if args.frozen else None, isolation=_isolation(args),
                       no_isolation=args.no_isolation)
        print(table(report.units, title=f"{args.assignment}: {args.submission}"))
        if report.error:
            print(f"grading failed: {report.error}", file=sys.stderr)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(to_json(report))
            print(f"results: {args.out}")
        if args.junit:
            args.junit.write_text(junit(report))
        return 0 if not report.error else 1
    if args.command == "gradescope":
        from grader.gradescope import package

        package(tree, args.assignment, args.out.resolve())
        return 0
    if args.command == "batch":
        from grader.batch import default_store, export, run_batch

        store = args.store or default_store(args.assignment)
        from grader.batch import BatchError

        try:
            summary = run_batch(tree, args.assignment, args.source.resolve(), store, args.jobs, args.regrade,
                                isolation=_isolation(args), no_isolation=args.no_isolation,
                                frozen=args.frozen.resolve() if args.frozen else None,
                                only=set(args.only) if args.only else None)
        except BatchError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print(f"batch: {len(summary.graded)} graded, {len(summary.failed)} failed, {len(summary.skipped)} skipped "
              f"in {summary.seconds:.1f} s; store: {store}")
        if args.export:
            print(f"gradebook: {export(store, args.assignment, args.export)}")
        if summary.failed:
            print(f"error: grading failed for {', '.join(summary.failed)}: rerun the batch to retry them",
                  file=sys.stderr)
        return 1 if summary.failed else 0
    if args.command == "stats":
        from grader.batch import default_store
        from grader.class_report import class_statistics

        store = args.store or default_store(args.assignment)
        summary = class_statistics(tree.assignment(args.assignment), store, args.out.resolve())
        print(f"{args.assignment}: {summary['submissions']} submissions, mean {summary['mean_score']:g}/"
              f"{summary['total']:g}; units, stats and histogram in {args.out}")
        return 0
    if args.command == "similarity":
        from grader.class_report import similarity

        pairs = similarity(tree, tree.assignment(args.assignment), args.source.resolve(), args.out.resolve(),
                           args.threshold)
        print(f"{len(pairs)} file pairs above {args.threshold:g} similarity; listed in {args.out}")
        return 0
    if args.command == "submit":
        from grader.submit import submit

        submit(tree, args.assignment, (args.out or Path(f"{args.assignment}-submission.zip")).resolve(),
               run_tests=not args.no_test, allow_broken=args.allow_broken)
        return 0
    if args.command == "test":
        from grader.suite_runner import run_tests

        return run_tests(tree, args.assignment, args.pytest_args, units=args.units or [], full=args.full)
    if args.command == "doctor":
        from grader.doctor import doctor

        return doctor(tree, args.assignment)
    if args.command == "mutant-sweep":
        from grader.mutant_sweep import mutant_sweep, sweep_failures

        a = tree.assignment(args.assignment)
        only = set(args.mutant) if args.mutant else None
        failures = sweep_failures(a, mutant_sweep(a, args.secrets, log=print, only=only), args.secrets)
        print("\n".join(f"FAIL: {f}" for f in failures) or f"{a.id}: every mutant caught at {args.secrets} secrets")
        return 1 if failures else 0
    if args.command == "fuzz":
        from grader.fuzz import fuzz

        return fuzz(tree, args.assignment, args.draws, args.seed)
    if args.command == "bench":
        import runpy

        package = tree.assignment(args.assignment).package
        sys.argv = [f"{package}.bench", *(["--quick"] if args.quick else [])]
        try:
            runpy.run_module(f"{package}.bench", run_name="__main__")
        except SystemExit as e:
            return int(e.code or 0)
        return 0
    if args.command == "bench-grading":
        from grader.benchmark import main as bench_main

        return bench_main(["--quick"] if args.quick else [])
    if args.command == "demo":
        from grader.demo import demo_all

        return demo_all(tree, [args.assignment] if args.assignment else None, args.out.resolve())
    if args.command == "run-requests":
        from grader.plan import serve_requests
        from shared.cases import Impl

        a = tree.assignment(args.assignment)
        serve_requests(a.suite(hidden=True), Impl(a.api()), a.package, args.requests, args.replies)
        return 0
    if args.command == "reference-outputs":
        from grader.check import reference_outputs

        reference_outputs(tree, args.assignment, args.out)
        return 0
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
