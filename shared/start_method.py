"""Whether this process may fork after importing torch: the one rule the grader's worker and a2's worlds share.

Linux forks safely, and forking is what makes a worker's restart and a gloo world cheap (the child inherits the
imported torch instead of paying ~3.5 s to import it again). macOS makes fork after importing torch unsafe (the
Objective-C runtime and Accelerate's thread pools abort or deadlock in the child) and Windows has no fork, so
there every process is started fresh. `LMFS_START_METHOD=spawn` forces the fresh-process path on Linux, which is
how the suite tests it; `fork` forces forking (at your own risk on macOS).
"""

from __future__ import annotations

import os
import sys

ENV = "LMFS_START_METHOD"
METHODS = ("fork", "spawn")


def start_method() -> str:
    """"fork" or "spawn" for this machine and environment."""
    forced = os.environ.get(ENV, "").strip().lower()
    if forced:
        if forced not in METHODS:
            raise ValueError(f"{ENV}={forced!r} is not one of {', '.join(METHODS)}; unset it to use this "
                             f"platform's default")
        if forced == "fork" and not hasattr(os, "fork"):
            raise ValueError(f"{ENV}=fork, but this platform has no fork; unset it or use spawn")
        return forced
    return "fork" if sys.platform.startswith("linux") and hasattr(os, "fork") else "spawn"


def can_fork() -> bool:
    return start_method() == "fork"
