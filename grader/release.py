"""`grader release -a a1 OUT`: the student's tree for one assignment, as an ordered list of small transforms.

A release holds: the assignment's package with every solution region stubbed, its visible cases and snapshot,
of the earlier assignments only the modules its code uses, solved (a2 needs a1's model: `earlier_closure`), the
common library and the grader tool (minus their own tests), the Makefile and pyproject, and a student README.
Instructor-only paths (rubric `instructor_only`: hidden cases, mutants, example submissions, instructor tests)
are never copied. The result is a pure function
of the source tree and the assignment, so it is golden-tested (grader/tests/test_release_golden.py).
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from grader import markers
from grader.tree import COMMON_PACKAGES, TOOL_INSTRUCTOR_ONLY, TOOL_ROOT, Assignment, Tree

_SKIP_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
TOP_FILES = ("Makefile", "pyproject.toml", ".gitignore", "LICENSE", "NOTICE")


def _files(base: Path, rel_root: str, excluded: tuple[str, ...]) -> Iterator[tuple[Path, str]]:
    """(absolute path, release-relative path) of the files under base, sorted, minus excluded prefixes."""
    for path in sorted(base.rglob("*")):
        if not path.is_file() or _SKIP_PARTS & set(path.parts) or path.suffix == ".pyc":
            continue
        rel = f"{rel_root}/{path.relative_to(base).as_posix()}"
        if any(rel == e or rel.startswith(e.rstrip("/") + "/") for e in excluded):
            continue
        if ".egg-info" in rel:
            continue
        yield path, rel


def _section_lookup(a: Assignment, module: str):
    api = a.api()
    by_target = {target: name for name, target in api.items()}

    def section_of(qualname: str) -> str:
        parts = qualname.split(".")
        for i in range(len(parts), 0, -1):
            name = by_target.get(f"{module}:{'.'.join(parts[:i])}")
            member = parts[i] if i < len(parts) else None
            if name and (unit := a.rubric.unit_of_target(name, member)):
                return unit.handout
        for name, target in api.items():  # a private helper: the section of a unit in the same file
            if target.split(":")[0] == module and (unit := a.rubric.unit_of_target(name)):
                return unit.handout
        return a.rubric.handout_files.get(module.replace(".", "/") + ".py", "")

    return section_of


_MODULE_REF = re.compile(r"^(a\d+_[a-z0-9_]+(?:\.[A-Za-z0-9_]+)*)(?::[A-Za-z0-9_.]+)?$")
_NEVER_SHIPPED = ("cases", "tests", "hidden", "oracles", "mutants", "examples", "instructor_tests")


def _module_refs(path: Path) -> set[str]:
    """Modules a file imports (absolute, literal import_module/__import__ included) and "pkg.mod:name" strings
    it holds (module maps, adapters): what it may load at run time."""
    from grader.forbidden import _imported_modules

    rel = path.as_posix()
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), rel)
    except (SyntaxError, UnicodeDecodeError):
        return set()
    refs = {m for _, m in _imported_modules(rel, tree)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (m := _MODULE_REF.match(node.value)):
            refs.add(m.group(1))
    return refs


def _module_file(root: Path, module: str) -> Path | None:
    """The file of `module` under root, or of its longest importable prefix ("pkg.mod.Name" -> pkg/mod.py)."""
    parts = module.split(".")
    while parts:
        base = root.joinpath(*parts)
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        parts = parts[:-1]
    return None


def earlier_closure(tree: Tree, a: Assignment) -> list[Path]:
    """The files of earlier assignments that `a`'s code needs: every module its files import or name, their
    imports in turn, the package __init__s on the way and the data files beside them. Never an earlier
    assignment's cases, tests, hidden drivers, mutants, examples or handout: a release gives away no solution
    its assignment does not use."""
    earlier = {e.package for e in tree.earlier(a.id)}
    todo = [p for p in sorted(a.package_dir.rglob("*.py"))
            if not _SKIP_PARTS & set(p.parts) and not a.rubric.is_instructor_only(p.relative_to(a.root).as_posix())]
    shipped: set[Path] = set()
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for module in _module_refs(path):
            parts = module.split(".")
            if parts[0] not in earlier or (len(parts) > 1 and parts[1] in _NEVER_SHIPPED):
                continue
            found = _module_file(tree.root, module)
            if found is None:
                continue
            rel_parts = found.relative_to(tree.root).parts
            for i in range(1, len(rel_parts)):  # the package __init__s on the way
                init = tree.root.joinpath(*rel_parts[:i], "__init__.py")
                if init.is_file() and init not in shipped:
                    shipped.add(init)
                    todo.append(init)
            if found not in shipped:
                shipped.add(found)
                todo.append(found)
    data = {p for f in shipped for p in f.parent.iterdir()
            if p.is_file() and p.suffix not in (".py", ".pyc", ".md", ".toml") and not p.name.startswith(".")}
    return sorted(shipped | data)


def release_files(tree: Tree, a: Assignment) -> dict[str, bytes]:
    """Every file of the release, by relative path. Pure: the same tree and assignment give the same bytes."""
    out: dict[str, bytes] = {}
    for name in TOP_FILES:
        p = TOOL_ROOT / name
        if p.exists():
            out[name] = p.read_bytes()
    if "Makefile" in out:
        out["Makefile"] = student_makefile(out["Makefile"].decode()).encode()
    out["README.md"] = student_readme(a).encode()
    for pkg in COMMON_PACKAGES:
        for path, rel in _files(TOOL_ROOT / pkg, pkg, TOOL_INSTRUCTOR_ONLY):
            out[rel] = path.read_bytes()
    for path in earlier_closure(tree, a):
        rel = path.relative_to(tree.root).as_posix()
        data = path.read_bytes()
        out[rel] = markers.strip(data.decode(), rel).encode() if path.suffix == ".py" else data
    for path, rel in _files(a.package_dir, a.package, a.rubric.instructor_only):
        data = path.read_bytes()
        if path.suffix == ".py":
            module = rel[: -len(".py")].replace("/", ".").removesuffix(".__init__")
            data = markers.stub(data.decode(), rel, _section_lookup(a, module)).encode()
        out[rel] = data
    for folder in sorted({rel.rsplit("/", 1)[0] for rel in out if rel.startswith(a.package + "/")}):
        out[f"{folder}/Makefile"] = forwarding_makefile(folder.count("/") + 1).encode()
    return out


def forwarding_makefile(depth: int) -> str:
    """The Makefile of a folder inside the package: `make test U=softmax` typed in `a1_basics/nn/` runs in the
    release's root (make looks for a Makefile in the current folder only), and says so."""
    up = "/".join([".."] * depth)
    return (f"# Every target runs in the release's root ({up}): its Makefile does the work.\n"
            f".DEFAULT_GOAL := help\n"
            f"Makefile: ;\n"
            f"%:\n"
            f"\t@echo \"make $@: running in the release's root ({up}), where make is meant to be run\"\n"
            f"\t@$(MAKE) --no-print-directory -C {up} $@\n")


