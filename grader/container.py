"""Container mode: one Docker or Podman container per worker, for instructors without bubblewrap (macOS, Windows).

The image holds Python and the course's packages (README "Isolation" has the Dockerfile and the commands). A
container sees only the assembled tree, read-only at /lmfs/tree, and a tmpfs scratch that is its HOME, TMPDIR
and working directory; its root filesystem is read-only, it has no network, no capabilities and an
unprivileged uid, and its memory and process count are capped by the runtime's cgroup. The instructor's tree,
the secrets and other submissions are never mounted, so there is nothing of theirs to read or rewrite.

The container is named, so killing the worker also removes the container: killing the runtime's client alone
would leave it running.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path

from grader import sandbox

TREE = "/lmfs/tree"
SCRATCH = "/lmfs/scratch"
DEFAULT_IMAGE = "lmfs-grader"
RUNTIMES = ("docker", "podman")
BUILD_HINT = ("build the image once from the repository root: `docker build -t lmfs-grader -f grader/Dockerfile .` "
              "(or `podman build ...`), then grade with `--container lmfs-grader`")
# The worker's BOOT takes the site-packages folders as arguments (it runs with -I -S); these are the image's.
SITE_PROBE = ("import json, sysconfig; "
              "print(json.dumps(sorted({sysconfig.get_paths()[k] for k in ('purelib', 'platlib')})))")


class ContainerError(RuntimeError):
    pass


def find_runtime(name: str | None = None) -> str:
    """The runtime's executable: `name` when given, else docker, else podman."""
    for candidate in ([name] if name else RUNTIMES):
        found = shutil.which(candidate)
        if found:
            return found
    wanted = name or " or ".join(RUNTIMES)
    raise ContainerError(f"container mode needs {wanted} on PATH (Docker Desktop or Podman on macOS/Windows)")


def detect(image: str = DEFAULT_IMAGE, runtime: str | None = None) -> sandbox.Isolation:
    """Container isolation over `image`, after checking that the runtime runs it; the image's site-packages
    are read here, once, inside a container without network."""
    exe = find_runtime(runtime)
    argv = [exe, "run", "--rm", "--network", "none", *_ulimits(sandbox.Limits()), image, "python3", "-I", "-c",
            SITE_PROBE]
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ContainerError(f"{exe} could not start image {image}: {e}; {BUILD_HINT}") from None
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        raise ContainerError(f"{exe} cannot run image {image} ({out.stderr.strip()[-300:] or 'no output'}); "
                             f"{BUILD_HINT}")
    try:
        site = tuple(str(d) for d in json.loads(lines[-1]))
    except (ValueError, TypeError):
        raise ContainerError(f"image {image} did not report its site-packages (got {lines[-1][:200]!r}); "
                             f"it needs python3 on PATH; {BUILD_HINT}") from None
    return sandbox.Isolation(sandbox.CONTAINER, runtime=exe, image=image, site_dirs=site)


def _ulimits(limits: sandbox.Limits) -> list[str]:
    """The rlimits the other modes set, as the runtime's flags. Every one is given: a runtime's own defaults
    (a million open files) can exceed what a host allows, and then no container starts at all."""
    out = []
    for name, value in (("nofile", limits.open_files), ("nproc", limits.processes), ("cpu", limits.cpu_seconds),
                        ("fsize", limits.file_bytes)):
        out += ["--ulimit", f"{name}={value}:{value}"]
    return out


def new_name() -> str:
    return f"lmfs-worker-{os.getpid()}-{secrets.token_hex(4)}"


def boot_command(iso: sandbox.Isolation, boot: str, package: str, preload: tuple[str, ...]) -> list[str]:
    """The worker's command inside the container: the image's python over the mounted tree."""
    return ["python3", "-I", "-S", "-c", boot, TREE, package, ",".join(preload), TREE, *iso.site_dirs]


def run_argv(iso: sandbox.Isolation, name: str, tree: Path, inner: list[str], env: dict[str, str],
             limits: sandbox.Limits, memory_bytes: int, uid: int) -> list[str]:
    """`docker run` (or podman's, the same flags) for one worker. `env` is the scrubbed environment student code
    gets: the runtime's client runs with the grader's own, and only these variables enter the container."""
    scratch_mb = max(1, limits.file_bytes // 2**20) * 4
    # subtle: podman (4.3) keeps an image folder's mode on a tmpfs mounted over it, so the image must not hold
    # /lmfs (it never needs to: the runtime makes the mount points)
    argv = [iso.runtime, "run", "--rm", "--interactive", "--name", name,
            "--network", "none", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--user", f"{uid}:{uid}", "--pids-limit", str(limits.processes),
            "--memory", str(memory_bytes), "--memory-swap", str(memory_bytes),
            *_ulimits(limits),
            "--tmpfs", f"{SCRATCH}:rw,exec,mode=1777,size={scratch_mb}m",
            "--tmpfs", f"/tmp:rw,mode=1777,size={scratch_mb}m",
            "--mount", f"type=bind,source={tree},target={TREE},readonly",
            "--workdir", SCRATCH]
    inside = {**env, "HOME": SCRATCH, "TMPDIR": SCRATCH, "PATH": "/usr/local/bin:/usr/bin:/bin"}
    for key, value in sorted(inside.items()):
        argv += ["--env", f"{key}={value}"]
    return [*argv, iso.image, *inner]


def remove(iso: sandbox.Isolation, name: str) -> None:
    """Kill and remove the container (a no-op when it already exited and --rm removed it)."""
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run([iso.runtime, "rm", "--force", name], capture_output=True, timeout=60)
