"""Stored instances: the inputs every case instance runs on and its expected value, as data.

One format serves three files:
- the visible snapshot, `<package>/cases/snapshot.bin`: the published seeds' instances and the fixtures,
  committed and released, so a student's local verdict is the graded one and heavy oracles never run on a laptop;
- the hidden file, `<secrets>/<aid>.hidden.bin`: the term's hidden instances, never in git, never released;
- the Gradescope package's copy of the hidden file (readable by root only), so grading needs no seed secret.

Inputs are stored, never regenerated: numpy's exp/log/power round differently in the last bit on another CPU
(AVX-512, AVX2, NEON, baseline), so inputs generated again on a student's laptop would not be the instructor's.
Each entry records its case definition's fingerprint (grader/fingerprint.py: the generator's source, its
arguments, the seed), so an edited case shows up as stale, one case at a time, with the fix.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from shared.codec import Limits, decode, encode

VERSION = 2
Scope = Literal["visible", "hidden"]


class StoreError(RuntimeError):
    pass


@dataclass
class Stored:
    """One stored file: entries by instance id, each {name, kind, unit, inputs, expected, fingerprint}."""

    assignment: str
    scope: Scope
    entries: dict[str, dict]
    secret_id: str = ""  # hidden files: which term's secret drew these instances
    problem: str = ""  # why the file could not be read (then there are no entries): named in every case's failure
    python: str = ""  # the Python (major.minor) whose `inspect` wrote the fingerprints

    @property
    def fingerprints_comparable(self) -> bool:
        """Fingerprints hash source text as `inspect` extracts it, which another Python version may cut
        differently (a lambda's lines): they are compared only under the version that wrote them, so a student's
        or Gradescope's other Python never sees a false "stale". The instructor's `grader check` still does."""
        return self.python in ("", python_version())

    @staticmethod
    def empty(aid: str, scope: Scope) -> Stored:
        return Stored(aid, scope, {})


def python_version() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def secret_id(secret: str) -> str:
    """Names a secret without revealing it: enough to tell a rotated secret's file from the current one."""
    return hashlib.sha256(f"lmfs-secret-id\x00{secret}".encode()).hexdigest()[:16]


def save(path: Path, stored: Stored) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(encode({"version": VERSION, "assignment": stored.assignment, "scope": stored.scope,
                            "secret_id": stored.secret_id, "python": python_version(), "entries": stored.entries}))
    tmp.replace(path)  # a kill mid-write leaves the old file, never half of a new one


def load(path: Path, aid: str, scope: Scope) -> Stored:
    fix = f"run `python -m grader build -a {aid}`"
    if not path.exists():
        raise StoreError(f"no stored {scope} instances at {path}; {fix}")
    try:
        data = decode(path.read_bytes(), Limits(max_bytes=4 * 2**30))
    except Exception as e:  # noqa: BLE001 - a corrupt file is named, with the fix, whatever the codec says
        raise StoreError(f"{path} is not readable as stored instances ({e}); {fix}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise StoreError(f"{path} is a stored-instance file of another format (version "
                         f"{data.get('version') if isinstance(data, dict) else '?'}, this grader reads {VERSION}); "
                         f"{fix}")
    if data.get("assignment") != aid or data.get("scope") != scope:
        raise StoreError(f"{path} holds {data.get('scope')} instances of {data.get('assignment')}, not {scope} "
                         f"instances of {aid}")
    return Stored(aid, scope, dict(data["entries"]), str(data.get("secret_id", "")), python=str(data.get("python", "")))


def read(path: Path, aid: str, scope: Scope) -> Stored:
    """`load`, except that a missing or unreadable file is an empty store that says why."""
    try:
        return load(path, aid, scope)
    except StoreError as e:
        return Stored(aid, scope, {}, problem=str(e))


def entry(step: Any, expected: Any) -> dict:
    """The stored form of one planned step (grader/plan.py: Step) and its expected value."""
    inst = step.instance
    return {"name": inst.name, "kind": inst.kind, "unit": inst.unit, "inputs": step.inputs, "expected": expected,
            "fingerprint": step.fingerprint}
