"""Assemble a submission: a fresh release of the assignment, the hidden case drivers, and the student's allowed
files on top. Everything else the submission holds is listed as ignored, with the reason."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.release import write_release
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
    student_targets = {p.relative_to(root).as_posix() for p in (root / a.package).rglob("*.py")}
    by_name: dict[str, list[str]] = {}
    for t in student_targets:
        by_name.setdefault(PurePosixPath(t).name, []).append(t)
    for rel, data in files.items():
        target = rel
        if not rel.startswith(a.package + "/"):
            # A flat upload (activations.py at the top): map it when the name is unique in the package.
            pkg_index = rel.find(a.package + "/")
            if pkg_index > 0:
                target = rel[pkg_index:]
            elif len(by_name.get(PurePosixPath(rel).name, [])) == 1:
                target = by_name[PurePosixPath(rel).name][0]
        if a.rubric.is_instructor_only(target) or a.rubric.is_protected(target):
            out.ignored.append((rel, "protected: the grader uses its own copy"))
            continue
        if a.rubric.is_student_file(target):
            if data is OVERSIZE or len(data) > MAX_PY_BYTES:
                out.ignored.append((rel, f"larger than {MAX_PY_BYTES // 1024} KB"))
                continue
            dest = root / target
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            out.student_files[target] = data.decode("utf-8", errors="replace")
            continue
        art = a.rubric.artifact_for(target)
        if art is not None:
            if data is OVERSIZE or len(data) > art.max_bytes:
                out.ignored.append((rel, f"artifact larger than its cap of {art.max_bytes} bytes"))
                continue
            dest = root / target
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            continue
        out.ignored.append((rel, f"not a file this assignment accepts (accepted: {', '.join(a.rubric.student_files)})"))
    if not out.student_files:
        out.problems.append(f"the submission contains none of the files this assignment grades "
                            f"({', '.join(a.rubric.student_files)}); every unit is graded as not implemented")
    return out
