"""Isolation for the untrusted stage: the command line and process settings that wrap a worker.

Two levels, chosen once per machine and named in every report:

- `bwrap`: bubblewrap (Debian package `bubblewrap`) as root, without a user namespace, so the final uid is a
  real unprivileged one: new PID, network, IPC and UTS namespaces (loopback stays up, so gloo works); a fresh
  root holding only read-only binds of the system directories, the interpreter, site-packages and the assembled
  tree, plus a writable scratch dir that is HOME and TMPDIR; the instructor tree and every other submission are
  simply absent; `--die-with-parent`. Inside, `setpriv` drops to the job's uid with no capabilities. Killing
  bwrap kills the whole PID namespace, so nothing a submission starts can outlive it.
- `degraded`, where bwrap cannot run (Docker's default seccomp, as on Gradescope; AppArmor's user-namespace
  restriction on recent Ubuntu): a plain subprocess that still drops to the unprivileged uid when the grader
  is root and the interpreter is reachable by that uid. Student code can then read what that uid can read, which
  is why no reference code or hidden expected value is ever shipped to a grading machine. Without a uid drop
  (not root, as on an instructor's laptop) this is no isolation at all: grader/probe.py finds that out before
  grading and refuses untrusted submissions unless `--no-isolation` says so.
- `container` (grader/container.py): one Docker or Podman container per submission, for macOS and Windows.

Both add rlimits (address space, CPU seconds, processes per uid, file size, open files) and a scrubbed
environment; the grader also caps what it reads back and kills every descendant on timeout.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BWRAP, DEGRADED, CONTAINER = "bwrap", "degraded", "container"
SYSTEM_DIRS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin")
# /etc holds the dynamic loader cache and locale data; only these files are bound, never shadow or keys.
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/nsswitch.conf", "/etc/passwd",
             "/etc/group", "/etc/hosts", "/etc/mime.types")
BASE_UID = 61000  # job k runs as uid BASE_UID + k: RLIMIT_NPROC counts threads per uid, so jobs must not share one


@dataclass(frozen=True)
class Limits:
    address_space_bytes: int = 16 * 2**30  # >= 8 GB: torch reserves virtual memory freely (MALLOC_ARENA_MAX=2 helps)
    cpu_seconds: int = 3600  # for the whole worker; each case also has its wall-clock limit
    processes: int = 512  # threads count too (torch's pools, gloo)
    file_bytes: int = 256 * 2**20
    open_files: int = 1024


@dataclass(frozen=True)
class Isolation:
    mode: str  # BWRAP, DEGRADED or CONTAINER
    reason: str = ""  # why degraded
    runtime: str = ""  # CONTAINER: the docker or podman executable
    image: str = ""  # CONTAINER: the image that holds Python and the course's packages
    site_dirs: tuple[str, ...] = ()  # CONTAINER: the image's site-packages, as the worker's BOOT takes them

    @property
    def label(self) -> str:
        if self.mode == BWRAP:
            return "bwrap sandbox (no network, own PID namespace, unprivileged uid)"
        if self.mode == CONTAINER:
            return (f"container: {Path(self.runtime).name} image {self.image} (no network, instructor tree absent, "
                    f"unprivileged uid)")
        return f"degraded: plain subprocess ({self.reason})"


def _interpreter_dirs() -> list[str]:
    """Folders the interpreter needs: its installation and the environment's site-packages."""
    paths = {sys.base_prefix, sys.prefix, *(sysconfig.get_paths()[k] for k in ("purelib", "platlib", "stdlib"))}
    real = {str(Path(p).resolve()) for p in paths} | {str(Path(sys.executable).resolve().parent.parent)}
    dirs = sorted(p for p in paths | real if os.path.isdir(p))
    return [d for d in dirs if not any(d != o and d.startswith(o.rstrip("/") + "/") for o in dirs)]


