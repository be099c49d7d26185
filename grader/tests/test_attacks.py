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

from grader import sandbox
from grader.grade import grade
from grader.probe import IsolationRefused
from grader.processes import descendants
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
                                            "c.exact.__call__ = lambda *a, **k: c.Verdict(True)"),
                              # importing the grader's own code is itself forbidden (grader/forbidden.py), so
                              # every unit whose code lives in that file loses its points too
                              "others": "forbidden"},
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


# ---- P10 §2 and §3: a clock and a memory limit that student code cannot reach ------------------------------
# The memory and pipe attacks, graded with the same expectations as the others; the timing attacks need the
# fixture's timed unit fx.speed and get their own test at the end of the file.

ATTACKS.update({
    # the zygote polls memory and runs with the student's uid: stopped, only the grader's own poll is left
    "stop_the_zygote_then_allocate": {"ops": in_add("import os, signal, time\nos.kill(os.getppid(), signal.SIGSTOP)\n"
                                                    "chunks = []\nfor _ in range(100):\n"
                                                    "    chunks.append(b'x' * (128 * 2**20))\n    time.sleep(0.01)"),
                                      "max_rss_gb": 0.5, "message": "exceeds the 0.5 GB limit"},
    # the child's own reply pipe: garbage, an invented status, a reply for another request, all out of turn
    "forge_frames_on_own_pipe": {"ops": in_add(
        "import os, struct, sys\nfrom shared.codec import encode\nf, rid = sys._getframe(), '?'\nwhile f:\n"
        "    if isinstance(f.f_locals.get('req'), dict):\n        rid = f.f_locals['req'].get('id', rid)\n"
        "    f = f.f_back\n"
        "frames = [encode({'id': rid, 'status': 'passed', 'score': 2}), encode({'id': 'add/random@1', "
        "'status': 'ok', 'outputs': a + b})]\n"
        "for fd in map(int, os.listdir('/proc/self/fd')):\n    try:\n"
        "        if os.readlink(f'/proc/self/fd/{fd}').startswith('pipe:'):\n"
        "            for p in frames:\n                os.write(fd, struct.pack('<Q', len(p)) + p)\n"
        "    except OSError:\n        pass")},
    # the zygote's pipe to the grader, through /proc/<zygote>/fd: a right answer the grader would take as the
    # reply (so add would earn points) if the zygote were dumpable
    "forge_frames_on_the_zygotes_pipe": {"ops": in_add(
        "import os, struct, sys\nfrom shared.codec import encode\nf, rid = sys._getframe(), '?'\nwhile f:\n"
        "    if isinstance(f.f_locals.get('req'), dict):\n        rid = f.f_locals['req'].get('id', rid)\n"
        "    f = f.f_back\n"
        "frame = encode({'id': rid, 'status': 'ok', 'outputs': a + b})\nzygote = f'/proc/{os.getppid()}/fd'\n"
        "try:\n    fds = os.listdir(zygote)\nexcept OSError:\n    fds = [str(n) for n in range(64)]\n"
        "for fd in fds:\n    try:\n        w = os.open(f'{zygote}/{fd}', os.O_WRONLY | os.O_NONBLOCK)\n"
        "    except OSError:\n        continue\n    try:\n"
        "        os.write(w, struct.pack('<Q', len(frame)) + frame)\n    except OSError:\n        pass\n"
        "    os.close(w)")},
})



def test_the_suite_is_large_enough():
    assert len(ATTACKS) >= 20


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_gains_nothing(fx_tree, tmp_path, isolation, name, monkeypatch):
    attack = ATTACKS[name]
    if "max_rss_gb" in attack:
        monkeypatch.setenv("LMFS_MAX_RSS_GB", str(attack["max_rss_gb"]))
    files = {"fx_numpy/ops.py": attack["ops"], **attack.get("extra", {})}
    before = set(descendants(os.getpid()))  # the suite's own long-lived workers (student mode) are not this one's
    started = time.monotonic()
    report = grade(fx_tree, "fx", write_submission(tmp_path / "s", files), isolation=isolation)
    elapsed = time.monotonic() - started
    assert not report.error, report.error  # the grader survived
    assert not set(descendants(os.getpid())) - before, "a process of the worker outlived grading"
    results = gradescope(report)  # and still writes a valid report
    assert results["score"] == report.score
    units = {u.key: u for u in report.units}
    assert units["fx.add"].earned == 0, [c.message for c in units["fx.add"].cases]
    if "message" in attack:
        cases = units["fx.add"].cases
        messages = " | ".join(c.message for c in cases)
        assert attack["message"] in messages, messages
    if attack.get("others") == "forbidden":
        assert all(units[k].status == "forbidden" and units[k].earned == 0 for k in ("fx.sample", "fx.sqrt"))
        return
    if attack.get("others") == "may fail":
        assert elapsed < 20 + 15  # the fixture's total budget, plus start-up
        return
    # sample and sqrt never call add: they keep exactly what the honest code earns
    assert units["fx.sample"].status == "passed" and units["fx.sqrt"].status == "passed", \
            {k: (u.status, u.detail) for k, u in units.items()}
    if "no_file" in attack:
        assert not os.path.exists(attack["no_file"])
    assert elapsed < 120, f"grading took {elapsed:.0f} s"


