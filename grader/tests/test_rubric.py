"""Rubric validation: every mistake names the key and the fix."""

import pytest

from grader.rubric import RubricError, load

BASE = '''[assignment]
id = "zz"
package = "zz_pkg"
title = "t"
student_files = ["zz_pkg/**/*.py"]
protected = ["zz_pkg/api.py"]
'''


def write(tmp_path, text):
    p = tmp_path / "rubric.toml"
    p.write_text(text)
    return p


def test_loads_units_and_file_rules(tmp_path):
    r = load(write(tmp_path, BASE + '[unit."zz.a"]\ntitle = "A"\npoints = 2\nhandout = "§1"\ntargets = ["a"]\n'))
    assert r.units["zz.a"].points == 2 and r.total_points == 2
    assert r.is_student_file("zz_pkg/x.py") and r.is_student_file("zz_pkg/sub/y.py")
    assert not r.is_student_file("zz_pkg/api.py") and not r.is_student_file("other/x.py")


@pytest.mark.parametrize("extra, message", [
    ('[unit."zz.a"]\ntitle = "A"\npoints = 1\nhandout = "§1"\n', "needs targets"),
    ('[unit."a"]\ntitle = "A"\npoints = 1\nhandout = "§1"\ntargets = []\n', "must be named 'zz.<name>'"),
    ('[unit."zz.a"]\ntitle = "A"\npoints = 1\nhandout = "§1"\ntargets = []\ndepends = ["zz.b"]\n', "not a unit"),
    ('[unit."zz.a"]\ntitle = "A"\npoints = 1\nhandout = "§1"\ntargets = []\ntime_limit_s = 1\nbudget_s = 1\n',
     "at least 10x"),
    ('[unit."zz.a"]\ntitle = "A"\npoints = 1\nhandout = "1"\ntargets = []\ndepends = ["zz.b"]\n'
     '[unit."zz.b"]\ntitle = "B"\npoints = 1\nhandout = "2"\ntargets = []\ndepends = ["zz.a"]\n', "cycle"),
    ('[unit.broken\n', "cannot read"),
])
def test_errors(tmp_path, extra, message):
    with pytest.raises(RubricError, match=message):
        load(write(tmp_path, BASE + extra))
