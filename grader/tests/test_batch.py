"""Batch grading: parallel, resumable after kill -9, nothing lost or graded twice, exports a gradebook."""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile

from grader.batch import export, run_batch
from grader.tests.support import REFERENCE_OPS, write_submission
from grader.tree import TOOL_ROOT

SLOW_OPS = REFERENCE_OPS.replace("return a + b", "import time\n    time.sleep(0.05)\n    return a + b")


def make_class(folder, n=6):
    """n submissions: half reference, half with a bug; one as a zip."""
    for i in range(n):
        text = SLOW_OPS if i % 2 == 0 else SLOW_OPS.replace("return a + b", "return a - b")
        write_submission(folder / f"student{i:02d}", {"fx_numpy/ops.py": text})
    z = folder / "student99.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("fx_numpy/ops.py", REFERENCE_OPS)
    return folder


def rows(store):
    with sqlite3.connect(store) as db:
        return db.execute("SELECT submission, state, score, finished_at FROM results ORDER BY submission").fetchall()


def test_batch_grades_everything_once_and_exports(fx_tree, tmp_path):
    subs = make_class(tmp_path / "subs", n=4)
    store = tmp_path / "b.sqlite"
    s1 = run_batch(fx_tree, "fx", subs, store, jobs=2, log=lambda m: None)
    assert sorted(s1.graded) == ["student00", "student01", "student02", "student03", "student99"]
    got = {name: score for name, state, score, _ in rows(store)}
    assert got["student00"] == got["student99"] == 7.0 and got["student01"] < 7.0
    s2 = run_batch(fx_tree, "fx", subs, store, jobs=2, log=lambda m: None)
    assert s2.graded == [] and len(s2.skipped) == 5
    # a changed submission is graded again, and only it
    (subs / "student01" / "fx_numpy" / "ops.py").write_text(REFERENCE_OPS)
    s3 = run_batch(fx_tree, "fx", subs, store, jobs=2, log=lambda m: None)
    assert s3.graded == ["student01"]
    book = export(store, "fx", tmp_path / "export")
    table = list(csv.DictReader(book.open()))
    assert len(table) == 5 and all(r["state"] == "done" for r in table)
    results = json.loads((tmp_path / "export" / "student01.results.json").read_text())
    assert results["score"] == 7.0 and results["tests"]


def test_kill_during_batch_loses_nothing(fx_tree, tmp_path):
    subs = make_class(tmp_path / "subs", n=8)
    store = tmp_path / "b.sqlite"
    env = {**os.environ}
    cmd = [sys.executable, "-m", "grader", "--root", str(fx_tree.root), "batch", str(subs), "-a", "fx", "--jobs", "2",
           "--store", str(store)]
    proc = subprocess.Popen(cmd, cwd=TOOL_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.1)
        try:
            if store.exists() and sum(r[1] == "done" for r in rows(store)) >= 2:
                break
        except sqlite3.OperationalError:  # subtle: the file exists a moment before the batch creates its table
            continue
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = {r[0]: r for r in rows(store)}
    done_before = {k for k, r in before.items() if r[1] == "done"}
    assert 2 <= len(done_before) < 9, before
    summary = run_batch(fx_tree, "fx", subs, store, jobs=2, log=lambda m: None)
    after = {r[0]: r for r in rows(store)}
    assert len(after) == 9 and all(r[1] == "done" for r in after.values())
    assert set(summary.graded) == set(after) - done_before  # the finished ones were not graded twice
    assert all(after[k][3] == before[k][3] for k in done_before)  # ... and kept their results


def test_bad_batch_sources_are_clear(fx_tree, tmp_path):
    import pytest

    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no submissions"):
        run_batch(fx_tree, "fx", tmp_path / "empty", tmp_path / "s.sqlite", log=lambda m: None)
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(ValueError, match="neither a folder"):
        run_batch(fx_tree, "fx", tmp_path / "x.txt", tmp_path / "s.sqlite", log=lambda m: None)


def _private_copy(fx_tree, tmp_path):
    """A copy of the fixture tree (0700, as conftest's) this test may edit, with its hidden file drawn."""
    import shutil

    from grader.expected import ensure_hidden
    from grader.tree import Tree

    private = tmp_path / "instructor"
    private.mkdir(mode=0o700)
    shutil.copytree(fx_tree.root, private / "tree", ignore=shutil.ignore_patterns("__pycache__"))
    tree = Tree(private / "tree")
    ensure_hidden(tree.assignment("fx"), log=lambda *a: None)
    return tree


