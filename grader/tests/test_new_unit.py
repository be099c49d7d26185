"""Adding a unit end to end touches four files: the reference, the rubric, one case file and one mutant file,
and a fifth when its expected side is an oracle (README, "Adding a unit"). Here a toy `fx.negate` is added to a copy of the fixture assignment exactly so (its
unit key and api entry written once, in the rubric; the case file names neither), and `grader build` then
`grader check` pass with its cases and mutants counted."""

import filecmp
import os
import shutil
import subprocess
import sys

from grader.tests.conftest import FIXTURE_ROOT
from grader.tree import TOOL_ROOT

REFERENCE = '''

def negate(x: np.ndarray) -> np.ndarray:
    """-x, elementwise."""
    # BEGIN SOLUTION
    return -x
    # END SOLUTION
'''

RUBRIC = '''
[unit."fx.negate"]
title = "elementwise negation"
points = 1
handout = "§1"
targets = ["negate"]
cases = ["negate/*"]
api = { negate = "fx_numpy.ops:negate" }
'''

CASES = '''"""Cases for fx.negate: random arrays of both signs against -x."""

from shared.cases import Case, Oracles, Suite, close

ORACLES = Oracles("fx_numpy.oracles.negate")

SUITE = Suite(cases=(
    Case(name="negate/random", inputs=lambda rng: {"x": rng.standard_normal(6)},
         compare=close(), run=lambda impl, inp: impl.negate(inp["x"]), expect=ORACLES.negated,
         note="-x on random arrays of both signs"),
))
'''

ORACLE = '''"""The expected side of fx.negate's cases (instructor-only: a release ships no oracle)."""

import numpy as np


def negated(inp: dict) -> np.ndarray:
    return np.negative(inp["x"])
'''

MUTANT = '''"""Negation that forgets the sign of negative inputs: -|x|."""

import numpy as np

UNIT = "fx.negate"
TARGET = "negate"


def MUTANT(x):
    return -np.abs(x)
'''


def test_a_new_unit_in_five_files_passes_check(tmp_path):
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    pkg = root / "fx_numpy"
    with open(pkg / "ops.py", "a") as f:
        f.write(REFERENCE)
    with open(pkg / "rubric.toml", "a") as f:
        f.write(RUBRIC)
    (pkg / "cases" / "negate.py").write_text(CASES)
    (pkg / "oracles" / "negate.py").write_text(ORACLE)
    (pkg / "mutants" / "negate_abs.py").write_text(MUTANT)

    # exactly five files differ from the fixture (the snapshot is the build's, below)
    cmp = filecmp.dircmp(FIXTURE_ROOT / "fx_numpy", pkg, ignore=["__pycache__"])
    changed = list(cmp.diff_files) + list(cmp.right_only)
    for sub, d in cmp.subdirs.items():
        changed += [f"{sub}/{x}" for x in [*d.diff_files, *d.right_only]]
    assert sorted(changed) == ["cases/negate.py", "mutants/negate_abs.py", "ops.py", "oracles/negate.py",
                              "rubric.toml"]

    env = {**os.environ, "LMFS_SECRETS_DIR": str(tmp_path / "secrets")}
    cmd = [sys.executable, "-m", "grader", "--root", str(root)]
    subprocess.run([*cmd, "build", "-a", "fx"], env=env, cwd=TOOL_ROOT, check=True, capture_output=True)
    proc = subprocess.run([*cmd, "check", "-a", "fx", "--no-determinism"], env=env, cwd=TOOL_ROOT,
                          capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    # 8 units x 3 null mutants, the fixture's 3 hand-written ones and the new one; 27 cases + 2 visible + 1 hidden
    assert "fx: OK (mutation score 28/28)" in out, out
    assert "release stubs: 30/30 cases fail" in out, out
