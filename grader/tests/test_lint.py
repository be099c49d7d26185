"""The whole project is ruff clean (pyproject.toml's rules)."""

import shutil
import subprocess
import sys

from grader.tree import TOOL_ROOT


def test_ruff_clean():
    ruff = shutil.which("ruff") or f"{sys.prefix}/bin/ruff"
    proc = subprocess.run([ruff, "check", "--no-cache", str(TOOL_ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
