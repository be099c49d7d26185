"""The student release is a pure function of the tree: golden-tested. Re-bless after an intended change with
`LMFS_BLESS=1 python -m pytest grader/tests/test_release_golden.py`, then read the diff before committing."""

import os
from pathlib import Path

import pytest

from grader.release import TOP_FILES, release_files
from grader.tree import COMMON_PACKAGES, TOOL_ROOT, Tree

GOLDEN = Path(__file__).parent / "golden"
BLESS = os.environ.get("LMFS_BLESS") == "1"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if BLESS:
        path.write_text(text)
    assert path.exists(), f"no golden file {path}; run with LMFS_BLESS=1 to create it"
    assert text == path.read_text(), f"{name} changed; if intended, re-bless with LMFS_BLESS=1 and review the diff"


def assignment_manifest(files: dict[str, bytes]) -> str:
    """Hashes of the assignment's own files; the tool's files by path only (they change with every grader edit)."""
    import hashlib

    lines = []
    for rel, data in sorted(files.items()):
        if rel.split("/")[0] in COMMON_PACKAGES or rel in TOP_FILES:
            lines.append(f"{'tool':>64}  {rel}")
        else:
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {rel}")
    return "\n".join(lines) + "\n"


def test_fixture_release_is_golden(fx_tree):
    files = release_files(fx_tree, fx_tree.assignment("fx"))
    _golden("fx_release.manifest", assignment_manifest(files))
    _golden("fx_ops_stubbed.py.txt", files["fx_numpy/ops.py"].decode())


def test_a1_release_is_golden():
    files = release_files(Tree(TOOL_ROOT), Tree(TOOL_ROOT).assignment("a1"))
    _golden("a1_release.manifest", assignment_manifest(files))
    _golden("a1_activations_stubbed.py.txt", files["a1_basics/nn/activations.py"].decode())


def test_release_is_deterministic_and_leaves_out_instructor_files(fx_tree):
    a, b = release_files(fx_tree, fx_tree.assignment("fx")), release_files(fx_tree, fx_tree.assignment("fx"))
    assert a == b
    assert not [p for p in a if p.startswith(("fx_numpy/hidden", "fx_numpy/mutants", "fx_numpy/examples",
                                              "grader/tests", "shared/tests"))]
    assert "fx_numpy/cases/snapshot.bin" in a and "fx_numpy/tests/test_cases.py" in a
    stubbed = a["fx_numpy/ops.py"].decode()
    assert "_HELPER_NOTE" not in stubbed and "return a + b" not in stubbed
    assert "raise NotImplementedError('fx_numpy/ops.py: add is not implemented yet (HANDOUT.md §1)')" in stubbed


@pytest.mark.parametrize("aid", ["a1", "a2", "a3", "a4", "a5"])
def test_real_release_has_no_solution_code_or_secrets(aid):
    files = release_files(Tree(TOOL_ROOT), Tree(TOOL_ROOT).assignment(aid))
    for rel, data in files.items():
        assert b"BEGIN SOLUTION" not in data or rel.startswith("grader/"), rel
        assert "/hidden/" not in rel and "/mutants/" not in rel and "/examples/" not in rel, rel
        assert not rel.startswith(".grader-secrets"), rel


@pytest.mark.parametrize("aid", ["a2", "a3", "a4", "a5"])
def test_a_release_ships_only_the_earlier_modules_its_code_uses(aid):
    """By rule, for every release: each earlier assignment's file in it is in the closure of what this
    assignment's code imports, and none is an earlier case, test, hidden driver, mutant, example or handout."""
    from grader.release import earlier_closure

    tree = Tree(TOOL_ROOT)
    a = tree.assignment(aid)
    closure = {p.relative_to(TOOL_ROOT).as_posix() for p in earlier_closure(tree, a)}
    earlier = {e.package for e in tree.earlier(aid)}
    shipped = {rel for rel in release_files(tree, a) if rel.split("/")[0] in earlier}
    assert shipped == closure
    for rel in shipped:
        parts = rel.split("/")
        assert not set(parts[1:-1]) & {"cases", "tests", "hidden", "mutants", "examples", "instructor_tests"}, rel
        assert not rel.endswith(("HANDOUT.md", "rubric.toml")), rel
    if aid == "a4":
        assert shipped == set()  # a4 imports no earlier assignment
    if aid == "a3":  # a3 imports only a1: a2's Triton kernel is not in it
        assert not any(rel.startswith("a2_systems/") for rel in release_files(tree, a))


ASSIGNMENTS = ["a1", "a2", "a3", "a4", "a5"]


def _pending(aid: str):
    """An assignment whose rubric declares its oracles still pending is expected to fail the rule (strictly:
    once it is migrated, the marker must go)."""
    reason = Tree(TOOL_ROOT).assignment(aid).rubric.oracles_pending
    return pytest.param(aid, marks=pytest.mark.xfail(strict=True, reason=reason)) if reason else aid


@pytest.mark.parametrize("aid", [_pending(a) for a in ASSIGNMENTS])
def test_a_release_holds_no_oracle(aid):
    """By rule, for every release: each expected side of the assignment's cases (visible and hidden) is None,
    "reference" or a reference into its instructor-only oracles/ package; no released file is an oracle module,
    and no released file passes a function or lambda as `expect=` (so no oracle is defined where it ships)."""
    import ast

    from shared.cases.case import oracle_problems

    tree = Tree(TOOL_ROOT)
    a = tree.assignment(aid)
    assert oracle_problems(a.suite(hidden=True), a.package) == []
    files = release_files(tree, a)
    assert not [rel for rel in files if "oracles" in rel.split("/")[:-1]]
    for rel, data in files.items():
        if not rel.endswith(".py") or rel.startswith(("grader/", "shared/")):
            continue
        for node in ast.walk(ast.parse(data.decode(), rel)):
            if isinstance(node, ast.keyword) and node.arg == "expect":
                assert not isinstance(node.value, ast.Lambda | ast.Name), \
                    f"{rel}:{node.value.lineno}: expect= is a function here; name an oracle in {a.package}/oracles/"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_nothing_the_worker_imports_imports_an_oracle(aid):
    """Loading the cases and hidden drivers (what the worker imports to run them) loads no oracle module, so
    student code in the worker finds no oracle in memory either."""
    import subprocess
    import sys

    code = (f"import sys; from grader.tree import Tree, TOOL_ROOT; Tree(TOOL_ROOT).assignment({aid!r}).suite("
            f"hidden=True); print(sorted(m for m in sys.modules if m.split('.')[1:2] == ['oracles']))")
    out = subprocess.run([sys.executable, "-c", code], cwd=TOOL_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
