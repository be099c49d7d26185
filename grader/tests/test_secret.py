"""One secret for the whole course staff: only `grader secret create` makes a term's secret (after checking that
this interpreter can import the assignment), every other command refuses with the fix where it is missing, and
`grader secret export` / `import` carry the secret with its stored hidden instances, checked before writing."""

import os
import shutil
import stat
import subprocess
import sys

from grader.tests.conftest import FIXTURE_ROOT
from grader.tree import SCRATCH_ENV, TOOL_ROOT


def _grader(root, secrets, *args):
    env = {k: v for k, v in os.environ.items() if k != SCRATCH_ENV}  # the term's folder, not a scratch one
    env["LMFS_SECRETS_DIR"] = str(secrets)
    return subprocess.run([sys.executable, "-m", "grader", "--root", str(root), *args], env=env, cwd=TOOL_ROOT,
                          capture_output=True, text=True, timeout=300)


def _tree(tmp_path):
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_only_secret_create_makes_the_terms_secret(tmp_path):
    root, secrets = _tree(tmp_path), tmp_path / "term"
    for args in (("build", "-a", "fx"), ("check", "-a", "fx", "--no-determinism")):
        proc = _grader(root, secrets, *args)
        assert proc.returncode != 0 and "grader secret create -a fx" in proc.stdout + proc.stderr, proc.stderr
    assert not secrets.exists() or not any(secrets.iterdir())  # nothing drawn behind the user's back
    proc = _grader(root, secrets, "secret", "create", "-a", "fx")
    assert proc.returncode == 0, proc.stderr
    seed = (secrets / "fx.seed").read_text()
    assert (secrets / "fx.hidden.bin").exists() and stat.S_IMODE((secrets / "fx.seed").stat().st_mode) == 0o600
    again = _grader(root, secrets, "secret", "create", "-a", "fx")
    assert again.returncode != 0 and "--rotate" in again.stderr
    assert (secrets / "fx.seed").read_text() == seed
    assert _grader(root, secrets, "secret", "create", "-a", "fx", "--rotate").returncode == 0
    assert (secrets / "fx.seed").read_text() != seed


def test_a_wrong_interpreter_writes_nothing(tmp_path):
    root, secrets = _tree(tmp_path), tmp_path / "term"
    api = root / "fx_numpy" / "api.py"
    api.write_text(api.read_text().replace('"add": "fx_numpy.ops:add"', '"add": "no_such_module_here:add"'))
    proc = _grader(root, secrets, "secret", "create", "-a", "fx")
    assert proc.returncode != 0 and "cannot import the assignment" in proc.stderr and "nothing was written" in \
        proc.stderr, proc.stderr
    assert not (secrets / "fx.seed").exists()


def test_a_ta_imports_exactly_the_terms_secret_and_hidden_instances(tmp_path):
    root, term, ta = _tree(tmp_path), tmp_path / "term", tmp_path / "ta"
    assert _grader(root, term, "secret", "create", "-a", "fx").returncode == 0
    bundle = tmp_path / "fx-secrets.zip"
    proc = _grader(root, term, "secret", "export", "-a", "fx", str(bundle))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    proc = _grader(root, ta, "secret", "import", str(bundle))
    assert proc.returncode == 0 and "imported the secrets of fx" in proc.stdout, proc.stderr
    for name in ("fx.seed", "fx.hidden.bin"):
        assert (ta / name).read_bytes() == (term / name).read_bytes(), name
    # a TA's clone grades the same hidden draws: the check reads them and draws nothing new
    assert _grader(root, ta, "check", "-a", "fx", "--no-determinism").returncode == 0
    assert (ta / "fx.hidden.bin").read_bytes() == (term / "fx.hidden.bin").read_bytes()
    # another term's secret is never replaced silently
    other = tmp_path / "other"
    assert _grader(root, other, "secret", "create", "-a", "fx").returncode == 0
    proc = _grader(root, other, "secret", "import", str(bundle))
    assert proc.returncode != 0 and "--force" in proc.stderr
    assert _grader(root, other, "secret", "import", str(bundle), "--force").returncode == 0
    assert (other / "fx.seed").read_bytes() == (term / "fx.seed").read_bytes()


def test_a_corrupt_secrets_file_is_named(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    proc = _grader(_tree(tmp_path), tmp_path / "ta", "secret", "import", str(bad))
    assert proc.returncode != 0 and "is not a secrets file made by `grader secret export`" in proc.stderr
