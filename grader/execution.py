"""One way to run a case: the frame protocol, the status vocabulary, `Reply`, and `Executor.execute`.

Every run of a fixture, a group or a case goes through `Executor.execute(request)`: the worker's child (student
code, grading and student mode) and the instructor's in-process runs (the reference, mutants, `grader build`).
Both encode the reply with the data-only codec and read it back with `Reply.from_wire`, so an in-process reply
equals the worker's by construction; only the worker adds what a separate process can fail at (a timeout, a
crash, an output over the cap), and those statuses are the grader's, never the student's.

Frames on the worker's private pipes are `u64 length | codec message` (shared/codec.py: never pickle).
"""

from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from grader import aten_watch
from grader.timing import Timing
from shared.cases import Case, Fixture, Group, Impl, service
from shared.codec import CodecError, decode, encode

MAX_FRAME = 256 * 2**20
# A child's frame with this bit set in its length is a service request (shared/cases/service.py) for the grader,
# not the case's reply: the zygote relays it up and the grader's answer back down, then keeps waiting.
SERVICE_BIT = 1 << 63


class Run(StrEnum):
    """How running one request ended (a reply's status). The first three come from `execute`; the rest are
    reported by whoever watched the process: the worker's zygote or the grader's session."""

    OK = "ok"
    RAISED = "raised"
    FIXTURE_FAILED = "fixture_failed"  # the case's shared fixture did not build
    TIMEOUT = "timeout"
    DIED = "died"
    MALFORMED = "malformed"  # an output the codec refused, over the cap, or out of turn
    BOOT_FAILED = "boot_failed"
    STALE = "stale"  # not run: no stored inputs for this instance, or they were built from another definition


class Status(StrEnum):
    """The verdict of a case and of a unit: the one vocabulary of reports, tables and Gradescope."""

    PASSED = "passed"
    WRONG = "wrong"  # ran and returned a wrong answer (or, for a unit, some of its cases failed)
    NOT_IMPLEMENTED = "not_implemented"  # a stub still raises NotImplementedError
    ERROR = "error"  # raised, crashed, timed out, malformed output, or a stale case definition
    FORBIDDEN = "forbidden"  # a unit whose files use an API its rubric forbids: no points
    BLOCKED = "blocked"  # fails while a unit it depends on (or its shared fixture) fails
    UNTESTED = "untested"  # a unit none of whose cases ran (a run restricted to other units)


@dataclass
class Reply:
    status: str  # a Run value
    outputs: Any = None
    raised: dict | None = None
    message: str = ""
    seconds: float = 0.0
    watched: list[dict] = field(default_factory=list)  # forbidden aten ops the worker saw (aten_watch.py)
    # set only by the grader's own process for a timed case (grader/timing.py); never read from a reply frame
    timing: Timing | None = None

    @staticmethod
    def from_wire(d: Any, request_id: str | None = None) -> Reply:
        """A decoded reply frame, validated: anything unexpected is `malformed`, never trusted."""
        if not isinstance(d, dict) or (request_id is not None and d.get("id") != request_id):
            return Reply(Run.MALFORMED, message="the worker answered out of turn")
        try:
            status = Run(d.get("status"))
        except ValueError:
            return Reply(Run.MALFORMED, message=f"unknown status {d.get('status')!r}")
        raised = d.get("raised") if isinstance(d.get("raised"), dict) else None
        seconds = d.get("seconds", 0.0)
        watched = d.get("watched") if isinstance(d.get("watched"), list) else []
        return Reply(status, d.get("outputs"), raised, str(d.get("message", ""))[:2000],
                     float(seconds) if isinstance(seconds, (int, float)) else 0.0,
                     [{"op": str(w.get("op"))[:200], "where": str(w.get("where"))[:300]}
                      for w in watched[:aten_watch.MAX_HITS] if isinstance(w, dict)])


HARNESS_DIRS = ("cases", "hidden", "oracles", "tests", "mutants", "instructor_tests")


def describe_raised(e: BaseException, package: str) -> dict:
    """The exception's exact type and message, and where: the innermost frame in the student's own files first
    (`a1_basics/nn/rmsnorm.py:25 in RMSNorm.forward`), then the case driver that called it. A file that does not
    compile is named with its line (`file`, `line` let the student's summary report it once)."""
    marker = os.sep + package + os.sep
    student, driver = "", ""
    tb = e.__traceback__
    frames = []
    while tb is not None:
        frames.append((tb.tb_frame.f_code, tb.tb_lineno))
        tb = tb.tb_next
    for code, line in reversed(frames):
        if marker not in code.co_filename:
            continue
        rel = code.co_filename.split(marker, 1)[1].replace(os.sep, "/")
        text = f"{package}/{rel}:{line} in {getattr(code, 'co_qualname', code.co_name)}"
        if rel.split("/")[0] in HARNESS_DIRS:
            driver = driver or text
        elif not student:
            student = text
    where = f"{student} (called from {driver})" if student and driver else student or driver
    out = {"type": f"{type(e).__module__}.{type(e).__qualname__}", "message": str(e)[:2000], "where": where}
    if isinstance(e, SyntaxError) and e.filename:
        name = e.filename.replace(os.sep, "/")
        rel = package + "/" + name.split("/" + package + "/", 1)[1] if f"/{package}/" in name else name
        out.update(file=rel, line=e.lineno or 0, where=f"{rel}:{e.lineno}",
                   message=f"{rel} does not compile: line {e.lineno}: {e.msg}")
    return out


