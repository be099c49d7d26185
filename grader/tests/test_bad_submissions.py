"""Malformed submissions: each grades to a valid report with a clear reason, never a grader crash."""

import io
import json
import zipfile

from grader.grade import grade
from grader.report import gradescope
from grader.tests.support import REFERENCE_OPS, write_submission


def states(report):
    return {u.key: u.status for u in report.units}


def zip_of(path, entries: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


def test_empty_zip(fx_tree, tmp_path):
    r = grade(fx_tree, "fx", zip_of(tmp_path / "s.zip", {}))
    assert r.score == 0 and not r.error and "none of the files" in r.problems[0]
    json.dumps(gradescope(r))


def test_zip_paths_that_escape_are_dropped(fx_tree, tmp_path):
    r = grade(fx_tree, "fx", zip_of(tmp_path / "s.zip", {"../../evil.py": b"x = 1", "/abs/evil.py": b"x = 1",
                                                        "fx_numpy/ops.py": REFERENCE_OPS.encode()}))
    assert states(r)["fx.add"] == "passed"
    assert not (tmp_path.parent / "evil.py").exists()


def test_zip_bomb_entry_is_refused(fx_tree, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("fx_numpy/ops.py", b"#" * (64 * 2**20))  # 64 MB of one byte: compresses to ~64 KB
    (tmp_path / "bomb.zip").write_bytes(buf.getvalue())
    r = grade(fx_tree, "fx", tmp_path / "bomb.zip")
    assert not r.error and r.score == 0
    assert any("larger than" in why for _, why in r.ignored)


def test_non_utf8_source_is_an_import_error_naming_the_file(fx_tree, tmp_path):
    sub = tmp_path / "s" / "fx_numpy"
    sub.mkdir(parents=True)
    (sub / "ops.py").write_bytes(b"NAME = 'caf\xe9'\n\n\ndef add(a, b):\n    return a + b\n")
    r = grade(fx_tree, "fx", tmp_path / "s")
    add = next(u for u in r.units if u.key == "fx.add")
    assert add.earned == 0 and "SyntaxError" in add.cases[0].message and "utf-8" in add.cases[0].message.lower()


def test_missing_function_and_wrong_signature(fx_tree, tmp_path):
    no_add = REFERENCE_OPS.replace("def add(a, b):", "def plus(a, b):")
    r = grade(fx_tree, "fx", write_submission(tmp_path / "a", {"fx_numpy/ops.py": no_add}))
    add = next(u for u in r.units if u.key == "fx.add")
    assert add.status == "error" and "AttributeError" in add.cases[0].message and "add" in add.cases[0].message
    bad_sig = REFERENCE_OPS.replace("def checked_sqrt(x):", "def checked_sqrt(x, y):")
    r = grade(fx_tree, "fx", write_submission(tmp_path / "b", {"fx_numpy/ops.py": bad_sig}))
    sqrt = next(u for u in r.units if u.key == "fx.sqrt")
    assert sqrt.earned == 0 and "TypeError" in sqrt.cases[0].message
    assert states(r)["fx.add"] == "passed"


def test_a_submission_that_is_a_file_but_not_a_zip(fx_tree, tmp_path):
    (tmp_path / "s.tar").write_bytes(b"not an archive")
    r = grade(fx_tree, "fx", tmp_path / "s.tar")
    assert r.score == 0 and r.problems and not r.error


def test_a_zip_of_the_whole_folder_grades_the_file_at_its_exact_path(fx_tree, tmp_path):
    """A student zips a folder that also holds a backup, a release copy and another assignment's file of the
    same name: the file at its exact path is graded, the others are listed as ignored with the reason."""
    broken = b"def add(a, b):\n    return a - b\n"
    r = grade(fx_tree, "fx", zip_of(tmp_path / "s.zip", {
        "fx_numpy/ops.py": REFERENCE_OPS.encode(),
        "out/fx-release/fx_numpy/ops.py": broken,
        "backup/fx_numpy/ops.py": broken,
        "a5_alignment/cases/ops.py": broken,
        "fx_numpy/api.py": b"API = {}\n",
    }))
    assert states(r)["fx.add"] == "passed"
    why = dict(r.ignored)
    assert why["out/fx-release/fx_numpy/ops.py"] == "fx_numpy/ops.py is used for fx_numpy/ops.py (a file at the " \
                                                   "exact path wins)"
    assert why["backup/fx_numpy/ops.py"].startswith("fx_numpy/ops.py is used")
    assert why["a5_alignment/cases/ops.py"].startswith("not a file this assignment accepts (it reads fx_numpy/")
    text = gradescope(r)["output"]
    assert "ignored: 1 files the release provides (fx_numpy/api.py)" in text


def test_two_guesses_for_one_file_are_refused_naming_both(fx_tree, tmp_path):
    r = grade(fx_tree, "fx", zip_of(tmp_path / "s.zip", {
        "mine/fx_numpy/ops.py": REFERENCE_OPS.encode(),
        "copy/fx_numpy/ops.py": b"def add(a, b):\n    return a - b\n",
    }))
    why = dict(r.ignored)
    assert why["mine/fx_numpy/ops.py"] == ("refused: copy/fx_numpy/ops.py and mine/fx_numpy/ops.py both could be "
                                           "fx_numpy/ops.py; submit one at exactly fx_numpy/ops.py")
    assert states(r)["fx.add"] != "passed"  # the release's stub stays: neither guess overwrote the other
