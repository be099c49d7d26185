"""The worker: runs cases next to the student's code and streams their outputs back, data only.

It is started by grader/session.py as `python -I -S -c BOOT ROOT PACKAGE SITE_DIRS...` with the assembled
tree at ROOT. Two processes:

- the *zygote* imports numpy, torch and the case definitions once, then forks a *child* that runs cases;
  when the child dies (os._exit, a segfault, a timeout kill) the zygote reports it and forks a fresh one in
  milliseconds instead of re-importing torch;
- the *child* receives one request at a time, imports student code lazily through `impl`, and answers.

Frames on the private protocol fds are `u64 length | codec message` (shared/codec.py: never pickle). The
student's prints go to stderr (the grader's log file), never into the protocol stream.
"""

from __future__ import annotations

import importlib
import os
import select
import signal
import struct
import sys
import time
import traceback
from typing import Any

MAX_FRAME = 256 * 2**20
# A child's frame with this bit set in its length is a service request (shared/cases/service.py) for the grader,
# not the case's reply: the zygote relays it up and the grader's answer back down, then keeps waiting.
SERVICE_BIT = 1 << 63


def read_frame(fd: int, max_bytes: int = MAX_FRAME) -> bytes | None:
    got = read_tagged_frame(fd, max_bytes)
    return None if got is None else got[1]


def read_tagged_frame(fd: int, max_bytes: int = MAX_FRAME) -> tuple[bool, bytes] | None:
    """(is a service request, payload), or None at end of file."""
    head = _read_exact(fd, 8)
    if head is None:
        return None
    (n,) = struct.unpack("<Q", head)
    tagged, n = bool(n & SERVICE_BIT), n & ~SERVICE_BIT
    if n > max_bytes:
        raise OverflowError(f"frame of {n} bytes exceeds the cap of {max_bytes}")
    payload = _read_exact(fd, n)
    return None if payload is None else (tagged, payload)


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        b = os.read(fd, min(n - got, 1 << 20))
        if not b:
            return None
        chunks.append(b)
        got += len(b)
    return b"".join(chunks)


