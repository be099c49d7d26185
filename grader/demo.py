"""`make grade` / `python -m grader demo [-a a1]`: the main job on a fresh clone.

For every assignment (or the one named): builds the expected outputs if this machine has none yet, writes the
student release, then grades the bundled example submissions (the reference itself, and the partly-wrong ones
under `<package>/examples/`) on the hidden draws, as grading does: a score table each, a Gradescope results.json
each, and a comparison with what each example's `expected.toml` says it deserves. These submissions are the
course's own, so they are graded even where the worker is not isolated (probe.py's `--no-isolation`): `make
grade` works on macOS and in CI, and each report says what isolation really held.
"""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from pathlib import Path

from grader.expected import ensure_hidden
from grader.grade import grade
from grader.release import write_release
from grader.report import table, to_json
from grader.tree import Assignment, Tree, use_scratch_secrets


def reference_submission(a: Assignment, dest: Path) -> Path:
    """The reference as a student would submit it: the package's own student files."""
    for path in sorted(a.package_dir.rglob("*.py")):
        rel = path.relative_to(a.root).as_posix()
        if a.rubric.is_student_file(rel) and not a.rubric.is_instructor_only(rel):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, dest / rel)
    return dest


def examples(a: Assignment) -> list[Path]:
    folder = a.package_dir / "examples"
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def expected_units(example: Path) -> dict[str, dict[str, str]]:
    """`expected.toml`: per unit, the status grading must give and why (the example's bugs, in one place). A
    malformed file is named with the fix, never half-read."""
    f = example / "expected.toml"
    if not f.exists():
        return {}
    try:
        units = tomllib.loads(f.read_text())["units"]
        out = {k: {"status": str(v["status"]), "why": str(v["why"])} for k, v in units.items()}
    except (tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"{f}: every unit needs a table [units.\"<key>\"] with status = \"...\" and why = \"...\" "
                         f"({type(e).__name__}: {e})") from None
    return out


def expected_states(example: Path) -> dict[str, str]:
    return {k: v["status"] for k, v in expected_units(example).items()}


def demo_all(tree: Tree, aids: list[str] | None, out: Path) -> int:
    """Every assignment's demo in course order, then one summary line per graded submission."""
    aids = aids or [aid for aid, a in tree.assignments().items() if (a.package_dir / "cases").is_dir()]
    # the demo grades the course's own examples against a throwaway secret, never the term's
    use_scratch_secrets(out / "demo" / "scratch-secrets")
    summary: list[str] = []
    failed = 0
    for aid in aids:
        print(f"==== {aid} ====")
        failed += demo(tree, aid, out, summary)
    if len(aids) > 1:
        print()
        print("summary")
        print("\n".join(summary))
    return 1 if failed else 0


def demo(tree: Tree, aid: str, out: Path, summary: list[str] | None = None) -> int:
    a = tree.assignment(aid)
    ensure_hidden(a)
    out.mkdir(parents=True, exist_ok=True)
    # the demo's own folder (out/demo): never the student's out/<aid>-release, with its .venv and zip
    out = out / "demo"
    out.mkdir(parents=True, exist_ok=True)
    release = write_release(tree, a, out / f"{aid}-release", force=True)
    print(f"student release: {release}")
    mismatches = 0
    with tempfile.TemporaryDirectory() as tmp:
        subs = [("reference", reference_submission(a, Path(tmp) / "reference"), None)]
        subs += [(p.name, p, expected_units(p)) for p in examples(a)]
        for name, path, expected in subs:
            report = grade(tree, aid, path, no_isolation=True)  # the reference and examples/: the course's own
            results = out / f"{aid}-{name}.results.json"
            results.write_text(to_json(report))
            print()
            print(table(report.units, title=f"{aid} submission '{name}': {report.score:g}/{report.max_score:g}"))
            if report.error:
                print(f"  grading failed: {report.error}")
                mismatches += 1
            for u in report.units:
                if u.status != "passed":
                    first = next((c for c in u.cases if not c.passed), None)  # the instructor may see hidden ids
                    if first is not None:
                        print(f"  {u.key}: {first.id}: {first.message[:200]}")
            want = ({k: v["status"] for k, v in expected.items()} if expected is not None
                    else {k: "passed" for k in a.rubric.units})
            wrong = {k: (v, u.status) for u in report.units for k, v in want.items() if u.key == k and u.status != v}
            for k, (v, got) in sorted(wrong.items()):
                why = f" ({expected[k]['why'][:300]})" if expected else ""
                print(f"  MISMATCH {k}: expected {v}, graded {got}{why}")
            mismatches += bool(wrong)
            print(f"  results.json: {results}")
            if summary is not None:
                verdict = "as expected" if not wrong and not report.error else "MISMATCH"
                summary.append(f"  {aid:<4} {name:<12} {report.score:>6g} / {report.max_score:<6g} {verdict}")
    print()
    print(f"demo: {'every submission graded as expected' if not mismatches else f'{mismatches} mismatches'}")
    return 0 if not mismatches else 1
