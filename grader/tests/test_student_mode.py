"""Student mode in a generated release: every visible case fails naming file and function; pasting one
reference body back makes that unit pass, and only the units blocked by it change state."""

import re
import subprocess
import sys

import pytest

from grader.release import write_release


def run_student_tests(release):
    proc = subprocess.run([sys.executable, "-m", "grader", "test", "-a", "fx"], cwd=release, capture_output=True,
                          text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


def progress_rows(text):
    table = text.split("fx progress (visible cases)")[1]
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^(fx\.\w+)\s+\S+\s+\S+\s+(.*)$", table, re.M)}


@pytest.fixture(scope="module")
def release(fx_tree, tmp_path_factory):
    return write_release(fx_tree, fx_tree.assignment("fx"), tmp_path_factory.mktemp("rel") / "fx-release")


def test_stubs_fail_naming_file_function_and_section(release):
    code, out = run_student_tests(release)
    assert code == 1
    assert "fx_numpy/ops.py: add is not implemented yet (HANDOUT.md §1)" in out
    assert "fx_numpy/counter.py: Counter.__init__ is not implemented yet (HANDOUT.md §5)" in out
    last = out.strip().splitlines()[-1]  # the verdict is the last thing printed
    assert last.startswith("fx: 0/7 visible units pass · projected 0/11"), out[-2000:]
    assert last.endswith("next: fx.add (not implemented, HANDOUT.md §1): make test A=fx U=add"), last
    rows = progress_rows(out)
    assert rows["fx.add"] == "not implemented"
    assert rows["fx.scale"] == "blocked by fx.add"


def test_pasting_one_body_changes_only_that_unit_and_its_dependents(release):
    _, before = run_student_tests(release)
    ops = release / "fx_numpy" / "ops.py"
    text = ops.read_text()
    ops.write_text(re.sub(r"raise NotImplementedError\('fx_numpy/ops.py: add [^\n]*", "return a + b", text))
    try:
        _, after = run_student_tests(release)
    finally:
        ops.write_text(text)
    b, a = progress_rows(before), progress_rows(after)
    changed = {k for k in b if b[k] != a[k]}
    assert changed == {"fx.add", "fx.scale"}
    assert a["fx.add"] == "passed" and a["fx.scale"] == "not implemented"
    assert "fx: 1/7 visible units pass" in after.strip().splitlines()[-1]
    assert "next: fx.scale (not implemented, HANDOUT.md §2)" in after.strip().splitlines()[-1]


def test_fuzz_passes_on_the_reference_and_fails_on_stubs(fx_tree, release):
    from grader.fuzz import fuzz

    assert fuzz(fx_tree, "fx", draws=2, seed="fixed") == 0
    proc = subprocess.run([sys.executable, "-m", "grader", "fuzz", "-a", "fx", "--draws", "2"], cwd=release,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    # a release ships no oracle: only the property cases run (add/commutes is one), the oracle cases are named
    assert "FAIL add/commutes#h0 (fx.add): fx_numpy/ops.py: add is not implemented yet" in proc.stdout
    assert "add/random" not in proc.stdout
    assert re.search(r"^fuzz: 0 passed, \d+ failed$", proc.stdout, re.M)
    assert re.search(r"^fuzz: \d+ cases whose expected values come from the instructor's oracles were left out",
                     proc.stdout, re.M)


def test_submit_zips_exactly_the_graded_files(release):
    import zipfile

    (release / "fx_numpy" / "notes").mkdir(exist_ok=True)
    (release / "fx_numpy" / "notes" / "ok.txt").write_text("small")
    (release / "fx_numpy" / "notes" / "big.txt").write_text("x" * 100)
    (release / "fx_numpy" / "weights.npy").write_bytes(b"\x93NUMPY")
    proc = subprocess.run([sys.executable, "-m", "grader", "submit", "-a", "fx", "--out", "s.zip"], cwd=release,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "fx progress (visible cases)" in proc.stdout  # the visible cases ran first
    assert "left out: fx_numpy/weights.npy: not graded" in proc.stdout
    assert "left out: fx_numpy/notes/big.txt: artifact of 100 bytes is over its cap of 64" in proc.stdout
    with zipfile.ZipFile(release / "s.zip") as z:
        names = set(z.namelist())
    assert names == {"fx_numpy/ops.py", "fx_numpy/counter.py", "fx_numpy/world.py", "fx_numpy/speed.py",
                     "fx_numpy/notes/ok.txt"}
    (release / "fx_numpy" / "huge.py").write_text("#" * (2 * 2**20))
    proc = subprocess.run([sys.executable, "-m", "grader", "submit", "-a", "fx", "--no-test"], cwd=release,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "fx_numpy/huge.py is 2048 KB, over the 1024 KB limit" in proc.stderr
    (release / "fx_numpy" / "huge.py").unlink()


def test_one_unit_at_a_time_and_its_dependencies_named(release):
    """`-u scale` (make test U=scale) runs fx.scale's cases only; it fails, so fx.add, which it uses, runs too
    and is named as the likely cause. An unknown unit is one line listing the units."""
    proc = subprocess.run([sys.executable, "-m", "grader", "test", "-a", "fx", "-k", "scale"], cwd=release,
                          capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert "2 failed" in out and "15 failed" not in out, out
    assert "fx.scale uses fx.add (HANDOUT.md §1: 0/3 cases pass): fix it first" in out, out
    assert "next: fx.add (fx.scale needs it, HANDOUT.md §1): make test A=fx U=add" in out.strip().splitlines()[-1]
    proc = subprocess.run([sys.executable, "-m", "grader", "test", "-a", "fx", "-u", "nosuch"], cwd=release,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "fx has no unit 'nosuch'; its units: add, scale, sample, sqrt, counter, world, speed" in proc.stdout


def test_a_release_makefile_has_student_targets_only(release):
    text = (release / "Makefile").read_text()
    assert "INSTRUCTOR" not in text
    for target in ("test:", "fuzz:", "submit:", "bench:", "clean:", "help:"):
        assert f"\n{target}" in text, target
    for target in ("build:", "check:", "grade:", "release:"):
        assert f"\n{target}" not in text, target


def test_submit_refuses_a_file_that_does_not_compile(release):
    ops = release / "fx_numpy" / "ops.py"
    text = ops.read_text()
    ops.write_text(text + "\ndef broken(:\n")
    try:
        proc = subprocess.run([sys.executable, "-m", "grader", "submit", "-a", "fx", "--no-test", "--out", "b.zip"],
                              cwd=release, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 2 and not (release / "b.zip").exists()
        line = len(text.splitlines()) + 2
        assert f"fx_numpy/ops.py:{line}: invalid syntax" in proc.stderr, proc.stderr
        assert "--allow-broken" in proc.stderr
        proc = subprocess.run([sys.executable, "-m", "grader", "submit", "-a", "fx", "--no-test", "--out", "b.zip",
                               "--allow-broken"], cwd=release, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0 and "warning: does not compile: fx_numpy/ops.py" in proc.stdout
    finally:
        ops.write_text(text)


def test_a_hanging_case_shows_where_it_was_cut_off(release):
    """An infinite loop in the student's sqrt: the failure names the student's line it was stuck on (the
    worker's stack dump at the limit) and what it printed; after TIMEOUTS_PER_UNIT timeouts the unit's other
    cases are not run, as grading does."""
    from grader.plan import TIMEOUTS_PER_UNIT

    ops = release / "fx_numpy" / "ops.py"
    text = ops.read_text()
    stub = re.search(r"raise NotImplementedError\('fx_numpy/ops.py: checked_sqrt [^\n]*", text)
    ops.write_text(text[:stub.start()] + "print('still looking')\n    while True:\n        x = x + 0"
                   + text[stub.end():])
    loop_line = text[:stub.start()].count("\n") + 3  # the `x = x + 0` line
    try:
        proc = subprocess.run([sys.executable, "-m", "grader", "test", "-a", "fx", "-u", "sqrt"], cwd=release,
                              capture_output=True, text=True, timeout=300)
    finally:
        ops.write_text(text)
    out = proc.stdout + proc.stderr
    assert f"cut off at (innermost first): fx_numpy/ops.py:{loop_line} in checked_sqrt" in out, out[-3000:]
    assert "your code printed:\n    still looking" in out, out[-3000:]
    assert f"1 not run after {TIMEOUTS_PER_UNIT} timeouts, as grading does" in out, out[-3000:]


def test_a_call_the_student_code_cannot_take_shows_the_call(release):
    """Counter.__init__ with another signature: no frame of the student's runs, so the message names the file
    and class from the module map and quotes the case's call."""
    counter = release / "fx_numpy" / "counter.py"
    text = counter.read_text()
    counter.write_text(text.replace("def __init__(self, text: str)", "def __init__(self, text: str, lower: bool)"))
    try:
        proc = subprocess.run([sys.executable, "-m", "grader", "test", "-a", "fx", "-u", "counter"], cwd=release,
                              capture_output=True, text=True, timeout=300)
    finally:
        counter.write_text(text)
    out = proc.stdout + proc.stderr
    assert "missing 1 required positional argument: 'lower'" in out, out[-3000:]
    assert "your code: fx_numpy/counter.py (Counter)" in out, out[-3000:]
    assert 'the case calls it as: impl.Counter(inp["text"])' in out, out[-3000:]


def test_make_works_from_a_folder_inside_the_package(release):
    """make looks for a Makefile in the current folder only: each folder of the package has one that runs the
    target in the release's root and says so, passing the variables on (U=add reaches `grader test -u add`)."""
    here = release / "fx_numpy" / "cases"
    proc = subprocess.run(["make", "help"], cwd=here, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "make help: running in the release's root (../..)" in proc.stdout
    assert "make submit A=a1" in proc.stdout  # the root Makefile's help
    proc = subprocess.run(["make", "-n", "test", "U=add"], cwd=here, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"-m grader test\s+-u add", proc.stdout), proc.stdout
