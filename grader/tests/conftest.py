"""Shared fixtures: the numpy-only fixture assignment `fx` with its own secrets folder."""

import os
from pathlib import Path

import pytest

from grader import sandbox
from grader.grade import ensure_hidden
from grader.tree import Tree

FIXTURE_ROOT = Path(__file__).parent / "fixture_tree"


@pytest.fixture(scope="session")
def fx_tree(tmp_path_factory) -> Tree:
    secrets = tmp_path_factory.mktemp("secrets")
    old = os.environ.get("LMFS_SECRETS_DIR")
    os.environ["LMFS_SECRETS_DIR"] = str(secrets)
    tree = Tree(FIXTURE_ROOT)
    ensure_hidden(tree.assignment("fx"), log=lambda *a: None)
    yield tree
    if old is None:
        os.environ.pop("LMFS_SECRETS_DIR", None)
    else:
        os.environ["LMFS_SECRETS_DIR"] = old


@pytest.fixture(params=["bwrap", "degraded"])
def isolation(request) -> sandbox.Isolation:
    """Both isolation modes: bwrap where this machine has it (in CI its absence fails), and the fallback."""
    if request.param == "bwrap":
        found = sandbox.detect()
        if found.mode != sandbox.BWRAP:
            if os.environ.get("CI"):
                pytest.fail(f"CI must test the real sandbox, but: {found.reason}")
            pytest.skip(found.reason)
        return found
    return sandbox.Isolation(sandbox.DEGRADED, "forced by the test")
