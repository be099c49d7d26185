"""The grader's side of the worker protocol: start a worker over an assembled tree, send one case at a time,
receive its outputs as data, and survive whatever the worker does.

Used the same way by grading, `grader check` and student mode (`make test A=a1`), so a local verdict is the
graded one. The sandbox (P7) wraps the command line; this module only needs a process with two pipes.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import sandbox, timing
from grader.execution import MAX_FRAME, Reply, Run, write_frame
from grader.processes import cpu_below, descendants, host_pid, kill_tree, memory_message, tree_rss
from grader.worker import BOOT
from shared.codec import CodecError, Limits, decode, encode

# Extra seconds the grader waits beyond a case's limit before it kills the whole worker (the zygote enforces
# the limit itself; this catches a zygote that was killed or hung).
GRACE_S = 15.0
BOOT_TIMEOUT_S = 120.0
LOG_CAP = 64 * 1024
# How often the grader reads the worker tree's memory from host /proc while it waits for a reply.
RSS_POLL_S = 0.25


def _site_dirs() -> list[str]:
    dirs = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    return list(dict.fromkeys(d for d in dirs if os.path.isdir(d)))


def scrubbed_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A minimal environment: nothing of the instructor's (tokens, secrets dir, paths) reaches student code."""
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": tempfile.gettempdir(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        "MKL_NUM_THREADS": os.environ.get("MKL_NUM_THREADS", "1"),
        "MALLOC_ARENA_MAX": "2",
        "TORCHDYNAMO_DISABLE": "1",
        "WANDB_MODE": "disabled",
        "HF_HUB_OFFLINE": "1",
        "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0"),
    }
    # The CPU-dispatch switches pass through so a run under another numpy/torch kernel set (the suite's
    # portability test, a student reproducing a report) reaches the worker; LMFS_START_METHOD picks fork or spawn.
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TRITON_INTERPRET", "NPY_DISABLE_CPU_FEATURES",
                "ATEN_CPU_CAPABILITY", "LMFS_START_METHOD"):
        if key in os.environ:
            env[key] = os.environ[key]
    env.update(extra or {})
    return env