# ---- replay of known expected values (P10 §1) ----------------------------------------------------------------
# The release ships every visible instance's inputs and expected output. A submission that hard-codes them must
# score exactly what its real code scores: grading runs only hidden draws (and the assembled tree holds no
# snapshot to read at run time: test_replay.py). It imports nothing of the grader's, which is forbidden anyway.

BROKEN_OPS = (REFERENCE_OPS.replace("    return a + b", "    return a * 0")
              .replace("    return float(np.sqrt(x))", "    return -1.0"))
REPLAY_LAYER = '''
import hashlib
from shared.codec import decode, encode

KNOWN = decode({known!r})


def replay(fn):
    def wrapped(*args):
        key = hashlib.sha256(encode(list(args))).hexdigest()
        return KNOWN[key] if key in KNOWN else fn(*args)
    return wrapped


add, scale, checked_sqrt = replay(add), replay(scale), replay(checked_sqrt)
'''


def replay_submission(tree) -> str:
    import hashlib

    from grader import store
    from shared.codec import encode

    entries = store.read(tree.assignment("fx").snapshot_path, "fx", "visible").entries
    known = {hashlib.sha256(encode(list(e["inputs"].values()))).hexdigest(): e["expected"]
             for e in entries.values() if e.get("expected") is not None}
    return BROKEN_OPS + REPLAY_LAYER.format(known=encode(known))