def write_frame(fd: int, payload: bytes, service: bool = False) -> None:
    data = struct.pack("<Q", len(payload) | (SERVICE_BIT if service else 0)) + payload
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid`, found through /proc (a process group kill misses setsid children)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [pid]
    while stack:
        for c in children.get(stack.pop(), []):
            out.append(c)
            stack.append(c)
    return out


def kill_tree(pid: int) -> None:
    """SIGKILL a process and every descendant. Freeze first, walking until no new process appears: a stopped
    process cannot fork, and the frozen tree keeps every orphan's adoptive parent (the subreaper) alive, so
    nothing forked during the walk escapes."""
    frozen: set[int] = set()
    while True:
        new = {pid, *descendants(pid)} - frozen
        if not new:
            break
        for v in new:
            try:
                os.kill(v, signal.SIGSTOP)
            except ProcessLookupError:
                pass
        frozen |= new
    for v in frozen:
        try:
            os.kill(v, signal.SIGKILL)
        except ProcessLookupError:
            pass


class _Cases:
    """The case definitions of the assignment, visible and (in grading) hidden drivers, by name."""

    def __init__(self, package: str) -> None:
        from shared.cases import Impl, Suite

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
        self.impl = Impl(importlib.import_module(f"{package}.api").API)


def _raised(e: BaseException, package: str) -> dict:
    """The exception's exact type, message and the innermost frame in the assignment's files."""
    where = ""
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        marker = os.sep + package + os.sep
        if marker in frame.filename:
            rel = package + "/" + frame.filename.split(marker, 1)[1]
            where = f"{rel}:{frame.lineno} in {frame.name}"
            break
    if isinstance(e, SyntaxError) and e.filename and not where:
        where = f"{e.filename}:{e.lineno}"
    return {"type": f"{type(e).__module__}.{type(e).__qualname__}", "message": str(e)[:2000], "where": where}


def _child_loop(fd_in: int, fd_out: int, defs: _Cases, package: str) -> None:
    from shared.cases import service
    from shared.codec import CodecError, decode, encode

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

    fixtures: dict[str, tuple[bool, Any]] = {}

    def fixture(name: str, inputs: dict) -> tuple[bool, Any]:
        if name not in fixtures:
            f = defs.fixtures[name]
            try:
                fixtures[name] = (True, f.build(defs.impl, inputs))
            except BaseException as e:  # noqa: BLE001 - student code may raise anything, SystemExit included
                fixtures[name] = (False, _raised(e, package))
        return fixtures[name]

    while True:
        frame = read_frame(fd_in)
        if frame is None:
            os._exit(0)
        req = decode(frame)
        reply: dict[str, Any] = {"id": req["id"]}
        start = time.perf_counter()
        try:
            if req["kind"] == "fixture":
                ok, obj = fixture(req["name"], req["inputs"])
                if not ok:
                    reply.update(status="raised", raised=obj)
                else:
                    reply.update(status="ok", outputs=defs.fixtures[req["name"]].summarize(obj))
            elif req["kind"] == "group":
                group = defs.groups[req["name"]]
                reply.update(status="ok", outputs=list(group.run(defs.impl, [m["inputs"] for m in req["members"]])))
            else:
                case = defs.cases[req["name"]]
                if case.fixture:
                    ok, obj = fixture(case.fixture, req["fixture_inputs"])
                    if not ok:
                        reply.update(status="fixture_failed", raised=obj)
                    else:
                        reply.update(status="ok", outputs=case.run(defs.impl, req["inputs"], obj))
                else:
                    with service.connected(remote):
                        reply.update(status="ok", outputs=case.run(defs.impl, req["inputs"]))
        except BaseException as e:  # noqa: BLE001 - SystemExit and KeyboardInterrupt from student code too
            reply = {"id": req["id"], "status": "raised", "raised": _raised(e, package)}
        reply["seconds"] = time.perf_counter() - start
        try:
            payload = encode(reply)
        except CodecError as e:
            payload = encode({"id": req["id"], "status": "malformed", "message": f"output cannot be sent: {e}"})
        write_frame(fd_out, payload)


DEFAULT_MAX_RSS = 6 * 2**30
RSS_POLL_S = 0.2


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its descendants, in bytes (from /proc: the child cannot fake it)."""
    total = 0
    for p in (pid, *descendants(pid)):
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
    return total


def _wait(fd: int, pid: int, deadline: float, limit: float, max_rss: int) -> tuple[bool, dict | None]:
    """Wait for the child's next frame until `deadline` (monotonic), polling its memory; (ready, failure)."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False, {"status": "timeout", "message": f"no answer within the {limit:g} s limit"}
        if select.select([fd], [], [], min(left, RSS_POLL_S))[0]:
            return True, None
        rss = tree_rss(pid)
        if rss > max_rss:
            return False, {"status": "died", "message": f"killed: resident memory {rss / 2**30:.1f} GB exceeds the "
                                                        f"{max_rss / 2**30:.1f} GB limit"}


def _spawn_child(defs: _Cases, package: str, private: list[int]) -> tuple[int, int, int]:
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setpgid(0, 0)
            for fd in (*private, to_child_w, from_child_r):
                os.close(fd)
            _child_loop(to_child_r, from_child_w, defs, package)
        finally:
            os._exit(0)
    os.close(to_child_r)
    os.close(from_child_w)
    return pid, to_child_w, from_child_r


def _describe_exit(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return f"killed by signal {signal.Signals(sig).name}" if sig in signal.Signals._value2member_map_ else \
            f"killed by signal {sig}"
    return f"exited with code {os.WEXITSTATUS(status)}"


def _become_subreaper() -> None:
    """Orphans of the child (a double fork, a setsid daemon) reparent to the zygote instead of init, so
    kill_tree(zygote) still finds them. Linux only; elsewhere a no-op."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def zygote(package: str, preload: list[str]) -> None:
    from shared.codec import decode, encode

    _become_subreaper()
    proto_in, proto_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # the student's prints go to the log, never into the protocol
    private = [proto_in, proto_out]
    try:
        for name in preload:  # imported once here, inherited by every child
            importlib.import_module(name)
        defs = _Cases(package)
    except BaseException as e:  # noqa: BLE001
        write_frame(proto_out, encode({"op": "boot_failed", "raised": _raised(e, package),
                                       "traceback": traceback.format_exc()[-4000:]}))
        return
    write_frame(proto_out, encode({"op": "ready", "pid": os.getpid()}))

    child: tuple[int, int, int] | None = None
    while True:
        frame = read_frame(proto_in)
        if frame is None:
            break
        header = decode(frame)
        limit = float(header.get("time_limit_s", 60.0))
        if child is None:
            child = _spawn_child(defs, package, private)
        pid, w, r = child
        try:
            write_frame(w, frame)
        except BrokenPipeError:
            pass
        max_rss = int(header.get("max_rss_bytes", DEFAULT_MAX_RSS))
        deadline = time.monotonic() + limit
        reply: bytes | None = None
        while True:
            ready, failure = _wait(r, pid, deadline, limit, max_rss)
            reply = None
            if not ready:
                break
            try:
                got = read_tagged_frame(r, int(header.get("max_output_bytes", MAX_FRAME)))
            except OverflowError as e:
                failure = {"status": "malformed", "message": str(e)}
                break
            if got is None or not got[0]:
                reply = None if got is None else got[1]
                break
            # a service request: up to the grader, its answer down to the child, then wait on
            write_frame(proto_out, got[1])
            answer = read_frame(proto_in)
            if answer is None:
                return
            try:
                write_frame(w, answer)
            except BrokenPipeError:
                pass
        if ready and failure is None:
            if reply is None:
                _, status = os.waitpid(pid, 0)
                failure = {"status": "died", "message": f"the process running the case {_describe_exit(status)}"}
                pid = -1
        if failure is not None:
            if pid > 0:
                kill_tree(pid)
                os.waitpid(pid, 0)
            os.close(w)
            os.close(r)
            child = None
            write_frame(proto_out, encode({"id": header["id"], **failure}))
        else:
            write_frame(proto_out, reply)


def boot() -> None:
    """Entry point: argv = [root, package, preload (comma-separated), tool dir, site_dir...]."""
    root, package, preload, _tool, *site_dirs = sys.argv[1:]
    sys.path.extend(site_dirs)
    sys.dont_write_bytecode = True
    zygote(package, [m for m in preload.split(",") if m])


# The tool dir is where grader/ and shared/ come from: the assembled tree itself when grading (so nothing else of
# the instructor's is importable), the instructor tree for student mode on a tree without its own copy.
BOOT = ("import sys; sys.path[:0] = list(dict.fromkeys([sys.argv[1], sys.argv[4]])); "
        "import grader.worker as w; w.boot()")
