"""`python -m grader test`: with `-a`, the visible cases in student mode; without, the project's whole suite
(every package's tests and instructor tests, then `grader check` on every assignment with cases)."""

from __future__ import annotations

import pytest

from grader.tree import Tree


class _Count:
    def __init__(self) -> None:
        self.passed = self.failed = 0

    def pytest_runtest_logreport(self, report) -> None:
        if report.when == "call" or report.outcome == "failed":
            if report.outcome == "passed":
                self.passed += 1
            elif report.outcome == "failed":
                self.failed += 1


# Student mode keeps pytest's own output to one line of dots (the closing summary says what failed, once per
# unit); --full gives pytest's report of every failure. No cache or benchmark folders in the student's tree.
# plugins a student's visible run never uses, off: hypothesis's alone costs a second of start-up per run
PLUGINS_OFF = ["-p", "no:cacheprovider", "-p", "no:benchmark", "-p", "no:hypothesispytest", "-p", "no:anyio"]
QUIET = ["-q", "--tb=no", "-rN", "--no-header", *PLUGINS_OFF]
FULL = ["-v", "--tb=short", "-rfE", *PLUGINS_OFF]


def run_tests(tree: Tree, aid: str | None, extra: list[str], units: list[str] | None = None,
              full: bool = False) -> int:
    is_release = (tree.root / ".lmfs-release").exists()
    if aid is None and is_release:
        aid = (tree.root / ".lmfs-release").read_text().strip()
    if aid is not None:
        return student_tests(tree, aid, extra, units or [], full)
    if units:
        print("grader test: -u/--unit selects units of one assignment: add -a <assignment>")
        return 2

    from grader.check import check
    from grader.expected import ensure_hidden
    from grader.tree import use_scratch_secrets

    # the suite never touches (or creates) the term's secret: it grades against a throwaway one of its own
    use_scratch_secrets(tree.root / "out" / "scratch-secrets")

    with_cases = [a for a in tree.assignments().values() if (a.package_dir / "cases" / "__init__.py").exists()]
    for a in with_cases:
        ensure_hidden(a)
    dirs = [str(p) for pattern in ("shared/tests", "grader/tests", "*/tests", "*/instructor_tests")
            for p in sorted(tree.root.glob(pattern)) if p.is_dir()]
    from grader import sandbox

    isolation = sandbox.detect()
    if isolation.mode != sandbox.BWRAP:
        # said once, up front: otherwise each grading test fails alone with the same refusal
        print(f"note: no bubblewrap sandbox here ({isolation.reason}); the tests that grade untrusted code "
              f"refuse to, and `make doctor` lists what this machine lacks", flush=True)
    count = _Count()
    code = pytest.main([*dict.fromkeys(dirs), "-q", "--import-mode=importlib", *extra], plugins=[count])
    checks_failed = 0
    for a in with_cases:
        report = check(tree, a.id)
        print(report.text(), flush=True)
        checks_failed += not report.ok
    passed = count.passed + len(with_cases) - checks_failed
    failed = count.failed + checks_failed
    print(f"suite: {passed} passed, {failed} failed")
    return 0 if code == 0 and failed == 0 else 1


def student_tests(tree: Tree, aid: str, extra: list[str], units: list[str], full: bool) -> int:
    """The visible cases of one assignment (grader/student.py), after the checks that would otherwise fail
    every case alike: an unknown unit name, and packages missing from this Python."""
    import importlib.util
    import os
    import sys

    from grader.student import FULL_ENV, UNITS_ENV, drop_unclaimed, prestart, select_units

    a = tree.assignment(aid)
    try:
        chosen = select_units(a, units)
    except ValueError as e:
        print(f"grader test: {e}")
        return 2
    missing = [m for m in ("numpy", *a.rubric.preload) if importlib.util.find_spec(m.split(".")[0]) is None]
    if missing:
        print(f"grader test: {', '.join(missing)} not installed in {sys.executable}: run `make test A={aid}` from "
              f"the folder that holds the Makefile (it creates .venv with what {aid} needs), or `make venv` first")
        return 2
    os.environ[UNITS_ENV] = ",".join(chosen)
    os.environ[FULL_ENV] = "1" if full else ""
    prestart(a)
    try:
        return pytest.main([str(a.package_dir / "tests"), "--import-mode=importlib", *(FULL if full else QUIET),
                            *extra])
    finally:
        drop_unclaimed()
