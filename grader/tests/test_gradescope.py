"""The Gradescope package: no reference code or secret inside, and run_autograder grades in a simulated
/autograder layout (AUTOGRADER_ROOT) to the same score as grading directly."""

import json
import os
import subprocess
import sys
import zipfile

from grader.grade import grade
from grader.gradescope import package
from grader.tests.support import REFERENCE_OPS, write_submission
from grader.tree import seed_secret


def test_package_contents(fx_tree, tmp_path):
    out = package(fx_tree, "fx", tmp_path / "fx.zip")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        ops = z.read("source/fx_numpy/ops.py").decode()
        blob = b"".join(z.read(n) for n in names)
    assert {"setup.sh", "run_autograder", "source/grader_data/fx.frozen.bin"} <= set(names)
    assert "source/fx_numpy/hidden/__init__.py" in names  # drivers ship; their seeds do not
    assert not [n for n in names if "/mutants/" in n or "/examples/" in n or n.startswith("source/grader/tests")]
    assert "return a + b" not in ops and "raise NotImplementedError" in ops
    assert seed_secret("fx").encode() not in blob


def test_run_autograder_in_a_simulated_layout(fx_tree, tmp_path):
    out = package(fx_tree, "fx", tmp_path / "fx.zip")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(out) as z:
        z.extractall(root)
    for name in ("run_autograder", "setup.sh"):
        (root / name).chmod(0o755)
    write_submission(root / "submission", {"ops.py": REFERENCE_OPS.replace("return a + b", "return a - b")})
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "LMFS_PYTHON": sys.executable}
    env.pop("LMFS_SECRETS_DIR", None)  # the package must not need the secret
    proc = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    direct = grade(fx_tree, "fx", root / "submission")
    assert results["score"] == direct.score  # flat upload (ops.py at the top) mapped onto fx_numpy/ops.py
    names = {t["name"] for t in results["tests"]}
    assert "fx.add [hidden]" in names and "fx.sqrt [hidden]" in names
    assert oct((root / "source" / "grader_data" / "fx.frozen.bin").stat().st_mode)[-3:] == "600"


def test_run_autograder_always_writes_results(tmp_path):
    from grader.gradescope import RUN_AUTOGRADER

    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    script = root / "run_autograder"
    script.write_text(RUN_AUTOGRADER.format(aid="fx", data="grader_data"))
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "LMFS_PYTHON": sys.executable}
    proc = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and ("failed" in results["output"].lower() or results.get("tests") == [])
