"""The worker: runs cases next to the student's code and streams their outputs back, data only.

It is started by grader/session.py as `python -I -S -c BOOT ROOT PACKAGE SITE_DIRS...` with the assembled
tree at ROOT. Two processes:

- the *zygote* imports numpy, torch and the case definitions once, then forks a *child* that runs cases;
  when the child dies (os._exit, a segfault, a timeout kill) the zygote reports it and forks a fresh one in
  milliseconds instead of re-importing torch. Where forking after importing torch is unsafe (macOS) or
  impossible (Windows: use WSL), the zygote starts each child as a fresh interpreter instead
  (shared/start_method.py; `LMFS_START_METHOD=spawn` forces it): a restart then costs a torch import, and
  everything else (limits, memory polling, kills, service relay) is the same;
- the *child* receives one request at a time, runs it through grader/execution.py (the one path every run
  takes, in-process runs included), imports student code lazily through `impl`, and answers. A request marked
  `fresh` (a timed case, or its calibration: grader/timing.py) gets a child of its own: the zygote first kills
  and reaps every process below it, forks the child for that one request, and kills and reaps it (and anything
  it started) before it replies, so the grader's reading of the kernel's CPU accounting holds exactly that run.

The zygote never runs student code, and is non-dumpable so the student code beside it (same uid) can neither
ptrace it nor open its protocol pipes through /proc; memory is also polled by the grader (grader/session.py),
since student code can stop the zygote.

Frames on the private protocol fds are `u64 length | codec message` (shared/codec.py: never pickle). The
student's prints go to stderr (the grader's log file), never into the protocol stream.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import importlib
import os
import select
import signal
import subprocess
import sys
import time
import traceback
from typing import Any

from grader.execution import (
    MAX_FRAME,
    Executor,
    Run,
    describe_raised,
    encode_reply,
    read_frame,
    read_tagged_frame,
    write_frame,
)
from grader.processes import kill_descendants, kill_tree, memory_message, tree_rss
from shared.start_method import can_fork


class _Cases:
    """The case definitions of the assignment, visible and (in grading) hidden drivers, by name."""

    def __init__(self, package: str) -> None:
        from shared.cases import Impl, Suite
        from shared.cases.api_map import load_api

        suite = importlib.import_module(f"{package}.cases").SUITE
        try:
            suite = suite + importlib.import_module(f"{package}.hidden").SUITE
        except ModuleNotFoundError as e:
            if e.name != f"{package}.hidden":
                raise
            suite = suite + Suite()
        self.cases = {c.name: c for c in suite.cases}
        self.fixtures = {f.name: f for f in suite.fixtures}
        self.groups = {g.name: g for g in suite.groups}
        self.impl = Impl(load_api(package))


DEFAULT_MAX_RSS = 6 * 2**30
# A case that runs out of time is asked for its stack first (the child dumps it to the log on this signal, from
# C, so a loop inside a torch op still shows its Python frames); student mode shows the student's frames of it.
# Feedback only: the child is the student's, and no verdict reads the dump.
STACK_SIGNAL = signal.SIGUSR1
STACK_WAIT_S = 0.2
RSS_POLL_S = 0.2


def _wait(fd: int, pid: int, deadline: float, limit: float, max_rss: int) -> tuple[bool, dict | None]:
    """Wait for the child's next frame until `deadline` (monotonic), polling its memory; (ready, failure)."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False, {"status": Run.TIMEOUT.value, "message": f"no answer within the {limit:g} s limit"}
        if select.select([fd], [], [], min(left, RSS_POLL_S))[0]:
            return True, None
        rss = tree_rss(pid)
        if rss > max_rss:
            return False, {"status": Run.DIED.value, "message": memory_message(rss, max_rss)}