class Executor:
    """Runs requests against one implementation, caching each fixture it builds (one per process)."""

    def __init__(self, cases: dict[str, Case], fixtures: dict[str, Fixture], groups: dict[str, Group],
                 impl: Impl, package: str) -> None:
        self.cases, self.fixtures, self.groups = cases, fixtures, groups
        self.impl, self.package = impl, package
        self._built: dict[str, tuple[bool, Any]] = {}
        self._scope: aten_watch.Scope | None | bool = False  # read from the tree's rubric on first use
        self._hits: list[dict] = []  # the current request's forbidden-op hits

    def _watch(self, unit: str) -> Any:
        if self._scope is False:
            self._scope = aten_watch.Scope.of(self.package, self.impl)
        return aten_watch.watching(self._scope, unit, self._hits)

    def _fixture(self, name: str, inputs: dict) -> tuple[bool, Any]:
        if name not in self._built:
            try:
                with self._watch(self.fixtures[name].unit):
                    self._built[name] = (True, self.fixtures[name].build(self.impl, inputs))
            except BaseException as e:  # noqa: BLE001 - student code may raise anything, SystemExit included
                self._built[name] = (False, describe_raised(e, self.package))
        return self._built[name]

    def execute(self, req: dict, channel: service.Channel | None = None) -> dict:
        """Run one request (`kind` fixture | group | case) and return its reply as plain data (not yet encoded).
        `channel` answers the case's service requests."""
        reply: dict[str, Any] = {"id": req["id"]}
        self._hits = []
        start = time.perf_counter()
        try:
            with service.connected(channel):
                if req["kind"] == "fixture":
                    ok, obj = self._fixture(req["name"], req["inputs"])
                    if ok:
                        reply.update(status=Run.OK.value, outputs=self.fixtures[req["name"]].summarize(obj))
                    else:
                        reply.update(status=Run.RAISED.value, raised=obj)
                elif req["kind"] == "calibrate":  # trusted work only: the implementation is never touched
                    self.cases[req["name"]].timed.calibration()
                    reply.update(status=Run.OK.value, outputs=None)
                elif req["kind"] == "group":
                    group = self.groups[req["name"]]
                    outputs = group.run(self.impl, [m["inputs"] for m in req["members"]])
                    reply.update(status=Run.OK.value, outputs=list(outputs))
                else:
                    case = self.cases[req["name"]]
                    if case.fixture:
                        ok, obj = self._fixture(case.fixture, req["fixture_inputs"])
                        if ok:
                            with self._watch(case.unit):
                                reply.update(status=Run.OK.value, outputs=case.run(self.impl, req["inputs"], obj))
                        else:
                            reply.update(status=Run.FIXTURE_FAILED.value, raised=obj)
                    else:
                        with self._watch(case.unit):
                            reply.update(status=Run.OK.value, outputs=case.run(self.impl, req["inputs"]))
        except BaseException as e:  # noqa: BLE001 - SystemExit and KeyboardInterrupt from student code too
            reply = {"id": req["id"], "status": Run.RAISED.value, "raised": describe_raised(e, self.package)}
        reply["seconds"] = time.perf_counter() - start
        if self._hits:
            reply["watched"] = list(self._hits)
        return reply


def encode_reply(reply: dict) -> bytes:
    """The reply frame's payload; an output the codec refuses becomes a `malformed` reply."""
    try:
        return encode(reply)
    except CodecError as e:
        return encode({"id": reply["id"], "status": Run.MALFORMED.value, "message": f"output cannot be sent: {e}",
                       "seconds": reply.get("seconds", 0.0)})


def execute_here(executor: Executor, req: dict, channel: service.Channel | None = None) -> Reply:
    """The in-process twin of a worker round trip: the request and the reply both pass through the codec, as
    they would over the pipe. A KeyboardInterrupt here is the instructor's Ctrl-C, not a case's answer."""
    req = decode(encode(req))
    wire = executor.execute(req, channel)
    if isinstance(wire.get("raised"), dict) and wire["raised"].get("type") == "builtins.KeyboardInterrupt":
        raise KeyboardInterrupt
    return Reply.from_wire(decode(encode_reply(wire)), req["id"])


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