def test_replaying_visible_answers_earns_nothing(fx_tree, tmp_path, isolation):
    import importlib.util

    import numpy as np

    from grader import store

    source = replay_submission(fx_tree)
    # the payload has teeth: on a visible instance it answers right without any real code
    path = write_submission(tmp_path / "mod", {"ops.py": source}) / "ops.py"
    spec = importlib.util.spec_from_file_location("replay_ops", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    entry = store.read(fx_tree.assignment("fx").snapshot_path, "fx", "visible").entries["add/random@0"]
    assert np.array_equal(mod.add(entry["inputs"]["a"], entry["inputs"]["b"]), entry["expected"])
    assert not np.array_equal(entry["expected"], entry["inputs"]["a"] * 0)

    replayed = grade(fx_tree, "fx", write_submission(tmp_path / "r", {"fx_numpy/ops.py": source}),
                     isolation=isolation)
    honest = grade(fx_tree, "fx", write_submission(tmp_path / "h", {"fx_numpy/ops.py": BROKEN_OPS}),
                   isolation=isolation)
    assert not replayed.error and not honest.error, (replayed.error, honest.error)
    assert all(u.status != "forbidden" for u in replayed.units)  # nothing but the replay changes the verdicts
    assert {u.key: u.earned for u in replayed.units} == {u.key: u.earned for u in honest.units}
    assert replayed.score == honest.score
    assert {u.key: u.earned for u in honest.units}["fx.add"] == 0  # the broken code earns nothing on add

# ---- P10 §5: degraded mode without a uid drop is no isolation, so every attack is refused before it runs ----
# (LMFS_DEGRADED_UID=off plays an instructor's laptop here, where the suite runs as root.)
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_refused_without_a_uid_drop(fx_tree, tmp_path, name, monkeypatch):
    monkeypatch.setenv("LMFS_DEGRADED_UID", "off")
    attack = ATTACKS[name]
    files = {"fx_numpy/ops.py": attack["ops"], **attack.get("extra", {})}
    with pytest.raises(IsolationRefused, match="--no-isolation"):
        grade(fx_tree, "fx", write_submission(tmp_path / "s", files),
              isolation=sandbox.Isolation(sandbox.DEGRADED, "forced by the test"))


# ---- P10 §2 and §3, timing: the fixture's timed unit fx.speed (the memory and pipe attacks are in ATTACKS)

SLOW_PAIRS = '''
def pair_counts(seq):
    pairs = list(zip(seq, seq[1:]))
    return {p: pairs.count(p) for p in set(pairs)}
'''
# every clock this process can read stands still, at import of the student's module
CLOCK_PATCH = '''
import os
import time

for _name in ("perf_counter", "monotonic", "time", "process_time", "thread_time"):
    setattr(time, _name, lambda: 1000.0)
    setattr(time, _name + "_ns", lambda: 10**12)
os.times = lambda: os.times_result((0.0, 0.0, 0.0, 0.0, 1000.0))
'''
# results cached in memory and in the scratch HOME, across calls and across fresh processes
MEMO = '''
import hashlib
import json
import pathlib

_MEMO = {}


def pair_counts(seq):
    key = hashlib.sha256(repr(seq).encode()).hexdigest()
    path = pathlib.Path.home() / f"memo-{key}.json"
    if key not in _MEMO and path.exists():
        _MEMO[key] = {tuple(k): v for k, v in json.loads(path.read_text())}
    if key not in _MEMO:
        _MEMO[key] = slow_pair_counts(seq)
        path.write_text(json.dumps([[list(k), v] for k, v in _MEMO[key].items()]))
    return _MEMO[key]
'''


def speed_submission(folder, speed_py: str):
    return write_submission(folder, {"fx_numpy/ops.py": REFERENCE_OPS, "fx_numpy/speed.py": speed_py})


def speed_unit(report):
    assert not report.error, report.error
    unit = next(u for u in report.units if u.key == "fx.speed")
    return unit.earned, unit.status, sorted((c.id, c.status) for c in unit.cases)


def test_speed_verdicts_come_from_the_grader_clock(fx_tree, tmp_path, isolation):
    """The honest fast code passes, the honest slow code fails, and neither a patched clock nor a memo turns the
    slow code's verdict: each scores exactly what the slow code scores without the trick."""
    fast = (fx_tree.assignment("fx").package_dir / "speed.py").read_text()
    variants = {"fast": fast, "slow": SLOW_PAIRS, "slow_clock": CLOCK_PATCH + SLOW_PAIRS,
                "slow_memo": MEMO + SLOW_PAIRS.replace("def pair_counts", "def slow_pair_counts")}
    got = {k: grade(fx_tree, "fx", speed_submission(tmp_path / k, v), isolation=isolation)
           for k, v in variants.items()}
    units = {k: speed_unit(r) for k, r in got.items()}
    assert units["fast"][1] == "passed", [c.message for u in got["fast"].units for c in u.cases if not c.passed]
    slow = next(u for u in got["slow"].units if u.key == "fx.speed")
    assert slow.earned == 0 and all("too slow" in c.message for c in slow.cases), [c.message for c in slow.cases]
    if os.path.isdir("/proc/self"):  # the kernel's CPU accounting of the sandbox's processes, found by host pid
        assert all("s of CPU time" in c.message for c in slow.cases), [c.message for c in slow.cases]
    assert units["slow_clock"] == units["slow"] and got["slow_clock"].score == got["slow"].score
    assert units["slow_memo"] == units["slow"] and got["slow_memo"].score == got["slow"].score


# ---- P10 §4: dynamic forbidden look-ups (fx.add forbids numpy.add). The values are right, so only the scan can
# take the points; the runtime aten watcher is torch-only and tested in test_forbidden.py. ----

DYNAMIC_LOOKUPS = {
    "getattr_concatenated": "    return getattr(np, 'ad' + 'd')(a, b)",
    "getattr_fstring": "    return getattr(np, f\"{'ad'}d\")(a, b)",
    "importlib_import_module": "    import importlib\n    return importlib.import_module('num' + 'py').add(a, b)",
    "importlib_alias": "    import importlib\n    m = importlib.import_module('numpy')\n    return m.add(a, b)",
    "dunder_import": "    return __import__('numpy').add(a, b)",
}


@pytest.mark.parametrize("name", sorted(DYNAMIC_LOOKUPS))
def test_dynamic_forbidden_lookup_is_forbidden(fx_tree, tmp_path, isolation, name):
    ops = REFERENCE_OPS.replace("    return a + b", DYNAMIC_LOOKUPS[name])
    assert ops != REFERENCE_OPS
    report = grade(fx_tree, "fx", write_submission(tmp_path / "s", {"fx_numpy/ops.py": ops}), isolation=isolation)
    assert not report.error, report.error
    units = {u.key: u for u in report.units}
    add = units["fx.add"]
    assert add.status == "forbidden" and add.earned == 0 and "uses numpy.add" in add.detail, (add.status, add.detail)
    assert all(c.passed for c in add.cases)  # the code was right: the forbidden verdict alone took the points
    assert units["fx.sample"].status == "passed" and units["fx.sqrt"].status == "passed"
