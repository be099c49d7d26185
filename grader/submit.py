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


def _released(root: Path) -> dict[str, str]:
    """path -> sha256 of the files the release was written with (empty outside a release)."""
    from grader.release import FILES

    f = root / FILES
    if not f.is_file():
        return {}
    return {rel: digest for digest, rel in (line.split("  ", 1) for line in f.read_text().splitlines() if line)}


def untouched(root: Path, rel: str, path: Path, released: dict[str, str]) -> bool:
    import hashlib

    return rel in released and hashlib.sha256(path.read_bytes()).hexdigest() == released[rel]


def compile_errors(taken: dict[str, Path]) -> list[str]:
    """`file:line: message` for every submitted Python file that does not compile."""
    errors = []
    for rel, path in sorted(taken.items()):
        if not rel.endswith(".py"):
            continue
        try:
            compile(path.read_bytes(), rel, "exec")
        except SyntaxError as e:
            errors.append(f"{rel}:{e.lineno}: {e.msg}")
        except ValueError as e:  # null bytes
            errors.append(f"{rel}: {e}")
    return errors


def strays(tree: Tree, aid: str) -> list[str]:
    """Python files outside the package that look like the student's work on it (a copy at the top, a backup
    folder holding the package): they are not submitted, which surprises a student who edited them."""
    a = tree.assignment(aid)
    names = {p.name for p in a.package_dir.rglob("*.py")}
    out = []
    for path in sorted(a.root.rglob("*.py")):
        rel = path.relative_to(a.root).as_posix()
        top = rel.split("/")[0]
        if top in (a.package, ".venv", "out", "grader", "shared") or SKIP_DIRS & set(path.parts):
            continue
        if path.name in names and (("/" not in rel) or f"/{a.package}/" in f"/{rel}"):
            out.append(rel)
    return out


def submit(tree: Tree, aid: str, out: Path, run_tests: bool = True, allow_broken: bool = False) -> Path:
    if run_tests:
        from grader.suite_runner import run_tests as visible

        code = visible(tree, aid, [])
        if code != 0:
            print("note: some visible cases fail (the summary above); submitting anyway")
    taken, left = collect(tree, aid)
    broken = compile_errors(taken)
    if broken and not allow_broken:
        raise SubmitError("these files do not compile, so every unit they hold (and those that import them) "
                          "would score 0: " + "; ".join(broken) + ". Fix them, or submit anyway with "
                          "--allow-broken (make submit ALLOW_BROKEN=1)")
    for line in broken:
        print(f"warning: does not compile: {line}")
    for rel in strays(tree, aid):
        print(f"not submitted: {rel} (outside {tree.assignment(aid).package}/: only the package's files are "
              f"graded; if this is your work, move it to its place under the package)")
    released = _released(tree.root)
    for rel, why in left:
        if not untouched(tree.root, rel, tree.root / rel, released):  # the release's own handout, data...
            print(f"left out: {rel}: {why}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, path in taken.items():
            z.write(path, rel)
    print(f"{out}: {len(taken)} files; upload it to the course's autograder")
    return out
