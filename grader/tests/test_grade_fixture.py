"""Grading the fixture assignment end to end: honest submissions and a first set of hostile ones.

Each hostile submission must gain nothing: its score is what its honest part deserves. (The full attack suite
and the sandbox are P7; these are the attacks the two-stage design already defeats.)
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader import sandbox
from grader.demo import expected_states
from grader.grade import grade
from grader.plan import plan_for
from grader.report import gradescope
from grader.tests.support import REFERENCE_OPS, write_submission
from grader.tree import TOOL_ROOT

REF_UNITS = {"fx.add", "fx.scale", "fx.sample", "fx.sqrt"}  # what ops.py alone earns (counter, world stay stubs)


def states(report):
    return {u.key: u.status for u in report.units}


def ops_points(report):
    return sum(u.earned for u in report.units if u.key in REF_UNITS)


def test_reference_ops_earn_their_units(fx_tree, tmp_path):
    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": REFERENCE_OPS})
    r = grade(fx_tree, "fx", sub)
    assert not r.error
    assert all(states(r)[k] == "passed" for k in REF_UNITS)
    assert states(r)["fx.counter"] == "not_implemented" and states(r)["fx.world"] == "not_implemented"
    assert ops_points(r) == 7.0


def test_example_submission_matches_its_stated_states(fx_tree):
    example = fx_tree.assignment("fx").package_dir / "examples" / "partial"
    r = grade(fx_tree, "fx", example)
    assert states(r) == expected_states(example)
    assert r.score == 2.0  # fx.add's 2 points: derived in expected.toml
    assert ("expected.toml", "not a file this assignment accepts (it reads fx_numpy/...; accepted: fx_numpy/**/*.py)") in r.ignored


def test_gradescope_results_have_one_hidden_test_per_unit(fx_tree, tmp_path):
    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": REFERENCE_OPS.replace("a + b", "a - b")})
    report = grade(fx_tree, "fx", sub)
    out = gradescope(report)
    json.dumps(out)
    assert {"score", "execution_time", "output", "visibility", "stdout_visibility", "tests", "leaderboard"} <= set(out)
    # grading runs hidden draws only: one test per unit, and no visible instance ran at all
    assert [t["name"] for t in out["tests"]] == [f"{k} [hidden]" for k in fx_tree.assignment("fx").rubric.units]
    assert all(c.visibility == "hidden" for u in report.units for c in u.cases)
    hidden = next(t for t in out["tests"] if t["name"] == "fx.add [hidden]")
    # hidden_feedback defaults to "immediate": status, unit and note at once, never inputs or values
    assert hidden["visibility"] == "visible" and out["visibility"] == "visible" and hidden["status"] == "failed"
    assert "wrong answer" in hidden["output"] and "(a + b on random arrays)" in hidden["output"]
    assert "expected" not in hidden["output"] and "add/" not in hidden["output"]  # no values, no case names
    assert "max abs error" not in hidden["output"]
    scale = next(t for t in out["tests"] if t["name"] == "fx.scale [hidden]")
    assert "blocked by fx.add" in scale["output"]
    assert out["score"] == sum(t["score"] for t in out["tests"])
    report.hidden_feedback = "after_due_date"  # the rubric's other setting holds back the tests and the total
    later = gradescope(report)
    assert {t["visibility"] for t in later["tests"]} == {"after_due_date"} and later["visibility"] == "after_due_date"


HOSTILE = {
    "exit_on_import": "import os\nos._exit(0)\n",
    "sys_exit_in_case": REFERENCE_OPS.replace("return a + b", "raise SystemExit(0)"),
    "patch_numpy_testing": REFERENCE_OPS.replace("return a + b", "import numpy.testing as nt\n"
        "    nt.assert_allclose = lambda *a, **k: None\n    import numpy as np\n    np.allclose = lambda *a, **k: True\n"
        "    return a * 0"),
    "write_results_json": REFERENCE_OPS.replace("return a + b", "import json, pathlib\n"
        "    for p in [pathlib.Path('results.json'), pathlib.Path.home() / 'results.json']:\n"
        "        p.write_text(json.dumps({'score': 100}))\n    return a * 0"),
    "lying_eq": REFERENCE_OPS.replace("return a + b", "class Liar(float):\n        def __eq__(self, o):\n"
        "            return True\n    return Liar(0.0)"),
    "print_fake_passes": REFERENCE_OPS.replace("return a + b", "import sys\n"
        "    for _ in range(20000):\n        print('PASS fx.add 100/100', flush=False)\n"
        "    sys.stdout.write('\\x00' * 100000)\n    return a * 0"),
    "forbidden_api": REFERENCE_OPS.replace("return a + b", "import numpy\n    return numpy.add(a, b)"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_submissions_gain_nothing(fx_tree, tmp_path, name, isolation):
    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": HOSTILE[name]})
    r = grade(fx_tree, "fx", sub, isolation=isolation)
    assert not r.error, r.error
    s = states(r)
    assert s["fx.add"] in ("error", "wrong", "forbidden"), s
    assert next(u for u in r.units if u.key == "fx.add").earned == 0
    if name == "exit_on_import":
        assert ops_points(r) == 0
        assert "crashed" in r.units[0].cases[0].message
    if name == "forbidden_api":
        add = next(u for u in r.units if u.key == "fx.add")
        assert add.status == "forbidden" and "fx_numpy/ops.py:7 uses numpy.add" in add.detail
        assert s["fx.sqrt"] == "passed"  # only the unit that forbids the API loses its points


def test_assignment_wide_forbidden_api_costs_only_the_units_in_that_file(fx_tree, tmp_path):
    counter = "import subprocess\n\n\nclass Counter:\n    def __init__(self, text):\n        self.t = text.split()\n" \
              "\n    def count(self, w):\n        return self.t.count(w)\n\n    def size(self):\n        return len(set(self.t))\n"
    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": REFERENCE_OPS, "fx_numpy/counter.py": counter})
    r = grade(fx_tree, "fx", sub)
    s = states(r)
    assert s["fx.counter"] == "forbidden" and all(s[k] == "passed" for k in REF_UNITS)
    assert "fx_numpy/counter.py:1 uses subprocess" in next(u for u in r.units if u.key == "fx.counter").detail


def test_background_processes_do_not_outlive_grading(fx_tree, tmp_path, isolation):
    import time

    # The double-forked, setsid daemon writes a heartbeat (its clock) every 0.1 s for up to 15 s. While grading
    # runs it may write (so may the case itself); once grade() has returned, a heartbeat must never change again.
    # (An earlier version slept 2 s and then wrote once: on a loaded machine grading outlasted the 2 s and the
    # write, made while the worker was still alive, failed the test.)
    heartbeat = tmp_path / "heartbeat"
    tag = f"lmfsd{os.getpid() % 10**6}"  # the daemon's process name: other jobs of the sandbox uid do not count
    daemon = REFERENCE_OPS.replace("return a + b", (
        "import os, time\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        if os.fork() == 0:\n"
        "            import ctypes\n"
        f"            ctypes.CDLL(None).prctl(15, {tag!r}.encode(), 0, 0, 0)\n"  # PR_SET_NAME: findable below
        "            for _ in range(150):\n"
        f"                open({str(heartbeat)!r}, 'w').write(repr(time.time()))\n"
        "                time.sleep(0.1)\n"
        "        os._exit(0)\n"
        "    return a + b"))
    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": daemon})
    r = grade(fx_tree, "fx", sub, isolation=isolation)
    ended = time.time()
    assert not r.error

    # In the sandbox the host's /tmp is out of reach anyway: there, look for live processes of the job's uid
    # (SIGKILLed ones take a moment to go).
    deadline = time.monotonic() + 1.0
    while (leftover := _live_of_uid(sandbox.job_uid(0), tag)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not leftover, f"processes of the sandbox uid outlived grading: {leftover}"
    beats = []
    for _ in range(3):  # a kill mid-write can leave the file empty: read a few times, 0.5 s apart
        time.sleep(0.5)
        text = heartbeat.read_text() if heartbeat.exists() else ""
        beats += [float(text)] if text else []
    assert all(b <= ended for b in beats), (
        f"a double-forked process outlived the worker: it wrote {max(beats) - ended:.2f} s after grading ended")


def _live_of_uid(uid: int, name: str) -> list[str]:
    """Pids of processes owned by `uid` and named `name` that are not zombies."""
    out = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            if os.stat(f"/proc/{pid}").st_uid != uid or Path(f"/proc/{pid}/comm").read_text().strip() != name:
                continue
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in ("Z", "X"):
            out.append(pid)
    return out


def test_infinite_loop_times_out_and_later_cases_still_run(fx_tree, tmp_path):
    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": REFERENCE_OPS.replace(
        "if x < 0:", "while x < 0:\n        pass\n    if x < 0:")})
    r = grade(fx_tree, "fx", sub)
    sqrt = next(u for u in r.units if u.key == "fx.sqrt")
    assert any("timed out" in c.message for c in sqrt.cases)
    assert states(r)["fx.add"] == "passed" and states(r)["fx.sample"] == "passed"


def test_syntax_error_fails_only_the_units_that_import_the_file(fx_tree, tmp_path):
    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": REFERENCE_OPS,
                                            "fx_numpy/counter.py": "class Counter(:\n"})
    r = grade(fx_tree, "fx", sub)
    s = states(r)
    assert s["fx.counter"] == "error" and all(s[k] == "passed" for k in REF_UNITS)
    counter = next(u for u in r.units if u.key == "fx.counter")
    assert "SyntaxError" in counter.cases[0].message


def test_empty_and_garbage_submissions_give_a_valid_zero(fx_tree, tmp_path):
    (tmp_path / "empty").mkdir()
    r = grade(fx_tree, "fx", tmp_path / "empty")
    assert r.score == 0 and not r.error and "none of the files" in r.problems[0]
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 not really a zip")
    r = grade(fx_tree, "fx", tmp_path / "junk.zip")
    assert r.score == 0 and json.dumps(gradescope(r))


def test_protected_and_extra_files_are_ignored(fx_tree, tmp_path):
    sub = write_submission(tmp_path / "s", {
        "fx_numpy/ops.py": REFERENCE_OPS,
        "fx_numpy/cases/__init__.py": "SUITE = None\n",  # would disable every case
        "fx_numpy/api.py": "API = {}\n",
        "notes.txt": "hello",
    })
    r = grade(fx_tree, "fx", sub)
    assert ops_points(r) == 7.0
    reasons = dict(r.ignored)
    assert reasons["fx_numpy/cases/__init__.py"].startswith("protected")
    assert reasons["fx_numpy/api.py"].startswith("protected")
    assert "notes.txt" in reasons


def test_grading_twice_gives_the_same_result(fx_tree):
    example = fx_tree.assignment("fx").package_dir / "examples" / "partial"
    a, b = grade(fx_tree, "fx", example), grade(fx_tree, "fx", example)
    assert [(c.id, c.status, c.message) for u in a.units for c in u.cases] == \
           [(c.id, c.status, c.message) for u in b.units for c in u.cases]


def test_artifacts_are_taken_within_their_size_cap(fx_tree, tmp_path):
    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": REFERENCE_OPS, "fx_numpy/notes/small.txt": "ok",
                                            "fx_numpy/notes/big.txt": "x" * 65})
    r = grade(fx_tree, "fx", sub)
    reasons = dict(r.ignored)
    assert "fx_numpy/notes/small.txt" not in reasons
    assert reasons["fx_numpy/notes/big.txt"] == "artifact larger than its cap of 64 bytes"


def test_results_file_written_by_the_submission_is_replaced_by_the_real_one(fx_tree, tmp_path):
    out = tmp_path / "results.json"
    forger = REFERENCE_OPS.replace("return a + b", f"open({str(out)!r}, 'w').write('{{\"score\": 100}}')\n"
                                                   "    return a * 0")
    sub = write_submission(tmp_path / "s", {"fx_numpy/ops.py": forger})
    env = {**os.environ}
    proc = subprocess.run([sys.executable, "-m", "grader", "--root", str(fx_tree.root), "grade", str(sub), "-a", "fx",
                           "--out", str(out)], capture_output=True, text=True, env=env, cwd=TOOL_ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())
    assert results["score"] < 100
    assert next(t for t in results["tests"] if t["name"] == "fx.add [hidden]")["score"] == 0


def test_leaderboard_entries_come_from_passed_units(fx_tree, tmp_path):
    good = gradescope(grade(fx_tree, "fx", write_submission(tmp_path / "g", {"fx_numpy/ops.py": REFERENCE_OPS})))
    plan, _ = plan_for(fx_tree.assignment("fx"), hidden=True)
    x = next(s.inputs["x"] for s in plan.steps if s.instance.id == "sqrt/leaderboard#h0")
    assert good["leaderboard"] == [{"name": "sqrt of the first hidden input", "value": round(math.sqrt(x), 6),
                                    "order": "desc"}]
    bad = REFERENCE_OPS.replace("return float(np.sqrt(x))", "return float(np.sqrt(x)) + 1")
    out = gradescope(grade(fx_tree, "fx", write_submission(tmp_path / "b", {"fx_numpy/ops.py": bad})))
    assert out["leaderboard"] == []