def student_makefile(text: str) -> str:
    """The Makefile without its instructor blocks (`# BEGIN INSTRUCTOR` .. `# END INSTRUCTOR`): in a release,
    `make build` or `make check` would fail on reference errors, or rewrite the snapshot from the student's code."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("# BEGIN INSTRUCTOR"):
            skipping = True
        elif line.startswith("# END INSTRUCTOR"):
            skipping = False
        elif not skipping:
            out.append(line)
    if skipping:
        raise ValueError("Makefile: a `# BEGIN INSTRUCTOR` block has no `# END INSTRUCTOR`")
    text = "".join(out).replace(" grade check build release", "").replace(" lint clean", " clean")
    return re.sub(r"\n{3,}", "\n\n", text)


MARKER = ".lmfs-release"  # the assignment id (the Makefile reads it to pick the extras to install)
FILES = ".lmfs-release.sha256"  # the files the release was written with: `sha256  path` lines


class ReleaseEditedError(FileExistsError):
    """The folder holds a release whose files were edited since it was written: rewriting it would lose work."""


def _written(out_dir: Path) -> dict[str, str] | None:
    """The files a release folder was written with, path -> sha256 (its marker), or None if it is not one."""
    if not (out_dir / MARKER).exists():
        return None
    listing = out_dir / FILES
    if not listing.exists():  # written before releases recorded their files: every file counts as edited
        return {p.relative_to(out_dir).as_posix(): "" for p in out_dir.rglob("*.py")
                if ".venv" not in p.relative_to(out_dir).parts}
    return dict(reversed(line.split("  ", 1)) for line in listing.read_text().splitlines() if "  " in line)


def write_release(tree: Tree, a: Assignment, out_dir: Path, force: bool = False) -> Path:
    """Write (or update) the release in `out_dir`. Files the student added (their .venv, a submission zip) are
    never touched; a release whose own files were edited since it was written is refused unless `force`, which
    overwrites those edits (nothing else)."""
    files = release_files(tree, a)
    if out_dir.exists() and any(out_dir.iterdir()):
        written = _written(out_dir)
        if written is None:
            raise FileExistsError(f"{out_dir} exists and is not a release; choose an empty or new folder")
        edited = sorted(rel for rel, digest in written.items()
                        if (out_dir / rel).is_file() and hashlib.sha256((out_dir / rel).read_bytes()).hexdigest()
                        != digest)
        if edited and not force:
            raise ReleaseEditedError(
                f"{out_dir}: {len(edited)} release files were edited since it was written ({', '.join(edited[:5])}"
                f"{', ...' if len(edited) > 5 else ''}); write the release elsewhere, or pass --force to overwrite "
                f"those edits")
        for rel in written:  # files of the old release that the new one no longer has
            if rel not in files and (out_dir / rel).is_file():
                (out_dir / rel).unlink()
    for rel, data in files.items():
        p = out_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (out_dir / MARKER).write_text(f"{a.id}\n")
    (out_dir / FILES).write_text(manifest(files))
    return out_dir


def manifest(files: dict[str, bytes]) -> str:
    """One line per file, `sha256  path`: what the golden test compares."""
    return "".join(f"{hashlib.sha256(d).hexdigest()}  {p}\n" for p, d in sorted(files.items()))


def student_readme(a: Assignment) -> str:
    first = next(iter(a.rubric.units)).split(".", 1)[-1]
    units = "\n".join(f"| `{u.key}` | {u.title} | {u.points:g}{' (optional)' if u.optional else ''} | {u.handout} |"
                      for u in a.rubric.units.values())
    return f"""# {a.rubric.title}: student release

