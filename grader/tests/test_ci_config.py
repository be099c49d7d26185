"""The instructor's CI files (README, "Instructor's CI") are valid against the GitHub workflow and GitLab CI
schemas that check-jsonschema vendors (offline), and run `grader check` for every assignment with the secret
taken from a CI secret, never the repository."""

import subprocess
import sys
from pathlib import Path

import pytest

from grader.tree import TOOL_ROOT

FILES = {"vendor.github-workflows": TOOL_ROOT / ".github" / "workflows" / "grader-check.yml",
         "vendor.gitlab-ci": TOOL_ROOT / "grader" / "ci" / "gitlab-ci.yml"}


@pytest.mark.parametrize("schema", sorted(FILES))
def test_ci_file_is_valid(schema):
    tool = Path(sys.executable).parent / "check-jsonschema"
    assert tool.exists(), "check-jsonschema is a dev extra: pip install -e '.[dev]' (make venv installs it)"
    proc = subprocess.run([str(tool), "--builtin-schema", schema, str(FILES[schema])], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_workflow_checks_every_assignment_with_the_secret_from_ci():
    import yaml

    flow = yaml.safe_load(FILES["vendor.github-workflows"].read_text())
    job = flow["jobs"]["check"]
    matrix = job["strategy"]["matrix"]
    assert matrix["assignment"] == ["a1", "a2", "a3", "a4", "a5"]
    assert matrix["python"] == ["3.11", "3.12", "3.13"]
    assert all(x["assignment"] != "a2" for x in matrix["include"] if x["os"].startswith("macos"))
    steps = " ".join(str(s.get("run", "")) + str(s.get("env", "")) for s in job["steps"])
    assert "secrets.LMFS_SECRETS" in steps and "grader secret import" in steps
    assert "grader check -a ${{ matrix.assignment }}" in steps
