"""`grader check` passes on the fixture assignment and catches what it exists to catch."""

import os
import shutil
import subprocess
import sys

from grader.check import check
from grader.tests.conftest import FIXTURE_ROOT
from grader.tree import TOOL_ROOT


def test_check_passes_on_the_fixture(fx_tree):
    report = check(fx_tree, "fx")
    assert report.ok, report.text()
    assert report.mutation_total == 6 * 3 + 2 and report.mutation_caught == report.mutation_total
    assert "release stubs: 25/25 cases fail" in report.text()


def _check_copy(tmp_path, edit, build_first=True):
    """Copy the fixture tree, optionally build expected outputs, apply `edit`, build if not yet, then check."""
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "LMFS_SECRETS_DIR": str(tmp_path / "secrets")}
    cmd = [sys.executable, "-m", "grader", "--root", str(root)]
    if build_first:
        subprocess.run([*cmd, "build", "-a", "fx"], env=env, cwd=TOOL_ROOT, check=True, capture_output=True)
    edit(root / "fx_numpy")
    if not build_first:
        subprocess.run([*cmd, "build", "-a", "fx"], env=env, cwd=TOOL_ROOT, check=True, capture_output=True)
    proc = subprocess.run([*cmd, "check", "-a", "fx", "--no-determinism"], env=env, cwd=TOOL_ROOT,
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


def add_vacuous_case_and_useless_mutant(pkg):
    cases = pkg / "cases" / "__init__.py"
    cases.write_text(cases.read_text().replace(
        '        Case("sqrt/value"',
        '        Case("sqrt/vacuous", "fx.sqrt", lambda rng: {"x": 1.0}, predicate("anything", lambda i, o: True),\n'
        '             run=lambda impl, inp: impl.checked_sqrt(inp["x"])),\n'
        '        Case("sqrt/value"'))
    (pkg / "mutants" / "sqrt_same.py").write_text(
        '"""Not a bug at all: behaves like the reference."""\nimport math\n\nUNIT = "fx.sqrt"\nTARGET = "checked_sqrt"\n\n\n'
        'def MUTANT(x):\n    if x < 0:\n        raise ValueError("negative")\n    return math.sqrt(x)\n')


def test_a_new_case_needs_a_build(tmp_path):
    code, out = _check_copy(tmp_path, add_vacuous_case_and_useless_mutant)
    assert code == 1
    assert "stored expected output for sqrt/vacuous@0 is missing" in out


def test_check_reports_vacuous_cases_and_uncaught_mutants(tmp_path):
    code, out = _check_copy(tmp_path, add_vacuous_case_and_useless_mutant, build_first=False)
    assert code == 1
    assert "cases pass on the stubs (vacuous): sqrt/vacuous@0" in out
    assert "mutant sqrt_same (fx.sqrt) is not caught by any case: Not a bug at all" in out


def test_check_reports_drift_after_a_reference_edit(tmp_path):
    def edit(pkg):
        ops = pkg / "ops.py"
        ops.write_text(ops.read_text().replace("out = np.zeros_like(x)", "out = np.zeros_like(x) + 1e-3"))

    code, out = _check_copy(tmp_path, edit)
    assert code == 1
    assert "stored expected outputs differ from a live recomputation" in out
    assert "scale/float@0" in out