Everything you need for this assignment. Read `{a.package}/HANDOUT.md` first.

## Set up and test

    make test A={a.id}              # every visible case, then your progress; the first run creates .venv
    make test A={a.id} U={first}     # one unit; if it fails, the units it uses run too
    make test A={a.id} FULL=1       # every failure in full, as pytest reports it
    make fuzz A={a.id}              # the property cases again at fresh random seeds
    make submit A={a.id}            # the visible cases, then {a.id}-submission.zip: the file to upload

(Without make: `python -m grader test -a {a.id} [-u UNIT] [--full]`, after `make venv`.) Each case runs your code
through the same worker the grader uses, with the same forbidden-API scan. The run ends with the first failure
of each failing unit, a table of your points per unit and one line: the units that pass, the projected points,
and the next unit to work on with its handout section. A failure names the file, the function and the handout
section; a mismatch says the largest error, where it is, and how many elements differ.

Points are earned only on hidden draws: the same checks at inputs you have not seen (plus edge cases), so the
table's points are *projected*: code that is right, not just right on these inputs, earns them when graded. The
handout pins every behaviour the hidden cases test. `make fuzz` redraws only the checks that need no expected
value (invariants, errors, distributions): expected values come with the release for the visible cases only.

## What you implement

Every function that raises `NotImplementedError` in `{a.package}/`. Do not edit `{a.package}/cases/`,
`{a.package}/tests/`, `{a.package}/api.py` or `{a.package}/cs336_adapters.py`: the grader uses its own copies.

| unit | what | points | handout |
|---|---|---|---|
{units}

## Submit

    make submit A={a.id}

runs the visible cases, then writes `{a.id}-submission.zip` with exactly the files the grader reads (your
Python files under `{a.package}/`, and any artifacts the handout asks for). Upload that zip to the course's
autograder (Gradescope, or as your course says). It stops if a file does not compile (it would score 0), and
names any copy of your work outside `{a.package}/`, which is not submitted.

## Licence and sharing

The kit is MIT-licensed (`LICENSE`); the data and models it installs keep their own terms (`NOTICE`). You may
share the release itself freely. Your solutions are graded work: share or publish them only as your course's
policy allows (most courses forbid it while the assignment is set in any term).
"""