class _Child:
    """The process that runs cases, with the two pipes to it. Forked from the zygote where forking is safe
    (shared/start_method.py), else a fresh interpreter that imports everything itself."""

    def __init__(self, defs: _Cases, package: str, private: list[int], argv: list[str]) -> None:
        to_child_r, self.w = os.pipe()
        self.r, from_child_w = os.pipe()
        self._proc: subprocess.Popen | None = None
        self._status: int | None = None
        if can_fork():
            self.pid = os.fork()
            if self.pid == 0:
                try:
                    os.setpgid(0, 0)
                    for fd in (*private, self.w, self.r):
                        os.close(fd)
                    _child_loop(to_child_r, from_child_w, defs, package)
                finally:
                    os._exit(0)
        else:
            root, pkg, preload, tool, *site_dirs = argv
            self._proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", CHILD_BOOT, root, pkg, preload, tool, str(to_child_r),
                 str(from_child_w), *site_dirs],
                pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL, process_group=0)
            self.pid = self._proc.pid
        os.close(to_child_r)
        os.close(from_child_w)

    def alive(self) -> bool:
        if self._proc is not None:
            return self._proc.poll() is None
        if self._status is not None:
            return False
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True
        self._status = status  # reaped here: reap() reports it from this
        return False

    def reap(self) -> str:
        """Wait for the child to exit; how it ended, in words."""
        if self._proc is not None:
            code = self._proc.wait()
            return _describe_exit(-code, signalled=True) if code < 0 else _describe_exit(code, signalled=False)
        if self._status is None:
            self._status = os.waitpid(self.pid, 0)[1]
        status = self._status
        if os.WIFSIGNALED(status):
            return _describe_exit(os.WTERMSIG(status), signalled=True)
        return _describe_exit(os.WEXITSTATUS(status), signalled=False)

    def close(self) -> None:
        for fd in (self.w, self.r):
            os.close(fd)


def _discard(child: _Child) -> None:
    """Kill the child and everything it started (if it still runs), reap it, close its pipes."""
    if child.alive():
        kill_tree(child.pid)
    child.reap()
    child.close()


def _describe_exit(code: int, signalled: bool) -> str:
    if signalled:
        name = signal.Signals(code).name if code in signal.Signals._value2member_map_ else str(code)
        return f"killed by signal {name}"
    return f"exited with code {code}"


def _prctl(option: int, value: int) -> None:
    """Linux only; elsewhere a no-op."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _harden() -> None:
    """PR_SET_CHILD_SUBREAPER: orphans of the child (a double fork, a setsid daemon) reparent to the zygote
    instead of init, so kill_tree(zygote) still finds them. PR_SET_DUMPABLE 0: student code runs with the
    zygote's uid, and a dumpable zygote would let it ptrace the zygote or open /proc/<zygote>/fd and /mem (the
    protocol pipes to the grader). Forked children inherit the flag; a child may reset its own, never the
    zygote's."""
    _prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
    _prctl(4, 0)  # PR_SET_DUMPABLE


def _clear_descendants() -> None:
    """Kill and reap every process below the zygote (orphans of earlier cases included), so a timed case runs
    alone and the kernel has moved every finished process's CPU time into the zygote's (host /proc cutime)."""
    kill_descendants(os.getpid())
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue


def _flush_prints() -> None:
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # closed or replaced by the student's code
            stream.flush()


def _child_loop(fd_in: int, fd_out: int, defs: _Cases, package: str) -> None:
    """One request at a time through the shared executor; a service request goes up the pipe, tagged."""
    from shared.cases import service
    from shared.codec import decode, encode

    def remote(request: Any) -> Any:
        """A service request, answered by the grader's process through the zygote."""
        write_frame(fd_out, encode({"op": "service", "request": request}), service=True)
        frame = read_frame(fd_in)
        if frame is None:
            os._exit(0)
        answer = decode(frame)
        if "error" in answer:
            raise service.ServiceError(answer["error"])
        return answer["reply"]

    with contextlib.suppress(AttributeError, ValueError, OSError):  # no SIGUSR1 (Windows), or no stderr
        faulthandler.register(STACK_SIGNAL, file=sys.__stderr__, all_threads=False)
    for stream in (sys.stdout, sys.stderr):  # a case killed at its limit keeps what it printed up to then
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(line_buffering=True)
    executor = Executor(defs.cases, defs.fixtures, defs.groups, defs.impl, package)
    while True:
        frame = read_frame(fd_in)
        if frame is None:
            os._exit(0)
        reply = encode_reply(executor.execute(decode(frame), remote))
        _flush_prints()  # what the case printed is in the log before its reply (student mode shows it)
        write_frame(fd_out, reply)


