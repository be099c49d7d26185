"""Shared fixtures: the numpy-only fixture assignment `fx` with its own secrets folder."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from grader import sandbox
from grader.expected import ensure_hidden
from grader.tree import Tree, scratch_secrets, use_scratch_secrets

FIXTURE_ROOT = Path(__file__).parent / "fixture_tree"

if not scratch_secrets():  # pytest run directly (not by `make test`): never the term's secret
    use_scratch_secrets(Path(tempfile.mkdtemp(prefix="lmfs-test-secrets-")))


@pytest.fixture(scope="session")
def fx_tree(tmp_path_factory) -> Tree:
    """A copy of the fixture tree in a folder only root can enter, as an instructor's tree should be: the
    checkout is world-readable, so grading from it in degraded mode would (rightly) be refused by the probe."""
    secrets = tmp_path_factory.mktemp("secrets")
    old = os.environ.get("LMFS_SECRETS_DIR")
    os.environ["LMFS_SECRETS_DIR"] = str(secrets)
    private = tmp_path_factory.mktemp("instructor")
    os.chmod(private, 0o700)
    shutil.copytree(FIXTURE_ROOT, private / "tree", ignore=shutil.ignore_patterns("__pycache__"))
    tree = Tree(private / "tree")
    ensure_hidden(tree.assignment("fx"), log=lambda *a: None)
    yield tree
    if old is None:
        os.environ.pop("LMFS_SECRETS_DIR", None)
    else:
        os.environ["LMFS_SECRETS_DIR"] = old


def bwrap_or_skip_now() -> sandbox.Isolation:
    """The bwrap sandbox, or a skip where this machine has none (in CI its absence fails the test)."""
    found = sandbox.detect()
    if found.mode != sandbox.BWRAP:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test the real sandbox, but: {found.reason}")
        pytest.skip(found.reason)
    return found


@pytest.fixture
def bwrap_or_skip() -> sandbox.Isolation:
    return bwrap_or_skip_now()


@pytest.fixture(params=["bwrap", "degraded"])
def isolation(request) -> sandbox.Isolation:
    """Both isolation modes: bwrap where this machine has it (in CI its absence fails), and the fallback."""
    if request.param == "bwrap":
        return bwrap_or_skip_now()
    if not (os.geteuid() == 0 and sandbox.degraded_uid_works()):
        # hostile code must never run unconfined here: grading refuses, which test_attacks.py and
        # test_isolation.py assert (grader/probe.py)
        pytest.skip("degraded mode without a uid drop is no isolation: grading refuses it")
    return sandbox.Isolation(sandbox.DEGRADED, "forced by the test")
