"""Writing a release never destroys a user's work: files the student added (a .venv, a submission zip) survive a
rewrite, a release whose own files were edited is refused unless --force (which overwrites only those edits),
and a folder that is not a release is never written into."""

import os
import subprocess
import sys

import pytest

from grader.release import ReleaseEditedError, write_release
from grader.tree import TOOL_ROOT


def test_a_rewrite_keeps_the_students_files(fx_tree, tmp_path):
    a = fx_tree.assignment("fx")
    out = write_release(fx_tree, a, tmp_path / "fx-release")
    (out / ".venv" / "bin").mkdir(parents=True)
    (out / ".venv" / "bin" / "python").write_text("#!/bin/sh\n")
    (out / "fx-submission.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    write_release(fx_tree, a, out)
    assert (out / ".venv" / "bin" / "python").exists() and (out / "fx-submission.zip").exists()
    assert (out / "fx_numpy" / "ops.py").exists()
    assert (out / ".lmfs-release").read_text() == "fx\n"  # the Makefile reads it as the extras to install


def test_an_edited_release_is_refused_unless_forced(fx_tree, tmp_path):
    a = fx_tree.assignment("fx")
    out = write_release(fx_tree, a, tmp_path / "fx-release")
    ops = out / "fx_numpy" / "ops.py"
    stub = ops.read_text()
    ops.write_text(stub.replace("raise NotImplementedError", "return a + b  # my work\n    raise NotImplementedError", 1))
    with pytest.raises(ReleaseEditedError, match=r"1 release files were edited .*fx_numpy/ops.py.*--force"):
        write_release(fx_tree, a, out)
    assert "# my work" in ops.read_text()  # refused before writing anything
    (out / "notes.txt").write_text("mine")
    write_release(fx_tree, a, out, force=True)
    assert ops.read_text() == stub and (out / "notes.txt").read_text() == "mine"


def test_the_cli_refuses_with_the_fix(fx_tree, tmp_path):
    a = fx_tree.assignment("fx")
    out = write_release(fx_tree, a, tmp_path / "fx-release")
    (out / "fx_numpy" / "ops.py").write_text("# edited\n")
    env = {**os.environ}
    proc = subprocess.run([sys.executable, "-m", "grader", "--root", str(fx_tree.root), "release", "-a", "fx",
                           str(out)], cwd=TOOL_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "pass --force to overwrite" in proc.stderr, proc.stderr
    assert (out / "fx_numpy" / "ops.py").read_text() == "# edited\n"


def test_a_folder_that_is_not_a_release_is_never_written(fx_tree, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("x")
    with pytest.raises(FileExistsError, match="is not a release"):
        write_release(fx_tree, fx_tree.assignment("fx"), tmp_path / "mine")
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["thesis.tex"]


def test_make_clean_leaves_the_terms_secrets_and_batch_stores():
    """`make clean` removes the venv and out/ only; the batch store's default lives in .grader-batches/."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}  # `make test` runs this test
    proc = subprocess.run(["make", "--no-print-directory", "-n", "clean"], cwd=TOOL_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    commands = [line for line in proc.stdout.splitlines() if line.strip() and not line.startswith("make")]
    assert commands == ["rm -rf .venv out"], commands
    help_text = subprocess.run([sys.executable, "-m", "grader", "batch", "--help"], cwd=TOOL_ROOT,
                               capture_output=True, text=True, timeout=60).stdout
    assert ".grader-batches/<aid>.sqlite" in " ".join(help_text.split())