def zygote(package: str, preload: list[str], argv: list[str]) -> None:
    from shared.codec import decode, encode

    _harden()
    proto_in, proto_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # the student's prints go to the log, never into the protocol
    private = [proto_in, proto_out]
    try:
        if can_fork():
            for name in preload:  # imported once here, inherited by every child
                importlib.import_module(name)
        defs = _Cases(package)  # also where a broken case package is reported, before any child starts
    except BaseException as e:  # noqa: BLE001
        write_frame(proto_out, encode({"op": "boot_failed", "raised": describe_raised(e, package),
                                       "traceback": traceback.format_exc()[-4000:]}))
        return
    # subtle: the imports' objects move to a generation the collector never walks, so a child's collections do
    # not touch (and copy on write) every page inherited from here: less start-up time in each fresh child
    gc.freeze()
    write_frame(proto_out, encode({"op": "ready", "pid": os.getpid()}))

    child: _Child | None = None
    while True:
        frame = read_frame(proto_in)
        if frame is None:
            break
        header = decode(frame)
        limit = float(header.get("time_limit_s", 60.0))
        # a timed request gets a fresh child that makes this one call (grader/timing.py), alone on the machine
        fresh = bool(header.get("fresh"))
        if child is not None and (fresh or not child.alive()):
            # or it died between cases (a stray thread's os._exit, the OOM killer): that is no case's fault
            _discard(child)
            child = None
        if fresh:
            _clear_descendants()
        if child is None:
            child = _Child(defs, package, private, argv)
        with contextlib.suppress(BrokenPipeError):
            write_frame(child.w, frame)
        max_rss = int(header.get("max_rss_bytes", DEFAULT_MAX_RSS))
        deadline = time.monotonic() + limit
        reply: bytes | None = None
        while True:
            ready, failure = _wait(child.r, child.pid, deadline, limit, max_rss)
            reply = None
            if not ready:
                break
            try:
                got = read_tagged_frame(child.r, int(header.get("max_output_bytes", MAX_FRAME)))
            except OverflowError as e:
                failure = {"status": Run.MALFORMED.value, "message": str(e)}
                break
            if got is None or not got[0]:
                reply = None if got is None else got[1]
                break
            # a service request: up to the grader, its answer down to the child, then wait on
            write_frame(proto_out, got[1])
            answer = read_frame(proto_in)
            if answer is None:
                return
            with contextlib.suppress(BrokenPipeError):
                write_frame(child.w, answer)
        if ready and failure is None and reply is None:
            failure = {"status": Run.DIED.value, "message": f"the process running the case {child.reap()}"}
        if failure is not None and failure["status"] == Run.TIMEOUT.value and child.alive():
            with contextlib.suppress(OSError):
                os.kill(child.pid, STACK_SIGNAL)
                time.sleep(STACK_WAIT_S)
        if failure is not None or fresh:
            _discard(child)
            child = None
        if fresh:  # before the reply: the grader reads the tree's CPU time once it has it
            _clear_descendants()
        write_frame(proto_out, reply if failure is None else encode({"id": header["id"], **failure}))


def _set_path(root: str, tool: str, site_dirs: list[str]) -> None:
    sys.path[:0] = [p for p in dict.fromkeys([root, tool]) if p not in sys.path]
    sys.path.extend(d for d in site_dirs if d not in sys.path)
    sys.dont_write_bytecode = True


def boot() -> None:
    """The zygote's entry point: argv = [root, package, preload (comma-separated), tool dir, site_dir...]."""
    argv = sys.argv[1:]
    root, package, preload, tool, *site_dirs = argv
    _set_path(root, tool, site_dirs)
    zygote(package, [m for m in preload.split(",") if m], argv)


def child_boot() -> None:
    """A spawned child's entry point: argv = [root, package, preload, tool dir, fd in, fd out, site_dir...]."""
    root, package, preload, tool, fd_in, fd_out, *site_dirs = sys.argv[1:]
    _set_path(root, tool, site_dirs)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    for name in (m for m in preload.split(",") if m):
        importlib.import_module(name)
    _child_loop(int(fd_in), int(fd_out), _Cases(package), package)


# The tool dir is where grader/ and shared/ come from: the assembled tree itself when grading (so nothing else of
# the instructor's is importable), the instructor tree for student mode on a tree without its own copy.
# subtle: the site dirs go on the path before grader.worker is imported, since it imports numpy at the top.
BOOT = ("import sys; a = sys.argv; sys.path[:0] = list(dict.fromkeys([a[1], a[4]])); sys.path.extend(a[5:]); "
        "import grader.worker as w; w.boot()")
CHILD_BOOT = ("import sys; a = sys.argv; sys.path[:0] = list(dict.fromkeys([a[1], a[4]])); sys.path.extend(a[7:]); "
              "import grader.worker as w; w.child_boot()")
