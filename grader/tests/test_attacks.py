"""The attack suite: hostile submissions to the fixture assignment, each graded in both isolation modes.

Every attack lives in `add()` (or at import of ops.py) of an otherwise correct submission, so what it *deserves*
is stated per attack: `fx.add` earns nothing (it never returns a right answer honestly), the other units keep what
the honest code earns, the grader reports no error of its own, and nothing outlives grading. Where the two modes
differ, the expectation says so and why. test_grade_fixture.py and test_sandbox.py hold the first attacks (exit
at import, patched comparisons, forged results files, daemons, network, reading the instructor's files).
"""

import os
import time

import pytest

from grader.grade import grade
from grader.report import gradescope
from grader.tests.support import REFERENCE_OPS, write_submission

HONEST_REST = {"fx.scale", "fx.sample", "fx.sqrt"}  # scale uses add, so it only counts where add is untouched


def in_add(code: str) -> str:
    """ops.py whose add() runs `code` (indented into the body) before returning a wrong answer."""
    body = "\n".join("    " + line for line in code.strip("\n").splitlines())
    return REFERENCE_OPS.replace("    return a + b", body + "\n    return a * 0")


ATTACKS: dict[str, dict] = {
    "fork_bomb": {"ops": in_add("import os\nfor _ in range(300):\n    try:\n        if os.fork() == 0:\n"
                                "            import time\n            time.sleep(30)\n            os._exit(0)\n"
                                "    except OSError:\n        break")},
    "memory_bomb_at_once": {"ops": in_add("x = bytearray(64 * 2**30)"), "message": "MemoryError"},
    "memory_bomb_gradual": {"ops": in_add("chunks = []\nwhile True:\n    chunks.append(bytearray(256 * 2**20))"),
                            "max_rss_gb": 0.5},
    "sleep_past_limit": {"ops": in_add("import time\ntime.sleep(1000)"), "message": "timed out"},
    "hang_in_every_function": {"ops": REFERENCE_OPS.replace("import numpy as np", "import numpy as np\nimport time")
                               .replace("    return", "    time.sleep(1000)\n    return"), "others": "may fail",
                               "message": "earlier cases of fx.add timed out"},
    "busy_loop_ignoring_sigterm": {"ops": in_add("import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                                                 "while True:\n    pass"), "message": "timed out"},
    "fill_the_disk": {"ops": in_add("with open('big.bin', 'wb') as f:\n    for _ in range(64):\n"
                                    "        f.write(b'\\0' * 2**24)")},
    "flood_stdout": {"ops": in_add("import sys\nfor _ in range(3000):\n    sys.stdout.write('PASS 100/100 ' * 1000)\n"
                                   "    sys.stderr.write('x' * 10000)")},
    "huge_output": {"ops": REFERENCE_OPS.replace("    return a + b", "    import numpy as np\n"
                                                 "    return np.zeros(2_000_000)"), "message": "malformed output"},
    "nan_output": {"ops": REFERENCE_OPS.replace("    return a + b", "    return (a + b) * float('nan')")},
    "unsendable_output": {"ops": REFERENCE_OPS.replace("    return a + b", "    return object()"),
                          "message": "cannot be sent"},
    "array_subclass_lying_eq": {"ops": REFERENCE_OPS.replace("    return a + b", (
        "    import numpy as np\n    class Liar(np.ndarray):\n        def __eq__(self, o):\n"
        "            return np.ones(np.shape(o), bool)\n    return np.zeros_like(a).view(Liar)")),
        "message": "cannot be sent"},
    "pickle_payload": {"ops": REFERENCE_OPS.replace("    return a + b", (
        "    import pickle, os\n    class P:\n        def __reduce__(self):\n"
        "            return (os.system, ('touch /tmp/lmfs-pwned',))\n    return pickle.dumps(P())")),
        "no_file": "/tmp/lmfs-pwned"},
    "patch_the_comparators": {"ops": in_add("import shared.cases.compare as c\n"
                                            "c.close.__call__ = lambda *a, **k: c.Verdict(True)\n"
                                            "c.exact.__call__ = lambda *a, **k: c.Verdict(True)")},
    "walk_memory_for_expected_values": {"ops": REFERENCE_OPS.replace("    return a + b", (
        "    import gc, numpy as np\n    for o in gc.get_objects():\n"
        "        if isinstance(o, dict) and 'expected' in o:\n            return o['expected']\n"
        "    return a * 0"))},
    "walk_the_stack": {"ops": REFERENCE_OPS.replace("    return a + b", (
        "    import sys\n    f = sys._getframe()\n    while f:\n        for k in ('expected', 'want'):\n"
        "            if k in f.f_locals:\n                return f.f_locals[k]\n        f = f.f_back\n"
        "    return a * 0"))},
    "delete_the_case_files": {"ops": in_add("import pathlib, shutil\nroot = pathlib.Path(__file__).parent\n"
                                            "shutil.rmtree(root / 'cases', ignore_errors=True)\n"
                                            "shutil.rmtree(root / 'tests', ignore_errors=True)")},
    "shadow_numpy": {"ops": REFERENCE_OPS.replace("    return a + b", "    return a * 0"),
                     "extra": {"numpy.py": "raise SystemExit('shadowed')\n",
                               "fx_numpy/numpy.py": "testing = None\n"}},
    "atexit_forgery": {"ops": in_add("import atexit, json\natexit.register(lambda: open('results.json', 'w')"
                                     ".write(json.dumps({'score': 100})))\nraise SystemExit(0)")},
    "thread_that_outlives": {"ops": in_add("import threading, time\n"
                                           "threading.Thread(target=lambda: time.sleep(60), daemon=False).start()")},
    "kill_the_parent": {"ops": in_add("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")},
}


def test_the_suite_is_large_enough():
    assert len(ATTACKS) >= 20


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_gains_nothing(fx_tree, tmp_path, isolation, name, monkeypatch):
    attack = ATTACKS[name]
    if "max_rss_gb" in attack:
        monkeypatch.setenv("LMFS_MAX_RSS_GB", str(attack["max_rss_gb"]))
    files = {"fx_numpy/ops.py": attack["ops"], **attack.get("extra", {})}
    started = time.monotonic()
    report = grade(fx_tree, "fx", write_submission(tmp_path / "s", files), isolation=isolation)
    elapsed = time.monotonic() - started
    assert not report.error, report.error  # the grader survived
    results = gradescope(report)  # and still writes a valid report
    assert results["score"] == report.score
    units = {u.key: u for u in report.units}
    assert units["fx.add"].earned == 0, [c.message for c in units["fx.add"].cases]
    if "message" in attack:
        cases = units["fx.add"].cases
        messages = " | ".join(c.message for c in cases)
        assert attack["message"] in messages, messages
    if attack.get("others") == "may fail":
        assert elapsed < 20 + 15  # the fixture's total budget, plus start-up
        return
    # sample and sqrt never call add: they keep exactly what the honest code earns
    assert units["fx.sample"].status == "passed" and units["fx.sqrt"].status == "passed", \
            {k: (u.status, u.detail) for k, u in units.items()}
    if "no_file" in attack:
        assert not os.path.exists(attack["no_file"])
    assert elapsed < 120, f"grading took {elapsed:.0f} s"
