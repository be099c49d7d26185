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


def test_the_fixed_layout_is_protected_and_instructor_only_without_listing_it(tmp_path):
    r = load(write(tmp_path, '[assignment]\nid = "zz"\npackage = "zz_pkg"\ntitle = "t"\n'
                             'protected = ["zz_pkg/infra.py"]\n'))
    assert r.is_student_file("zz_pkg/model.py")
    for rel in ("zz_pkg/api.py", "zz_pkg/__init__.py", "zz_pkg/cs336_adapters.py", "zz_pkg/cases/x.py",
                "zz_pkg/tests/test_x.py", "zz_pkg/bench/b.py", "zz_pkg/hidden/h.py", "zz_pkg/infra.py"):
        assert r.is_protected(rel) and not r.is_student_file(rel), rel
    for rel in ("zz_pkg/hidden/h.py", "zz_pkg/mutants/m.py", "zz_pkg/examples/e/x.py", "zz_pkg/instructor_tests/t.py"):
        assert r.is_instructor_only(rel), rel
    assert not r.is_instructor_only("zz_pkg/cases/x.py") and not r.is_instructor_only("zz_pkg/model.py")


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


def test_optional_units_are_extra_credit(tmp_path):
    from grader.report import GradeReport, gradescope, table
    from grader.verdict import CaseResult, score

    r = load(write(tmp_path, BASE + '[unit."zz.a"]\ntitle = "A"\npoints = 4\nhandout = "§1"\ntargets = ["a"]\n'
                   '[unit."zz.x"]\ntitle = "X"\npoints = 2\nhandout = "§9"\ntargets = ["x"]\noptional = true\n'))
    assert r.units["zz.x"].optional and not r.units["zz.a"].optional and r.total_points == 4
    results = [CaseResult(id="a@0", unit="zz.a", visibility="visible", status="passed", message=""),
               CaseResult(id="x@0", unit="zz.x", visibility="visible", status="passed", message="")]
    units = score(r, results)
    report = GradeReport(assignment="zz", units=units)
    assert report.score == 6 and report.max_score == 4  # 2 points of extra credit above the total
    assert "6/4" in table(units) and "extra credit" in table(units) and "optional" in table(units)
    tests = gradescope(report)["tests"]
    assert [t["name"] for t in tests] == ["zz.a [visible]", "zz.x [visible] (optional, extra credit)"]
    with pytest.raises(RubricError, match="true or false"):
        load(write(tmp_path, BASE + '[unit."zz.x"]\ntitle = "X"\npoints = 2\nhandout = "§9"\ntargets = ["x"]\n'
                   'optional = "yes"\n'))


def test_methods_split_one_class_between_units(tmp_path):
    # Two units grade one autograd.Function: each method's stub must name its own unit's handout section.
    two = ('[unit."zz.fwd"]\ntitle = "F"\npoints = 1\nhandout = "§3.2"\ntargets = ["Fn"]\nmethods = ["forward"]\n'
           '[unit."zz.bwd"]\ntitle = "B"\npoints = 1\nhandout = "§3.3"\ntargets = ["Fn"]\nmethods = ["backward"]\n')
    r = load(write(tmp_path, BASE + two))
    assert r.unit_of_target("Fn", "backward").handout == "§3.3"
    assert r.unit_of_target("Fn", "forward").handout == "§3.2"
    assert r.unit_of_target("Fn").handout == "§3.2" and r.unit_of_target("Fn", "setup_context").handout == "§3.2"
    assert r.unit_of_target("missing") is None
    with pytest.raises(RubricError, match="list of method names"):
        load(write(tmp_path, BASE + '[unit."zz.x"]\ntitle = "X"\npoints = 1\nhandout = "§1"\ntargets = ["x"]\n'
                   'methods = "backward"\n'))


def test_a_protected_path_outside_the_package_is_refused(tmp_path):
    with pytest.raises(RubricError, match=r"\['other/x.py'\] are not under zz_pkg/"):
        load(write(tmp_path, BASE.replace('protected = ["zz_pkg/api.py"]', 'protected = ["other/x.py"]')))
