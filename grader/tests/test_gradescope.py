"""The Gradescope package: no reference code or secret inside, and run_autograder grades in a simulated
/autograder layout (AUTOGRADER_ROOT) to the same score as grading directly."""

import json
import os
import subprocess
import sys
import zipfile

import pytest

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


STUBS = {
    # Ubuntu 22.04's python3 is 3.10: it may only make the venv that holds uv, never the kit's environment
    "python3": """#!/usr/bin/env bash
echo "python3 $*" >> "$STUB_LOG"
if [ "$1" = "--version" ]; then echo "Python 3.10.12"; exit 0; fi
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/usr/bin/env bash\\necho "pip $*" >> "$STUB_LOG"\\n[[ " $* " == *" uv "* ]] && cp "$STUB_DIR/uv" "%s/bin/uv"\\nexit 0\\n' "$3" > "$3/bin/pip"
  chmod +x "$3/bin/pip"; exit 0
fi
echo "python3 3.10 cannot run the kit" >&2; exit 1
""",
    "apt-get": '#!/usr/bin/env bash\necho "apt-get $*" >> "$STUB_LOG"\n',
    "uv": """#!/usr/bin/env bash
echo "uv $*" >> "$STUB_LOG"
if [ "$1" = "venv" ]; then for a; do last="$a"; done; mkdir -p "$last/bin"; touch "$last/bin/python"; fi
exit 0
""",
}


def test_setup_sh_on_a_simulated_ubuntu_2204(tmp_path):
    """setup.sh against stubs of a 22.04 image (apt-get, a Python 3.10 python3, uv and its network): the kit's
    Python comes from uv, torch is the CPU build, and every no-deps extra the Makefile installs is installed."""
    from grader.gradescope import NO_DEPS, setup_sh

    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name, text in STUBS.items():
        (stubs / name).write_text(text)
        (stubs / name).chmod(0o755)
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "setup.sh").write_text(setup_sh("a4"))
    log = tmp_path / "log"
    env = {"PATH": f"{stubs}:/usr/bin:/bin", "STUB_LOG": str(log), "STUB_DIR": str(stubs),
           "AUTOGRADER_ROOT": str(root), "HOME": str(tmp_path)}
    proc = subprocess.run(["bash", str(root / "setup.sh")], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    calls = log.read_text().splitlines()
    py = f"{root}/venv/bin/python"
    want = ["apt-get update -qq", f"python3 -m venv {root}/uv-tool", "pip install --quiet uv",
            "uv python install 3.12", f"uv venv --python 3.12 {root}/venv",
            f"uv pip install --python {py} --torch-backend cpu torch==2.13.0",
            f"uv pip install --python {py} -e .[a4]", f"uv pip install --python {py} --no-deps {' '.join(NO_DEPS)}"]
    got = [c for c in calls if not c.startswith("apt-get install")]
    assert got == want, calls
    assert any(c.startswith("apt-get install") and "bubblewrap" in c for c in calls)
    assert not any("pip install" in c and "torch" in c and "--torch-backend" not in c for c in calls)


def test_the_no_deps_pins_match_the_makefile():
    from grader.gradescope import NO_DEPS
    from grader.tree import TOOL_ROOT

    line = next(x for x in (TOOL_ROOT / "Makefile").read_text().splitlines() if "--no-deps" in x)
    assert line.split("--no-deps", 1)[1].split() == list(NO_DEPS)


def test_the_package_states_the_total(fx_tree, tmp_path):
    from grader.tree import TOOL_ROOT, Tree

    out = package(fx_tree, "fx", tmp_path / "fx.zip")
    with zipfile.ZipFile(out) as z:
        assert z.read("TOTAL.txt").decode().startswith("Set this assignment's total points on Gradescope to ")
    import tomllib

    from grader.gradescope import total_note

    # the totals read from the rubric's own text, not through the grader's rubric loader
    units = tomllib.loads((TOOL_ROOT / "a1_basics" / "rubric.toml").read_text())["unit"].values()
    required = sum(u["points"] for u in units if not u.get("optional"))
    extra = sum(u["points"] for u in units if u.get("optional"))
    assert required == 85 and extra > 0  # SPEC: a1 is marked out of 85
    note = total_note(Tree(TOOL_ROOT).assignment("a1"))
    assert f"to {required}." in note
    assert f"add up to {required + extra}: {extra} of them are the optional units' extra credit" in note



@pytest.mark.parametrize("aid", ["a1", "a4"])
def test_real_packages_grade_the_reference_to_full_marks(aid, tmp_path):
    """The a1 and a4 packages, built from the real tree and run as Gradescope runs them (in a simulated
    /autograder), give the reference every unit: a4.langid included, whose model is a no-deps extra."""
    from grader.demo import reference_submission
    from grader.expected import ensure_hidden
    from grader.tree import TOOL_ROOT, Tree

    tree = Tree(TOOL_ROOT)
    a = tree.assignment(aid)
    ensure_hidden(a, log=lambda *x: None)
    out = package(tree, aid, tmp_path / f"{aid}.zip")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(out) as z:
        z.extractall(root)
    reference_submission(a, root / "submission")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "LMFS_PYTHON": sys.executable}
    env.pop("LMFS_SECRETS_DIR", None)
    proc = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    failing = [t["name"] for t in results["tests"] if t.get("score", 0) < t.get("max_score", 0)]
    assert not failing, failing
    full = sum(u.points for u in a.rubric.units.values())
    assert results["score"] == pytest.approx(full), results.get("output", "")[:2000]
