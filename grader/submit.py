"""`make submit A=a1` / `python -m grader submit -a a1`: the student's zip, exactly the files the rubric grades.

Runs the visible cases first (so the student sees the table they are about to submit), then zips the Python
files under the assignment's package that the rubric accepts, plus any artifacts it lists within their size
caps. Data files, caches and oversize files are left out with a message saying why; a Python file over the cap
stops the submission, since dropping it silently would cost points.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from grader.assemble import MAX_PY_BYTES
from grader.tree import Tree

SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


class SubmitError(ValueError):
    pass


def collect(tree: Tree, aid: str) -> tuple[dict[str, Path], list[tuple[str, str]]]:
    a = tree.assignment(aid)
    taken: dict[str, Path] = {}
    left: list[tuple[str, str]] = []
    for path in sorted(a.package_dir.rglob("*")):
        if not path.is_file() or SKIP_DIRS & set(path.parts):
            continue
        rel = path.relative_to(a.root).as_posix()
        size = path.stat().st_size
        if a.rubric.is_instructor_only(rel) or a.rubric.is_protected(rel):
            continue  # the grader uses its own copy: no need to mention every released file
        if a.rubric.is_student_file(rel):
            if size > MAX_PY_BYTES:
                raise SubmitError(f"{rel} is {size // 1024} KB, over the {MAX_PY_BYTES // 1024} KB limit for a "
                                  f"source file: move data out of code")
            taken[rel] = path
        elif (art := a.rubric.artifact_for(rel)) is not None:
            if size > art.max_bytes:
                left.append((rel, f"artifact of {size} bytes is over its cap of {art.max_bytes}"))
            else:
                taken[rel] = path
        else:
            left.append((rel, "not graded (only the rubric's Python files and artifacts are submitted)"))
    if not taken:
        raise SubmitError(f"no files to submit under {a.package}/")
    return taken, left


def submit(tree: Tree, aid: str, out: Path, run_tests: bool = True) -> Path:
    if run_tests:
        from grader.suite_runner import run_tests as visible

        code = visible(tree, aid, ["-q", "--no-header", "-p", "no:warnings"])
        if code != 0:
            print("note: some visible cases fail (the table above); submitting anyway")
    taken, left = collect(tree, aid)
    for rel, why in left:
        print(f"left out: {rel}: {why}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, path in taken.items():
            z.write(path, rel)
    print(f"{out}: {len(taken)} files; upload it to the course's autograder")
    return out
