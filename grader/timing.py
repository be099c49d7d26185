"""Speed verdicts measured by the trusted side: a timed call's CPU time against a calibration workload's.

A timed case (`Case.timed`, shared/cases/case.py) runs in a fresh child of the zygote that makes exactly one call
and is then killed, so nothing is carried over from earlier requests (no warm cache, no memo in memory). A fixed
calibration workload runs before and after it the same way, in fresh children that never import student code,
timed by the grader the same way; nothing the worker reports about time is read. The times are the kernel's:
CPU seconds of the processes below the zygote from host /proc (grader/processes.py), which student code cannot
rewrite, and the grader's own wall clock where it cannot read them (no /proc on macOS; a container's processes
belong to the runtime, not to the grader's tree). The ratio and the verdict are computed here, in the grader's
process.

Where the zygote starts children as fresh interpreters (the spawn start method: macOS, shared/start_method.py),
each child's start-up (imports) is counted in the call and the calibration alike, which pulls ratios towards 1:
lenient to slow code, never to a forged clock. Grading runs on Linux, with fork.

Two grading jobs on one machine would slow each other's timed runs, so every timed sequence holds a machine-wide
lock (`exclusive`): `grader batch --jobs N` never times two cases at once.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CALIBRATION_RUNS = 2  # the faster of two: a calibration is trusted code, and the faster run is the less noisy


@dataclass
class Timing:
    """What the grader measured for one timed call and its calibration (seconds; CPU when available)."""

    seconds: float  # the call: CPU seconds where /proc exists, else wall seconds
    calibration_s: float  # the faster calibration run, measured the same way
    wall_s: float
    clock: str  # "CPU" or "wall"

    @property
    def ratio(self) -> float:
        return self.seconds / max(self.calibration_s, 1e-9)

    def verdict(self, limit: float) -> tuple[bool, str]:
        if self.ratio <= limit:
            return True, ""
        return False, (f"took {self.seconds:.3f} s of {self.clock} time ({self.wall_s:.3f} s wall) = "
                       f"{self.ratio:.2f}x the calibration workload ({self.calibration_s:.3f} s, timed the same way "
                       f"in a process that never loaded your code); the limit is {limit:g}x")

    def as_data(self) -> dict:
        return {"seconds": self.seconds, "calibration_s": self.calibration_s, "wall_s": self.wall_s,
                "clock": self.clock}

    @staticmethod
    def from_data(d: Any) -> Timing | None:
        """From a trusted requests file (grader/plan.py run_in_fresh_process), never from a worker's reply."""
        if not isinstance(d, dict):
            return None
        return Timing(float(d["seconds"]), float(d["calibration_s"]), float(d["wall_s"]), str(d["clock"]))


def lock_path() -> Path:
    return Path(tempfile.gettempdir()) / "lmfs-timed-cases.lock"


@contextlib.contextmanager
def exclusive() -> Iterator[None]:
    """Hold the machine-wide lock of timed cases (an flock: released by the kernel if the grader dies)."""
    try:
        import fcntl
    except ImportError:  # Windows: graded under WSL, where fcntl exists
        yield
        return
    fd = os.open(lock_path(), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def measure_here(call: Callable[[], Any], calibration: Callable[[], Any]) -> tuple[Any, Timing]:
    """Trusted code only (the reference, mutants): the call and its calibration timed in this process."""
    import gc

    # subtle: a long-lived process (grader check --deep holds thousands of results) makes every garbage
    # collection during the call walk its whole heap; the worker's fresh children do not, so freeze it first
    gc.collect()
    gc.freeze()
    try:
        with exclusive():
            wall, cpu = time.perf_counter(), time.process_time()
            result = call()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            runs = []
            for _ in range(CALIBRATION_RUNS):
                start = time.process_time()
                calibration()
                runs.append(time.process_time() - start)
    finally:
        gc.unfreeze()
    return result, Timing(cpu, min(runs), wall, "CPU")
