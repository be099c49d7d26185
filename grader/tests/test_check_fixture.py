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
    # 3 null mutants for each of the 7 units, and the 3 handwritten ones (mutants/)
    assert report.mutation_total == 7 * 3 + 3 and report.mutation_caught == report.mutation_total
    assert "release stubs: 27/27 cases fail" in report.text()


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
        '        Case(name="sqrt/value"',
        '        Case(name="sqrt/vacuous", unit="fx.sqrt", inputs=lambda rng: {"x": 1.0},\n'
        '             compare=predicate("anything", lambda i, o: True),\n'
        '             run=lambda impl, inp: impl.checked_sqrt(inp["x"])),\n'
        '        Case(name="sqrt/value"'))
    (pkg / "mutants" / "sqrt_same.py").write_text(
        '"""Not a bug at all: behaves like the reference."""\nimport math\n\nUNIT = "fx.sqrt"\nTARGET = "checked_sqrt"\n\n\n'
        'def MUTANT(x):\n    if x < 0:\n        raise ValueError("negative")\n    return math.sqrt(x)\n')


def test_a_new_case_needs_a_build(tmp_path):
    code, out = _check_copy(tmp_path, add_vacuous_case_and_useless_mutant)
    assert code == 1
    assert "no stored inputs for sqrt/vacuous@0" in out


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


def test_deep_gates_a_tolerance_the_reference_only_just_meets(tmp_path):
    """`--deep`: fresh draws (one secret in another process under another SIMD dispatch), a margins report
    naming every case, and a failure for a case whose worst margin passes 0.5 though it never fails: here
    `add/random` against an oracle that differs from a + b by 0.6 of the tolerance."""
    import json

    def tighten(pkg):
        oracles = pkg / "oracles" / "ops.py"
        oracles.write_text(oracles.read_text().replace(
            '    return inp["a"] + inp["b"]\n',
            '    return inp["a"] + inp["b"] + 0.6 * (1e-6 + 1e-5 * abs(inp["a"] + inp["b"]))\n'))

    root = tmp_path / "tree"
    shutil.copytree(FIXTURE_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "LMFS_SECRETS_DIR": str(tmp_path / "secrets")}
    cmd = [sys.executable, "-m", "grader", "--root", str(root)]
    tighten(root / "fx_numpy")
    subprocess.run([*cmd, "build", "-a", "fx"], env=env, cwd=TOOL_ROOT, check=True, capture_output=True)
    proc = subprocess.run([*cmd, "check", "-a", "fx", "--deep", "--budget-s", "3"], env=env, cwd=TOOL_ROOT,
                          capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "deep: add/random's worst margin 0.6 exceeds 0.5" in out, out
    report = json.loads((root / "fx_numpy" / "instructor_tests" / "margins.json").read_text())
    assert set(report["cases"]) >= {"add/random", "add/commutes", "world/sum0", "sqrt/negative"}
    row = report["cases"]["add/random"]
    assert row["failures"] == 0 and row["draws"] >= 3 * 3 and abs(row["worst_margin"] - 0.6) < 0.01
    # every secret contributed, the last one run in a fresh process under the other dispatch
    assert {"stored", "secret 0", "secret 1", "secret 2 (other dispatch)"} <= set(report["comparisons"]), report


def test_the_mutant_sweep_finds_a_mutant_some_secrets_miss(tmp_path):
    """A mutant wrong on about 1 call in 16 (chosen by a digest of its inputs) keeps its points at the secrets
    whose few hidden `fx.add` draws never meet a wrong call: with k calls per secret, a secret misses it with
    probability (15/16)^k (0.7 for k = 6), so over 12 secrets at least one misses it except with probability
    about 0.3^12 (1e-6). The plain sign slip on the same unit is caught at every secret."""
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "fx_numpy" / "mutants" / "add_rarely_wrong.py").write_text(
        '"""a + b, except a - b on about one input pair in sixteen."""\nimport hashlib\n\nUNIT = "fx.add"\n'
        'TARGET = "add"\n\n\ndef MUTANT(a, b):\n'
        '    wrong = hashlib.sha256(a.tobytes() + b.tobytes()).digest()[0] < 16\n'
        '    return a - b if wrong else a + b\n')
    env = {**os.environ, "LMFS_SECRETS_DIR": str(tmp_path / "secrets")}
    proc = subprocess.run([sys.executable, "-m", "grader", "--root", str(root), "mutant-sweep", "-a", "fx",
                           "--secrets", "12", "--mutant", "add_rarely_wrong", "--mutant", "add_minus"],
                          env=env, cwd=TOOL_ROOT, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    fails = [line for line in out.splitlines() if line.startswith("FAIL: ")]
    assert len(fails) == 1 and fails[0].startswith("FAIL: mutant add_rarely_wrong (fx.add) keeps its points at "), out
    assert "secret 12/12" in out
