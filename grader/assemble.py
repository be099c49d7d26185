"""Assemble a submission: a fresh release of the assignment, the hidden case drivers, and the student's allowed
files on top. Everything else the submission holds is listed as ignored, with the reason."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.release import write_release
from grader.report import PROTECTED_WHY
from grader.tree import Assignment, Tree

MAX_PY_BYTES = 1 * 2**20


@dataclass
class Assembled:
    root: Path
    student_files: dict[str, str] = field(default_factory=dict)  # rel path -> source (for the API scan)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (rel path, reason)
    problems: list[str] = field(default_factory=list)  # submission-level problems (empty, unreadable)


OVERSIZE = b"\0oversize\0"  # stands for a zip entry too large to unpack (a zip bomb is never inflated)


def _submission_files(submission: Path) -> dict[str, bytes]:
    """rel path -> bytes, from a folder or a zip. Paths that escape the folder are dropped."""
    files: dict[str, bytes] = {}
    if submission.is_file() and zipfile.is_zipfile(submission):
        with zipfile.ZipFile(submission) as z:
            for info in z.infolist():
                p = PurePosixPath(info.filename)
                if info.is_dir() or p.is_absolute() or ".." in p.parts:
                    continue
                if info.file_size > 16 * MAX_PY_BYTES:
                    files[str(p)] = OVERSIZE  # recorded, then refused by size below
                    continue
                files[str(p)] = z.read(info)
        return files
    if not submission.is_dir():
        raise FileNotFoundError(f"submission {submission} is neither a folder nor a zip file")
    for path in sorted(submission.rglob("*")):
        if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
            files[path.relative_to(submission).as_posix()] = path.read_bytes()
    return files


def assemble(tree: Tree, a: Assignment, submission: Path, work: Path) -> Assembled:
    root = write_release(tree, a, work / "tree")
    for snapshot in root.glob("*/cases/snapshot.bin"):
        # the visible expected values: grading never runs those instances, and the worker holds no expected value
        snapshot.unlink()
    hidden = a.package_dir / "hidden"
    if hidden.is_dir():  # hidden drivers do enter the worker; their expected values never do
        shutil.copytree(hidden, root / a.package / "hidden", ignore=shutil.ignore_patterns("__pycache__"))
    out = Assembled(root)
    try:
        files = _submission_files(submission)
    except (OSError, zipfile.BadZipFile) as e:
        out.problems.append(f"cannot read the submission: {e}")
        return out
    for rel, why in _placed(a, root, files, out):
        out.ignored.append((rel, why))
    if not out.student_files:
        out.problems.append(f"the submission contains none of the files this assignment grades "
                            f"({', '.join(a.rubric.student_files)}); every unit is graded as not implemented")
    return out


def _candidate(a: Assignment, rel: str, by_name: dict[str, list[str]]) -> tuple[str, int] | None:
    """Where a submitted file would go, and how sure that is: 0 its exact path, 1 a folder that holds the
    package (`my-work/a1_basics/losses.py`), 2 a top-level file named uniquely in the package (`losses.py`).
    A file inside another folder that is not the package (`a5_alignment/cases/losses.py`) goes nowhere."""
    if rel.startswith(a.package + "/"):
        return rel, 0
    marker = "/" + a.package + "/"
    if marker in "/" + rel:
        return rel[("/" + rel).rindex(marker):], 1
    if "/" not in rel and len(by_name.get(rel, [])) == 1:
        return by_name[rel][0], 2
    return None


def _placed(a: Assignment, root: Path, files: dict[str, bytes], out: Assembled) -> list[tuple[str, str]]:
    """Copy the student's files onto the release; return (file, reason) for every file not used. The file at
    the exact path always wins; two guesses for one target never overwrite each other: that target is refused,
    naming both, and the release's stub stays."""
    by_name: dict[str, list[str]] = {}
    for t in (p.relative_to(root).as_posix() for p in (root / a.package).rglob("*.py")):
        by_name.setdefault(PurePosixPath(t).name, []).append(t)
    ignored: list[tuple[str, str]] = []
    wanted: dict[str, list[tuple[int, str]]] = {}
    for rel in files:
        found = _candidate(a, rel, by_name)
        if found is None:
            ignored.append((rel, f"not a file this assignment accepts (it reads {a.package}/...; accepted: "
                                 f"{', '.join(a.rubric.student_files)})"))
            continue
        target, rank = found
        wanted.setdefault(target, []).append((rank, rel))
    for target, cands in sorted(wanted.items()):
        cands.sort()
        best_rank = cands[0][0]
        best = [rel for rank, rel in cands if rank == best_rank]
        ignored += [(rel, f"{best[0]} is used for {target} (a file at the exact path wins)")
                    for rank, rel in cands if rank != best_rank]
        if len(best) > 1:
            ignored += [(rel, f"refused: {' and '.join(best)} both could be {target}; submit one at exactly "
                              f"{target}") for rel in best]
            continue
        rel = best[0]
        if why := _copy(a, root, target, files[rel], out):
            ignored.append((rel, why))
    return ignored


def _copy(a: Assignment, root: Path, target: str, data: bytes, out: Assembled) -> str:
    """Write one accepted file into the tree; the reason it is not used otherwise."""
    if a.rubric.is_instructor_only(target) or a.rubric.is_protected(target):
        return PROTECTED_WHY
    if a.rubric.is_student_file(target):
        if data is OVERSIZE or len(data) > MAX_PY_BYTES:
            return f"larger than {MAX_PY_BYTES // 1024} KB"
        out.student_files[target] = data.decode("utf-8", errors="replace")
    elif (art := a.rubric.artifact_for(target)) is not None:
        if data is OVERSIZE or len(data) > art.max_bytes:
            return f"artifact larger than its cap of {art.max_bytes} bytes"
    else:
        return f"not a file this assignment accepts (accepted: {', '.join(a.rubric.student_files)})"
    dest = root / target
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return ""