def _ancestors(path: str) -> list[str]:
    parts = Path(path).parts
    return [str(Path(*parts[:i])) for i in range(2, len(parts))]


def bwrap_argv(tree: Path, scratch: Path, uid: int, extra_ro: tuple[Path, ...] = ()) -> list[str]:
    argv = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for d in SYSTEM_DIRS:
        if os.path.isdir(d):
            argv += ["--ro-bind", d, d] if not os.path.islink(d) else ["--symlink", os.readlink(d), d]
    for f in ETC_FILES:
        if os.path.exists(f):
            argv += ["--ro-bind", f, f]
    made: set[str] = {"/tmp"}
    binds = [(p, "--ro-bind") for p in [*_interpreter_dirs(), str(tree), *map(str, extra_ro)]]
    binds.append((str(scratch), "--bind"))
    for path, how in binds:
        # subtle: bwrap creates missing parents 0700, which the unprivileged uid cannot cross
        for parent in _ancestors(path):
            if parent not in made:
                argv += ["--perms", "0755", "--dir", parent]
                made.add(parent)
        argv += [how, path, path]
    argv += ["--setenv", "HOME", str(scratch), "--setenv", "TMPDIR", str(scratch), "--chdir", str(scratch)]
    argv += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
             "--bounding-set=-all", "--"]
    return argv


def limits_preexec(limits: Limits, uid: int | None) -> Callable[[], None]:
    """Runs in the child between fork and exec: rlimits (inherited through bwrap and setpriv), then, in degraded
    mode as root, the switch to the unprivileged uid."""

    def apply() -> None:
        for res, value in ((resource.RLIMIT_AS, limits.address_space_bytes),
                           (resource.RLIMIT_CPU, limits.cpu_seconds),
                           (resource.RLIMIT_NPROC, limits.processes),
                           (resource.RLIMIT_FSIZE, limits.file_bytes),
                           (resource.RLIMIT_NOFILE, limits.open_files)):
            soft, hard = resource.getrlimit(res)
            cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(res, (cap, cap))
        if uid is not None:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)

    return apply


@functools.cache
def detect() -> Isolation:
    """bwrap if it runs here (probed once), else degraded with the reason. LMFS_ISOLATION=degraded forces the
    fallback (the suite tests both)."""
    if os.environ.get("LMFS_ISOLATION") == DEGRADED:
        return Isolation(DEGRADED, "forced by LMFS_ISOLATION")
    if os.geteuid() != 0:
        return Isolation(DEGRADED, "the grader is not root, so bwrap cannot switch to an unprivileged uid")
    if not shutil.which("bwrap") or not shutil.which("setpriv"):
        return Isolation(DEGRADED, "bubblewrap is not installed (Debian: apt-get install bubblewrap)")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        os.chown(scratch, BASE_UID, BASE_UID)
        argv = [*bwrap_argv(scratch, scratch, BASE_UID), sys.executable, "-c", "import os; print(os.getuid())"]
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            return Isolation(DEGRADED, f"bwrap failed to start: {e}")
    if out.returncode != 0 or out.stdout.strip() != str(BASE_UID):
        return Isolation(DEGRADED, f"bwrap cannot create namespaces here: {out.stderr.strip()[:200]}")
    return Isolation(BWRAP)


def degraded_uid_works() -> bool:
    """Whether the unprivileged uid can run this interpreter (not when it lives under /root, mode 0700).
    LMFS_DEGRADED_UID=off withholds the drop: how the suite plays an instructor's laptop while running as root."""
    if os.environ.get("LMFS_DEGRADED_UID") == "off":
        return False
    return _uid_can_run_interpreter()


@functools.cache
def _uid_can_run_interpreter() -> bool:
    if os.geteuid() != 0:
        return False
    try:
        out = subprocess.run([sys.executable, "-c", "pass"], preexec_fn=limits_preexec(Limits(), BASE_UID),
                             capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0


def job_uid(job: int = 0) -> int:
    return BASE_UID + job
