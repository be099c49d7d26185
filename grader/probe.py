"""Before grading: what could student code reach of the instructor's, started exactly as the worker would be?

A tiny process gets the worker's isolation (the same uid drop or not, the same bwrap or container command line,
the same rlimits, the same scrubbed environment) and tries to read the reference (every file holding a solution
region, and the instructor-only paths: mutants, examples, instructor tests), the term's secrets and the frozen
hidden file, and asks the kernel whether it may write the instructor's tree. Whatever it can do, student code
could do. Then `grader grade` and `grader batch` refuse untrusted submissions unless `--no-isolation` says
every submission is trusted, and the report says "none" rather than a mode's name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader import sandbox
from grader.markers import BEGIN, BEGIN_ONLY
from grader.session import WorkerSession, scrubbed_env
from grader.tree import TOOL_ROOT, Assignment, Tree, secrets_dir

FLAG = "--no-isolation"

PROBE = r"""
import json, os, sys
reads, writes = json.loads(sys.argv[1])
def readable(p):
    try:
        with open(p, "rb") as f:
            f.read(1)
        return True
    except OSError:
        return False
print(json.dumps({"read": [p for p in reads if readable(p)],
                  "write": [d for d in writes if os.access(d, os.W_OK | os.X_OK)]}))
"""


class IsolationRefused(RuntimeError):
    pass


@dataclass(frozen=True)
class Exposure:
    label: str  # the isolation the worker gets, as the session names it
    read: tuple[str, ...] = ()  # instructor files the worker's uid could read
    write: tuple[str, ...] = ()  # instructor folders it could write
    failure: str = ""  # the probe did not answer: confinement is unproven
    own_user: bool = False  # degraded without a uid drop: the worker is the grader's own user

    @property
    def confined(self) -> bool:
        return not (self.read or self.write or self.failure)

    def findings(self) -> str:
        parts = []
        if self.failure:
            parts.append(f"not be probed ({self.failure}), so nothing is known to be out of reach")
        if self.read:
            parts.append(f"read {len(self.read)} of the instructor's files (reference, secrets or hidden "
                         f"expected values; e.g. {self.read[0]})")
        if self.write:
            parts.append(f"write the instructor's tree ({', '.join(self.write[:3])})")
        return " and ".join(parts)


def sensitive(tree: Tree, frozen: Path | None) -> tuple[list[str], list[str]]:
    """(files the worker must not read, folders it must not write) of this instructor tree."""
    reads: list[Path] = []
    for a in tree.assignments().values():
        reads += _reference(a)
    sec = secrets_dir()
    if sec.is_dir():
        reads += sorted(p for p in sec.iterdir() if p.is_file())
    if frozen is not None:
        reads.append(frozen)
    writes = [tree.root, tree.root / "grader", tree.root / "shared", TOOL_ROOT, sec]
    for a in tree.assignments().values():
        writes += [a.package_dir, a.package_dir / "tests", a.package_dir / "cases"]
    folders = [str(d) for d in dict.fromkeys(p.resolve() for p in writes) if d.is_dir()]
    return [str(p) for p in dict.fromkeys(reads)], folders


def _reference(a: Assignment) -> list[Path]:
    """Files of the package that hold solution regions, and the instructor-only ones; hidden/ is left out, since
    its case drivers enter the worker anyway (their expected values never do)."""
    hidden = f"{a.package}/hidden"
    out = []
    for path in sorted(a.package_dir.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(a.root).as_posix()
        if rel.startswith(hidden + "/"):
            continue
        if a.rubric.is_instructor_only(rel) or path.suffix == ".py" and _has_solution(path):
            out.append(path)
    return out


def _has_solution(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return BEGIN in text or BEGIN_ONLY in text


_CACHE: dict[tuple, Exposure] = {}


def probe(tree: Tree, isolation: sandbox.Isolation, job: int = 0, frozen: Path | None = None) -> Exposure:
    """What the worker of job `job` could reach; probed once per tree, isolation and uid in this process."""
    key = (tree.root, isolation, job, frozen, secrets_dir(), sandbox.degraded_uid_works(), os.geteuid())
    if key not in _CACHE:
        _CACHE[key] = _run(isolation, job, *sensitive(tree, frozen))
    return _CACHE[key]


def _run(isolation: sandbox.Isolation, job: int, reads: list[str], writes: list[str]) -> Exposure:
    """Start the probe the way WorkerSession.start starts the worker, and read what it found."""
    arg = json.dumps([reads, writes])
    with tempfile.TemporaryDirectory(prefix="lmfs-probe-") as tmp:
        tree, scratch = Path(tmp) / "tree", Path(tmp) / "scratch"
        tree.mkdir()
        scratch.mkdir()
        os.chmod(tmp, 0o711)
        session = WorkerSession(tree, "probe", isolation=isolation, job=job)  # its uid decision and label
        uid = sandbox.job_uid(job)
        own = isolation.mode == sandbox.DEGRADED and not session._drop_uid()
        if session._drop_uid():
            os.chown(scratch, uid, uid)
            os.chmod(scratch, 0o700)
        env: dict[str, str] | None = {**scrubbed_env(), "HOME": str(scratch), "TMPDIR": str(scratch)}
        cmd = [sys.executable, "-I", "-S", "-c", PROBE, arg]
        preexec = None
        name = ""
        if isolation.mode == sandbox.BWRAP:
            cmd = [*sandbox.bwrap_argv(tree, scratch, uid), *cmd]
            preexec = sandbox.limits_preexec(session.rlimits, None)
        elif isolation.mode == sandbox.CONTAINER:
            from grader import container

            name = container.new_name()
            cmd = container.run_argv(isolation, name, tree, ["python3", "-I", "-S", "-c", PROBE, arg], env or {},
                                     session.rlimits, session.max_rss_bytes, uid)
            env = None  # the runtime's client runs with the grader's environment; the container gets `env`
        else:
            preexec = sandbox.limits_preexec(session.rlimits, uid if session._drop_uid() else None)
        try:
            out = subprocess.run(cmd, cwd=scratch, env=env, preexec_fn=preexec, capture_output=True, text=True,
                                 timeout=300, start_new_session=True, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as e:
            return Exposure(session.isolation_label, own_user=own, failure=f"{type(e).__name__}: {e}")
        finally:
            if name:
                from grader import container

                container.remove(isolation, name)
    try:
        found = json.loads(out.stdout.strip().splitlines()[-1])
        return Exposure(session.isolation_label, tuple(found["read"]), tuple(found["write"]), own_user=own)
    except (ValueError, IndexError, KeyError, TypeError):
        return Exposure(session.isolation_label, own_user=own,
                        failure=f"exit {out.returncode}: {(out.stderr or out.stdout).strip()[-300:]}")


def admit(tree: Tree, isolation: sandbox.Isolation, job: int = 0, frozen: Path | None = None,
          no_isolation: bool = False) -> str:
    """The report's isolation line for grading under `isolation`, or IsolationRefused before any student code
    runs. With `no_isolation` (trusted submissions only) grading goes ahead and the line starts with "none"."""
    exposure = probe(tree, isolation, job, frozen)
    if exposure.confined:
        return f"{exposure.label}; probe: none of the instructor's files reachable"
    if no_isolation:
        return f"none: {exposure.label}; the worker could {exposure.findings()} ({FLAG})"
    raise IsolationRefused(refusal(exposure))


def refusal(exposure: Exposure) -> str:
    # with a uid drop, a tree other users cannot read is enough; as the grader's own user nothing is
    private = "" if exposure.own_user else (
        "; or make your tree, secrets and frozen file unreadable and unwritable by other users (a 0700 parent "
        "folder is enough)")
    return (f"refusing to grade an untrusted submission: started as the worker would be ({exposure.label}), a "
            f"probe could {exposure.findings()}, and student code would get the same access. Grade in a container "
            f"instead (`--container lmfs-grader`: Docker or Podman, one container per submission, no network, "
            f"your tree never mounted; README 'Isolation' shows how to build the image), or as root on Linux with "
            f"bubblewrap installed{private}; or pass {FLAG} if you trust every submission (your own examples and "
            f"tests), and the report will say 'none'.")