@dataclass
class WorkerSession:
    """One worker over `root` (an assembled tree or a release) for assignment package `package`."""

    root: Path
    package: str
    preload: tuple[str, ...] = ()
    tool_dir: Path | None = None  # where grader/ and shared/ are imported from; default: root
    isolation: sandbox.Isolation | None = None  # None: a plain subprocess as this user (student mode)
    job: int = 0  # parallel jobs get distinct unprivileged uids
    rlimits: sandbox.Limits = field(default_factory=sandbox.Limits)
    # resident memory of a case's processes, polled from outside the child (LMFS_MAX_RSS_GB overrides)
    max_output_bytes: int = 64 * 2**20
    max_rss_bytes: int = field(default_factory=lambda: int(float(os.environ.get("LMFS_MAX_RSS_GB", "6")) * 2**30))
    env: dict[str, str] = field(default_factory=scrubbed_env)
    limits: Limits = field(default_factory=lambda: Limits(max_bytes=MAX_FRAME))
    _proc: subprocess.Popen | None = None
    _log: Any = None
    _scratch: tempfile.TemporaryDirectory | None = None
    # the sandbox and the zygote as they were at boot, before any student code: left out of the memory poll
    _boot_pids: frozenset[int] = frozenset()
    # the zygote's pid on this machine (under bwrap its own getpid() is a namespace pid); 0 where it is not in the
    # tree (a container): timed cases then fall back to the grader's wall clock
    _zygote: int = 0
    _memory_kill: str = ""
    boot_error: str = ""
    _container: str = ""  # container mode: the running container's name, removed on kill

    @property
    def isolation_label(self) -> str:
        if self.isolation is None:
            return "none (subprocess worker)"
        if self.isolation.mode == sandbox.DEGRADED and not self._drop_uid():
            return self.isolation.label + "; running as the grader's own user"
        return self.isolation.label

    def _drop_uid(self) -> bool:
        return self.isolation is not None and os.geteuid() == 0 and (
            self.isolation.mode == sandbox.BWRAP or sandbox.degraded_uid_works())

    def start(self) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="lmfs-worker-")
        scratch = Path(self._scratch.name)
        env = {**self.env, "HOME": str(scratch), "TMPDIR": str(scratch)}
        # The log is opened here and handed over as stderr, so the worker never needs the file itself.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        cmd = [sys.executable, "-I", "-S", "-c", BOOT, str(self.root), self.package, ",".join(self.preload),
               str(self.tool_dir or self.root), *_site_dirs()]
        preexec = None
        if self.isolation is not None:
            uid = sandbox.job_uid(self.job)
            if self._drop_uid():
                os.chown(scratch, uid, uid)
                os.chmod(scratch, 0o700)
            if self.isolation.mode == sandbox.BWRAP:
                cmd = [*sandbox.bwrap_argv(self.root, scratch, uid, self._extra_ro()), *cmd]
                preexec = sandbox.limits_preexec(self.rlimits, None)
            elif self.isolation.mode == sandbox.CONTAINER:  # grader/container.py owns the command line
                from grader import container

                self._container = container.new_name()
                cmd = container.run_argv(self.isolation, self._container, self.root,
                                         container.boot_command(self.isolation, BOOT, self.package, self.preload),
                                         env, self.rlimits, self.max_rss_bytes, uid)
                env = None  # the runtime's client gets the grader's environment; the container only `env`
            else:
                preexec = sandbox.limits_preexec(self.rlimits, uid if self._drop_uid() else None)
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, cwd=scratch, env=env,
            start_new_session=True, preexec_fn=preexec,
        )
        self._boot_pids = frozenset()
        hello = self._receive(BOOT_TIMEOUT_S)
        self._boot_pids = frozenset({self._proc.pid, *descendants(self._proc.pid)})
        own = hello.get("pid") if isinstance(hello, dict) else None
        self._zygote = (host_pid(self._proc.pid, own) or 0) if isinstance(own, int) else 0
        if hello is None or not isinstance(hello, dict) or hello.get("op") != "ready":
            detail = ""
            if isinstance(hello, dict) and hello.get("op") == "boot_failed":
                r = hello.get("raised", {})
                detail = f"{r.get('type')}: {r.get('message')} {r.get('where', '')}".strip()
            self.boot_error = detail or f"the worker did not start; log tail:\n{self.log_tail()}"
            self._kill()

    def _extra_ro(self) -> tuple[Path, ...]:
        return (self.tool_dir,) if self.tool_dir and self.tool_dir != self.root else ()

    def run_timed(self, request: dict, time_limit_s: float, service: Callable[[Any], Any] | None = None) -> Reply:
        """A timed case (grader/timing.py): the calibration, the call in a fresh child that makes only this call,
        the calibration again, each in a fresh child of the zygote (the calibration's never import student code)
        and timed here from the kernel's accounting; the reply carries the figures. Under the machine-wide lock
        of timed cases."""
        with timing.exclusive():
            # subtle: the first calibration also clears what earlier cases left running, so the call is read
            # on an idle tree; a first reading disturbed by that only lowers the faster-of-two calibration
            runs = [self._calibrate(request, time_limit_s, 0)]
            reply, cpu = self._run_fresh(request, time_limit_s, service)
            if reply.status != Run.OK:
                return reply
            runs += [self._calibrate(request, time_limit_s, k) for k in range(1, timing.CALIBRATION_RUNS)]
        if any(isinstance(r, Reply) for r in runs):
            cal = next(r for r in runs if isinstance(r, Reply))
            return Reply(Run.DIED, message=f"the calibration workload did not run ({cal.status}: {cal.message}), "
                                           f"so the case could not be timed")
        reply.timing = timing.Timing(reply.seconds if cpu is None else cpu, min(runs), reply.seconds,
                                     "wall" if cpu is None else "CPU")
        return reply

    def _calibrate(self, request: dict, time_limit_s: float, k: int) -> float | Reply:
        """Seconds of one calibration run, measured as the call is; or its failed reply."""
        body = {"id": f"calibrate:{request['id']}:{k}", "kind": "calibrate", "name": request["name"], "inputs": {}}
        cal, cpu = self._run_fresh(body, time_limit_s, None)
        if cal.status != Run.OK:
            return cal
        return cal.seconds if cpu is None else cpu

    def _run_fresh(self, request: dict, time_limit_s: float, service: Callable[[Any], Any] | None
                   ) -> tuple[Reply, float | None]:
        """One request in a fresh child, and the CPU seconds of the processes below the zygote during it (None
        without /proc): the zygote kills and reaps every process below it before it replies, so the reading
        after the reply holds all of the child's time, and the zygote's own bookkeeping is not counted."""
        failed = self._ensure_started()
        if failed is not None:
            return failed, None
        zygote = self._zygote
        before = cpu_below(zygote) if zygote else None
        reply = self.run({**request, "fresh": True}, time_limit_s, service)
        after = cpu_below(zygote) if self._proc is not None and self._zygote == zygote else None
        return reply, None if before is None or after is None else after - before

    def _ensure_started(self) -> Reply | None:
        """Start (or restart, after a fatal failure) the worker; the failure to report, if it cannot start."""
        if self.boot_error:  # boot runs no student code, so a failed boot is final for this session
            return Reply(Run.BOOT_FAILED, message=self.boot_error)
        if self._proc is None or self._proc.poll() is not None:
            self._kill()
            self.start()
            if self.boot_error:
                return Reply(Run.BOOT_FAILED, message=self.boot_error)
        return None

    def run(self, request: dict, time_limit_s: float, service: Callable[[Any], Any] | None = None) -> Reply:
        """Send one request and wait for its reply; restart the worker after a fatal failure. `service` answers
        the case's service requests (shared/cases/service.py) here, in the grader's process, while it runs."""
        failed = self._ensure_started()
        if failed is not None:
            return failed
        request = {**request, "time_limit_s": time_limit_s, "max_rss_bytes": self.max_rss_bytes,
                   "max_output_bytes": self.max_output_bytes}
        self._memory_kill = ""
        start = time.perf_counter()
        try:
            write_frame(self._proc.stdin.fileno(), encode(request))
        except (BrokenPipeError, OSError):
            self._kill()
            return Reply(Run.DIED, message="the worker exited before the case could be sent")
        deadline = time.monotonic() + time_limit_s + GRACE_S
        while True:
            reply = self._receive(max(0.0, deadline - time.monotonic()))
            if not (isinstance(reply, dict) and reply.get("op") == "service"):
                break
            try:
                self._answer(reply.get("request"), service)
            except (BrokenPipeError, OSError):
                break
        elapsed = time.perf_counter() - start
        if reply is None and self._memory_kill:
            self._kill()
            return Reply(Run.DIED, seconds=elapsed, message=self._memory_kill)
        if reply is None:
            alive = self._proc is not None and self._proc.poll() is None
            self._kill()
            return Reply(Run.TIMEOUT if alive else Run.DIED, seconds=elapsed,
                         message=f"no answer within {time_limit_s:g} s" if alive else "the worker exited")
        got = Reply.from_wire(reply, request["id"])
        if got.status == Run.MALFORMED and "out of turn" in got.message:
            self._kill()
        got.seconds = elapsed  # measured here: the worker's own clock is the student's to forge
        return got

    def _answer(self, request: Any, service: Callable[[Any], Any] | None) -> None:
        """One service request from the running case: the handler's reply, or the reason it was refused."""
        from shared.cases.service import ServiceError

        if service is None:
            answer: dict[str, Any] = {"error": "this case has no service"}
        else:
            try:
                answer = {"reply": service(request)}
            except ServiceError as e:
                answer = {"error": str(e)[:2000]}
        try:
            payload = encode(answer)
        except CodecError as e:
            payload = encode({"error": f"the service's reply cannot be sent: {e}"})
        write_frame(self._proc.stdin.fileno(), payload)

    def _receive(self, timeout: float) -> Any:
        """One frame from the worker, or None on EOF, timeout, garbage or a memory kill (`_memory_kill` says)."""
        fd = self._proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        buf = b""
        need = 8
        length = None
        while len(buf) < need:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if not select.select([fd], [], [], min(left, RSS_POLL_S))[0]:
                if self._over_memory():
                    return None
                continue
            chunk = os.read(fd, min(need - len(buf), 1 << 20))
            if not chunk:
                return None
            buf += chunk
            if length is None and len(buf) >= 8:
                length = int.from_bytes(buf[:8], "little")
                if length > self.limits.max_bytes:
                    return None
                need = 8 + length
        try:
            return decode(buf[8:], self.limits)
        except CodecError:
            return None

    def _over_memory(self) -> bool:
        """The memory limit, enforced from here as well as by the zygote: student code runs with the zygote's
        uid and can stop it (SIGSTOP), which ends the zygote's own polling but not this one. Counts every process
        of the worker's tree except those that were there at boot, as the zygote counts the child's tree."""
        if not self._boot_pids or self._proc is None:
            return False
        rss = tree_rss(self._proc.pid, exclude=self._boot_pids)
        if rss <= self.max_rss_bytes:
            return False
        self._memory_kill = memory_message(rss, self.max_rss_bytes)
        return True

    def log_size(self) -> int:
        if self._log is None:
            return 0
        self._log.flush()
        return self._log.seek(0, os.SEEK_END)

    def log_since(self, offset: int, cap: int = 4000) -> str:
        """What the worker wrote to its log since `offset` (the student's prints during one case), capped."""
        if self._log is None:
            return ""
        size = self.log_size()
        self._log.seek(offset)
        text = self._log.read(min(cap, max(0, size - offset))).decode(errors="replace")
        return text + (f"\n... ({size - offset - cap} more bytes)" if size - offset > cap else "")

    def log_tail(self, cap: int = LOG_CAP) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        size = self._log.seek(0, os.SEEK_END)
        self._log.seek(max(0, size - cap))
        return self._log.read(cap).decode(errors="replace")

    def _kill(self) -> None:
        if self._container:  # killing the runtime's client alone would leave the container running
            from grader import container

            container.remove(self.isolation, self._container)
            self._container = ""
        if self._proc is not None:
            if self._proc.poll() is None:
                kill_tree(self._proc.pid)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=10)
            for pipe in (self._proc.stdin, self._proc.stdout):
                with contextlib.suppress(OSError):
                    pipe.close()
            self._proc = None

    def close(self) -> None:
        self._kill()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self) -> WorkerSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