def test_a_changed_rubric_or_secret_regrades_and_a_failed_row_is_retried(fx_tree, tmp_path, monkeypatch):
    from grader.batch import Store

    monkeypatch.setenv("LMFS_SECRETS_DIR", str(tmp_path / "secrets"))
    tree = _private_copy(fx_tree, tmp_path)
    subs = make_class(tmp_path / "subs", n=2)
    store = tmp_path / "b.sqlite"
    assert len(run_batch(tree, "fx", subs, store, jobs=2, log=lambda m: None).graded) == 3
    assert run_batch(tree, "fx", subs, store, jobs=2, log=lambda m: None).graded == []
    # fx.add from 2 to 3 points: every score may change, so everything is graded again
    rubric = tree.root / "fx_numpy" / "rubric.toml"
    rubric.write_text(rubric.read_text().replace('title = "elementwise add"\npoints = 2',
                                                 'title = "elementwise add"\npoints = 3'))
    from grader.tree import Tree

    tree = Tree(tree.root)  # a Tree parses its rubrics once
    again = run_batch(tree, "fx", subs, store, jobs=2, log=lambda m: None)
    assert sorted(again.graded) == ["student00", "student01", "student99"]
    assert {r[0]: r[2] for r in rows(store)}["student00"] == 8.0
    # a row whose grading failed is graded on the next run, and only it
    with sqlite3.connect(store) as db:
        db.execute("UPDATE results SET state='failed', error='boom' WHERE submission='student01'")
    assert "student01" not in Store(store).done("fx")
    assert run_batch(tree, "fx", subs, store, jobs=2, log=lambda m: None).graded == ["student01"]
    # --only regrades one submission by name, whatever the store says
    assert run_batch(tree, "fx", subs, store, jobs=2, log=lambda m: None, only={"student00"}).graded == ["student00"]
    # a rotated secret (new hidden draws) regrades everything
    (tmp_path / "secrets" / "fx.seed").unlink()
    from grader.expected import ensure_hidden

    ensure_hidden(tree.assignment("fx"), log=lambda *a: None)
    assert len(run_batch(tree, "fx", subs, store, jobs=2, log=lambda m: None).graded) == 3


def test_a_batch_without_hidden_instances_refuses_before_storing_anything(fx_tree, tmp_path):
    env = {**os.environ, "LMFS_SECRETS_DIR": str(tmp_path / "no-secrets")}
    subs = make_class(tmp_path / "subs", n=2)
    store = tmp_path / "b.sqlite"
    proc = subprocess.run([sys.executable, "-m", "grader", "--root", str(fx_tree.root), "batch", str(subs), "-a",
                           "fx", "--store", str(store)], cwd=TOOL_ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "cannot grade fx: no stored hidden instances" in proc.stderr and "grader build -a fx" in proc.stderr
    assert not store.exists()


HELPER = '''

def _checksum(values):
    """A long helper two students share word for word (and a third does not)."""
    total, weight = 0, 1
    for index, value in enumerate(values):
        if index % 3 == 0:
            total += value * weight
        elif index % 3 == 1:
            total -= value // (weight + 1)
        else:
            total ^= value << (index % 7)
        weight = (weight * 31 + index) % 1000003
    while total > 1 << 40:
        total = (total >> 17) ^ (total & 0xFFFF)
    return total
'''


def test_class_statistics_and_similarity_report(fx_tree, tmp_path):
    from grader.class_report import class_statistics, similarity

    subs = make_class(tmp_path / "subs", n=4)
    for name in ("student00", "student02"):  # the same extra helper, word for word
        ops = subs / name / "fx_numpy" / "ops.py"
        ops.write_text(ops.read_text() + HELPER)
    store = tmp_path / "b.sqlite"
    run_batch(fx_tree, "fx", subs, store, jobs=2, log=lambda m: None)
    a = fx_tree.assignment("fx")
    stats = class_statistics(a, store, tmp_path / "stats")
    assert stats["submissions"] == 5 and len(stats["scores"]) == 5
    add = next(u for u in stats["units"] if u["unit"] == "fx.add")
    assert add["pass_rate"] == 0.6 and "wrong" in add["most_common_failure"]  # students 01 and 03 subtract
    assert {p.name for p in (tmp_path / "stats").iterdir()} == {"fx-units.csv", "fx-stats.json", "fx-scores.png"}
    pairs = similarity(fx_tree, a, subs, tmp_path / "sim", threshold=0.3)
    names = {(p["submission_a"], p["submission_b"]) for p in pairs}
    assert ("student00", "student02") in names or ("student02", "student00") in names, pairs
    assert all(p["file_a"] == "fx_numpy/ops.py" for p in pairs)
    assert (tmp_path / "sim" / "fx-similarity.csv").exists()


def test_gradescope_export_layout_carries_the_students_identity(fx_tree, tmp_path):
    """Gradescope's "Export Submissions" zip: one folder, a submission_metadata.yml (Ruby-symbol keys) and one
    submission_<id>/ folder per submission; the gradebook names who submitted each."""
    top = tmp_path / "export" / "a1_assignment"
    write_submission(top / "submission_101", {"fx_numpy/ops.py": REFERENCE_OPS})
    write_submission(top / "submission_102", {"fx_numpy/ops.py": REFERENCE_OPS.replace("return a + b",
                                                                                       "return a - b")})
    (top / "submission_metadata.yml").write_text(
        "submission_101:\n  :submitters:\n  - :name: Ada Lovelace\n    :sid: '1815'\n    :email: ada@example.org\n"
        "  :score: 0.0\nsubmission_102:\n  :submitters:\n  - :name: Alan Turing\n    :sid: '1912'\n"
        "    :email: alan@example.org\n  - :name: Grace Hopper\n    :sid: '1906'\n    :email: grace@example.org\n")
    store = tmp_path / "b.sqlite"
    summary = run_batch(fx_tree, "fx", tmp_path / "export", store, jobs=2, log=lambda m: None)
    assert sorted(summary.graded) == ["submission_101", "submission_102"]
    book = {r["submission"]: r for r in csv.DictReader(export(store, "fx", tmp_path / "out").open())}
    assert book["submission_101"]["submitters"] == "Ada Lovelace <ada@example.org> (sid 1815)"
    assert book["submission_102"]["submitters"] == ("Alan Turing <alan@example.org> (sid 1912); "
                                                     "Grace Hopper <grace@example.org> (sid 1906)")
    assert float(book["submission_101"]["score"]) > float(book["submission_102"]["score"])
