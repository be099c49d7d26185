"""The trusted clock's parts: the kernel's CPU accounting of a process tree, the verdict's ratio, and the
machine-wide lock of timed cases. End to end (a patched clock, a memo, a slow submission) is in test_attacks.py."""

import os
import threading
import time

import pytest

from grader import timing
from grader.processes import cpu_below


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="CPU accounting is read from /proc")
def test_cpu_below_counts_a_reaped_child_and_not_the_parent():
    before = cpu_below(os.getpid())
    pid = os.fork()
    if pid == 0:  # burn 0.3 s of this child's own CPU, then exit
        while time.process_time() < 0.3:
            pass
        os._exit(0)
    os.waitpid(pid, 0)
    mine = time.process_time()
    spent = cpu_below(os.getpid()) - before
    assert spent >= 0.25, spent  # the child's 0.3 s, in 10 ms ticks
    # the parent's own time is not below it: burning more here leaves the reading unchanged
    while time.process_time() < mine + 0.2:
        pass
    assert cpu_below(os.getpid()) - before == pytest.approx(spent, abs=0.02)


def test_the_ratio_decides_against_the_limit():
    t = timing.Timing(seconds=0.5, calibration_s=0.1, wall_s=0.6, clock="CPU")
    assert t.verdict(6.0) == (True, "")
    ok, why = t.verdict(3.0)
    assert not ok and "5.00x" in why and "the limit is 3x" in why


def test_timed_sequences_never_overlap(tmp_path, monkeypatch):
    monkeypatch.setattr(timing, "lock_path", lambda: tmp_path / "timed.lock")
    events: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        with timing.exclusive():
            events.append("first in")
            first_in.set()
            time.sleep(0.3)
            events.append("first out")

    def second() -> None:
        first_in.wait()
        with timing.exclusive():  # a separate open file description: flock excludes it as another job
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert events == ["first in", "first out", "second in"]
