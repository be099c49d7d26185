"""Where things are: the instructor tree (assignments found by their rubric.toml), the grader's own code,
and the term's secrets (outside git)."""

from __future__ import annotations

import functools
import importlib
import os
import secrets
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from grader.rubric import Rubric, load
from shared.cases import Suite
from shared.cases.api_map import load_api

# The repository this grader lives in: shared/ and grader/ are copied from here into every release.
TOOL_ROOT = Path(__file__).resolve().parent.parent
COMMON_PACKAGES = ("shared", "grader")
# Files of the tool's packages that only instructors need (their own tests); never released.
TOOL_INSTRUCTOR_ONLY = ("grader/tests", "shared/tests")


class TreeError(ValueError):
    pass


@dataclass(frozen=True)
class Assignment:
    rubric: Rubric
    root: Path  # the tree that holds the package

    @property
    def id(self) -> str:
        return self.rubric.id

    @property
    def package(self) -> str:
        return self.rubric.package

    @property
    def package_dir(self) -> Path:
        return self.root / self.package

    @property
    def snapshot_path(self) -> Path:
        """Expected outputs of the visible cases at their published seeds: committed and released."""
        return self.package_dir / "cases" / "snapshot.bin"

    def suite(self, hidden: bool) -> Suite:
        """Import the case definitions (never student code). The root must be on sys.path."""
        _on_path(self.root)
        suite: Suite = importlib.import_module(f"{self.package}.cases").SUITE
        if hidden and (self.package_dir / "hidden" / "__init__.py").exists():
            extra: Suite = importlib.import_module(f"{self.package}.hidden").SUITE
            # hidden/ cases are hidden-only by where they are defined: no published seeds to write out
            suite = suite + Suite(tuple(replace(c, seeds=()) for c in extra.cases), extra.fixtures, extra.groups)
        return suite

    def hidden_names(self) -> frozenset[str]:
        if not (self.package_dir / "hidden" / "__init__.py").exists():
            return frozenset()
        _on_path(self.root)
        return frozenset(c.name for c in importlib.import_module(f"{self.package}.hidden").SUITE.cases)

    def api(self) -> dict[str, str]:
        _on_path(self.root)
        return load_api(self.package)


def _on_path(root: Path) -> None:
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))


@dataclass(frozen=True)
class Tree:
    root: Path

    def assignments(self) -> dict[str, Assignment]:
        return dict(self._assignments)

    @functools.cached_property
    def _assignments(self) -> dict[str, Assignment]:
        """Every rubric parsed once per Tree (a Tree is a snapshot: make a new one after editing a rubric)."""
        found = {}
        for rubric_path in sorted(self.root.glob("*/rubric.toml")):
            rubric = load(rubric_path)
            if rubric.package != rubric_path.parent.name:
                raise TreeError(f"{rubric_path}: package '{rubric.package}' does not match its folder")
            found[rubric.id] = Assignment(rubric, self.root)
        return dict(sorted(found.items(), key=lambda kv: (kv[1].rubric.order, kv[0])))

    def assignment(self, aid: str) -> Assignment:
        found = self._assignments
        if aid not in found:
            known = ", ".join(found) or "none"
            raise TreeError(f"no assignment '{aid}' under {self.root} (known: {known}); an assignment is a "
                            f"folder with a rubric.toml")
        return found[aid]

    def earlier(self, aid: str) -> list[Assignment]:
        """The assignments before `aid`: shipped solved in its release (a2 builds on a1's model)."""
        ids = list(self._assignments)
        return [self._assignments[x] for x in ids[: ids.index(aid)]]


SCRATCH_ENV = "LMFS_SCRATCH_SECRETS"


def secrets_dir() -> Path:
    """The term's secrets: seed secrets and hidden expected outputs. Outside git (.gitignore'd by default);
    point LMFS_SECRETS_DIR elsewhere to keep them off the repository's disk entirely."""
    return Path(os.environ.get("LMFS_SECRETS_DIR", TOOL_ROOT / ".grader-secrets")).resolve()


def use_scratch_secrets(folder: Path) -> None:
    """Point this process (and its children) at a throwaway secrets folder, where secrets are drawn on first
    use: the test suite and the demo, which must never touch (or create) the term's secret."""
    os.environ["LMFS_SECRETS_DIR"] = str(folder)
    os.environ[SCRATCH_ENV] = "1"


def scratch_secrets() -> bool:
    return os.environ.get(SCRATCH_ENV) == "1"


def _missing_secret(aid: str, path: Path) -> TreeError:
    return TreeError(f"no seed secret for {aid} at {path}: the term's secret is made once, by "
                     f"`python -m grader secret create -a {aid}`; a TA imports it with "
                     f"`python -m grader secret import FILE` (made by `grader secret export`)")


def write_secret(aid: str) -> str:
    """Draw and store a new seed secret for `aid` (the one place one is made)."""
    path = secrets_dir() / f"{aid}.seed"
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    path.write_text(secrets.token_hex(16) + "\n")
    os.chmod(path, 0o600)
    return path.read_text().strip()


def seed_secret(aid: str, create: bool = False) -> str:
    """One secret per assignment per term, the same for every student. A missing one is drawn here only in a
    scratch folder (`create` and use_scratch_secrets); the term's comes from `grader secret create|import`."""
    path = secrets_dir() / f"{aid}.seed"
    if not path.exists():
        if not (create and scratch_secrets()):
            raise _missing_secret(aid, path)
        return write_secret(aid)
    return path.read_text().strip()


def hidden_expected_path(aid: str) -> Path:
    return secrets_dir() / f"{aid}.hidden.bin"
